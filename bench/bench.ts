/**
 * `npm run bench`: charnn's speed and memory against the tf.layers baseline
 * on the same backend, measured in one run, with the targets of the
 * performance issue checked line by line. Prints a table on stdout and writes
 * bench/results.json (or JSON to stdout with --json). --quick shortens every
 * measurement (for a smoke run; figures are noisier).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { initBackend, type BackendName } from '../src/backend/index.js';
import type { CellType, ModelConfig } from '../src/model/config.js';
import { charnnTraining, flopsPerChar, layersTraining, matMulRate, sampling } from './measure.js';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const json = args.includes('--json');
const backendArg = (args.find((a) => a.startsWith('--backend='))?.split('=')[1] ?? 'wasm') as BackendName;
const here = path.dirname(fileURLToPath(import.meta.url));
const log = (line: string): void => void process.stderr.write(`${line}\n`);

const backend = await initBackend(backendArg);
const BATCH = 32;
const SEQ = 64;
const model = (cell: CellType, layers: number, hidden: number): ModelConfig => ({ cell, vocabSize: 65, embedding: 64, hidden, layers, dropout: 0 });
const timed = quick ? 2 : 5;

log(`charnn bench on ${backend}, ${os.cpus().length} cores, ${os.cpus()[0]?.model ?? 'unknown CPU'}${quick ? ' (quick)' : ''}`);
// Measured before and after the training runs; the better figure is the
// backend's rate (a busy moment can only make a measurement slower).
const matmulBefore = matMulRate();
log(`matMul 2048×320·320×1024: ${matmulBefore.toFixed(1)} GFLOP/s`);

interface TrainingRow {
  name: string;
  charnn: number;
  layers: number;
  ratio: number;
  flopsPerChar: number;
  gflops: number;
  efficiency: number;
}

const configs: [string, ModelConfig][] = [
  ['lstm 1×256', model('lstm', 1, 256)],
  ['gru 1×256', model('gru', 1, 256)],
  ['rnn 1×256', model('rnn', 1, 256)],
  ['lstm 2×512', model('lstm', 2, 512)],
];
const training: TrainingRow[] = [];
for (const [name, config] of configs) {
  const ours = await charnnTraining(config, BATCH, SEQ, 1, backend, timed);
  const theirs = await layersTraining(config, BATCH, SEQ, quick ? 1 : 5);
  const flops = flopsPerChar(config);
  const gflops = (ours * flops) / 1e9;
  training.push({ name, charnn: ours, layers: theirs, ratio: ours / theirs, flopsPerChar: flops, gflops, efficiency: 0 });
  log(`${name}: charnn ${ours.toFixed(0)} chars/s, tf.layers ${theirs.toFixed(0)} chars/s`);
}

const matmul = Math.max(matmulBefore, matMulRate());
for (const r of training) r.efficiency = r.gflops / matmul;
const oneWorker = training[0]!.charnn;
const twoWorkers = await charnnTraining(model('lstm', 1, 256), BATCH, SEQ, 2, backend, timed);
log(`lstm 1×256 with --workers 2: ${twoWorkers.toFixed(0)} chars/s`);

const sampler = model('lstm', 2, 256);
const single = sampling(sampler, 1, quick ? 200 : 1000);
const batched = sampling(sampler, 64, quick ? 30 : 150);
log(`sampling 2×256 lstm: 1 stream ${single.toFixed(0)} chars/s, 64 streams ${batched.toFixed(0)} chars/s`);

// generate --num 64 against 64 runs of --num 1, as a user would run them.
const bin = path.join(here, '..', '..', 'bin', 'charnn.js');
const corpusFile = path.join(here, '..', '..', 'corpora', 'tinyshakespeare.txt');
const genDir = fs.mkdtempSync(path.join(os.tmpdir(), 'charnn-bench-'));
const made = spawnSync(process.execPath, [bin, 'train', corpusFile, '--layers', '2', '--hidden', '256', '--max-steps', '1', '--eval-every', '1',
  '--eval-batches', '1', '--sample-length', '0', '--no-ui', '--backend', backend, '--out', genDir], { encoding: 'utf8' });
if (made.status !== 0) throw new Error(`could not make the generation checkpoint: ${made.stderr}`);
const runs = quick ? 8 : 64;
const timeRun = (num: number): number => {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [bin, 'generate', genDir, '--num', String(num), '--length', '200', '--seed', '1', '--backend', backend], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`generate failed: ${r.stderr}`);
  return performance.now() - t0;
};
const batchedRunMs = timeRun(runs);
let separateRunsMs = 0;
for (let i = 0; i < runs; i++) separateRunsMs += timeRun(1);
fs.rmSync(genDir, { recursive: true, force: true });
log(`generate --num ${runs} --length 200: ${(batchedRunMs / 1000).toFixed(1)} s; ${runs} runs of --num 1: ${(separateRunsMs / 1000).toFixed(1)} s`);

const probe = spawnSync(process.execPath, [path.join(here, 'memory-probe.js'), backend, String(BATCH), String(SEQ), quick ? '20' : '40'], { encoding: 'utf8' });
const leakProbe = spawnSync(process.execPath, [path.join(here, 'memory-probe.js'), backend, '4', '16', quick ? '100' : '1000'], { encoding: 'utf8' });
const memory = JSON.parse(probe.stdout.trim().split('\n').at(-1) ?? '{}');
const leaks = JSON.parse(leakProbe.stdout.trim().split('\n').at(-1) ?? '{}');

const row = (name: string) => training.find((r) => r.name === name)!;
const targets: [string, boolean, string][] = [
  ['lstm training ≥ 10× tf.layers', row('lstm 1×256').ratio >= 10, `${row('lstm 1×256').ratio.toFixed(1)}×`],
  ['gru training ≥ 8× tf.layers', row('gru 1×256').ratio >= 8, `${row('gru 1×256').ratio.toFixed(1)}×`],
  ['rnn training ≥ 8× tf.layers', row('rnn 1×256').ratio >= 8, `${row('rnn 1×256').ratio.toFixed(1)}×`],
  ['efficiency ≥ 60% of matMul rate (lstm 1×256)', row('lstm 1×256').efficiency >= 0.6, `${(100 * row('lstm 1×256').efficiency).toFixed(0)}%`],
  ['--workers 2 ≥ 1.7× one worker', twoWorkers / oneWorker >= 1.7, `${(twoWorkers / oneWorker).toFixed(2)}×`],
  ['single-stream sampling ≥ 2,000 chars/s', single >= 2000, `${single.toFixed(0)} chars/s`],
  ['batched generation ≥ 20× single-stream', batched / single >= 20, `${(batched / single).toFixed(1)}×`],
  [`generate --num ${runs} ≥ 10× faster than ${runs} runs of --num 1`, separateRunsMs / batchedRunMs >= 10, `${(separateRunsMs / batchedRunMs).toFixed(1)}×`],
  ['peak RSS ≤ 400 MB (2×256 lstm training)', memory.peakRssMb <= 400, `${Number(memory.peakRssMb).toFixed(0)} MB`],
  ['no tensor leak (step 10 vs step 1,000)', leaks.tensorsAt10 === leaks.tensorsAtEnd, `${leaks.tensorsAt10} vs ${leaks.tensorsAtEnd} (${leaks.steps} steps)`],
];

const results = {
  date: new Date().toISOString(), backend, cpu: os.cpus()[0]?.model, cores: os.cpus().length, quick,
  benchConfig: { vocab: 65, embedding: 64, batch: BATCH, seqLen: SEQ },
  matMulGflops: matmul, training, workers: { one: oneWorker, two: twoWorkers, speedup: twoWorkers / oneWorker },
  sampling: { single, batched64: batched, ratio: batched / single },
  generateCommand: { samples: runs, batchedRunMs, separateRunsMs, ratio: separateRunsMs / batchedRunMs }, memory, leaks,
  targets: targets.map(([name, ok, value]) => ({ name, ok, value })),
};

if (json) {
  process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
} else {
  const pad = (s: string, n: number): string => s.padStart(n);
  const lines = [
    `charnn bench — backend ${backend}, ${results.cores} cores, batch ${BATCH} × seq ${SEQ}, vocab 65, embedding 64`,
    '',
    `${'model'.padEnd(12)}${pad('charnn c/s', 12)}${pad('tf.layers c/s', 15)}${pad('ratio', 8)}${pad('MFLOP/char', 12)}${pad('GFLOP/s', 9)}${pad('eff.', 7)}`,
    ...training.map((r) =>
      `${r.name.padEnd(12)}${pad(r.charnn.toFixed(0), 12)}${pad(r.layers.toFixed(0), 15)}${pad(`${r.ratio.toFixed(1)}×`, 8)}${pad((r.flopsPerChar / 1e6).toFixed(2), 12)}${pad(r.gflops.toFixed(1), 9)}${pad(`${(100 * r.efficiency).toFixed(0)}%`, 7)}`,
    ),
    '',
    `matMul 2048×320·320×1024: ${matmul.toFixed(1)} GFLOP/s`,
    `--workers 2 (lstm 1×256): ${twoWorkers.toFixed(0)} chars/s = ${(twoWorkers / oneWorker).toFixed(2)}× one worker`,
    `sampling (lstm 2×256): 1 stream ${single.toFixed(0)} chars/s, 64 streams ${batched.toFixed(0)} chars/s (${(batched / single).toFixed(1)}×)`,
    `charnn generate (lstm 2×256, 200 chars): --num ${runs} in ${(batchedRunMs / 1000).toFixed(1)} s, ${runs} runs of --num 1 in ${(separateRunsMs / 1000).toFixed(1)} s (${(separateRunsMs / batchedRunMs).toFixed(1)}×)`,
    `memory (lstm 2×256, batch ${BATCH}×${SEQ}): peak RSS ${Number(memory.peakRssMb).toFixed(0)} MB; tensors after step 10: ${leaks.tensorsAt10}, after step ${leaks.steps}: ${leaks.tensorsAtEnd}`,
    '',
    'targets:',
    ...targets.map(([name, ok, value]) => `  ${ok ? 'PASS' : 'MISS'}  ${name}: ${value}`),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  fs.writeFileSync(path.join(here, '..', '..', 'bench', 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
}
