import { describe, expect, it } from 'vitest';
import { BatchStream, splitTrainVal } from '../../src/data/batches.js';
import { CharnnError } from '../../src/util/errors.js';

const range = (n: number) => Int32Array.from({ length: n }, (_, i) => i);

describe('splitTrainVal', () => {
  it('gives the tinyshakespeare figures', () => {
    const ids = new Int32Array(1_115_394);
    const { train, val } = splitTrainVal(ids, 0.1);
    expect(train.length).toBe(1_003_854);
    expect(val.length).toBe(111_540);
  });

  it('returns views, not copies', () => {
    const ids = range(10);
    const { train, val } = splitTrainVal(ids, 0.3);
    expect(Array.from(train)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(Array.from(val)).toEqual([7, 8, 9]);
    expect(train.buffer).toBe(ids.buffer);
    expect(val.buffer).toBe(ids.buffer);
  });

  it('refuses fractions outside (0, 1)', () => {
    for (const f of [0, 1, -0.1, 1.5, Number.NaN]) {
      expect(() => splitTrainVal(range(10), f)).toThrow(/validation fraction must be between 0 and 1/);
    }
  });
});

describe('BatchStream', () => {
  it('lays out a tiny sequence time-major', () => {
    const s = new BatchStream(range(21), 2, 3);
    expect(s.streamLength).toBe(10);
    expect(s.batchesPerEpoch).toBe(3);
    expect(Array.from(s.batch(0).inputs)).toEqual([0, 10, 1, 11, 2, 12]);
    expect(Array.from(s.batch(0).targets)).toEqual([1, 11, 2, 12, 3, 13]);
    expect(Array.from(s.batch(1).inputs)).toEqual([3, 13, 4, 14, 5, 15]);
    expect(Array.from(s.batch(1).targets)).toEqual([4, 14, 5, 15, 6, 16]);
    expect(Array.from(s.batch(2).inputs)).toEqual([6, 16, 7, 17, 8, 18]);
    expect(Array.from(s.batch(2).targets)).toEqual([7, 17, 8, 18, 9, 19]);
  });

  it('continues every stream where the previous batch ended', () => {
    const batchSize = 4;
    const seqLen = 5;
    const s = new BatchStream(range(1000), batchSize, seqLen);
    expect(s.streamLength).toBe(249);
    expect(s.batchesPerEpoch).toBe(49);
    for (let b = 0; b + 1 < s.batchesPerEpoch; b++) {
      const cur = s.batch(b);
      const next = s.batch(b + 1);
      for (let n = 0; n < batchSize; n++) {
        const lastTarget = cur.targets[(seqLen - 1) * batchSize + n];
        expect(next.inputs[n]).toBe(lastTarget);
        // within a window, each target is the following input
        for (let t = 0; t + 1 < seqLen; t++) {
          expect(cur.targets[t * batchSize + n]).toBe(cur.inputs[(t + 1) * batchSize + n]);
        }
      }
    }
    const last = s.batch(s.batchesPerEpoch - 1);
    expect(Math.max(...last.targets)).toBeLessThan(1000);
  });

  it('works with exactly one window', () => {
    const s = new BatchStream(range(7), 2, 3);
    expect(s.batchesPerEpoch).toBe(1);
    expect(Array.from(s.batch(0).targets)).toEqual([1, 4, 2, 5, 3, 6]);
  });

  it('explains a text that is too short', () => {
    expect(() => new BatchStream(range(6), 2, 3, 'training')).toThrow(
      /the training text has 6 characters but one batch window needs 7/,
    );
    try {
      new BatchStream(range(50), 8, 10, 'validation');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(CharnnError);
      expect((e as CharnnError).message).toMatch(/validation text has 50 characters .* needs 81/);
      expect((e as CharnnError).hint).toMatch(/--val-frac/);
    }
    expect(() => new BatchStream(new Int32Array(0), 1, 1)).toThrow(/the text has 0 characters/);
  });

  it('refuses bad sizes and out-of-range batch indices', () => {
    expect(() => new BatchStream(range(100), 0, 3)).toThrow(/batch size must be a positive integer/);
    expect(() => new BatchStream(range(100), 2, 1.5)).toThrow(/sequence length must be a positive integer/);
    const s = new BatchStream(range(21), 2, 3);
    for (const i of [-1, 3, 0.5]) {
      expect(() => s.batch(i)).toThrow(/out of range/);
      expect(() => s.batch(i)).not.toThrow(CharnnError);
    }
  });
});
