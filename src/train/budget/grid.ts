/**
 * The measured candidates for budget-aware defaults (./for-run.ts): each
 * model's best validation loss against characters trained on Tiny
 * Shakespeare, at charnn's default recipe with the learning rate held
 * constant (embedding 64, batch 32 × 100, Adam 2e-3, clip 5, state resets
 * 0.05, seed 1, the initialisation of src/model/init.ts). Made by
 * `npm run grid` (bench/grid.ts), which prints these lines; losses per
 * character trained do not depend on the machine, its speed is measured by
 * each run (./probe.ts). Smallest first; dropout grows with the model, as
 * the larger ones see the text more times in the same minutes' worth of
 * their own steps and overfit sooner.
 */
import type { Candidate } from './choose.js';

export const GRID: { readonly minTrainChars: number; readonly candidates: readonly Candidate[] } = {
  /** Below this many training characters the curves (a 1 MB text) say little: the fixed default is used. */
  minTrainChars: 500_000,
  candidates: [
    { cell: 'gru', layers: 2, hidden: 256, dropout: 0.1, curve: [[640000, 1.807], [1280000, 1.68], [1920000, 1.601]] },
  ],
};
