/**
 * Hidden sizes for a fair fight. At the same hidden size an LSTM has about
 * four times the recurrent weights of a plain RNN (four gate blocks against
 * one) and a GRU three times; `--match params` instead gives every cell the
 * hidden size at which its model has about as many parameters as the largest
 * model at the requested size.
 */
import { parameterCount, type CellType, type ModelConfig } from '../model/config.js';

export type ModelShape = Omit<ModelConfig, 'cell' | 'hidden'>;

export interface SizedCell {
  cell: CellType;
  hidden: number;
  params: number;
}

/**
 * The hidden size (≥ 1) whose model has the parameter count nearest to
 * `target` (ties go to the smaller size). parameterCount grows strictly with
 * the hidden size, so a binary search finds it.
 */
export function hiddenForParams(cell: CellType, shape: ModelShape, target: number): number {
  const count = (hidden: number) => parameterCount({ ...shape, cell, hidden });
  let lo = 1;
  let hi = 2;
  while (count(hi) < target) hi *= 2;
  // Invariant: count(lo) < target ≤ count(hi), or lo = 1 already at/above it.
  if (count(lo) >= target) return lo;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (count(mid) < target) lo = mid;
    else hi = mid;
  }
  return target - count(lo) <= count(hi) - target ? lo : hi;
}

/** Every cell at the same hidden size. */
export function sameHidden(cells: readonly CellType[], shape: ModelShape, hidden: number): SizedCell[] {
  return cells.map((cell) => ({ cell, hidden, params: parameterCount({ ...shape, cell, hidden }) }));
}

/**
 * Hidden sizes that give every cell about the parameter count of the largest
 * model at `hidden` (the LSTM when it is among the cells); that model keeps
 * `hidden` exactly.
 */
export function matchParams(cells: readonly CellType[], shape: ModelShape, hidden: number): SizedCell[] {
  const target = Math.max(...cells.map((cell) => parameterCount({ ...shape, cell, hidden })));
  return cells.map((cell) => {
    const h = parameterCount({ ...shape, cell, hidden }) === target ? hidden : hiddenForParams(cell, shape, target);
    return { cell, hidden: h, params: parameterCount({ ...shape, cell, hidden: h }) };
  });
}
