/**
 * The measured candidates for budget-aware defaults (./for-run.ts), one grid
 * per length of text: each model's best validation loss against characters
 * trained, on Tiny Shakespeare and on its first 250,000 and 60,000
 * characters, at charnn's default recipe with the learning rate held
 * constant at CURVE_LR for every candidate, so the curves rank them alike
 * (embedding 64, batch 32 × its seq-len, Adam 2e-3, clip 5, state resets
 * 0.05, seed 1, the initialisation of src/model/init.ts). A candidate's lr
 * is the peak of the cosine a run of it trains with: the GRU 2×256's 4e-3
 * won at equal minutes (docs/recipes.md); its curve measured at 4e-3 held
 * constant stalls higher (1.520 at 6.4 M characters against 1.500), which a
 * run's cosine anneals away, so it would mislead the ranking. Made by
 * `npm run grid` (bench/grid.ts), which prints these lines; losses per
 * character trained do not depend on the machine, its speed is measured by
 * each run (./probe.ts). Losses compare within a grid only: each text has
 * its own validation split. docs/budget.md has the curves and what they say.
 */
import type { Candidate } from './choose.js';

/** The constant learning rate every curve is measured at (bench/grid.ts). */
export const CURVE_LR = 0.002;

/** The candidates measured on one text. */
export interface Grid {
  /** Characters of the text the curves were measured on. */
  textChars: number;
  /** Its training characters (its first 90%): what a run's text is matched on. */
  trainChars: number;
  candidates: readonly Candidate[];
}

/**
 * Tiny Shakespeare, 1,115,394 characters. Measured 7 December 2026 (`npm run
 * grid -- --steps 2000 --every 100`, two runs side by side on a 2-core AMD
 * EPYC, one thread each): 2,000 steps of 3,200 characters, the best loss
 * every 200 steps. The LSTM's again on 8 December, when its forget bias went
 * to 0 (the GRUs' start did not change; `npm run grid -- --only lstm-2x384
 * --jobs 1`). Weight drop on the LSTM 2×384 was measured by whole runs
 * (docs/recipes.md): with the forget bias at 1, a 20-minute run with it
 * reached 1.483 against 1.440 without (10 passes over the text); with every
 * bias at 0, two runs of 6,800 steps (22 passes, what 30 minutes train on a
 * fast 2-core machine) side by side reached 1.409 with it against 1.444 without
 * (which overfit from step 2,600 on). So it trains with weight drop
 * 0.25 when a run will make 20 passes or more (longRun), and its curve, at a
 * constant rate, stays the one without.
 */
export const GRID: Grid = {
  textChars: 1_115_394,
  trainChars: 1_003_854,
  candidates: [
    { cell: 'gru', layers: 2, hidden: 256, dropout: 0.1, lr: 0.004, seqLen: 100, curve: [[640000, 1.807], [1280000, 1.68], [1920000, 1.601], [2560000, 1.561], [3200000, 1.547], [3840000, 1.522], [4480000, 1.522], [5120000, 1.51], [5760000, 1.5], [6400000, 1.5]] },
    { cell: 'gru', layers: 2, hidden: 384, dropout: 0.2, lr: 0.002, seqLen: 100, curve: [[640000, 1.8], [1280000, 1.667], [1920000, 1.586], [2560000, 1.55], [3200000, 1.533], [3840000, 1.518], [4480000, 1.51], [5120000, 1.507], [5760000, 1.499], [6400000, 1.499]] },
    { cell: 'lstm', layers: 2, hidden: 384, dropout: 0.2, lr: 0.002, seqLen: 100, longRun: { passes: 20, weightDrop: 0.25 }, curve: [[640000, 1.771], [1280000, 1.637], [1920000, 1.566], [2560000, 1.524], [3200000, 1.507], [3840000, 1.487], [4480000, 1.487], [5120000, 1.471], [5760000, 1.468], [6400000, 1.468]] },
  ],
};

