/**
 * Measurements used by bench.ts. Each returns plain numbers; the caller
 * prints them. Timings are medians of several runs after warm-up.
 */
import * as tf from '@tensorflow/tfjs';
import { gateCount, type ModelConfig } from '../src/model/config.js';
import { buildLayersModel } from '../src/model/layers-equivalent.js';
import { initParamArrays } from '../src/model/params.js';
import { zeroState } from '../src/model/state.js';
import { Sampler } from '../src/sample/sampler.js';
import type { Engine } from '../src/engine/engine.js';
import { TfjsEngine } from '../src/engine/tfjs/engine.js';
import { Adam, clipScale, globalNorm } from '../src/train/optimizer.js';
import { Rng } from '../src/util/rng.js';

export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

/** Backend matMul rate on a 2048×320 · 320×1024 product, GFLOP/s. */
export function matMulRate(): number {
  const a = tf.randomUniform([2048, 320]);
  const b = tf.randomUniform([320, 1024]);
  const times: number[] = [];
  for (let i = 0; i < 12; i++) {
    const t0 = performance.now();
    const c = tf.matMul(a, b);
    c.dataSync();
    c.dispose();
    if (i >= 2) times.push(performance.now() - t0);
  }
  a.dispose();
  b.dispose();
  return (2 * 2048 * 320 * 1024) / (median(times) / 1000) / 1e9;
}

/**
 * Model FLOPs per character, forward + backward, counted from the sizes the
 * way the standard formulation computes them (embedding lookup, input and
 * recurrent matMuls per layer, output layer; backward = 2 × forward).
 */
export function flopsPerChar(c: ModelConfig): number {
  const g = gateCount(c.cell);
  let forward = 2 * c.hidden * c.vocabSize;
  for (let l = 0; l < c.layers; l++) forward += 2 * ((l === 0 ? c.embedding : c.hidden) + c.hidden) * g * c.hidden;
  return 3 * forward;
}

function randomBatch(c: ModelConfig, batchSize: number, seqLen: number, seed: number) {
  const rng = new Rng(seed);
  const inputs = new Int32Array(batchSize * seqLen).map(() => rng.int(c.vocabSize));
  const targets = new Int32Array(batchSize * seqLen).map(() => rng.int(c.vocabSize));
  return { inputs, targets, batchSize, seqLen };
}

/** charnn training throughput (chars/s): full steps — gradients, norm, clipping, Adam. */
export async function charnnTraining(c: ModelConfig, batchSize: number, seqLen: number, workers: number, backend: string, timed = 5): Promise<number> {
  const engine: Engine = new TfjsEngine(c, backend, workers);
  const weights = initParamArrays(c, new Rng(1));
  const adam = new Adam();
  const rng = new Rng(2);
  let state = zeroState(c, batchSize);
  const times: number[] = [];
  for (let i = 0; i < timed + 2; i++) {
    const batch = randomBatch(c, batchSize, seqLen, i);
    const t0 = performance.now();
    const r = await engine.gradients(weights, batch, state, rng);
    const norm = globalNorm(r.grads);
    adam.apply(weights, r.grads, 2e-3, clipScale(norm, 5));
    state = r.finals;
    if (i >= 2) times.push(performance.now() - t0);
  }
  await engine.dispose();
  return (batchSize * seqLen) / (median(times) / 1000);
}

/** The tf.layers equivalent trained with model.trainOnBatch (chars/s). */
export async function layersTraining(c: ModelConfig, batchSize: number, seqLen: number, timed = 5): Promise<number> {
  // One-hot inputs: the Embedding gradient (UnsortedSegmentSum) has no wasm kernel.
  // tf.layers warns on the console about orthogonal initialisation of large matrices.
  const warn = console.warn;
  console.warn = () => {};
  const model = buildLayersModel(c, { oneHotInput: true, initialize: true });
  console.warn = warn;
  model.compile({ optimizer: tf.train.adam(2e-3), loss: (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.losses.softmaxCrossEntropy(yTrue, yPred) });
  const times: number[] = [];
  for (let i = 0; i < timed + 2; i++) {
    const b = randomBatch(c, batchSize, seqLen, i);
    const [x, y] = tf.tidy(() => [
      tf.oneHot(tf.tensor2d(b.inputs, [batchSize, seqLen], 'int32'), c.vocabSize),
      tf.oneHot(tf.tensor2d(b.targets, [batchSize, seqLen], 'int32'), c.vocabSize),
    ]);
    const t0 = performance.now();
    await model.trainOnBatch(x!, y!);
    if (i >= 2) times.push(performance.now() - t0);
    x!.dispose();
    y!.dispose();
  }
  model.dispose();
  return (batchSize * seqLen) / (median(times) / 1000);
}

/** Generation throughput (chars/s) for `streams` streams sampled together. */
export function sampling(c: ModelConfig, streams: number, steps: number): number {
  const sampler = new Sampler(new TfjsEngine(c, tf.getBackend(), 1).stepModel(initParamArrays(c, new Rng(1))));
  let state = sampler.zeroState(streams);
  const ids = new Int32Array(streams);
  for (let i = 0; i < 20; i++) ({ state } = sampler.step(state, ids));
  const t0 = performance.now();
  for (let i = 0; i < steps; i++) ({ state } = sampler.step(state, ids));
  const seconds = (performance.now() - t0) / 1000;
  sampler.dispose();
  return (steps * streams) / seconds;
}
