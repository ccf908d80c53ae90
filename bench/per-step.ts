/**
 * Issue 20: does charnn learn as fast per step as a stock PyTorch model, and
 * which part of the initialisation decides it? Trains charnn and PyTorch
 * (bench/torch-per-step.py) on the same text — charnn's own split and
 * vocabulary, its contiguous streams with carried state — with one recipe
 * (Adam at a constant learning rate, clip 5, no dropout, no state resets) from
 * the SAME initial weights, one initialisation variant (bench/init-variants.ts)
 * after another, and prints the validation loss of both at every --every steps.
 *
 * charnn gets a variant without any change to src/: the variant's weights are
 * saved as a step-0 checkpoint with charnn's own checkpoint code and trained by
 * `charnn train --init-from`. Both engines start from those numbers, which the
 * first step's training loss shows (printed for both: it must agree; with one
 * bias per layer on the PyTorch side, the next steps agree too).
 * Validation is computed the same way on both sides, as charnn does: the
 * validation tenth cut into `batch` streams, every window in order with the
 * state carried from a zero start.
 *
 *   npm run per-step -- [--cell lstm] [--layers 2] [--hidden 256] [--steps 500] [--every 50]
 *     [--init keras,torch,charnn] [--engines charnn,torch] [--torch same,two-biases,native]
 *     [--threads 2] [--python python3] [--out dir]
 *
 * One process at a time (each with --threads), so neither engine steals cores
 * from the other. Losses per step do not depend on the machine's speed.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { loadCheckpoint } from '../src/checkpoint/load.js';
import { saveCheckpoint } from '../src/checkpoint/save.js';
import { readCorpus } from '../src/data/corpus.js';
import { splitTrainVal } from '../src/data/batches.js';
import { CELL_TYPES, type CellType, type ModelConfig } from '../src/model/config.js';
import { toKerasArrays } from '../src/model/params.js';
import { Rng } from '../src/util/rng.js';
import { checkFlags, optionValue, wholeOption } from './args.js';
import { initVariant, VARIANTS } from './init-variants.js';

const args = process.argv.slice(2);
// usage() is a function declaration: hoisted, so flags are checked before anything runs.
checkFlags(args, ['--cell', '--layers', '--hidden', '--embedding', '--steps', '--every', '--threads', '--seed', '--init', '--engines', '--torch', '--python', '--lr', '--out'], [], usage);
const option = (name: string, fallback: string): string => optionValue(args, name) ?? fallback;
/** A bad option: one line naming it, exit 2. */
function usage(message: string): never {
  process.stderr.write(`per-step: ${message}\n`);
  process.exit(2);
}
const whole = (name: string, fallback: string): number => wholeOption(args, name, fallback, usage);
const cell = option('--cell', 'lstm') as CellType;
if (!CELL_TYPES.includes(cell)) usage(`--cell must be one of ${CELL_TYPES.join(', ')}`);
const layers = whole('--layers', '2');
const hidden = whole('--hidden', '256');
const embedding = whole('--embedding', '64');
const steps = whole('--steps', '500');
const every = whole('--every', '50');
const threads = whole('--threads', '2');
const seed = whole('--seed', '1');
const lr = option('--lr', '0.002');
if (!(Number(lr) > 0)) usage(`--lr takes a positive number, got ${lr}`);
const batch = 32;
const seqLen = 100;
const variants = option('--init', 'keras,torch,charnn').split(',');
for (const v of variants) if (!initVariant(v)) usage(`unknown --init ${v}: use ${Object.keys(VARIANTS).join(', ')}, or parts joined with '+' (emb-normal+no-forget-bias)`);
const engines = option('--engines', 'charnn,torch').split(',');
// charnn's GRU is Keras' (reset gate before the recurrent product), PyTorch's is not: no like-for-like model.
const torchCells: readonly CellType[] = ['lstm', 'rnn'];
const runTorch = engines.includes('torch') && torchCells.includes(cell);
const runCharnn = engines.includes('charnn');
// PyTorch's model: 'same' as charnn's (one bias per layer, b_hh fixed at 0), 'two-biases' (b_hh trained too,
// from 0: stock nn.LSTM with the variant's weights), 'native' (stock nn.LSTM with PyTorch's own initialisation).
const torchModels = option('--torch', 'same').split(',');
for (const m of torchModels) if (!['same', 'two-biases', 'native'].includes(m)) usage(`unknown --torch ${m}: use same, two-biases, native`);
if (engines.includes('torch') && !runTorch) process.stderr.write(`per-step: no PyTorch columns for the ${cell} (charnn's is Keras' cell, which PyTorch has not)\n`);
// Debian's python3-torch lives in the system Python, which a pyenv or venv python3 on the PATH may hide.
const python = option('--python', process.env.PYTHON ?? 'python3');
if (runTorch && spawnSync(python, ['-c', 'import torch, numpy'], { stdio: 'ignore' }).status !== 0) {
  usage(`${python} cannot import torch and numpy; pass --python /usr/bin/python3 (apt-get install python3-torch), or --engines charnn`);
}

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.join(here, '..', '..');
const bin = path.join(root, 'bin', 'charnn.js');
const torchScript = path.join(root, 'bench', 'torch-per-step.py');
const corpusPath = path.join(root, 'corpora', 'tinyshakespeare.txt');
const given = optionValue(args, '--out');
// The bench replaces its runs with --force: it writes only into a directory of its own, never over earlier results.
if (given !== undefined && fs.existsSync(given) && fs.readdirSync(given).length > 0) usage(`--out ${given} is not empty; give a new directory (earlier results stay)`);
const out = given ?? fs.mkdtempSync(path.join(os.tmpdir(), 'charnn-per-step-'));
fs.mkdirSync(out, { recursive: true });
const log = (line: string): void => void process.stderr.write(`${line}\n`);

