import { describe, expect, it } from 'vitest';
import { hiddenForParams, matchParams, sameHidden } from '../../src/compare/match-params.js';
import { parameterCount, type CellType } from '../../src/model/config.js';

const shape = { vocabSize: 65, embedding: 64, layers: 2, dropout: 0 };
const count = (cell: CellType, hidden: number) => parameterCount({ ...shape, cell, hidden });

describe('hiddenForParams', () => {
  it('finds the hidden size with the nearest parameter count', () => {
    for (const cell of ['rnn', 'lstm', 'gru'] as const) {
      for (const target of [1_000, 50_000, 242_945, 1_000_000]) {
        const h = hiddenForParams(cell, shape, target);
        const error = Math.abs(count(cell, h) - target);
        if (h > 1) expect(error).toBeLessThanOrEqual(Math.abs(count(cell, h - 1) - target));
        expect(error).toBeLessThanOrEqual(Math.abs(count(cell, h + 1) - target));
      }
    }
  });

  it('returns its own size for a count it produces, and 1 below the smallest model', () => {
    expect(hiddenForParams('gru', shape, count('gru', 77))).toBe(77);
    expect(hiddenForParams('rnn', shape, 10)).toBe(1);
  });
});

describe('matchParams', () => {
  it('keeps the largest model (the LSTM) at --hidden and sizes the others to about its count', () => {
    const sized = matchParams(['rnn', 'lstm', 'gru'], shape, 128);
    const target = count('lstm', 128);
    expect(sized.map((s) => s.cell)).toEqual(['rnn', 'lstm', 'gru']);
    expect(sized[1]).toEqual({ cell: 'lstm', hidden: 128, params: target });
    // 3H² + 131H + 4,225 = 242,945 for the rnn; the GRU lies between.
    expect(sized[0]!.hidden).toBeGreaterThan(250);
    expect(sized[2]!.hidden).toBeGreaterThan(128);
    expect(sized[2]!.hidden).toBeLessThan(sized[0]!.hidden);
    for (const s of sized) {
      expect(s.params).toBe(count(s.cell, s.hidden));
      expect(Math.abs(s.params - target) / target).toBeLessThan(0.01);
    }
  });

  it('uses the largest of the given cells as the reference', () => {
    const sized = matchParams(['rnn', 'gru'], shape, 100);
    expect(sized[1]).toEqual({ cell: 'gru', hidden: 100, params: count('gru', 100) });
    expect(sized[0]!.hidden).toBeGreaterThan(100);
  });

  it('sameHidden gives every cell the same size', () => {
    expect(sameHidden(['rnn', 'lstm'], shape, 32)).toEqual([
      { cell: 'rnn', hidden: 32, params: count('rnn', 32) },
      { cell: 'lstm', hidden: 32, params: count('lstm', 32) },
    ]);
  });
});
