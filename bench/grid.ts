/**
 * The measurements behind budget-aware defaults (src/train/budget/grid.ts):
 * each candidate model trained on Tiny Shakespeare at one constant learning
 * rate, its validation loss every --every steps, printed as the compact table
 * the source holds. Losses against characters trained do not depend on the
 * machine's speed or load (the speed is measured by each run at its start),
 * so the runs may share a busy machine: --jobs runs go side by side, each
 * with --threads threads.
 *
 *   npm run grid -- [--steps 2000] [--every 100] [--jobs 2] [--threads 1] [--only gru-2x256,lstm-2x384:0.35,…] [--lr 0.002] [--out dir]
 *   npm run grid -- --from dir        # the table again from finished runs' logs
 *   npm run grid -- --extend dir --steps 6000   # the runs in dir continued to 6000 steps
 *   npm run grid -- --only lstm-2x384 --with '--weight-drop 0.2'   # an experiment: runs with more flags
 *   npm run grid -- --text-chars 250000 --patience 6 --every 50   # the curves of a short text
 *
 * --only takes the grid's candidates by name, and any other model as
 * cell-LAYERSxHIDDEN:dropout[:seq-len] (a candidate's name with :dropout…
 * measures it with those instead of its own). --lr measures at another
 * constant rate than the grid's CURVE_LR (an experiment: the table must hold
 * curves of one rate). --extend resumes each run of an
 * earlier grid directory from its latest checkpoint (the same constant rate,
 * so the curve goes on as if it had never stopped) and appends to its log.
 * --text-chars trains on the first N characters of Tiny Shakespeare (written
 * to <out>), for the curves of a shorter text, where every candidate
 * overfits within the budgets; --patience stops a run once its best
 * validation loss has not improved for that many evaluations (its curve is
 * flat from there: at a constant rate an overfitting model does not recover).
 *
 * The recipe is charnn's defaults (embedding 64, batch 32, clip 5, state
 * resets 0.05, seed 1) with the candidate's seq-len and the learning rate
 * held constant at CURVE_LR for every candidate
 * (`--schedule step --lr-decay 1`): one run per candidate then gives its
 * whole curve, where a cosine schedule would need one run per budget. A real
 * run's cosine ends lower than the constant rate reaches in the same steps,
 * by much the same for every candidate (docs/budget.md measures it), so the
 * curves rank the candidates.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { checkFlags, optionValue, wholeOption } from './args.js';
import { shakespearePrefix } from './train-run.js';
import { CURVE_LR, GRID } from '../src/train/budget/grid.js';
import { candidateName, type Candidate } from '../src/train/budget/choose.js';
import type { CellType } from '../src/model/config.js';
import { DEFAULT_TRAIN_CONFIG } from '../src/settings/train-settings.js';

const args = process.argv.slice(2);
// usage() is a function declaration: hoisted, so flags are checked before anything runs.
checkFlags(args, ['--steps', '--every', '--jobs', '--threads', '--only', '--lr', '--out', '--from', '--extend', '--with', '--text-chars', '--patience'], [], usage);
const option = (name: string, fallback: string): string => optionValue(args, name) ?? fallback;
function usage(message: string): never {
  process.stderr.write(`grid: ${message}\n`);
  process.exit(2);
}
const whole = (name: string, fallback: string): number => wholeOption(args, name, fallback, usage);
const steps = whole('--steps', '2000');
const every = whole('--every', '100');
const jobs = whole('--jobs', '2');
const threads = whole('--threads', '1');
/** 0: the whole corpus. */
const textChars = optionValue(args, '--text-chars') === undefined ? 0 : whole('--text-chars', '0');
/** 0: every run goes to --steps. */
const patience = optionValue(args, '--patience') === undefined ? 0 : whole('--patience', '0');
const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.join(here, '..', '..');
type Model = Omit<Candidate, 'curve'>;
const gridName = (c: Pick<Model, 'cell' | 'layers' | 'hidden'>): string => `${c.cell}-${c.layers}x${c.hidden}`;
const curveLr = Number(option('--lr', String(CURVE_LR)));
/** Further `charnn train` flags for every run of this invocation (an experiment: --with '--weight-drop 0.2'), named in the runs' keys. */
const withFlags = (optionValue(args, '--with') ?? '').split(/\s+/).filter((f) => f !== '');
if (withFlags.length > 0 && !withFlags[0]!.startsWith('--')) usage(`--with takes charnn train flags, e.g. --with '--weight-drop 0.2', got ${withFlags.join(' ')}`);
if (!(curveLr > 0)) usage(`--lr takes a learning rate above 0, got ${option('--lr', '')}`);
/** A run's name (its log and directory in <out>): the grid's name, with what differs from the candidate's own (and the grid's rate). */
function key(c: Model): string {
  const own = GRID.candidates.find((g) => gridName(g) === gridName(c));
  const differs = own ? (['dropout', 'seqLen'] as const).filter((k) => own[k] !== c[k]) : (['dropout', 'seqLen'] as const);
  const tag = { dropout: 'd', seqLen: 'seq' } as const;
  const experiment = withFlags.map((f) => f.replace(/^--/, '').replace(/[^\w.]/g, '_'));
  return [gridName(c), ...differs.map((k) => `${tag[k]}${c[k]}`), ...(curveLr === CURVE_LR ? [] : [`lr${curveLr}`]), ...experiment, ...(textChars > 0 ? [`text${textChars}`] : [])].join('-');
}
/** A model named by --only: a grid candidate's name, or cell-LAYERSxHIDDEN with :dropout[:seq-len] (a candidate's own where left out). */
function model(spec: string): Model {
  const [name, ...given] = spec.split(':');
  const own = GRID.candidates.find((g) => gridName(g) === name);
  const m = /^(rnn|lstm|gru)-(\d+)x(\d+)$/.exec(name ?? '');
  const dropout = given[0] === undefined ? own?.dropout : Number(given[0]);
  const seqLen = given[1] === undefined ? own?.seqLen ?? DEFAULT_TRAIN_CONFIG.seqLen : Number(given[1]);
  if (!m || given.length > 2 || dropout === undefined || !(dropout >= 0 && dropout < 1) || !(Number.isInteger(seqLen) && seqLen > 0)) {
    usage(`--only ${spec}: use ${GRID.candidates.map(gridName).join(', ')}, or cell-LAYERSxHIDDEN:dropout[:seq-len] such as lstm-2x384:0.35 or gru-2x256:0.1:50`);
  }
  return { cell: m[1] as CellType, layers: Number(m[2]), hidden: Number(m[3]), dropout, lr: own?.lr ?? DEFAULT_TRAIN_CONFIG.lr, seqLen };
}
const only = optionValue(args, '--only')?.split(',');
const candidates: Model[] = only ? only.map(model) : [...GRID.candidates];
const from = optionValue(args, '--from');
const extend = optionValue(args, '--extend');
const given = optionValue(args, '--out');
if (given !== undefined && fs.existsSync(given) && fs.readdirSync(given).length > 0) usage(`--out ${given} is not empty; give a new directory (earlier results stay)`);
if (extend !== undefined && !candidates.some((c) => fs.existsSync(path.join(extend, `${key(c)}.run`, 'latest')))) usage(`--extend ${extend}: no run there to continue (<name>.run/latest)`);
const out = extend ?? from ?? given ?? fs.mkdtempSync(path.join(os.tmpdir(), 'charnn-grid-'));
fs.mkdirSync(out, { recursive: true });
const log = (line: string): void => void process.stderr.write(`${line}\n`);
/** The text the runs train on: the corpus, or its first --text-chars characters written to <out>. */
const prefix = from ? null : shakespearePrefix(out, textChars);
if (prefix && 'problem' in prefix) usage(prefix.problem);
const text = prefix && 'file' in prefix ? prefix.file : '';

