/**
 * A loss weighted per position (the recall experiment trains on the recalled
 * marker only): with every weight 1 it is the ordinary mean loss, and a
 * one-position mask gives that position's cross-entropy and its exact
 * gradient (finite differences), for every cell.
 */
import * as tf from '../../../src/tf.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../src/engine/tfjs/backend/index.js';
import { CharRnn, disposeState } from '../../../src/engine/tfjs/char-rnn.js';
import { CELL_TYPES } from '../../../src/model/config.js';
import { initParams } from '../../../src/engine/tfjs/param-tensors.js';
import { logSoftmax } from '../../../src/sample/distribution.js';
import { Rng } from '../../../src/util/rng.js';

beforeAll(async () => {
  await initBackend('wasm');
});

describe('lossAndGradients with positionWeights', () => {
  const V = 6;
  const batch = { inputs: new Int32Array([0, 5, 3, 2, 4, 1]), targets: new Int32Array([5, 3, 2, 4, 1, 0]), batchSize: 2, seqLen: 3 };

  it.each(CELL_TYPES)('%s: equals lossAndGradients with every weight 1', (cell) => {
    const config = { cell, vocabSize: V, embedding: 4, hidden: 5, layers: 2, dropout: 0 };
    const model = new CharRnn(config, initParams(config, new Rng(3)));
    const a = model.lossAndGradients(batch, model.zeroState(2));
    const b = model.lossAndGradients(batch, model.zeroState(2), { positionWeights: new Float32Array(6).fill(1) });
    expect(b.loss.dataSync()[0]).toBeCloseTo(a.loss.dataSync()[0]!, 5);
    for (const [name, g] of a.grads) {
      const x = g.dataSync();
      const y = b.grads.get(name)!.dataSync();
      for (let i = 0; i < x.length; i++) expect(y[i], name).toBeCloseTo(x[i]!, 5);
    }
  });

  it.each(CELL_TYPES)('%s: a masked loss and its gradient match the logits and finite differences', (cell) => {
    const config = { cell, vocabSize: V, embedding: 4, hidden: 5, layers: 1, dropout: 0 };
    const params = initParams(config, new Rng(4));
    for (const [name, t] of params) params.set(name, tf.randomUniform(t.shape, -0.5, 0.5, 'float32', 17 + name.length));
    const model = new CharRnn(config, params);
    const weights = new Float32Array([0, 0, 0, 0, 1, 0]); // only t = 2, stream 0
    const state = model.zeroState(2);
    const { loss, grads, finals } = model.lossAndGradients(batch, state, { positionWeights: weights });
    disposeState(finals);
    const lossAt = () => {
      const { logits, finals: f } = model.sequenceLogits(batch, state);
      const values = logits.dataSync();
      logits.dispose();
      disposeState(f);
      return -logSoftmax(values, 4 * V, V)[batch.targets[4]!]!;
    };
    expect(loss.dataSync()[0]).toBeCloseTo(lossAt(), 5);
    const rng = new Rng(2);
    for (const [name, tensor] of [...params]) {
      const base = tensor.dataSync().slice();
      const analytic = grads.get(name)!.dataSync();
      for (let trial = 0; trial < 6; trial++) {
        const i = rng.int(base.length);
        const probe = (delta: number) => {
          const values = base.slice();
          values[i]! += delta;
          params.set(name, tf.tensor(values, tensor.shape));
          return lossAt();
        };
        const numeric = (probe(1e-2) - probe(-1e-2)) / 2e-2;
        const error = Math.abs(numeric - analytic[i]!) / Math.max(1e-2, Math.abs(numeric) + Math.abs(analytic[i]!));
        expect(error, `${name}[${i}]: numeric ${numeric} vs ${analytic[i]}`).toBeLessThan(2e-2);
      }
      params.set(name, tensor);
    }
  });
});
