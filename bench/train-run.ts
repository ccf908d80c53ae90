/**
 * One `charnn train --json` run of a bench script, its events read as they
 * come and kept in <out>/<name>.jsonl, summed up as the figures the quality
 * and recipe tables print. The run directory stays in <out>/<name>.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const BIN = path.join(root, 'bin', 'charnn.js');
export const SHAKESPEARE = path.join(root, 'corpora', 'tinyshakespeare.txt');

/**
 * Tiny Shakespeare's first `chars` characters, written once to <out> (a
 * short text for the bench scripts' --text-chars); the whole corpus for 0.
 * @returns its path, or an error message when the corpus is shorter.
 */
export function shakespearePrefix(out: string, chars: number): { file: string } | { problem: string } {
  if (chars === 0) return { file: SHAKESPEARE };
  const file = path.join(out, `tinyshakespeare-${chars}.txt`);
  if (fs.existsSync(file)) return { file };
  const whole = [...fs.readFileSync(SHAKESPEARE, 'utf8')];
  if (chars > whole.length) return { problem: `--text-chars ${chars}: Tiny Shakespeare has ${whole.length} characters` };
  fs.writeFileSync(file, whole.slice(0, chars).join(''));
  return { file };
}

export interface RunResult {
  /** e.g. "GRU 2×256, dropout 0.1". */
  model: string;
  /** Why the model was chosen (the run's own note), when it chose one. */
  why: string;
  steps: number;
  /** Characters trained on (steps × batch × seq-len). */
  chars: number;
  evals: number;
  /** Best validation loss (nats per character) of the evaluations on the whole validation split (not the quick looks at a few batches). */
  best: number;
  /** Minutes from the start to the first evaluation. */
  firstEvalMin: number | null;
}

/** Trains a text (Tiny Shakespeare unless given) for `minutes` with `flags` (besides --max-time, --json and --out). */
export async function trainFor(out: string, name: string, minutes: number, flags: readonly string[], corpus = SHAKESPEARE): Promise<RunResult> {
  const events = fs.createWriteStream(path.join(out, `${name}.jsonl`));
  const child = spawn(process.execPath, ['--no-concurrent-recompilation', BIN, 'train', corpus, '--max-time', `${minutes}m`, '--json', '--out', path.join(out, name), ...flags],
    { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-2000)));
  const r: RunResult = { model: '', why: '', steps: 0, chars: 0, evals: 0, best: Infinity, firstEvalMin: null };
  let elapsedMs = 0;
  let charsPerStep = 0;
  for await (const line of readline.createInterface({ input: child.stdout })) {
    events.write(`${line}\n`);
    if (!line.startsWith('{')) continue;
    const e = JSON.parse(line) as Record<string, any>;
    if (e.type === 'start') {
      r.model = `${String(e.info.cell).toUpperCase()} ${e.info.layers}×${e.info.hidden}, dropout ${e.info.dropout}${e.info.weightDrop > 0 ? `, weight drop ${e.info.weightDrop}` : ''}`;
      charsPerStep = Number(e.info.batchSize) * Number(e.info.seqLen);
      const chosen = (e.info.notes as string[]).find((note) => note.startsWith('model: '));
      if (chosen) r.why = chosen.replace(/^model: [^—]*— /, '').replace(/ \((chars\/s|speeds) measured.*$/, '');
    }
    if (e.type === 'step') {
      r.steps = e.step;
      r.chars = e.step * charsPerStep;
      elapsedMs = e.elapsedMs;
    }
    if (e.type === 'eval') {
      r.evals++;
      if (!e.quick) r.best = Math.min(r.best, e.valLoss);
      r.firstEvalMin ??= elapsedMs / 60_000;
    }
  }
  events.end();
  const code = await new Promise<number | null>((resolve) => (child.exitCode !== null ? resolve(child.exitCode) : child.on('close', resolve)));
  if (code !== 0) throw new Error(`${name} exited ${code}: ${stderr}`);
  return r;
}
