/**
 * A charnn checkpoint is a standard TF.js Layers model: plain
 * tf.loadLayersModel (with a small file IO handler, since tfjs-node is not
 * here) loads it and predicts the same next-character distribution as charnn.
 */
import path from 'node:path';
import * as tf from '../../src/tf.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/engine/tfjs/backend/index.js';
import { loadCheckpoint } from '../../src/checkpoint/load.js';
import { Sampler } from '../../src/sample/sampler.js';
import { TfjsStepModel } from '../../src/engine/tfjs/engine.js';
import { logSoftmax } from '../../src/sample/distribution.js';
import { CELL_TYPES } from '../../src/model/config.js';
import { tempDir } from '../helpers/cli.js';
import { trainTiny } from '../helpers/tiny-run.js';
import { layersFileHandler } from '../helpers/layers-file.js';

let dir: string;
beforeAll(async () => {
  await initBackend('wasm');
  dir = tempDir();
});

describe.each(CELL_TYPES)('%s checkpoint', (cell) => {
  it('loads with tf.loadLayersModel and predicts what charnn predicts', async () => {
    const run = trainTiny(dir, cell);
    const latest = path.join(run, 'latest');
    const layers = await tf.loadLayersModel(layersFileHandler(path.join(latest, 'model.json')));
    const checkpoint = loadCheckpoint(latest);
    const prime = 'ROMEO:\nWhat';
    const ids = checkpoint.vocab.encode(prime);
    const theirs = tf.tidy(() => {
      const out = layers.predict(tf.tensor2d([Array.from(ids)])) as tf.Tensor3D;
      return tf.softmax(tf.reshape(tf.slice(out, [0, ids.length - 1, 0], [1, 1, -1]), [-1])).dataSync();
    });
    const sampler = new Sampler(new TfjsStepModel(checkpoint.meta.model, checkpoint.params));
    const { logits } = sampler.feed(sampler.zeroState(1), ids);
    const ours = logSoftmax(logits).map(Math.exp);
    expect(theirs.length).toBe(checkpoint.vocab.size);
    let worst = 0;
    ours.forEach((p, i) => (worst = Math.max(worst, Math.abs(p - theirs[i]!))));
    expect(worst).toBeLessThan(1e-5);
  });
});
