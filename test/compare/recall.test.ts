/**
 * The recall experiment: accuracy measurement on a hand-made model whose
 * right and wrong answers are known, and short runs that really learn.
 */
import * as tf from '../../src/tf.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/engine/tfjs/backend/index.js';
import { recallAccuracy, runRecall, type LogitModel } from '../../src/compare/recall.js';
import { makeRecallTask } from '../../src/data/recall-task.js';

beforeAll(async () => {
  await initBackend('wasm');
});

/**
 * Remembers the last marker each stream read and, after '=', predicts it —
 * except in every `wrongEvery`-th episode of a stream, where it predicts the
 * next marker instead. Memory lives in JS and is reset by zeroState(), so it
 * behaves like a carried hidden state.
 */
function oracle(task: ReturnType<typeof makeRecallTask>, wrongEvery: number): LogitModel & { calls: number } {
  const v = task.vocabulary;
  const markers = [...task.markers].map((m) => v.id(m));
  const cue = v.id('=');
  const newline = v.id('\n');
  let memory: number[] = [];
  let previous: number[] = [];
  let episodes: number[] = [];
  return {
    calls: 0,
    config: { vocabSize: v.size },
    zeroState(n) {
      memory = new Array(n).fill(-1);
      previous = new Array(n).fill(newline);
      episodes = new Array(n).fill(0);
      return [];
    },
    sequenceLogits({ inputs, batchSize, seqLen }) {
      this.calls++;
      const out = new Float32Array(inputs.length * v.size);
      for (let t = 0; t < seqLen; t++) {
        for (let s = 0; s < batchSize; s++) {
          const id = inputs[t * batchSize + s]!;
          // A marker right after a line break (or at the start) opens an episode.
          if (markers.includes(id) && previous[s] === newline) memory[s] = id;
          previous[s] = id;
          let guess = 0;
          if (id === cue) {
            const wrong = (episodes[s]! + 1) % wrongEvery === 0;
            guess = wrong ? markers[(markers.indexOf(memory[s]!) + 1) % markers.length]! : memory[s]!;
            episodes[s]!++;
          }
          out[(t * batchSize + s) * v.size + guess] = 10;
        }
      }
      return { logits: tf.tensor2d(out, [inputs.length, v.size]), finals: [] };
    },
  };
}

describe('recallAccuracy', () => {
  it('scores the prediction made after "=" against the recalled marker, state carried across windows', () => {
    const task = makeRecallTask({ lag: 6, episodes: 48, seed: 3 });
    const ids = task.vocabulary.encode(task.text);
    const model = oracle(task, 4);
    // 4 streams of 12 episodes (120 ids each), windows of 7 that cut episodes anywhere.
    const score = recallAccuracy(model, ids, task.recallPositions, { streams: 4, window: 7 });
    expect(score.count).toBe(48);
    // Episodes 3, 7 and 11 of every stream are answered wrongly: 12 of 48.
    expect(score.accuracy).toBeCloseTo(36 / 48, 12);
    const V = task.vocabulary.size;
    const right = Math.log(Math.exp(10) + V - 1) - 10;
    const wrong = Math.log(Math.exp(10) + V - 1);
    expect(score.recallLoss).toBeCloseTo((36 * right + 12 * wrong) / 48, 5);
    expect(model.calls).toBe(Math.ceil(120 / 7));
  });

  it('is exact for a perfect oracle and with a single stream', () => {
    const task = makeRecallTask({ lag: 3, episodes: 10, seed: 1 });
    const ids = task.vocabulary.encode(task.text);
    const score = recallAccuracy(oracle(task, Infinity), ids, task.recallPositions, { streams: 1, window: 100 });
    expect(score).toMatchObject({ accuracy: 1, count: 10 });
  });
});

describe('runRecall', () => {
  it('learns a short lag and is deterministic by seed', async () => {
    const config = {
      cell: 'gru' as const, hidden: 16, layers: 1, embedding: 8, lag: 2, steps: 150, batchSize: 16, lr: 1e-2, clip: 5, seed: 2,
      evalEpisodes: 64, evalEvery: 50, loss: 'recall' as const,
    };
    const a = await runRecall(config);
    expect(a.steps).toBe(150);
    expect(a.evalCount).toBe(64);
    expect(a.chance).toBe(0.25);
    expect(a.curve.map(([s]) => s)).toEqual([50, 100, 150]);
    expect(a.accuracy).toBeGreaterThan(0.9);
    const b = await runRecall({ ...config, steps: 20 }, undefined, () => false);
    const c = await runRecall({ ...config, steps: 20 });
    expect(b.accuracy).toBe(c.accuracy);
    expect(b.finalLoss).toBe(c.finalLoss);
    let n = 0;
    const stopped = await runRecall({ ...config, steps: 100 }, undefined, () => ++n > 7);
    expect(stopped.steps).toBe(7);
  });

  it('trains on mixed lags unless fixedLag is set, and scores at the lag either way', async () => {
    const config = {
      cell: 'rnn' as const, hidden: 8, layers: 1, embedding: 4, lag: 6, steps: 10, batchSize: 8, lr: 1e-2, clip: 5, seed: 3,
      evalEpisodes: 32, evalEvery: 0,
    };
    const mixed = await runRecall(config);
    const fixed = await runRecall({ ...config, fixedLag: true });
    expect(mixed.evalCount).toBe(32);
    expect(fixed.evalCount).toBe(32);
    expect(mixed.finalLoss).not.toBe(fixed.finalLoss);
    expect(await runRecall({ ...config, fixedLag: false })).toMatchObject({ finalLoss: mixed.finalLoss, accuracy: mixed.accuracy });
  });
});
