/**
 * The engine spike (issue 13): one LSTM 1×256 training window (embedding 64,
 * batch 32, seq 64, vocab 65), forward + backward, timed in one run on
 *   - onnxruntime-node, the whole window as one unrolled graph, 1 and 2 threads
 *   - TF.js wasm, CharRnn.lossAndGradients (charnn's engine before ORT)
 *   - PyTorch (bench/torch-bench.py --mode window), 1 and 2 threads
 * plus the forward pass alone, unrolled against a Scan loop, on ORT.
 *
 *   npm run build && node dist/bench/spike.js
 */
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-node';
import * as tf from '../src/tf.js';
import { initBackend } from '../src/engine/tfjs/backend/index.js';
import { CharRnn } from '../src/engine/tfjs/char-rnn.js';
import type { ModelConfig } from '../src/model/config.js';
import { parameterSpecs } from '../src/model/params.js';
import { initParams } from '../src/engine/tfjs/param-tensors.js';
import { Rng } from '../src/util/rng.js';
import { buildGraph, graphParams, names } from '../src/engine/ort/model-graph.js';
import { GraphBuilder } from '../src/engine/onnx/graph.js';
import { lstmCell } from '../src/model/cells/lstm.js';
import { graphOps } from '../src/engine/ort/graph-ops.js';
import { OrtSession } from '../src/engine/ort/runtime.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const log = (line: string): void => void process.stdout.write(`${line}\n`);
const N = 32;
const T = 64;
const config: ModelConfig = { cell: 'lstm', vocabSize: 65, embedding: 64, hidden: 256, layers: 1, dropout: 0 };
const reps = Number(process.argv[2] ?? 10);

await initBackend('wasm');
const rng = new Rng(1);
const params = initParams(config, rng);
const tokens = Int32Array.from({ length: N * T }, () => rng.int(65));
const targets = Int32Array.from({ length: N * T }, () => rng.int(65));
const values = new Map([...params].map(([k, v]) => [k, v.dataSync() as Float32Array]));
const specs = new Map(parameterSpecs(config).map((s) => [s.name, s.shape]));

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;

/** Median wall time and median CPU time (this process, all its threads) per call, in ms. */
function line(label: string, wall: number, cpu: number): void {
  log(`${label.padEnd(52)} ${wall.toFixed(1).padStart(7)} ms ${((N * T) / (wall / 1000)).toFixed(0).padStart(7)} chars/s   cpu ${cpu.toFixed(1).padStart(6)} ms`);
}

async function timeAsync(label: string, run: () => unknown, count = reps): Promise<number> {
  for (let i = 0; i < 3; i++) await run();
  const walls: number[] = [];
  const cpus: number[] = [];
  for (let i = 0; i < count; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    await run();
    walls.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpus.push((c.user + c.system) / 1000);
  }
  line(label, median(walls), median(cpus));
  return median(walls);
}
const timeIt = timeAsync;

function feedsFor(kind: 'train' | 'logits', table?: Float32Array): Record<string, ort.Tensor> {
  const feeds: Record<string, ort.Tensor> = { [names.tokens]: new ort.Tensor('int32', tokens, [N * T]) };
  if (kind === 'train') feeds[names.targets] = new ort.Tensor('int32', targets, [N * T]);
  else feeds[names.table] = new ort.Tensor('float32', table!, [65, 1024]);
  for (const name of graphParams(config, kind)) feeds[name] = new ort.Tensor('float32', values.get(name)!, specs.get(name)!);
  // h and c of the one layer, stacked [2N, H].
  feeds[names.state] = new ort.Tensor('float32', new Float32Array(2 * N * 256), [2 * N, 256]);
  return feeds;
}

/** The forward pass as a Scan over steps (body: one LSTM step), for comparison with the unrolled graph. */
function scanForwardGraph(): Uint8Array {
  const g = new GraphBuilder('scan-forward');
  const H = 256;
  const tokensIn = g.input(names.tokens, 'INT32', [N * T]);
  const table = g.input(names.table, 'FLOAT', [65, 4 * H]);
  const recurrent = g.input('layer0.recurrent', 'FLOAT', [H, 4 * H]);
  const outK = g.input('output.kernel', 'FLOAT', [H, 65]);
  const outB = g.input('output.bias', 'FLOAT', [65]);
  const [h0, c0] = g.splitEven(g.input(names.state, 'FLOAT', [2 * N, H]), 2, 0);
  const projections = g.reshape(g.op('Gather', [table, tokensIn], { axis: 0 }), [T, N, 4 * H]);
  const body = new GraphBuilder('step', 'body_');
  const h = body.input('body_h', 'FLOAT', [N, H]);
  const c = body.input('body_c', 'FLOAT', [N, H]);
  const x = body.input('body_x', 'FLOAT', [N, 4 * H]);
  const step = lstmCell.forward(graphOps(body), [x], recurrent, H, { h, c }, false);
  body.output(step.final.h, 'body_h_out', 'FLOAT', [N, H]);
  body.output(step.final.c!, 'body_c_out', 'FLOAT', [N, H]);
  body.output(step.outputs[0]!, 'body_y', 'FLOAT', [N, H]);
  const [hT, cT, ys] = g.opN('Scan', [h0!, c0!, projections], 3, { body: body.graph(), num_scan_inputs: 1 });
  const logits = g.gemm(g.reshape(ys!, [T * N, H]), outK, outB);
  g.output(logits, names.logits, 'FLOAT', [T * N, 65]);
  g.output(g.concat([hT!, cT!], 0), names.final, 'FLOAT', [2 * N, H]);
  return g.build();
}