/** One candidate's run: `charnn train` with the grid's recipe, its JSON events kept in <out>/<key>.jsonl. */
async function run(c: Model): Promise<void> {
  const name = key(c);
  const dir = path.join(out, `${name}.run`);
  const continued = extend !== undefined;
  if (continued && !fs.existsSync(path.join(dir, 'latest'))) return log(`${name}: no run in ${dir} to continue`);
  log(`${name}: ${continued ? 'continued to ' : ''}${steps} steps…`);
  const events = fs.openSync(path.join(out, `${name}.jsonl`), continued ? 'a' : 'w');
  const what = continued
    ? ['--resume', dir]
    : [text, '--cell', c.cell, '--layers', String(c.layers), '--hidden', String(c.hidden), '--dropout', String(c.dropout),
        '--lr', String(curveLr), '--seq-len', String(c.seqLen), '--schedule', 'step', '--lr-decay', '1', '--first-eval', '0', '--sample-length', '0', '--engine', 'ort', ...withFlags, '--out', dir];
  const child = spawn(process.execPath, ['--no-concurrent-recompilation', path.join(root, 'bin', 'charnn.js'), 'train', ...what,
    '--max-steps', String(steps), '--eval-every', String(every), '--eval-every-time', '0', '--threads', String(threads), '--json'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-2000)));
  // Every event goes to the log; with --patience, a run whose best has stalled is asked to stop (it saves and exits 0).
  let best = Infinity;
  let stalled = 0;
  const lines = readline.createInterface({ input: child.stdout! });
  lines.on('line', (line) => {
    fs.writeSync(events, `${line}\n`);
    if (patience === 0 || !line.startsWith('{"type":"eval"')) return;
    const e = JSON.parse(line) as { step: number; valLoss: number };
    if (e.step === 0) return;
    stalled = e.valLoss < best ? 0 : stalled + 1;
    best = Math.min(best, e.valLoss);
    if (stalled === patience) {
      log(`${name}: no better for ${patience} evaluations at step ${e.step}: stopped (flat from here)`);
      child.kill('SIGINT');
    }
  });
  const [code] = await Promise.all([
    new Promise<number | null>((resolve) => child.on('close', resolve)),
    new Promise<void>((resolve) => lines.on('close', resolve)),
  ]);
  fs.closeSync(events);
  if (code !== 0) throw new Error(`${name} exited ${code}: ${stderr}`);
}