/**
 * The first 250,000 characters of Tiny Shakespeare (225,000 to train on).
 * Every model here overfits within 10 passes, so each run stopped once its
 * best had not improved for 8 evaluations, and its curve is flat from there
 * (8 December 2026, `npm run grid -- --text-chars 250000 --patience 8 --every
 * 50 --only gru-2x256,gru-2x256:0.3,lstm-2x384,lstm-2x384:0.4,lstm-2x512:0.25`,
 * two runs side by side, one thread each, beside other work). Left out: the
 * GRU with dropout 0.3, lower nowhere than with 0.1, and the LSTM 2×512 with
 * dropout 0.25 (the fixed default, which texts this short trained before):
 * lowest from 0.96 to 1.6 M characters, by at most 0.02, at about half the
 * LSTM 2×384's speed, which reaches lower (1.443) in the same time.
 */
export const GRID_250K: Grid = {
  textChars: 250_000,
  trainChars: 225_000,
  candidates: [
    { cell: 'gru', layers: 2, hidden: 256, dropout: 0.1, lr: 0.004, seqLen: 100, curve: [[320000, 1.858], [640000, 1.657], [960000, 1.569], [1280000, 1.521], [1600000, 1.499], [1920000, 1.486], [2240000, 1.483], [2560000, 1.483], [2880000, 1.483], [3200000, 1.483], [3520000, 1.483], [3523200, 1.483]] },
    { cell: 'lstm', layers: 2, hidden: 384, dropout: 0.2, lr: 0.002, seqLen: 100, curve: [[320000, 1.909], [640000, 1.649], [960000, 1.552], [1280000, 1.498], [1600000, 1.47], [1920000, 1.461], [2240000, 1.45], [2560000, 1.45], [2880000, 1.45], [3200000, 1.45], [3520000, 1.45], [3523200, 1.45]] },
    { cell: 'lstm', layers: 2, hidden: 384, dropout: 0.4, lr: 0.002, seqLen: 100, curve: [[320000, 1.962], [640000, 1.704], [960000, 1.595], [1280000, 1.526], [1600000, 1.486], [1920000, 1.471], [2240000, 1.444], [2560000, 1.443], [2880000, 1.443], [3200000, 1.443], [3520000, 1.443], [3840000, 1.443], [3843200, 1.443]] },
  ],
};

/**
 * The first 60,000 characters of Tiny Shakespeare (54,000 to train on),
 * measured the same way (`--text-chars 60000 --every 15`, one run at a
 * time). The GRU 2×256 is lowest at every length; the LSTMs are there for a
 * user's --cell lstm (the LSTM 2×512 was lower than the 2×384s early and
 * higher from 0.58 M characters on, the GRU with dropout 0.3 higher
 * throughout).
 */
export const GRID_60K: Grid = {
  textChars: 60_000,
  trainChars: 54_000,
  candidates: [
    { cell: 'gru', layers: 2, hidden: 256, dropout: 0.1, lr: 0.004, seqLen: 100, curve: [[96000, 2.28], [192000, 1.916], [288000, 1.731], [384000, 1.623], [480000, 1.584], [576000, 1.551], [672000, 1.551], [768000, 1.551], [864000, 1.551], [960000, 1.551], [963200, 1.551]] },
    { cell: 'lstm', layers: 2, hidden: 384, dropout: 0.2, lr: 0.002, seqLen: 100, curve: [[96000, 2.626], [192000, 2.1], [288000, 1.815], [384000, 1.683], [480000, 1.616], [576000, 1.566], [672000, 1.562], [768000, 1.562], [864000, 1.562], [960000, 1.562], [1011200, 1.562]] },
    { cell: 'lstm', layers: 2, hidden: 384, dropout: 0.4, lr: 0.002, seqLen: 100, curve: [[96000, 2.646], [192000, 2.144], [288000, 1.862], [384000, 1.719], [480000, 1.63], [576000, 1.585], [672000, 1.565], [768000, 1.56], [864000, 1.559], [960000, 1.559], [1056000, 1.559], [1152000, 1.559], [1248000, 1.559], [1299200, 1.559]] },
  ],
};

/** Smallest text first. */
export const GRIDS: readonly Grid[] = [GRID_60K, GRID_250K, GRID];

/**
 * The grid measured on the text nearest this one in length, on a log scale
 * (a 475k-character training text is as far from 225k as from 1M).
 * @param trainChars the run's training characters.
 */
export function gridFor(trainChars: number): Grid {
  const distance = (g: Grid): number => Math.abs(Math.log(Math.max(1, trainChars) / g.trainChars));
  return GRIDS.reduce((best, g) => (distance(g) < distance(best) ? g : best));
}