log(`spike: LSTM 1×256, embedding 64, batch ${N}, seq ${T}, vocab 65; median of ${reps} windows each; load ${os.loadavg()[0]!.toFixed(2)}`);
const t0 = performance.now();
const trainGraph = buildGraph(config, 'train', { batch: N, steps: T });
const buildMs = performance.now() - t0;
log(`train graph: ${(trainGraph.length / 1024).toFixed(0)} KiB, built in ${buildMs.toFixed(0)} ms`);

const results: Record<string, number> = {};
const tableValues = tf.tidy(() => new CharRnn(config, params).firstProjectionTable().dataSync() as Float32Array);
for (const threads of [1, 2]) {
  // The engine's own session (src/engine/ort/runtime.ts): its options, run synchronously.
  const open = (bytes: Uint8Array) => {
    const s = new OrtSession(bytes, threads);
    const fetch = Object.fromEntries(s.outputNames.map((n) => [n, null]));
    return { run: (feeds: Record<string, ort.Tensor>) => s.run(feeds, fetch), release: async () => s.dispose() };
  };
  const s0 = performance.now();
  const session = open(trainGraph);
  log(`ORT session (${threads} thread${threads > 1 ? 's' : ''}): created in ${(performance.now() - s0).toFixed(0)} ms`);
  const feeds = feedsFor('train');
  results[`ort${threads}`] = await timeAsync(`ORT unrolled, forward+backward, ${threads} thread(s)`, () => session.run(feeds));
  const forward = open(buildGraph(config, 'logits', { batch: N, steps: T }));
  const scan = open(scanForwardGraph());
  const forwardFeeds = feedsFor('logits', tableValues);
  results[`fwd${threads}`] = await timeAsync(`ORT forward only, unrolled, ${threads} thread(s)`, () => forward.run(forwardFeeds));
  results[`scan${threads}`] = await timeAsync(`ORT forward only, Scan, ${threads} thread(s)`, () => scan.run(forwardFeeds));
  await session.release();
  await forward.release();
  await scan.release();
}

const model = new CharRnn(config, params);
const state = model.zeroState(N);
results['tfjs'] = await timeIt('TF.js wasm CharRnn.lossAndGradients (1 thread)', () => {
  const r = model.lossAndGradients({ inputs: tokens, targets, batchSize: N, seqLen: T }, state);
  r.loss.dataSync();
  r.loss.dispose();
  for (const g of r.grads.values()) g.dispose();
  for (const s of r.finals) {
    s.h.dispose();
    s.c?.dispose();
  }
}, Math.max(3, Math.round(reps / 2)));

const python = ['python3', '/usr/bin/python3'].find((p) => spawnSync(p, ['-c', 'import torch'], { encoding: 'utf8' }).status === 0);
if (python) {
  for (const threads of [1, 2]) {
    const r = spawnSync(python, [path.join(here, '..', '..', 'bench', 'torch-bench.py'), '--mode', 'window', '--threads', String(threads), '--steps', String(reps)], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(r.stderr);
    const out = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { msPerWindow: number; cpuMs: number };
    results[`torch${threads}`] = out.msPerWindow;
    line(`PyTorch forward+backward, ${threads} thread(s)`, out.msPerWindow, out.cpuMs);
  }
} else log('PyTorch: not available (python3 -c "import torch" fails); column skipped');

log('');
log(`ORT 2 threads vs TF.js wasm: ${(results['tfjs']! / results['ort2']!).toFixed(2)}× faster`);
if (results['torch2']) log(`ORT 2 threads vs PyTorch 2 threads: ${(results['torch2'] / results['ort2']!).toFixed(2)}×; 1 thread vs 1 thread: ${(results['torch1']! / results['ort1']!).toFixed(2)}×`);
log(`ORT thread scaling 2/1: ${(results['ort1']! / results['ort2']!).toFixed(2)}×; Scan vs unrolled forward (2 threads): ${(results['scan2']! / results['fwd2']!).toFixed(2)}× the time`);
log(`load after: ${os.loadavg()[0]!.toFixed(2)}`);
