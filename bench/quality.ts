/**
 * `npm run quality`: what the defaults reach in the minutes a user gives
 * them. Trains on Tiny Shakespeare with `--max-time` 3, 5, 10 and 20 minutes
 * (and 60 with --long), each run with the defaults only (so the model is
 * chosen for its budget: src/train/budget/), and prints per budget the model
 * chosen, why, the steps and evaluations it made and its best validation
 * loss, against issue 20's targets. Above the table: the CPU, its load, and
 * how fast it trains a 1×256 LSTM (the figure that tells machines apart).
 *
 *   npm run quality -- [--budgets 3,5,10,20] [--long] [--busy] [--fixed gru-2x256,lstm-2x384] [--text-chars N] [--out dir]
 *
 * --busy runs two CPU-bound processes beside every run (a busy laptop).
 * --fixed also trains each named grid candidate at every budget with its size
 * given by flags, for the "within 0.03 nats of the best fixed size" target
 * (a name with :dropout, e.g. gru-2x256:0.3, where the grid has that size
 * twice; `default` is the fixed default model, LSTM 2×512, dropout 0.25).
 * --text-chars trains on the first N characters of Tiny Shakespeare instead
 * (written to <out>): the choice for a short text, from the candidates
 * measured on the text nearest in length (the targets are the whole text's,
 * so a short text's table has none).
 * Not part of `npm test`: it takes the minutes it measures.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { checkFlags, optionValue } from './args.js';
import { BIN as bin, SHAKESPEARE as corpus, shakespearePrefix, trainFor, type RunResult } from './train-run.js';
import { gridFor } from '../src/train/budget/grid.js';
import { DEFAULT_MODEL_CONFIG } from '../src/settings/model-settings.js';
import { DEFAULT_TRAIN_CONFIG } from '../src/settings/train-settings.js';

const args = process.argv.slice(2);
// usage() is a function declaration: hoisted, so flags are checked before anything runs.
checkFlags(args, ['--budgets', '--fixed', '--out', '--text-chars'], ['--long', '--busy'], usage);
const TARGETS: Record<number, number> = { 3: 1.85, 5: 1.7, 10: 1.55, 20: 1.45, 60: 1.4 };
/** Busy machine: 3 minutes beside two CPU-bound processes reach at most this, with at least this many evaluations. */
const BUSY_TARGET = { minutes: 3, val: 2.0, evals: 3 };
const busy = args.includes('--busy');
const budgets = (optionValue(args, '--budgets') ?? (busy ? '3' : args.includes('--long') ? '3,5,10,20,60' : '3,5,10,20')).split(',').map(Number);
if (budgets.some((m) => !(m > 0))) usage('--budgets takes minutes separated by commas, e.g. 3,5,10');
const textChars = Number(optionValue(args, '--text-chars') ?? '0');
if (!(Number.isInteger(textChars) && textChars >= 0)) usage('--text-chars takes a whole number of characters, e.g. 250000');
const corpusChars = [...fs.readFileSync(corpus, 'utf8')].length;
if (textChars > corpusChars) usage(`--text-chars ${textChars}: Tiny Shakespeare has ${corpusChars} characters`);
/** The candidates of the grid the defaults choose from on this text (its training part is the first 90%). */
const grid = gridFor(Math.floor((textChars || corpusChars) * (1 - DEFAULT_TRAIN_CONFIG.valFrac)));
type Fixed = { cell: string; layers: number; hidden: number; dropout: number; name: string };
const key = (c: Omit<Fixed, 'name'>): string => `${c.cell}-${c.layers}x${c.hidden}`;
const sizes: Fixed[] = [
  ...grid.candidates.flatMap((c) => [{ ...c, name: `${key(c)}:${c.dropout}` }, { ...c, name: key(c) }]),
  { ...DEFAULT_MODEL_CONFIG, name: 'default' },
];
const fixed = (optionValue(args, '--fixed')?.split(',') ?? []).map((name) => sizes.find((c) => c.name === name) ?? usage(`--fixed ${name}: use ${[...new Set(sizes.map((c) => c.name))].join(', ')}`));
const given = optionValue(args, '--out');
if (given !== undefined && fs.existsSync(given) && fs.readdirSync(given).length > 0) usage(`--out ${given} is not empty; give a new directory (earlier results stay)`);
const out = given ?? fs.mkdtempSync(path.join(os.tmpdir(), 'charnn-quality-'));
fs.mkdirSync(out, { recursive: true });
const prefix = shakespearePrefix(out, textChars);
if ('problem' in prefix) usage(prefix.problem);
const text = prefix.file;
const log = (line: string): void => void process.stderr.write(`${line}\n`);

function usage(message: string): never {
  process.stderr.write(`quality: ${message}\n`);
  process.exit(2);
}

interface Result extends RunResult {
  label: string;
  minutes: number;
}

