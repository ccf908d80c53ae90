import { describe, expect, it } from 'vitest';
import { BatchStream } from '../../src/data/batches.js';
import { fitLayout, MIN_WINDOW } from '../../src/data/layout.js';

describe('fitLayout', () => {
  it('keeps a layout that fits', () => {
    expect(fitLayout(1_000_000, { batchSize: 32, seqLen: 100 })).toEqual({ batchSize: 32, seqLen: 100 });
    expect(fitLayout(3201, { batchSize: 32, seqLen: 100 })).toEqual({ batchSize: 32, seqLen: 100 });
  });

  it('shrinks the batch first, keeping the window', () => {
    expect(fitLayout(3200, { batchSize: 32, seqLen: 100 })).toEqual({ batchSize: 31, seqLen: 100 });
    expect(fitLayout(2262, { batchSize: 32, seqLen: 100 })).toEqual({ batchSize: 22, seqLen: 100 });
    expect(fitLayout(101, { batchSize: 32, seqLen: 100 })).toEqual({ batchSize: 1, seqLen: 100 });
  });

  it('then shortens the window of a single stream, down to 16 characters', () => {
    expect(fitLayout(100, { batchSize: 32, seqLen: 100 })).toEqual({ batchSize: 1, seqLen: 99 });
    expect(fitLayout(MIN_WINDOW + 1, { batchSize: 32, seqLen: 100 })).toEqual({ batchSize: 1, seqLen: MIN_WINDOW });
    expect(fitLayout(MIN_WINDOW, { batchSize: 32, seqLen: 100 })).toBeNull();
    expect(fitLayout(0, { batchSize: 32, seqLen: 100 })).toBeNull();
  });

  it('accepts a requested window shorter than 16 as the minimum', () => {
    expect(fitLayout(9, { batchSize: 4, seqLen: 8 })).toEqual({ batchSize: 1, seqLen: 8 });
    expect(fitLayout(8, { batchSize: 4, seqLen: 8 })).toBeNull();
  });

  it('always yields a layout BatchStream accepts, with at least one window', () => {
    for (const length of [17, 18, 50, 99, 100, 101, 257, 2262, 3199, 3201, 10_000]) {
      for (const requested of [{ batchSize: 32, seqLen: 100 }, { batchSize: 7, seqLen: 16 }, { batchSize: 1, seqLen: 64 }]) {
        const layout = fitLayout(length, requested)!;
        expect(layout.batchSize).toBeLessThanOrEqual(requested.batchSize);
        expect(layout.seqLen).toBeLessThanOrEqual(requested.seqLen);
        expect(new BatchStream(new Int32Array(length), layout.batchSize, layout.seqLen).batchesPerEpoch).toBeGreaterThanOrEqual(1);
        // Maximal: one more stream would not fit.
        if (layout.seqLen === requested.seqLen && layout.batchSize < requested.batchSize) {
          expect(() => new BatchStream(new Int32Array(length), layout.batchSize + 1, layout.seqLen)).toThrow();
        }
      }
    }
  });
});
