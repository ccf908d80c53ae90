/**
 * The layout's import rules: no import cycle between the folders of src/
 * (src/data → src/model → src/train → src/sample, with the rest beside
 * them), and none between files. Every kind of import counts — static (type
 * imports and re-exports included), dynamic import(), and a worker entry
 * started through workerUrl('./x.js', import.meta.url) or new URL(…) — as
 * any of them ties the two modules' designs together. Imports are read with
 * the TypeScript parser, so comments and strings never count.
 * And the cell type is chosen in one place: no string literal outside
 * src/model/cells names a cell (but the measured grid of
 * src/train/budget/grid.ts, which lists the models it measured).
 */
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { CELL_TYPES } from '../src/model/cells/descriptors.js';

const root = path.resolve(__dirname, '..');
const SRC = path.join(root, 'src');

/** Folder edges ('from -> to') that still close a cycle and are being removed; to be emptied, never added to. */
const KNOWN_FOLDER_EDGES: readonly string[] = [];

/** An import of one src/ file by another: both relative to the repository root. */
interface Edge {
  from: string;
  to: string;
  kind: 'static' | 'dynamic' | 'worker';
}

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return /\.tsx?$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [full] : [];
  });
}

/** The module specifiers a file imports, and how. */
function specifiers(file: string): { specifier: string; kind: Edge['kind'] }[] {
  const source = ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, false, file.endsWith('x') ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
  const found: { specifier: string; kind: Edge['kind'] }[] = [];
  const isImportMetaUrl = (node: ts.Node | undefined): boolean =>
    node !== undefined && ts.isPropertyAccessExpression(node) && ts.isMetaProperty(node.expression) && node.expression.keywordToken === ts.SyntaxKind.ImportKeyword && node.name.text === 'url';
  const visit = (node: ts.Node): void => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      found.push({ specifier: node.moduleSpecifier.text, kind: 'static' });
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const [argument] = node.arguments;
      if (argument && ts.isStringLiteralLike(argument)) found.push({ specifier: argument.text, kind: 'dynamic' });
    } else if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === 'workerUrl') {
      const [argument] = node.arguments;
      if (argument && ts.isStringLiteralLike(argument)) found.push({ specifier: argument.text, kind: 'worker' });
    } else if (ts.isNewExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === 'URL') {
      const [argument, base] = node.arguments ?? [];
      if (argument && ts.isStringLiteralLike(argument) && isImportMetaUrl(base)) found.push({ specifier: argument.text, kind: 'worker' });
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
      // import('./x.js').T in a type position
      found.push({ specifier: node.argument.literal.text, kind: 'static' });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** The src/ file a relative specifier names ('./x.js' is x.ts or x.tsx, as tsc resolves it); null for packages. */
function resolve(from: string, specifier: string): string | null {
  if (!specifier.startsWith('.')) return null;
  const base = path.resolve(path.dirname(from), specifier).replace(/\.js$/, '');
  for (const candidate of [`${base}.ts`, `${base}.tsx`, path.join(base, 'index.ts')]) if (fs.existsSync(candidate)) return candidate;
  throw new Error(`${path.relative(root, from)}: cannot resolve ${specifier}`);
}

function importEdges(): Edge[] {
  return sourceFiles(SRC).flatMap((file) =>
    specifiers(file).flatMap(({ specifier, kind }) => {
      const target = resolve(file, specifier);
      return target === null ? [] : [{ from: path.relative(root, file), to: path.relative(root, target), kind }];
    }),
  );
}

/** src/<folder>/…: the folder; a file directly in src/ is in 'src'. */
function folderOf(file: string): string {
  const parts = path.relative('src', file).split(path.sep);
  return parts.length > 1 ? parts[0]! : 'src';
}

/** The strongly connected groups of more than one node (Tarjan), each sorted; every cycle lies within one. */
function cycleGroups(graph: Map<string, Set<string>>): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const groups: string[][] = [];
  const connect = (v: string): void => {
    index.set(v, counter);
    low.set(v, counter++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        connect(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const group: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        group.push(w);
      } while (w !== v);
      if (group.length > 1 || graph.get(v)?.has(v)) groups.push(group.sort());
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) connect(v);
  return groups;
}

function graphOf(edges: { from: string; to: string }[]): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>();
  for (const { from, to } of edges) {
    if (!graph.has(from)) graph.set(from, new Set());
    graph.get(from)!.add(to);
  }
  return graph;
}

