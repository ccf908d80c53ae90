/**
 * The seeded generator's bulk draw (Rng.fillBernoulli, used for dropout
 * masks) is the same as drawing one by one: the same values and the same
 * generator state afterwards, so masks — and training runs — do not depend
 * on which path drew them.
 */
import { describe, expect, it } from 'vitest';
import { dropoutMaskValues } from '../../src/model/dropout.js';
import { Rng } from '../../src/util/rng.js';

describe('Rng.fillBernoulli', () => {
  it('gives the values and state of count calls of next() < p', () => {
    for (const [seed, p] of [[1, 0.8], [2, 0.5], [3, 0.999], [4, 1e-3], [5, 0], [6, 1]] as const) {
      const bulk = new Rng(seed);
      const single = new Rng(seed);
      // Whole words of every kind: also the high-bit (negative int32) patterns.
      for (let i = 0; i < seed; i++) bulk.nextUint32(), single.nextUint32();
      const out = new Float32Array(5003).fill(7);
      bulk.fillBernoulli(out, 2, 5000, p, 1.25);
      const expected = new Float32Array(5003).fill(7);
      for (let i = 0; i < 5000; i++) expected[2 + i] = single.next() < p ? 1.25 : 0;
      expect(out).toEqual(expected);
      expect(bulk.state).toEqual(single.state);
      expect(bulk.nextUint32()).toBe(single.nextUint32());
    }
  });

  it('draws dropout masks as before: row t·N + n from stream n, in step order', () => {
    const rngs = [new Rng(8), new Rng(9)];
    const reference = [new Rng(8), new Rng(9)];
    const keep = 0.7;
    const masks = dropoutMaskValues(rngs, 3, 4, 1 - keep);
    const expected = new Float32Array(3 * 2 * 4);
    for (let t = 0; t < 3; t++) for (let n = 0; n < 2; n++) for (let c = 0; c < 4; c++) expected[(t * 2 + n) * 4 + c] = reference[n]!.next() < 1 - (1 - keep) ? 1 / (1 - (1 - keep)) : 0;
    expect(masks).toEqual(expected);
  });
});
