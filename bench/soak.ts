/**
 * `npm run soak`: a long run stays flat (issue 6). Trains a small model
 * in-process for 5,000 steps (evaluating, sampling and saving checkpoints
 * along the way, as a real run does) and prints the live tensor count and
 * the process RSS every 500 steps. Verdict: the tensor count is the same at
 * every report, and after the warm-up (the first 1,000 steps) RSS stays
 * within 10% of its smallest value (both read after a full garbage
 * collection, so they show retained memory). Exits 1 when either fails.
 *
 *   node dist/bench/soak.js [--steps=5000] [--every=500] [--backend=wasm] [--keep-dir]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import v8 from 'node:v8';
import vm from 'node:vm';
import * as tf from '../src/tf.js';
import { initBackend, type BackendName } from '../src/engine/tfjs/backend/index.js';
import { prepareTraining } from '../src/train/setup.js';
import type { TrainEvent } from '../src/train/events.js';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

const args = process.argv.slice(2);
const option = (name: string, fallback: string): string => args.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback;
const STEPS = Number(option('steps', '5000'));
const EVERY = Number(option('every', '500'));
const WARM_UP = Math.min(1000, STEPS / 2);
const RSS_TOLERANCE = 0.1;

const here = path.dirname(fileURLToPath(import.meta.url));
const root = [path.resolve(here, '..'), path.resolve(here, '..', '..')].find((d) => fs.existsSync(path.join(d, 'corpora')))!;
const corpus = path.join(root, 'corpora', 'tinyshakespeare.txt');
const out = fs.mkdtempSync(path.join(os.tmpdir(), 'charnn-soak-'));
const log = (line: string): void => void process.stdout.write(`${line}\n`);
const mb = (bytes: number): string => (bytes / 2 ** 20).toFixed(1);

const backend = await initBackend(option('backend', 'wasm') as BackendName);
const trainer = await prepareTraining({
  corpusPath: corpus,
  normalization: 'none',
  model: { cell: 'lstm', layers: 1, hidden: 64, embedding: 32, dropout: 0.1 },
  training: {
    batchSize: 16, seqLen: 32, maxSteps: STEPS, maxEpochs: null, maxTimeMs: null, evalEvery: 1000, evalBatches: 4,
    sampleTemperatures: [0.8], sampleLength: 100, keep: 2, seed: 6,
  },
  outDir: out,
  resume: null,
  engine: { name: 'tfjs', backend, threads: 0, workers: 1 },
});

interface Row {
  step: number;
  tensors: number;
  rss: number;
  heap: number;
  external: number;
  stepsPerSec: number;
}
const rows: Row[] = [];
let last = performance.now();
let lastStep = 0;
let checkpoints = 0;
let samples = 0;
const started = performance.now();

log(`charnn soak: lstm 1×64 (embedding 32, dropout 0.1), batch 16 × seq 32, ${STEPS} steps on ${backend}, `
  + `eval + sample + checkpoints every 1000 steps, into ${out}`);
log('');
log('tensors = tf.memory().numTensors, rss/heap/ext = process.memoryUsage() after a full GC');
log(`${'step'.padStart(6)}  ${'tensors'.padStart(7)}  ${'rss MB'.padStart(7)}  ${'heap MB'.padStart(7)}  ${'ext MB'.padStart(7)}  ${'steps/s'.padStart(7)}`);

trainer.subscribe((event: TrainEvent) => {
  if (event.type === 'checkpoint') checkpoints++;
  if (event.type === 'sample') samples++;
  if (event.type === 'error') log(`error: ${event.message}`);
  if (event.type !== 'step' || event.step % EVERY !== 0) return;
  const now = performance.now();
  // Measured after a full collection: retained memory, not garbage waiting for the GC.
  gc();
  const memory = process.memoryUsage();
  const row: Row = {
    step: event.step,
    tensors: tf.memory().numTensors,
    rss: memory.rss,
    heap: memory.heapUsed,
    external: memory.external + memory.arrayBuffers,
    stepsPerSec: ((event.step - lastStep) * 1000) / (now - last),
  };
  last = now;
  lastStep = event.step;
  rows.push(row);
  log(`${String(row.step).padStart(6)}  ${String(row.tensors).padStart(7)}  ${mb(row.rss).padStart(7)}  ${mb(row.heap).padStart(7)}  `
    + `${mb(row.external).padStart(7)}  ${row.stepsPerSec.toFixed(1).padStart(7)}`);
});

let failed = false;
try {
  await trainer.run();
} catch (error) {
  log(`training failed: ${(error as Error).message}`);
  failed = true;
} finally {
  trainer.dispose();
}
if (!(process.argv.includes('--keep-dir'))) fs.rmSync(out, { recursive: true, force: true });

const tensorCounts = new Set(rows.map((r) => r.tensors));
const warm = rows.filter((r) => r.step >= WARM_UP);
const minRss = Math.min(...warm.map((r) => r.rss));
const maxRss = Math.max(...warm.map((r) => r.rss));
const growth = (maxRss - minRss) / minRss;
const tensorsFlat = tensorCounts.size === 1;
const rssFlat = warm.length >= 2 && growth <= RSS_TOLERANCE;
log('');
log(`${rows.at(-1)?.step ?? 0} steps in ${((performance.now() - started) / 1000).toFixed(0)} s; ${checkpoints} checkpoints written, ${samples} sample rounds`);
log(`tensors: ${tensorsFlat ? `flat at ${[...tensorCounts][0]}` : `NOT flat: ${rows.map((r) => r.tensors).join(' → ')}`}`);
log(`rss after warm-up (step ≥ ${WARM_UP}): ${mb(minRss)}–${mb(maxRss)} MB, spread ${(growth * 100).toFixed(1)}% (limit ${RSS_TOLERANCE * 100}%)`);
const ok = !failed && rows.length > 0 && rows.at(-1)!.step === STEPS && tensorsFlat && rssFlat;
log(`verdict: ${ok ? 'FLAT — no tensor leak, RSS steady' : 'NOT FLAT'}`);
process.exitCode = ok ? 0 : 1;
