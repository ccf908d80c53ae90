import { describe, expect, it } from 'vitest';
import { CharnnError } from '../../src/util/errors.js';
import { fitRunLayout } from '../../src/train/run-layout.js';

describe('fitRunLayout', () => {
  it('says nothing when the requested layout fits both splits', () => {
    expect(fitRunLayout(1_000_000, 100_000, { batchSize: 32, seqLen: 100 }, 0.1)).toEqual({
      train: { batchSize: 32, seqLen: 100 }, val: { batchSize: 32, seqLen: 100 }, notes: [],
    });
  });

  it('shrinks training, then gives validation as many streams as its text holds, and says so', () => {
    const layout = fitRunLayout(2262, 252, { batchSize: 32, seqLen: 100 }, 0.1);
    expect(layout.train).toEqual({ batchSize: 22, seqLen: 100 });
    expect(layout.val).toEqual({ batchSize: 2, seqLen: 100 });
    expect(layout.notes).toEqual([
      'the text is short: batch 32 × seq-len 100 does not fit its 2,262 training characters; training with batch 22 × seq-len 100',
      'validation: batch 2 × seq-len 100 (what its 252 characters hold)',
    ]);
  });

  it('shortens the validation window when not even one stream of the training window fits', () => {
    expect(fitRunLayout(270, 30, { batchSize: 32, seqLen: 100 }, 0.1).val).toEqual({ batchSize: 1, seqLen: 29 });
  });

  it('refuses a split that cannot hold one stream of 16 characters, naming the fix', () => {
    expect(() => fitRunLayout(13, 2, { batchSize: 32, seqLen: 100 }, 0.1)).toThrow(/training part has 13 characters/);
    expect(() => fitRunLayout(1, 2, { batchSize: 32, seqLen: 100 }, 0.1)).toThrow(/training part has 1 character, and/);
    try {
      fitRunLayout(90, 10, { batchSize: 32, seqLen: 100 }, 0.1);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(CharnnError);
      expect((e as CharnnError).message).toMatch(/validation part \(the last 10% of the corpus\) has 10 characters/);
      expect((e as CharnnError).hint).toMatch(/--val-frac \(at least 0\.17\)/);
    }
  });
});
