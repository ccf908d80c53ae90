/**
 * The gradient-span measurement against finite differences. h_{T−k} is
 * internal to a forward pass, so the check runs the first T − k steps
 * separately, takes the resulting state as the initial state of the last k
 * steps, and differentiates the last position's loss numerically with
 * respect to that initial state's top-layer h: exactly ∂L_T/∂h_{T−k}.
 */
import * as tf from '../../src/tf.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/engine/tfjs/backend/index.js';
import { decayDistance, hiddenStateGradients, measureGradientSpan, rowNorms } from '../../src/compare/gradient-span.js';
import { CharRnn, disposeState, type ModelState } from '../../src/engine/tfjs/char-rnn.js';
import { CELL_TYPES } from '../../src/model/config.js';
import { initParams } from '../../src/engine/tfjs/param-tensors.js';
import { logSoftmax } from '../../src/sample/distribution.js';
import { Rng } from '../../src/util/rng.js';

const N = 2, T = 5, D = 4, H = 5, V = 6;

beforeAll(async () => {
  await initBackend('wasm');
});

function tinyModel(cell: (typeof CELL_TYPES)[number], layers: number): CharRnn {
  const config = { cell, vocabSize: V, embedding: D, hidden: H, layers, dropout: 0 };
  const params = initParams(config, new Rng(5));
  // Larger weights than the initialisation, so gradients differ visibly from step to step.
  for (const [name, t] of params) params.set(name, tf.randomUniform(t.shape, -0.8, 0.8, 'float32', 3 + name.length));
  return new CharRnn(config, params);
}

function randomState(model: CharRnn, seed: number): ModelState {
  return model.zeroState(N).map((s, i) => ({
    h: tf.randomUniform([N, H], -0.5, 0.5, 'float32', seed + i) as tf.Tensor2D,
    c: s.c ? (tf.randomUniform([N, H], -0.5, 0.5, 'float32', seed + 10 + i) as tf.Tensor2D) : undefined,
  }));
}

/** Σ_n −log p(lastTargets[n]) after running `inputs` (k steps) from `state`, in float64 from the logits. */
function lastLoss(model: CharRnn, inputs: Int32Array, k: number, state: ModelState, lastTargets: Int32Array): number {
  const { logits, finals } = model.sequenceLogits({ inputs, batchSize: N, seqLen: k }, state);
  const values = logits.dataSync();
  logits.dispose();
  disposeState(finals);
  let loss = 0;
  for (let n = 0; n < N; n++) loss -= logSoftmax(values, ((k - 1) * N + n) * V, V)[lastTargets[n]!]!;
  return loss;
}

describe.each(CELL_TYPES)('%s: ∂L_T/∂h_{T−k}', (cell) => {
  it.each([1, 2])('matches finite differences on a split run (%i layer(s))', (layers) => {
    const model = tinyModel(cell, layers);
    const inputs = new Int32Array([0, 5, 3, 2, 4, 1, 1, 3, 2, 0]);
    const lastTargets = new Int32Array([4, 2]);
    const state = randomState(model, 11);
    const { byK, finals } = hiddenStateGradients(model, { inputs, lastTargets, batchSize: N, seqLen: T }, state);
    disposeState(finals);
    expect(byK.length).toBe(T);
    for (const k of [1, 2, T - 1]) {
      // Steps 0 … T−k−1 give h_{T−k}; the last k steps run from there.
      const prefix = inputs.subarray(0, (T - k) * N);
      const suffix = inputs.subarray((T - k) * N);
      const { logits, finals: split } = model.sequenceLogits({ inputs: prefix, batchSize: N, seqLen: T - k }, state);
      logits.dispose();
      const top = layers - 1;
      const base = split[top]!.h.dataSync().slice();
      const eps = 1e-2;
      let worst = 0;
      for (let i = 0; i < base.length; i++) {
        const probe = (delta: number) => {
          const values = base.slice();
          values[i]! += delta;
          const h = tf.tensor2d(values, [N, H]);
          const perturbed = split.map((s, l) => (l === top ? { ...s, h } : s));
          const loss = lastLoss(model, suffix, k, perturbed, lastTargets);
          h.dispose();
          return loss;
        };
        const numeric = (probe(eps) - probe(-eps)) / (2 * eps);
        const analytic = byK[k]![i]!;
        const error = Math.abs(numeric - analytic) / Math.max(1e-2, Math.abs(numeric) + Math.abs(analytic));
        worst = Math.max(worst, error);
        expect(error, `k=${k} [${i}]: numeric ${numeric} vs measured ${analytic}`).toBeLessThan(2e-2);
      }
      expect(worst).toBeLessThan(2e-2);
      // The gradients are not trivially zero.
      expect(Math.max(...rowNorms(byK[k]!, N))).toBeGreaterThan(1e-4);
      disposeState(split);
    }
    disposeState(state);
  });
});

describe('measureGradientSpan', () => {
  it('averages per-stream norms over windows and reports the decay distance', async () => {
    const model = tinyModel('rnn', 1);
    const ids = new Int32Array(2000);
    const rng = new Rng(9);
    for (let i = 0; i < ids.length; i++) ids[i] = rng.int(V);
    const result = await measureGradientSpan(model, ids, { span: 12, batches: 3, batchSize: 4 });
    expect(result.norms.length).toBe(13);
    expect(result.relative[1]).toBe(1);
    expect(result.windows).toBe(3);
    expect(result.streams).toBe(4);
    expect(result.norms.every((v) => Number.isFinite(v) && v >= 0)).toBe(true);
    expect(result.decayDistance).toBe(decayDistance(result.norms));
    // Same numbers from the first window alone, by hand.
    const first = await measureGradientSpan(model, ids, { span: 12, batches: 1, batchSize: 4 });
    const { BatchStream } = await import('../../src/data/batches.js');
    const { inputs, targets } = new BatchStream(ids, 4, 13).batch(0);
    const zero = model.zeroState(4);
    const direct = hiddenStateGradients(model, { inputs, lastTargets: targets.slice(12 * 4), batchSize: 4, seqLen: 13 }, zero);
    disposeState(direct.finals);
    disposeState(zero);
    for (const k of [0, 5, 12]) {
      const mean = rowNorms(direct.byK[k]!, 4).reduce((a, b) => a + b, 0) / 4;
      expect(first.norms[k]).toBeCloseTo(mean, 6);
    }
  });

  it('decayDistance finds the first k below threshold × the k = 1 value', () => {
    expect(decayDistance([5, 1, 0.1, 0.01, 0.0009, 0.00001])).toBe(4);
    expect(decayDistance([5, 1, 0.1, 0.01], 1e-3)).toBeNull();
    expect(decayDistance([5, 2, 0.5], 0.5)).toBe(2);
    expect(decayDistance([5, 0, 0])).toBeNull();
  });
});
