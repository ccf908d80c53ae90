/**
 * Numeric gradient checks (torch-rnn style, N,T,D,H,V = 2,3,4,5,6) for every
 * cell, through the whole model: embedding, two layers, dropout off, dense,
 * softmax cross-entropy. Central differences in float32 are noisy, so the
 * check compares with a tolerance that is loose in absolute terms but would
 * still catch any wrong term of a hand-written backward pass.
 *
 * On both TF.js backends charnn runs without tfjs-node: wasm, where the
 * model's data-movement ops are charnn's own kernels (src/engine/tfjs/backend/fast-ops.ts),
 * and cpu, where they fall back to the ordinary TF.js ops.
 */
import * as tf from '../../../src/tf.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../src/engine/tfjs/backend/index.js';
import { CharRnn, disposeState } from '../../../src/engine/tfjs/char-rnn.js';
import { CELL_TYPES, parameterCount } from '../../../src/model/config.js';
import { initParams } from '../../../src/engine/tfjs/param-tensors.js';
import { Rng } from '../../../src/util/rng.js';

const N = 2, T = 3, D = 4, H = 5, V = 6;

describe.each(['wasm', 'cpu'] as const)('on the %s backend', (backend) => {
  beforeAll(async () => {
    expect(await initBackend(backend)).toBe(backend);
  });

  describe.each(CELL_TYPES)('%s backward pass', (cell) => {
    it('matches central finite differences for every parameter', () => {
      const config = { cell, vocabSize: V, embedding: D, hidden: H, layers: 2, dropout: 0 };
      const rng = new Rng(42);
      const params = initParams(config, rng);
      // Non-zero biases and a non-zero initial state exercise every term.
      for (const [name, t] of params) {
        if (name.endsWith('bias')) params.set(name, tf.randomUniform(t.shape, -0.5, 0.5, 'float32', 7));
      }
      const model = new CharRnn(config, params);
      const batch = {
        inputs: new Int32Array([0, 5, 3, 2, 4, 1]),
        targets: new Int32Array([5, 3, 2, 4, 1, 0]),
        batchSize: N,
        seqLen: T,
      };
      const state = model.zeroState(N).map((s, i) => ({
        h: tf.randomUniform([N, H], -0.5, 0.5, 'float32', 11 + i) as tf.Tensor2D,
        c: s.c ? (tf.randomUniform([N, H], -0.5, 0.5, 'float32', 21 + i) as tf.Tensor2D) : undefined,
      }));
      const { grads } = model.lossAndGradients(batch, state);
      // The mean loss from a forward pass alone.
      const lossAt = (): number => {
        const { lossSum, finals } = model.lossSum(batch, state);
        const mean = lossSum.dataSync()[0]! / (N * T);
        lossSum.dispose();
        disposeState(finals);
        return mean;
      };
      const eps = 1e-2;
      let checked = 0;
      let worst = 0;
      for (const [name, tensor] of [...params]) {
        const base = tensor.dataSync().slice();
        const analytic = grads.get(name)!.dataSync();
        expect(analytic.length, name).toBe(base.length);
        for (let i = 0; i < base.length; i++) {
          const probe = (delta: number): number => {
            const values = base.slice();
            values[i]! += delta;
            const probed = tf.tensor(values, tensor.shape);
            params.set(name, probed);
            const loss = lossAt();
            probed.dispose();
            return loss;
          };
          const numeric = (probe(eps) - probe(-eps)) / (2 * eps);
          const error = Math.abs(numeric - analytic[i]!) / Math.max(1e-2, Math.abs(numeric) + Math.abs(analytic[i]!));
          worst = Math.max(worst, error);
          expect(error, `${name}[${i}]: numeric ${numeric} vs analytic ${analytic[i]}`).toBeLessThan(2e-2);
          checked++;
        }
        params.set(name, tensor);
      }
      expect(checked).toBe(parameterCount(config));
      expect(worst).toBeLessThan(2e-2);
    });
  });
});
