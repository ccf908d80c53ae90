/**
 * Choosing the model for a time budget: of the measured candidates
 * (./grid.ts), the one expected to reach the lowest validation loss when the
 * time runs out, given how fast THIS machine trains each of them now.
 *
 *   chars_c    = speed_c [chars/s] · training time [s]
 *   expected_c = curve_c(chars_c)                  (./expected-loss.ts)
 *   chosen     = argmin_c expected_c                (ties: the earlier, smaller candidate)
 *
 * Pure: the same speeds and time give the same choice (the speeds are
 * measured by ./probe.ts, or injected by a test).
 */
import type { CellType } from '../../model/config.js';
import { expectedLoss, type Curve } from './expected-loss.js';

export interface Candidate {
  cell: CellType;
  layers: number;
  hidden: number;
  dropout: number;
  /** Adam's learning rate a run of it trains with (the peak of its cosine; docs/recipes.md). */
  lr: number;
  /** Characters per stream per step (truncated BPTT length) it trains with, and its curve was measured with. */
  seqLen: number;
  /** Best validation loss against characters trained, at the grid's recipe: ./grid.ts's CURVE_LR held constant, this seq-len. */
  curve: Curve;
  /** A run that will make at least this many passes over its text trains with this weight drop (measured by whole runs, not by the curve). */
  longRun?: LongRun;
}

export interface LongRun {
  passes: number;
  weightDrop: number;
}

export interface Choice {
  /** Index of the chosen candidate. */
  index: number;
  /** Per candidate: the speed it was measured at (chars/s), or null where it was not measured. */
  speeds: (number | null)[];
  /** Per candidate: the loss expected at the deadline, or null where it was not measured. */
  expected: (number | null)[];
}

/**
 * @param speeds per candidate, measured training chars/s (null: not measured, not a candidate).
 * @param trainingMs time left for training steps.
 * @param untrained ln(vocabulary size): the loss before training.
 * @throws Error if no candidate has a speed (a bug in the caller).
 */
export function chooseModel(candidates: readonly Candidate[], speeds: readonly (number | null)[], trainingMs: number, untrained: number): Choice {
  const expected = candidates.map((c, i) => {
    const speed = speeds[i];
    return speed == null || !(speed > 0) ? null : expectedLoss(c.curve, (speed * Math.max(0, trainingMs)) / 1000, untrained);
  });
  let index = -1;
  expected.forEach((loss, i) => {
    if (loss !== null && (index < 0 || loss < expected[index]! - 1e-9)) index = i;
  });
  if (index < 0) throw new Error('chooseModel: no candidate was measured');
  return { index, speeds: speeds.map((s) => (s == null || !(s > 0) ? null : s)), expected };
}

/** "LSTM 2×384" */
export function candidateName(c: Pick<Candidate, 'cell' | 'layers' | 'hidden'>): string {
  return `${c.cell.toUpperCase()} ${c.layers}×${c.hidden}`;
}

/** "14.2k" */
export function charsPerSecond(speed: number): string {
  return speed >= 1000 ? `${(speed / 1000).toFixed(speed >= 100_000 ? 0 : 1)}k` : speed.toFixed(0);
}

/** "30 min", "90 s", "2 h 30 min" */
export function budgetText(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 120) return `${s} s`;
  const m = Math.round(s / 60);
  if (m < 120) return `${m} min`;
  return m % 60 === 0 ? `${m / 60} h` : `${Math.floor(m / 60)} h ${m % 60} min`;
}

/**
 * The choice in a line: "LSTM 2×384, dropout 0.2, weight drop 0.25, lr 2e-3, seq-len 100 — the best for 30 min at 14.2k chars/s".
 * @param regularisation how the chosen model is regularised ("dropout 0.2, weight drop 0.25"; '' for none)
 */
export function describeChoice(candidates: readonly Candidate[], choice: Choice, budgetMs: number, regularisation: string, recipe: { lr: number; seqLen: number }): string {
  const c = candidates[choice.index]!;
  return `${candidateName(c)}, ${regularisation || 'no dropout'}, lr ${recipe.lr.toExponential()}, seq-len ${recipe.seqLen}`
    + ` — the best for ${budgetText(budgetMs)} at ${charsPerSecond(choice.speeds[choice.index]!)} chars/s`;
}
