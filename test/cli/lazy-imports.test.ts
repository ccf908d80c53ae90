/**
 * Parsing arguments, --help and usage errors must not load TF.js or Ink:
 * they cost ~1 s of start-up. Walks the static import graph of the CLI
 * entry point (type-only imports and import() excluded) and checks that no
 * module on it imports TF.js, Ink or React. The commands that only read a
 * checkpoint and run it on the ort engine do not load TF.js either (~0.4 s
 * of every `charnn generate` in a shell loop): the tfjs engine and the
 * checkpoint writer load it when they are used.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const HEAVY = /^(@tensorflow\/|ink$|ink\/|react$|react\/)/;
const root = path.resolve(__dirname, '../..');

function staticImports(file: string): string[] {
  const source = fs.readFileSync(file, 'utf8');
  const specifiers: string[] = [];
  for (const m of source.matchAll(/^(?:import|export)\s+(?!type\b)[^;]*?from\s+'([^']+)';/gms)) specifiers.push(m[1]!);
  for (const m of source.matchAll(/^import\s+'([^']+)';/gm)) specifiers.push(m[1]!);
  return specifiers;
}

function resolveLocal(from: string, specifier: string): string {
  const base = path.resolve(path.dirname(from), specifier).replace(/\.js$/, '');
  for (const candidate of [`${base}.ts`, `${base}.tsx`]) if (fs.existsSync(candidate)) return candidate;
  throw new Error(`cannot resolve ${specifier} from ${from}`);
}

/** Every module reachable from `entry` by static imports, and the packages each imports. */
function graph(entry: string): Map<string, string[]> {
  const seen = new Map<string, string[]>();
  const queue = [entry];
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (seen.has(file)) continue;
    const packages: string[] = [];
    for (const specifier of staticImports(file)) {
      if (specifier.startsWith('.')) queue.push(resolveLocal(file, specifier));
      else packages.push(specifier);
    }
    seen.set(file, packages);
  }
  return seen;
}

describe('CLI start-up', () => {
  it('reaches neither TF.js nor Ink before a command runs', () => {
    const modules = graph(path.join(root, 'src/cli/main.ts'));
    expect(modules.size).toBeGreaterThan(10); // the command definitions are on it
    const heavy = [...modules].flatMap(([file, packages]) => packages.filter((p) => HEAVY.test(p)).map((p) => `${path.relative(root, file)} → ${p}`));
    expect(heavy).toEqual([]);
  });

  it.each(['generate-run', 'eval-run', 'sample-run', 'info-command', 'runs-run', 'train-run'])('%s reaches no TF.js statically', (name) => {
    const modules = graph(path.join(root, `src/cli/${name}.ts`));
    const tfjs = [...modules].flatMap(([file, packages]) => packages.filter((p) => p.startsWith('@tensorflow/')).map((p) => `${path.relative(root, file)} → ${p}`));
    expect(tfjs).toEqual([]);
  });

  it('generate-run reaches no string-width statically: only --novelty loads it (~30 ms)', () => {
    const modules = graph(path.join(root, 'src/cli/generate-run.ts'));
    const found = [...modules].flatMap(([file, packages]) => packages.filter((p) => p === 'string-width').map((p) => `${path.relative(root, file)} → ${p}`));
    expect(found).toEqual([]);
    expect(graph(path.join(root, 'src/cli/generate-novelty.ts')).get(path.join(root, 'src/util/text.ts'))).toContain('string-width');
  });

  it('finds a heavy import when there is one (the walker works)', () => {
    const modules = graph(path.join(root, 'src/cli/neurons-run.ts'));
    const packages = new Set([...modules.values()].flat());
    expect(packages.has('@tensorflow/tfjs-core')).toBe(true);
  });
});