/** Each edge inside a cycle group, with the file imports that make it: one line each, for the failure message. */
function describeGroups(groups: string[][], edges: Edge[], key: (e: Edge) => [string, string]): string[] {
  const lines: string[] = [];
  for (const group of groups) {
    const inside = edges.filter((e) => {
      const [a, b] = key(e);
      return group.includes(a) && group.includes(b);
    });
    const byPair = new Map<string, Edge[]>();
    for (const e of inside) {
      const pair = key(e).join(' -> ');
      byPair.set(pair, [...(byPair.get(pair) ?? []), e]);
    }
    for (const [pair, list] of [...byPair].sort()) {
      lines.push(`${pair}: ${list.map((e) => `${e.from} → ${e.to}${e.kind === 'static' ? '' : ` (${e.kind})`}`).join('; ')}`);
    }
  }
  return lines;
}

const edges = importEdges();

describe('architecture', () => {
  it('reads every kind of import: static, type-only, dynamic and worker entries', () => {
    const has = (from: string, to: string, kind: Edge['kind']): boolean => edges.some((e) => e.from === from && e.to === to && e.kind === kind);
    // The command factories import their runs lazily; the parents start their workers' entries by URL.
    expect(has('src/cli/generate-command.ts', 'src/cli/generate-run.ts', 'dynamic')).toBe(true);
    expect(has('src/train/worker-session.ts', 'src/train/worker.ts', 'worker')).toBe(true);
    expect(has('src/eval/evaluate-text.ts', 'src/eval/eval-worker.ts', 'worker')).toBe(true);
    expect(has('src/cli/main.ts', 'src/cli/generate-command.ts', 'static')).toBe(true);
    // import type { EvalProtocol } from './eval-worker.js'
    expect(has('src/eval/evaluate-text.ts', 'src/eval/eval-worker.ts', 'static')).toBe(true);
    expect(edges.length).toBeGreaterThan(300);
  });

  it('finds a cycle when there is one', () => {
    const groups = cycleGroups(graphOf([{ from: 'a', to: 'b' }, { from: 'b', to: 'c' }, { from: 'c', to: 'a' }, { from: 'c', to: 'd' }, { from: 'e', to: 'e' }]));
    expect(groups).toEqual([['a', 'b', 'c'], ['e']]);
    expect(cycleGroups(graphOf([{ from: 'a', to: 'b' }, { from: 'a', to: 'c' }, { from: 'b', to: 'c' }]))).toEqual([]);
  });

  it('has no import cycle between the folders of src/', () => {
    const folderEdges = edges.filter((e) => folderOf(e.from) !== folderOf(e.to) && !KNOWN_FOLDER_EDGES.includes(`${folderOf(e.from)} -> ${folderOf(e.to)}`));
    const groups = cycleGroups(graphOf(folderEdges.map((e) => ({ from: folderOf(e.from), to: folderOf(e.to) }))));
    expect(describeGroups(groups, folderEdges, (e) => [folderOf(e.from), folderOf(e.to)]), 'folder cycles (each edge with the imports that make it)').toEqual([]);
  });

  it('names a cell only in src/model/cells: everything else asks its descriptor', () => {
    const named: string[] = [];
    const cells = path.join(SRC, 'model', 'cells') + path.sep;
    // Measurements name the models they measured: the grid of budget-aware defaults is data, not a choice of code path.
    const measured = [path.join(SRC, 'train', 'budget', 'grid.ts')];
    for (const file of sourceFiles(SRC).filter((f) => !f.startsWith(cells) && !measured.includes(f))) {
      const source = ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true, file.endsWith('x') ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
      const visit = (node: ts.Node): void => {
        if ((ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) && (CELL_TYPES as readonly string[]).includes(node.text)) {
          named.push(`${path.relative(root, file)}:${source.getLineAndCharacterOfPosition(node.getStart()).line + 1} '${node.text}'`);
        }
        ts.forEachChild(node, visit);
      };
      visit(source);
    }
    expect(named, "string literals naming a cell outside src/model/cells").toEqual([]);
  });

  it('has no import cycle between files', () => {
    const groups = cycleGroups(graphOf(edges));
    expect(describeGroups(groups, edges, (e) => [e.from, e.to]), 'file cycles (each edge with its import)').toEqual([]);
  });
});
