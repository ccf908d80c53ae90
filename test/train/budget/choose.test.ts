/**
 * Choosing the model for a time budget (src/train/budget/choose.ts): the
 * choice is deterministic given the measured speeds, larger budgets and
 * faster machines get larger models, and the measured grid behaves so too.
 */
import { describe, expect, it } from 'vitest';
import { parameterCount } from '../../../src/model/config.js';
import { DEFAULT_CELL } from '../../../src/model/config.js';
import { chooseModel, describeChoice, type Candidate } from '../../../src/train/budget/choose.js';
import { GRID } from '../../../src/train/budget/grid.js';

const UNTRAINED = Math.log(65);
const MIN = 60_000;
// A small model learns fast and flattens high; a large one is slower per character and goes lower.
const small: Candidate = { cell: DEFAULT_CELL, layers: 2, hidden: 256, dropout: 0.1, lr: 0.002, seqLen: 100, curve: [[1e6, 1.9], [4e6, 1.65], [16e6, 1.58]] };
const large: Candidate = { cell: DEFAULT_CELL, layers: 2, hidden: 512, dropout: 0.25, lr: 0.002, seqLen: 100, curve: [[1e6, 2.1], [4e6, 1.7], [16e6, 1.45]] };
const table = [small, large];
const size = (c: Candidate): number => parameterCount({ ...c, vocabSize: 65, embedding: 64 });

describe('chooseModel', () => {
  it('is deterministic given the speeds: the same inputs, the same choice and expectations', () => {
    const a = chooseModel(table, [20_000, 6_000], 10 * MIN, UNTRAINED);
    const b = chooseModel(table, [20_000, 6_000], 10 * MIN, UNTRAINED);
    expect(b).toEqual(a);
  });

  it('picks the small model for a short budget and the large one for a long budget on the same machine', () => {
    expect(chooseModel(table, [20_000, 6_000], 3 * MIN, UNTRAINED).index).toBe(0);
    expect(chooseModel(table, [20_000, 6_000], 60 * MIN, UNTRAINED).index).toBe(1);
  });

  it('picks the small model on a machine four times slower (or busy) at a budget where a fast one picks the large', () => {
    expect(chooseModel(table, [20_000, 6_000], 60 * MIN, UNTRAINED).index).toBe(1);
    expect(chooseModel(table, [5_000, 1_500], 60 * MIN, UNTRAINED).index).toBe(0);
  });

  it('leaves out candidates that were not measured, and prefers the earlier one on a tie', () => {
    expect(chooseModel(table, [null, 6_000], 3 * MIN, UNTRAINED).index).toBe(1);
    expect(chooseModel([small, small], [20_000, 20_000], 3 * MIN, UNTRAINED).index).toBe(0);
    expect(() => chooseModel(table, [null, null], 3 * MIN, UNTRAINED)).toThrow(/no candidate/);
  });

  it('says what it chose and why', () => {
    const choice = chooseModel(table, [20_000, 14_200], 30 * MIN, UNTRAINED);
    expect(describeChoice(table, choice, 30 * MIN, 'dropout 0.25, weight drop 0.3', { lr: 0.003, seqLen: 50 })).toBe(`${DEFAULT_CELL.toUpperCase()} 2×512, dropout 0.25, weight drop 0.3, lr 3e-3, seq-len 50 — the best for 30 min at 14.2k chars/s`);
  });
});

describe('the measured grid', () => {
  // Speeds that shrink with size as a 2-core machine's do (chars/s ∝ 1/parameters), at three machine speeds.
  const speeds = (scale: number): number[] => GRID.candidates.map((c) => (scale * 2e10) / size(c));
  const chosenSize = (scale: number, ms: number): number => size(GRID.candidates[chooseModel(GRID.candidates, speeds(scale), ms, UNTRAINED).index]!);

  it('gives a longer budget a model at least as large', () => {
    for (const scale of [0.25, 1, 4]) {
      let last = 0;
      for (const minutes of [1, 3, 5, 10, 20, 30, 60]) {
        const chosen = chosenSize(scale, minutes * MIN);
        expect(chosen, `${minutes} min at speed ×${scale}`).toBeGreaterThanOrEqual(last);
        last = chosen;
      }
    }
  });

  it('gives a faster machine a model at least as large for the same budget', () => {
    for (const minutes of [3, 10, 30]) expect(chosenSize(4, minutes * MIN)).toBeGreaterThanOrEqual(chosenSize(0.25, minutes * MIN));
  });

  it('lists each candidate with a falling curve of at least two points, smallest first', () => {
    expect(GRID.candidates.length).toBeGreaterThan(0);
    const sizes = GRID.candidates.map(size);
    expect(sizes).toEqual([...sizes].sort((a, b) => a - b));
    for (const c of GRID.candidates) {
      expect(c.curve.length).toBeGreaterThanOrEqual(2);
      for (let i = 1; i < c.curve.length; i++) {
        expect(c.curve[i]![0]).toBeGreaterThan(c.curve[i - 1]![0]);
        expect(c.curve[i]![1]).toBeLessThanOrEqual(c.curve[i - 1]![1]);
      }
    }
  });
});
