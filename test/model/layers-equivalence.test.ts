/**
 * CharRnn and the standard tf.sequential holding the same weights compute
 * the same logits, for every cell, with two layers. This pins down the Keras
 * weight layout (gate order, kernel shapes) that checkpoints rely on.
 */
import * as tf from '../../src/tf.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/engine/tfjs/backend/index.js';
import { CharRnn } from '../../src/engine/tfjs/char-rnn.js';
import { CELL_TYPES, parameterCount } from '../../src/model/config.js';
import { toLayersModel } from '../../src/model/layers-equivalent.js';
import { initParams, paramsToArrays } from '../../src/engine/tfjs/param-tensors.js';
import { Rng } from '../../src/util/rng.js';

beforeAll(async () => {
  await initBackend('wasm');
});

describe.each(CELL_TYPES)('%s', (cell) => {
  const config = { cell, vocabSize: 20, embedding: 8, hidden: 16, layers: 2, dropout: 0 };

  it('matches the tf.layers model within 1e-4 and has the same parameter count', () => {
    const params = initParams(config, new Rng(5));
    // Random biases: zero biases would hide a wrong gate order in the bias.
    for (const [name, t] of params) if (name.endsWith('bias')) params.set(name, tf.randomUniform(t.shape, -1, 1, 'float32', 3));
    const model = new CharRnn(config, params);
    const n = 3, steps = 10;
    const rng = new Rng(9);
    const batchMajor = Array.from({ length: n }, () => Array.from({ length: steps }, () => rng.int(config.vocabSize)));
    const timeMajor = new Int32Array(n * steps);
    for (let t = 0; t < steps; t++) for (let b = 0; b < n; b++) timeMajor[t * n + b] = batchMajor[b]![t]!;
    const { logits } = model.sequenceLogits({ inputs: timeMajor, batchSize: n, seqLen: steps }, model.zeroState(n));
    const ours = logits.arraySync();
    const layers = toLayersModel(config, paramsToArrays(params));
    expect(layers.countParams()).toBe(parameterCount(config));
    const theirs = (layers.predict(tf.tensor2d(batchMajor)) as tf.Tensor3D).arraySync();
    let worst = 0;
    for (let t = 0; t < steps; t++) {
      for (let b = 0; b < n; b++) {
        for (let v = 0; v < config.vocabSize; v++) worst = Math.max(worst, Math.abs(ours[t * n + b]![v]! - theirs[b]![t]![v]!));
      }
    }
    expect(worst).toBeLessThanOrEqual(1e-4);
  });
});