/** [characters, best validation loss so far] at each evaluation of a run's log. */
async function curve(file: string): Promise<[number, number][]> {
  const points: [number, number][] = [];
  let charsPerStep = 0;
  let best = Infinity;
  for await (const line of readline.createInterface({ input: fs.createReadStream(file) })) {
    if (!line.startsWith('{')) continue;
    const e = JSON.parse(line) as Record<string, unknown>;
    if (e.type === 'start') {
      const info = e.info as { batchSize: number; seqLen: number };
      charsPerStep = info.batchSize * info.seqLen;
    }
    if (e.type === 'eval' && (e.step as number) > 0) {
      best = Math.min(best, e.valLoss as number);
      points.push([(e.step as number) * charsPerStep, Number(best.toFixed(3))]);
    }
  }
  return points;
}

if (!from) {
  const queue = [...candidates];
  await Promise.all(Array.from({ length: Math.min(jobs, queue.length) }, async () => {
    for (let c = queue.shift(); c; c = queue.shift()) await run(c);
  }));
}
const on = textChars > 0 ? `the first ${textChars} characters of Tiny Shakespeare` : 'Tiny Shakespeare';
// With --from the runs' own logs say how long they ran and how often they were evaluated.
const length = from ? 'the runs in' : `${steps} steps${patience > 0 ? ` (or until no better for ${patience} evaluations)` : ''}, every ${every}, lr ${curveLr} held;`;
process.stdout.write(`// ${os.cpus()[0]?.model ?? 'unknown CPU'}; ${on}; ${length} ${out}\n`);
for (const c of candidates) {
  const file = path.join(out, `${key(c)}.jsonl`);
  if (!fs.existsSync(file)) {
    log(`${candidateName(c)}: no log in ${out}`);
    continue;
  }
  const points = await curve(file);
  // Every other point: the table stays compact and the curve's shape stays.
  const kept = points.filter((_, i) => i % 2 === 1 || i === points.length - 1);
  process.stdout.write(`    { cell: '${c.cell}', layers: ${c.layers}, hidden: ${c.hidden}, dropout: ${c.dropout}, lr: ${c.lr}, seqLen: ${c.seqLen}, curve: [${kept.map(([x, y]) => `[${x}, ${y}]`).join(', ')}] },\n`);
}
