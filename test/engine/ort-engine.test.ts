/**
 * The onnxruntime engine against the TF.js reference: the same loss,
 * gradients and final state for every cell (2 layers, dropout on, a
 * non-zero initial state; then every training mask: variational dropout,
 * weight drop, embedding dropout), central differences on its own (without
 * masks and with every one), the same evaluation loss, and the same
 * sampling steps.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/engine/tfjs/backend/index.js';
import { CELL_TYPES, parameterCount, type CellType, type ModelConfig } from '../../src/model/config.js';
import { initParamArrays } from '../../src/model/params.js';
import { stateParts, zeroState, type StateArrays } from '../../src/model/state.js';
import { OrtEngine } from '../../src/engine/ort/engine.js';
import { TfjsEngine } from '../../src/engine/tfjs/engine.js';
import { Rng } from '../../src/util/rng.js';
import { Vocabulary } from '../../src/data/vocabulary.js';
import { generate } from '../../src/sample/generate.js';
import { Sampler } from '../../src/sample/sampler.js';

const N = 3, T = 4, V = 11;

beforeAll(async () => {
  await initBackend('wasm');
});

/** Every training mask at once (src/model/dropout.ts). */
const EVERY_MASK = { dropout: 0.3, dropoutMask: 'sequence', weightDrop: 0.3, embeddingDropout: 0.3 } as const;

function setup(cell: CellType, dropout: number | Pick<ModelConfig, 'dropout' | 'dropoutMask' | 'weightDrop' | 'embeddingDropout'>) {
  const config: ModelConfig = { cell, vocabSize: V, embedding: 5, hidden: 7, layers: 2, ...(typeof dropout === 'number' ? { dropout } : dropout) };
  const rng = new Rng(5);
  const weights = initParamArrays(config, rng);
  // Non-zero biases and a non-zero initial state exercise every term.
  for (const [name, values] of weights) if (name.endsWith('bias')) values.forEach((_, i) => (values[i] = rng.uniform(-0.5, 0.5)));
  const state = zeroState(config, N);
  for (const part of stateParts(state)) part.forEach((_, i) => (part[i] = rng.uniform(-0.5, 0.5)));
  const batch = {
    inputs: Int32Array.from({ length: N * T }, () => rng.int(V)),
    targets: Int32Array.from({ length: N * T }, () => rng.int(V)),
    batchSize: N,
    seqLen: T,
  };
  return { config, weights, state, batch };
}

/** max |a − b| / max |a| */
function relativeError(a: Float32Array, b: Float32Array): number {
  expect(b.length).toBe(a.length);
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < a.length; i++) {
    diff = Math.max(diff, Math.abs(a[i]! - b[i]!));
    scale = Math.max(scale, Math.abs(a[i]!));
  }
  return diff / Math.max(scale, 1e-12);
}

function expectStatesClose(a: StateArrays, b: StateArrays): void {
  const pa = stateParts(a);
  const pb = stateParts(b);
  expect(pb.length).toBe(pa.length);
  pa.forEach((p, i) => expect(relativeError(p, pb[i]!)).toBeLessThan(1e-5));
}