// The text as charnn reads it: its vocabulary order and its 90/10 split, for PyTorch to read.
const corpus = readCorpus(corpusPath, 'none');
const { train, val } = splitTrainVal(corpus.ids, 0.1);
fs.writeFileSync(path.join(out, 'train.i32'), Int32Array.from(train));
fs.writeFileSync(path.join(out, 'val.i32'), Int32Array.from(val));
fs.writeFileSync(path.join(out, 'data.json'), JSON.stringify({ vocabSize: corpus.vocab.size, train: train.length, val: val.length }));

const recipe = ['--schedule', 'step', '--lr-decay', '1', '--warmup', '0', '--state-resets', '0', '--dropout', '0', '--lr', lr, '--clip', '5',
  '--batch', String(batch), '--seq-len', String(seqLen), '--seed', String(seed)];
const engineFlags = ['--engine', 'ort', '--threads', String(threads)];

/** Runs a child to its end, handing each JSON line of its stdout to `onEvent`. */
async function events(command: string, argv: string[], onEvent: (e: Record<string, unknown>) => void): Promise<void> {
  const child = spawn(command, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  for await (const line of readline.createInterface({ input: child.stdout })) {
    if (line.startsWith('{')) onEvent(JSON.parse(line) as Record<string, unknown>);
  }
  const code = await new Promise<number | null>((resolve) => (child.exitCode !== null ? resolve(child.exitCode) : child.on('close', resolve)));
  if (code !== 0) throw new Error(`${command} ${argv.join(' ')} exited ${code}: ${stderr}`);
}

// A checkpoint of this shape to take charnn.json from: one step of a real run (its weights are replaced).
const template = path.join(out, 'template');
const made = spawnSync(process.execPath, [bin, 'train', corpusPath, '--cell', cell, '--layers', String(layers), '--hidden', String(hidden),
  '--embedding', String(embedding), ...recipe, ...engineFlags, '--max-steps', '1', '--sample-length', '0', '--json', '--out', template, '--force'], { encoding: 'utf8' });
if (made.status !== 0) throw new Error(`template run failed: ${made.stderr}`);
const base = loadCheckpoint(path.join(template, 'latest'));
const config: ModelConfig = base.meta.model;

/** What a run reports: the training loss of each step (before its update), the validation loss every --every steps. */
/** Trains the PyTorch model with `extra` flags (its initial weights), one process. */
async function torchRun(label: string, extra: string[]): Promise<Curve> {
  const curve: Curve = { train: new Map(), val: new Map(), valBatches: 0 };
  log(`${label}…`);
  await events(python, [torchScript, '--dir', out, '--cell', cell, '--layers', String(layers), '--hidden', String(hidden), '--embedding', String(embedding),
    '--lr', lr, '--steps', String(steps), '--every', String(every), '--threads', String(threads), ...extra], (e) => {
    if (e.type === 'step') curve.train.set(e.step as number, e.loss as number);
    if (e.type === 'eval') {
      curve.val.set(e.step as number, e.valLoss as number);
      curve.valBatches = e.valBatches as number;
    }
  });
  return curve;
}

interface Curve { train: Map<number, number>; val: Map<number, number>; valBatches: number }
const results = new Map<string, Curve>();

/** The side-by-side table of every run finished so far. */
function table(): string {
  const cpu = os.cpus()[0]?.model.trim() ?? 'unknown CPU';
  const columns = [...results.keys()];
  const lines = [
    `per-step validation loss (nats/char), ${cell} ${layers}×${hidden}, embedding ${embedding}, ${corpus.name} (${train.length.toLocaleString('en-US')} train / ${val.length.toLocaleString('en-US')} val chars, vocabulary ${corpus.vocab.size})`,
    `Adam ${lr} constant, clip 5, batch ${batch} × ${seqLen} contiguous streams with carried state, no dropout, seed ${seed}; ${threads} threads per engine, one process at a time`,
    `validation: the whole validation split as ${batch} streams, windows in order with the state carried from zero (charnn's way, on both sides)`,
    'pytorch <variant>: nn.LSTM/nn.RNN from the same initial weights with one bias per layer like charnn (b_hh fixed at 0); "(two biases)": b_hh trained too, from 0; "native": PyTorch\'s own initialisation and both biases',
    `${cpu}, ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC, load ${os.loadavg()[0]!.toFixed(2)} (per-step losses do not depend on the machine's speed or load)`,
    '',
    `| step | ${columns.join(' | ')} |`,
    `|---:|${columns.map(() => '---:').join('|')}|`,
  ];
  // The first step's loss is the initial weights' (equal on both sides: both start from them); the next show the first updates.
  for (const s of [1, 2, 3]) lines.push(`| ${s} (train) | ${columns.map((c) => results.get(c)!.train.get(s)?.toFixed(4) ?? '–').join(' | ')} |`);
  for (let s = every; s <= steps; s += every) lines.push(`| ${s} | ${columns.map((c) => results.get(c)!.val.get(s)?.toFixed(3) ?? '–').join(' | ')} |`);
  lines.push(`| val batches | ${columns.map((c) => results.get(c)!.valBatches).join(' | ')} |`);
  return `${lines.join('\n')}\n`;
}

/** Records a finished run, and the table so far in <out>/table.md (a long bench's results survive an interruption). */
function record(label: string, curve: Curve): void {
  results.set(label, curve);
  fs.writeFileSync(path.join(out, 'table.md'), table());
}

for (const name of variants) {
  const params = initVariant(name)!(config, new Rng(seed));
  const init = path.join(out, `init-${name}`);
  const progress = { ...base.meta.progress, step: 0, epoch: 0, batch: 0, bestValLoss: null, bestStep: null, elapsedMs: 0, recoveries: 0 };
  await saveCheckpoint(init, { meta: { ...base.meta, progress, history: { train: [], val: [], time: [] } }, params, optimizer: null, carried: null });
  const keras = toKerasArrays(config, params);
  fs.writeFileSync(path.join(out, `init-${name}.f32`), Buffer.concat(keras.map(({ values }) => Buffer.from(values.buffer, values.byteOffset, values.byteLength))));
  fs.writeFileSync(path.join(out, `init-${name}.json`), JSON.stringify(keras.map(({ spec }) => ({ name: spec.name, shape: spec.shape }))));

  if (runCharnn) {
    const curve: Curve = { train: new Map(), val: new Map(), valBatches: 0 };
    log(`charnn ${name}…`);
    await events(process.execPath, [bin, 'train', corpusPath, '--init-from', init, ...recipe, ...engineFlags, '--max-steps', String(steps),
      '--eval-every', String(every), '--eval-every-time', '0', '--sample-length', '0', '--keep', '1', '--json', '--no-ui', '--out', path.join(out, `run-${name}`), '--force'], (e) => {
      if (e.type === 'step') curve.train.set(e.step as number, e.loss as number);
      if (e.type === 'eval' && e.quick === undefined && (e.step as number) % every === 0) {
        curve.val.set(e.step as number, e.valLoss as number);
        curve.valBatches = e.valBatches as number;
      }
    });
    record(`charnn ${name}`, curve);
  }
  if (runTorch) {
    for (const model of torchModels.filter((m) => m !== 'native')) {
      const label = model === 'same' ? `pytorch ${name}` : `pytorch ${name} (two biases)`;
      record(label, await torchRun(label, ['--weights', path.join(out, `init-${name}.f32`), '--manifest', path.join(out, `init-${name}.json`),
        ...(model === 'two-biases' ? ['--two-biases'] : [])]));
    }
  }
}

// PyTorch's own initialisation and model (two biases): issue 20's reference, whatever the variants.
if (runTorch && torchModels.includes('native')) record('pytorch native', await torchRun('pytorch native', ['--native-init', '--two-biases', '--seed', String(seed)]));

process.stdout.write(table());
log(`runs in ${out}`);