async function train(label: string, minutes: number, flags: string[]): Promise<Result> {
  return { label, minutes, ...(await trainFor(out, `${label.replace(':', '-d')}-${minutes}m`, minutes, flags, text)) };
}

/** Training chars/s of a 1×256 LSTM (embedding 64, batch 32 × 100) on this machine now: the figure above the table. */
async function referenceSpeed(): Promise<number> {
  const dir = path.join(out, 'reference');
  const child = spawn(process.execPath, [bin, 'train', corpus, '--layers', '1', '--hidden', '256', '--dropout', '0', '--max-steps', '25', '--sample-length', '0',
    '--eval-every', '1000', '--first-eval', '0', '--eval-every-time', '0', '--json', '--out', dir], { stdio: ['ignore', 'pipe', 'ignore'] });
  const speeds: number[] = [];
  let last: { step: number; elapsedMs: number } | null = null;
  for await (const line of readline.createInterface({ input: child.stdout })) {
    const e = JSON.parse(line) as Record<string, any>;
    if (e.type !== 'step') continue;
    if (last && e.step > 5) speeds.push((3200 * (e.step - last.step)) / ((e.elapsedMs - last.elapsedMs) / 1000));
    last = { step: e.step, elapsedMs: e.elapsedMs };
  }
  speeds.sort((a, b) => a - b);
  return speeds[Math.floor(speeds.length / 2)] ?? NaN;
}

/** Two CPU-bound processes, as a busy laptop has; stopped with the bench. */
function loops(): ChildProcess[] {
  return [0, 1].map(() => spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' }));
}

const busyLoops = busy ? loops() : [];
const stopLoops = (): void => busyLoops.forEach((p) => p.kill('SIGKILL'));
// On any exit; and after the table, since the loops alone would keep this process alive.
process.on('exit', stopLoops);
const loadBefore = os.loadavg()[0]!;
const reference = await referenceSpeed();
const header = `${os.cpus()[0]?.model ?? 'unknown CPU'}, ${os.availableParallelism()} cores${busy ? ', two CPU-bound processes beside it' : ''}; `
  + `load ${loadBefore.toFixed(2)}; a 1×256 LSTM trains at ${Math.round(reference).toLocaleString('en-US')} chars/s`
  + (textChars > 0 ? `; on the first ${textChars.toLocaleString('en-US')} characters of Tiny Shakespeare` : '');
log(header);
const results: Result[] = [];
for (const minutes of budgets) {
  log(`defaults, ${minutes} min…`);
  results.push(await train('defaults', minutes, []));
  for (const c of fixed) {
    log(`${c.name}, ${minutes} min…`);
    results.push(await train(c.name, minutes, ['--cell', c.cell, '--layers', String(c.layers), '--hidden', String(c.hidden), '--dropout', String(c.dropout)]));
  }
}
fs.writeFileSync(path.join(out, 'results.json'), `${JSON.stringify({ header, reference, results }, null, 2)}\n`);

const verdict = (r: Result): string => {
  if (busy) {
    const ok = r.best <= BUSY_TARGET.val && r.evals >= BUSY_TARGET.evals;
    return `${ok ? 'PASS' : 'MISS'} (≤ ${BUSY_TARGET.val}, ≥ ${BUSY_TARGET.evals} evaluations)`;
  }
  const target = textChars === 0 ? TARGETS[r.minutes] : undefined;
  return target === undefined ? '' : `${r.best <= target ? 'PASS' : 'MISS'} (≤ ${target})`;
};
process.stdout.write(`${header}; runs in ${out}\n\n| minutes | run | model | why | steps | evaluations (first at) | best val (nats) | target |\n|---:|---|---|---|---:|---:|---:|---|\n`);
for (const r of results) {
  const first = r.firstEvalMin === null ? '' : ` (${r.firstEvalMin.toFixed(1)} min)`;
  process.stdout.write(`| ${r.minutes} | ${r.label} | ${r.model} | ${r.why} | ${r.steps} | ${r.evals}${first} | ${r.best.toFixed(3)} | ${r.label === 'defaults' ? verdict(r) : ''} |\n`);
}
if (fixed.length > 0) {
  process.stdout.write('\n| minutes | defaults | best fixed size | gap (target ≤ 0.03) |\n|---:|---:|---:|---|\n');
  for (const minutes of budgets) {
    const mine = results.find((r) => r.minutes === minutes && r.label === 'defaults')!;
    const best = results.filter((r) => r.minutes === minutes && r.label !== 'defaults').reduce((a, b) => (b.best < a.best ? b : a));
    const gap = mine.best - best.best;
    process.stdout.write(`| ${minutes} | ${mine.best.toFixed(3)} | ${best.best.toFixed(3)} (${best.model}) | ${gap.toFixed(3)} ${gap <= 0.03 ? 'PASS' : 'MISS'} |\n`);
  }
}
stopLoops();