describe.each(CELL_TYPES)('ort engine, %s', (cell) => {
  it.each([
    ['dropout', 0.3],
    ['every training mask', EVERY_MASK],
  ] as const)('gives the TF.js engine\'s loss, gradients (within 1e-4 relative) and final state, with %s', async (_, masks) => {
    const { config, weights, state, batch } = setup(cell, masks);
    const tfjs = new TfjsEngine(config, 'wasm', 1);
    const ort = new OrtEngine(config, 1);
    const ref = await tfjs.gradients(weights, batch, state, new Rng(9));
    const got = await ort.gradients(weights, batch, state, new Rng(9));
    expect(got.loss).toBeCloseTo(ref.loss, 5);
    for (const [name, g] of ref.grads) expect(relativeError(g, got.grads.get(name)!), name).toBeLessThan(1e-4);
    expectStatesClose(ref.finals, got.finals);
    // Evaluation (no dropout): the summed loss and the state.
    const refSum = await tfjs.lossSum(weights, batch, state);
    const gotSum = await ort.lossSum(weights, batch, state);
    expect(gotSum.lossSum).toBeCloseTo(refSum.lossSum, 4);
    expectStatesClose(refSum.finals, gotSum.finals);
    await ort.dispose();
    await tfjs.dispose();
  });

  it.each([
    ['no masks', 0],
    ['every training mask', EVERY_MASK],
  ] as const)('matches central finite differences for every parameter, with %s', (_, masks) => {
    const { config, weights, state, batch } = setup(cell, masks);
    const ort = new OrtEngine(config, 1);
    // A new generator of one seed for every pass: the same masks each time.
    const { grads } = ort.gradientsNow(weights, batch, state, new Rng(1));
    const eps = 1e-2;
    let checked = 0;
    for (const [name, values] of weights) {
      const analytic = grads.get(name)!;
      for (let i = 0; i < values.length; i++) {
        const base = values[i]!;
        const lossAt = (x: number): number => {
          values[i] = x;
          return ort.gradientsNow(weights, batch, state, new Rng(1)).loss;
        };
        const numeric = (lossAt(base + eps) - lossAt(base - eps)) / (2 * eps);
        values[i] = base;
        const error = Math.abs(numeric - analytic[i]!) / Math.max(1e-2, Math.abs(numeric) + Math.abs(analytic[i]!));
        expect(error, `${name}[${i}]: numeric ${numeric} vs analytic ${analytic[i]}`).toBeLessThan(2e-2);
        checked++;
      }
    }
    expect(checked).toBe(parameterCount(config));
    void ort.dispose();
  });

  it('steps like the TF.js engine when sampling, for one stream and several', () => {
    const { config, weights } = setup(cell, 0);
    const ref = new TfjsEngine(config, 'wasm', 1).stepModel(weights);
    const ort = new OrtEngine(config, 1);
    const got = ort.stepModel(weights);
    const prime = Int32Array.of(1, 4, 2, 9);
    const a = ref.run(zeroState(config, 1), prime, prime.length);
    const b = got.run(zeroState(config, 1), prime, prime.length);
    expect(relativeError(a.logits, b.logits)).toBeLessThan(1e-5);
    expectStatesClose(a.state, b.state);
    const ids = Int32Array.of(0, 3, 10);
    const several = ref.run(zeroState(config, 3), ids, 1);
    const severalOrt = got.run(zeroState(config, 3), ids, 1);
    expect(relativeError(several.logits, severalOrt.logits)).toBeLessThan(1e-5);
    // The next step from the state a step returned (fed back without a copy); the older state stays as it was.
    const kept = stateParts(severalOrt.state).map((p) => p.slice());
    const again = got.run(severalOrt.state, ids, 1);
    expect(relativeError(ref.run(several.state, ids, 1).logits, again.logits)).toBeLessThan(1e-5);
    expect(stateParts(severalOrt.state)).toEqual(kept);
    ref.dispose();
    got.dispose();
    void ort.dispose();
  });
});

describe.each(CELL_TYPES)('evaluation windows, %s', (cell) => {
  it('give the TF.js engine\'s summed loss and state, uncounted targets left out', () => {
    const { config, weights, state, batch } = setup(cell, 0);
    const targets = batch.targets.slice();
    targets[1] = -1;
    targets[N * T - 1] = -1;
    const ref = new TfjsEngine(config, 'wasm', 1).stepModel(weights);
    const ort = new OrtEngine(config, 1);
    const got = ort.stepModel(weights);
    const a = ref.windowLoss(state, batch.inputs, targets, T);
    const b = got.windowLoss(state, batch.inputs, targets, T);
    expect(Math.abs(b.lossSum - a.lossSum) / a.lossSum).toBeLessThan(1e-6);
    expectStatesClose(a.state, b.state);
    // The same as the training graph's summed loss when every target counts, and again from the state it returned.
    const all = got.windowLoss(b.state, batch.inputs, batch.targets, T);
    const refAll = ref.windowLoss(a.state, batch.inputs, batch.targets, T);
    expect(Math.abs(all.lossSum - refAll.lossSum) / refAll.lossSum).toBeLessThan(1e-6);
    ref.dispose();
    got.dispose();
    void ort.dispose();
  });
});

describe('sampling on both engines', () => {
  it('gives the same text for the same seed (logits within 1e-5; the draws are made in float64 from them)', async () => {
    const vocab = Vocabulary.fromText('the quick brown fox jumps over the lazy dog\n');
    const config: ModelConfig = { cell: 'lstm', vocabSize: vocab.size, embedding: 8, hidden: 16, layers: 2, dropout: 0 };
    const weights = initParamArrays(config, new Rng(21));
    const ort = new OrtEngine(config, 1);
    const samplers = [new Sampler(new TfjsEngine(config, 'wasm', 1).stepModel(weights)), new Sampler(ort.stepModel(weights))];
    const texts = await Promise.all(samplers.map(async (sampler) => {
      const requests = [0, 1, 2].map((i) => ({ prime: i === 0 ? '' : 'the ', rng: new Rng(100 + i), sampling: { temperature: 1, topK: 0, topP: 1 } }));
      return (await generate(sampler, vocab, requests, { length: 300, maxLength: 300, stop: [] })).map((r) => r.text);
    }));
    expect(texts[1]).toEqual(texts[0]);
    samplers.forEach((s) => s.dispose());
    await ort.dispose();
  });
});

describe('ort engine determinism', () => {
  it('gives the same loss and gradients for the same seed', async () => {
    const { config, weights, state, batch } = setup('lstm', 0.3);
    const ort = new OrtEngine(config, 2);
    const a = await ort.gradients(weights, batch, state, new Rng(4));
    const b = await ort.gradients(weights, batch, state, new Rng(4));
    expect(b.loss).toBe(a.loss);
    for (const [name, g] of a.grads) expect(b.grads.get(name)).toEqual(g);
    await ort.dispose();
  });
});

