/**
 * The measured candidates for budget-aware defaults (./for-run.ts): each
 * model's best validation loss against characters trained on Tiny
 * Shakespeare, at charnn's default recipe with the learning rate held
 * constant at CURVE_LR for every candidate, so the curves rank them alike
 * (embedding 64, batch 32 × its seq-len, Adam 2e-3, clip 5, state resets
 * 0.05, seed 1, the initialisation of src/model/init.ts). A candidate's lr
 * is the peak of the cosine a run of it trains with: the GRU 2×256's 4e-3
 * won at equal minutes (docs/recipes.md); its curve measured at 4e-3 held
 * constant stalls higher (1.520 at 6.4 M characters against 1.500), which a
 * run's cosine anneals away, so it would mislead the ranking. Made by
 * `npm run grid` (bench/grid.ts), which prints these lines; losses per
 * character trained do not depend on the machine, its speed is measured by
 * each run (./probe.ts). Smallest first; dropout grows with the model.
 *
 * Measured 7 December 2026 (`npm run grid -- --steps 2000 --every 100`, two
 * runs side by side on a 2-core AMD EPYC, one thread each): 2,000 steps of
 * 3,200 characters, the best loss every 200 steps. The LSTM's again on 8
 * December, when its forget bias went to 0 (the GRUs' start did not change;
 * `npm run grid -- --only lstm-2x384 --jobs 1`). An LSTM 2×512 was started
 * too and stopped at step 277 for want of machine time: not a candidate yet.
 * Weight drop on the LSTM 2×384 was measured too (docs/recipes.md): past 10 M
 * characters its curve keeps falling where this one stops, but a 20-minute
 * run with it reached 1.483 against 1.440 without, so the candidate trains
 * without it. docs/budget.md has the curves and what they say.
 */
import type { Candidate } from './choose.js';

/** The constant learning rate every curve is measured at (bench/grid.ts). */
export const CURVE_LR = 0.002;

export const GRID: { readonly minTrainChars: number; readonly candidates: readonly Candidate[] } = {
  /** Below this many training characters the curves (a 1 MB text) say little: the fixed default is used. */
  minTrainChars: 500_000,
  candidates: [
    { cell: 'gru', layers: 2, hidden: 256, dropout: 0.1, lr: 0.004, seqLen: 100, curve: [[640000, 1.807], [1280000, 1.68], [1920000, 1.601], [2560000, 1.561], [3200000, 1.547], [3840000, 1.522], [4480000, 1.522], [5120000, 1.51], [5760000, 1.5], [6400000, 1.5]] },
    { cell: 'gru', layers: 2, hidden: 384, dropout: 0.2, lr: 0.002, seqLen: 100, curve: [[640000, 1.8], [1280000, 1.667], [1920000, 1.586], [2560000, 1.55], [3200000, 1.533], [3840000, 1.518], [4480000, 1.51], [5120000, 1.507], [5760000, 1.499], [6400000, 1.499]] },
    { cell: 'lstm', layers: 2, hidden: 384, dropout: 0.2, lr: 0.002, seqLen: 100, curve: [[640000, 1.771], [1280000, 1.637], [1920000, 1.566], [2560000, 1.524], [3200000, 1.507], [3840000, 1.487], [4480000, 1.487], [5120000, 1.471], [5760000, 1.468], [6400000, 1.468]] },
  ],
};
