/**
 * The training masks (src/model/dropout.ts): what each kind keeps fixed,
 * that a shard of a batch draws the same masks as the whole, and that a
 * model with only --dropout draws what charnn always drew.
 */
import { describe, expect, it } from 'vitest';
import type { ModelConfig } from '../../src/model/config.js';
import { describeRegularisation, dropoutMaskValues, maskRngs, sliceMaskRngs, windowMaskValues } from '../../src/model/dropout.js';
import { Rng } from '../../src/util/rng.js';

const N = 4, T = 5, H = 6, V = 9, E = 3;
const model = (over: Partial<ModelConfig>): ModelConfig => ({ cell: 'gru', vocabSize: V, embedding: E, hidden: H, layers: 2, dropout: 0, ...over });

/** Row r of a [rows, cols] mask. */
const row = (mask: Float32Array, r: number, cols: number): number[] => [...mask.subarray(r * cols, (r + 1) * cols)];

describe('training masks', () => {
  it('draws no generator and no mask for a model without regularisation', () => {
    const rng = new Rng(3);
    expect(maskRngs(rng, model({}), N)).toBeUndefined();
    expect(rng.state).toEqual(new Rng(3).state);
    const none = windowMaskValues(model({}), undefined, T);
    expect(none).toEqual({ outputs: [null, null], recurrent: [null, null], embedding: null });
  });

  it('with dropout alone, draws the per-step masks charnn always drew (one generator per stream, layer by layer)', () => {
    const config = model({ dropout: 0.4 });
    const masks = windowMaskValues(config, maskRngs(new Rng(7), config, N), T);
    const run = new Rng(7);
    const streams = Array.from({ length: N }, () => run.fork());
    expect(masks.outputs[0]).toEqual(dropoutMaskValues(streams, T, H, 0.4));
    expect(masks.outputs[1]).toEqual(dropoutMaskValues(streams, T, H, 0.4));
    expect(masks.recurrent).toEqual([null, null]);
    expect(masks.embedding).toBeNull();
  });

  it('per sequence: each stream keeps one row for every step, and the streams differ', () => {
    const config = model({ dropout: 0.5, dropoutMask: 'sequence' });
    const mask = windowMaskValues(config, maskRngs(new Rng(11), config, N), T).outputs[0]!;
    for (let t = 1; t < T; t++) for (let n = 0; n < N; n++) expect(row(mask, t * N + n, H)).toEqual(row(mask, n, H));
    const rows = new Set(Array.from({ length: N }, (_, n) => row(mask, n, H).join()));
    expect(rows.size).toBeGreaterThan(1);
    expect(new Set(mask)).toEqual(new Set([0, 2]));
  });

  it('weight drop: one [H, G·H] mask per layer at the given rate; embedding dropout: whole rows', () => {
    const config = model({ weightDrop: 0.25, embeddingDropout: 0.5, layers: 1, hidden: 64 });
    const masks = windowMaskValues(config, maskRngs(new Rng(5), config, N), T);
    const recurrent = masks.recurrent[0]!;
    expect(recurrent).toHaveLength(64 * 3 * 64);
    const kept = recurrent.filter((v) => v !== 0);
    expect(new Set(kept)).toEqual(new Set([Math.fround(1 / 0.75)]));
    expect(kept.length / recurrent.length).toBeGreaterThan(0.72);
    expect(kept.length / recurrent.length).toBeLessThan(0.78);
    const embedding = masks.embedding!;
    expect(embedding).toHaveLength(V * E);
    for (let v = 0; v < V; v++) expect(new Set(row(embedding, v, E)).size).toBe(1);
    expect(new Set(embedding)).toEqual(new Set([0, 2]));
    expect(masks.outputs).toEqual([null]);
  });

  it('a shard of the batch draws its streams\' rows of the whole batch\'s masks, and the same shared masks', () => {
    const config = model({ dropout: 0.3, dropoutMask: 'sequence', weightDrop: 0.3, embeddingDropout: 0.3 });
    const rngs = maskRngs(new Rng(2), config, N);
    const whole = windowMaskValues(config, rngs, T);
    const [a, b] = [1, 3];
    const shard = windowMaskValues(config, sliceMaskRngs(rngs, a, b), T);
    for (let t = 0; t < T; t++) {
      for (let n = a; n < b; n++) expect(row(shard.outputs[1]!, t * (b - a) + (n - a), H)).toEqual(row(whole.outputs[1]!, t * N + n, H));
    }
    expect(shard.recurrent).toEqual(whole.recurrent);
    expect(shard.embedding).toEqual(whole.embedding);
    // Drawing again from the same states gives the same masks (the states are not used up).
    expect(windowMaskValues(config, rngs, T)).toEqual(whole);
  });

  it('says what a run\'s regularisation is', () => {
    expect(describeRegularisation({ dropout: 0 })).toBe('');
    expect(describeRegularisation({ dropout: 0.2 })).toBe('dropout 0.2');
    expect(describeRegularisation({ dropout: 0.2, dropoutMask: 'sequence', weightDrop: 0.3, embeddingDropout: 0.1 })).toBe(
      'dropout 0.2 per sequence, weight drop 0.3, embedding dropout 0.1',
    );
  });
});
