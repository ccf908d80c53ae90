/**
 * Measurements used by bench.ts. Each returns plain numbers; the caller
 * prints them. Timings are medians of several runs after warm-up.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { gateCount, type ModelConfig } from '../src/model/config.js';
import { initParamArrays } from '../src/model/params.js';
import { zeroState } from '../src/model/state.js';
import { Sampler } from '../src/sample/sampler.js';
import { generate } from '../src/sample/generate.js';
import { DEFAULT_SAMPLING } from '../src/sample/distribution.js';
import { Vocabulary } from '../src/data/vocabulary.js';
import type { Engine } from '../src/engine/engine.js';
import { GraphBuilder } from '../src/engine/onnx/graph.js';
import { floatTensor, OrtSession } from '../src/engine/ort/runtime.js';
import { Adam } from '../src/train/optimizer.js';
import { trainStep } from '../src/train/step.js';
import { Rng } from '../src/util/rng.js';

export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
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

/** Training throughput (chars/s, median step): full steps — gradients, norm, clipping, Adam — as the trainer takes them (train/step.ts). */
export async function engineTraining(engine: Engine, c: ModelConfig, batchSize: number, seqLen: number, timed = 5): Promise<number> {
  const weights = initParamArrays(c, new Rng(1));
  const adam = new Adam();
  const rng = new Rng(2);
  let state = zeroState(c, batchSize);
  const times: number[] = [];
  for (let i = 0; i < timed + 2; i++) {
    const batch = randomBatch(c, batchSize, seqLen, i);
    const t0 = performance.now();
    const outcome = await trainStep(engine, adam, weights, batch, state, rng, { lr: 2e-3, clip: 5, maxLoss: Infinity });
    if (!outcome.applied) throw new Error(`the benchmark's training step diverged (loss ${outcome.loss})`);
    state = outcome.finals;
    if (i >= 2) times.push(performance.now() - t0);
  }
  return (batchSize * seqLen) / (median(times) / 1000);
}

/** onnxruntime's rate on a 2048×320 · 320×1024 matMul, GFLOP/s. */
export function ortMatMulRate(threads: number): number {
  const g = new GraphBuilder('matmul');
  g.output(g.matMul(g.input('a', 'FLOAT', [2048, 320]), g.input('b', 'FLOAT', [320, 1024])), 'c', 'FLOAT', [2048, 1024]);
  const session = new OrtSession(g.build(), threads);
  const rng = new Rng(3);
  const feeds = {
    a: floatTensor(Float32Array.from({ length: 2048 * 320 }, () => rng.uniform(-1, 1)), [2048, 320]),
    b: floatTensor(Float32Array.from({ length: 320 * 1024 }, () => rng.uniform(-1, 1)), [320, 1024]),
  };
  const out = floatTensor(new Float32Array(2048 * 1024), [2048, 1024]);
  const times: number[] = [];
  for (let i = 0; i < 25; i++) {
    const t0 = performance.now();
    session.run(feeds, { c: out });
    if (i >= 5) times.push(performance.now() - t0);
  }
  session.dispose();
  return (2 * 2048 * 320 * 1024) / (median(times) / 1000) / 1e9;
}

/**
 * Generation throughput (chars/s) for `streams` streams sampled together, as
 * `charnn generate` makes them: model steps and the draws (temperature 0.8,
 * one seeded generator per stream), after a warm-up of 200 characters.
 */
export async function sampling(engine: Engine, c: ModelConfig, streams: number, length: number): Promise<number> {
  const sampler = new Sampler(engine.stepModel(initParamArrays(c, new Rng(1))));
  const vocab = new Vocabulary(Array.from({ length: c.vocabSize }, (_, i) => String.fromCharCode(i === 0 ? 10 : 31 + i)));
  const requests = (seed: number) => Array.from({ length: streams }, (_, i) => ({ prime: '', rng: new Rng(seed + i), sampling: DEFAULT_SAMPLING }));
  await generate(sampler, vocab, requests(1), { length: 200, maxLength: 200, stop: [] });
  const t0 = performance.now();
  await generate(sampler, vocab, requests(1000), { length, maxLength: length, stop: [] });
  const seconds = (performance.now() - t0) / 1000;
  sampler.dispose();
  return (length * streams) / seconds;
}

/** A Python with torch (`python3`, else Debian's `/usr/bin/python3`), or null. */
export function findTorch(): string | null {
  for (const python of ['python3', '/usr/bin/python3']) {
    const r = spawnSync(python, ['-c', 'import torch'], { encoding: 'utf8' });
    if (r.status === 0) return python;
  }
  return null;
}

/** PyTorch on the same model and step (bench/torch-bench.py), chars/s; or a matMul's GFLOP/s. */
export function torchRun(python: string, script: string, args: Record<string, string | number>): Record<string, number> {
  const r = spawnSync(python, [script, ...Object.entries(args).flatMap(([k, v]) => [`--${k}`, String(v)])], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`torch-bench.py failed: ${r.stderr.trim().split('\n').at(-1)}`);
  return JSON.parse(r.stdout.trim().split('\n').at(-1)!) as Record<string, number>;
}

export const benchDir = (here: string): string => path.join(here, '..', '..', 'bench');
