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
 * 3,200 characters, the best loss every 200 steps. An LSTM 2×512 was started
 * too and stopped at step 277 for want of machine time: not a candidate yet.
 * The LSTM 2×384, the candidate of the longest budgets, trains with weight
 * drop 0.25 (`--only lstm-2x384 --with '--weight-drop 0.25' --steps 6000`,
 * measured the same day to 19.2 M characters): without it the same model
 * stops improving at 1.459 from 10.9 M characters on (its curve continued
 * with `--extend` to 6,000 steps), with it the loss is 1.454 at 10.9 M and
 * 1.425 at 19.2 M; it is slower before 9.6 M (1.500 against 1.471 at 6.4 M),
 * where the GRUs are the better choice anyway. docs/budget.md has the curves
 * and what they say.
 */
import type { Candidate } from './choose.js';

/** The constant learning rate every curve is measured at (bench/grid.ts). */
export const CURVE_LR = 0.002;

export const GRID: { readonly minTrainChars: number; readonly candidates: readonly Candidate[] } = {
  /** Below this many training characters the curves (a 1 MB text) say little: the fixed default is used. */
  minTrainChars: 500_000,
  candidates: [
    { cell: 'gru', layers: 2, hidden: 256, dropout: 0.1, weightDrop: 0, lr: 0.004, seqLen: 100, curve: [[640000, 1.807], [1280000, 1.68], [1920000, 1.601], [2560000, 1.561], [3200000, 1.547], [3840000, 1.522], [4480000, 1.522], [5120000, 1.51], [5760000, 1.5], [6400000, 1.5]] },
    { cell: 'gru', layers: 2, hidden: 384, dropout: 0.2, weightDrop: 0, lr: 0.002, seqLen: 100, curve: [[640000, 1.8], [1280000, 1.667], [1920000, 1.586], [2560000, 1.55], [3200000, 1.533], [3840000, 1.518], [4480000, 1.51], [5120000, 1.507], [5760000, 1.499], [6400000, 1.499]] },
    { cell: 'lstm', layers: 2, hidden: 384, dropout: 0.2, weightDrop: 0.25, lr: 0.002, seqLen: 100, curve: [[640000, 1.999], [1280000, 1.809], [1920000, 1.7], [2560000, 1.634], [3200000, 1.589], [3840000, 1.563], [4480000, 1.542], [5120000, 1.527], [5760000, 1.505], [6400000, 1.5], [7040000, 1.484], [7680000, 1.484], [8320000, 1.471], [8960000, 1.464], [9600000, 1.457], [10240000, 1.454], [10880000, 1.454], [11520000, 1.454], [12160000, 1.45], [12800000, 1.45], [13440000, 1.449], [14080000, 1.443], [14720000, 1.44], [15360000, 1.44], [16000000, 1.429], [16640000, 1.429], [17280000, 1.427], [17920000, 1.425], [18560000, 1.425], [19200000, 1.425]] },
  ],
};
