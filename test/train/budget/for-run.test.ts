/**
 * When a new run's model is chosen for its budget, and how the user's flags
 * win (src/train/budget/for-run.ts): --max-steps or --max-epochs keep the
 * fixed default, --cell/--layers/--hidden narrow the candidates, --dropout
 * replaces theirs; what charnn.json records of the choice.
 */
import { describe, expect, it } from 'vitest';
import type { Engine } from '../../../src/engine/engine.js';
import { CELL_TYPES, type ModelConfig } from '../../../src/model/config.js';
import { allowedCandidates, choiceNote, fixedModelReason, modelForBudget, NO_BUDGET } from '../../../src/train/budget/for-run.js';
import { candidateName, describeChoice } from '../../../src/train/budget/choose.js';
import { wrapWords } from '../../../src/util/text.js';
import { describeRegularisation } from '../../../src/model/dropout.js';
import { GRID, GRID_250K, GRID_60K, GRIDS, gridFor } from '../../../src/train/budget/grid.js';
import { DEFAULT_MODEL_CONFIG } from '../../../src/settings/model-settings.js';
import { DEFAULT_TRAIN_CONFIG, type TrainConfig } from '../../../src/settings/train-settings.js';
import { fakeEngine } from '../../helpers/fake-engine.js';

const BIG = GRID.trainChars;
const time = { maxTimeMs: 5 * 60_000 };

describe('fixedModelReason', () => {
  it('chooses only for a time budget without a step or epoch limit, on ort, on texts of any length', () => {
    expect(fixedModelReason({}, time, 'ort', BIG)).toBeNull();
    expect(fixedModelReason({}, {}, 'ort', BIG)).toBe(NO_BUDGET);
    expect(fixedModelReason({}, { ...time, maxSteps: 500 }, 'ort', BIG)).toBe(NO_BUDGET);
    expect(fixedModelReason({}, { ...time, maxEpochs: 3 }, 'ort', BIG)).toBe(NO_BUDGET);
    expect(fixedModelReason({}, time, 'tfjs', BIG)).toMatch(/on the ort engine only/);
    for (const chars of [3_000, 60_000, 400_000, 5_000_000]) expect(fixedModelReason({}, time, 'ort', chars)).toBeNull();
  });

  it('keeps the default model with the flags given when no measured candidate matches them', () => {
    expect(fixedModelReason({ layers: 7 }, time, 'ort', BIG)).toMatch(/^no measured model matches the --cell, --layers and --hidden given \(.*\): the default model with those flags$/);
    expect(fixedModelReason({ hidden: 100 }, time, 'ort', BIG)).not.toBeNull();
  });
});

describe('gridFor', () => {
  it('takes the grid measured on the text nearest in length, on a log scale', () => {
    expect(GRIDS).toEqual([GRID_60K, GRID_250K, GRID]);
    for (const grid of GRIDS) {
      expect(gridFor(grid.trainChars)).toBe(grid);
      expect(grid.trainChars).toBe(Math.floor(grid.textChars * (1 - DEFAULT_TRAIN_CONFIG.valFrac)));
    }
    expect(gridFor(3_000)).toBe(GRID_60K);
    expect(gridFor(50_000_000)).toBe(GRID);
    for (const [shorter, longer] of [[GRID_60K, GRID_250K], [GRID_250K, GRID]] as const) {
      const middle = Math.sqrt(shorter.trainChars * longer.trainChars);
      expect(gridFor(middle * 0.99)).toBe(shorter);
      expect(gridFor(middle * 1.01)).toBe(longer);
    }
  });

  it('has candidates measured on every text, with their curves falling and then flat', () => {
    for (const grid of GRIDS) {
      expect(grid.candidates.length).toBeGreaterThan(1);
      for (const c of grid.candidates) {
        expect(c.curve.length).toBeGreaterThan(1);
        c.curve.forEach(([x, y], i) => {
          if (i === 0) return;
          expect(x).toBeGreaterThan(c.curve[i - 1]![0]);
          expect(y).toBeLessThanOrEqual(c.curve[i - 1]![1]);
        });
      }
    }
  });
});

describe('allowedCandidates', () => {
  it('allows every candidate when no size is given, and only matching ones when one is', () => {
    expect(allowedCandidates({})).toEqual(GRID.candidates);
    for (const cell of CELL_TYPES) expect(allowedCandidates({ cell }).every((c) => c.cell === cell)).toBe(true);
    const first = GRID.candidates[0]!;
    expect(allowedCandidates({ layers: first.layers, hidden: first.hidden }).every((c) => c.layers === first.layers && c.hidden === first.hidden)).toBe(true);
    expect(allowedCandidates({ dropout: 0.5, embedding: 32 })).toEqual(GRID.candidates);
  });
});

describe('modelForBudget', () => {
  /** Fake engines whose steps cost params-proportional time on a fake clock. */
  const seqLens: number[] = [];
  function request(given: Partial<ModelConfig>, givenTraining: Partial<TrainConfig> = {}, trainChars = GRID.trainChars) {
    let now = 0;
    const base: ModelConfig = { ...DEFAULT_MODEL_CONFIG, ...given, vocabSize: 65 };
    return {
      given, givenTraining, base, training: { ...DEFAULT_TRAIN_CONFIG, ...time, ...givenTraining }, trainIds: new Uint16Array(trainChars).map((_, i) => i % 65), clock: () => now,
      makeEngine: async (m: ModelConfig): Promise<Engine> => fakeEngine({
        label: `fake ${m.hidden}`,
        gradients: async (_w, b, state) => {
          seqLens.push(b.seqLen);
          now += m.hidden * m.layers / 10;
          return { loss: 1, grads: new Map(), finals: state };
        },
      }),
    };
  }

  it('returns a candidate\'s model on the run\'s vocabulary and embedding, its warmed-up engine, and the record', async () => {
    const chosen = await modelForBudget(request({ embedding: 48 }));
    const c = GRID.candidates.find((x) => x.cell === chosen.model.cell && x.layers === chosen.model.layers && x.hidden === chosen.model.hidden);
    expect(c).toBeDefined();
    expect(chosen.model).toMatchObject({ vocabSize: 65, embedding: 48, dropout: c!.dropout });
    expect(chosen.engine.label).toBe(`fake ${chosen.model.hidden}`);
    expect(chosen.record.budgetMs).toBe(5 * 60_000);
    expect(chosen.record.candidates).toHaveLength(GRID.candidates.length);
    expect(chosen.record.summary).toMatch(/^[A-Z]+ \d+×\d+, dropout [\d.]+(, weight drop [\d.]+)?, lr [\d.]+e-\d, seq-len \d+ — the best for 5 min at [\d.]+k? chars\/s$/);
    expect(chosen.notes).toHaveLength(1);
    expect(chosen.notes[0]).toContain(chosen.record.summary);
    expect(chosen.recipe).toEqual({ lr: c!.lr, seqLen: c!.seqLen });
  });

  it('measures each candidate at its own seq-len, and --lr and --seq-len replace the candidates\' own', async () => {
    seqLens.length = 0;
    const own = await modelForBudget(request({}));
    const measured = GRID.candidates.filter((_, i) => own.record.candidates[i]!.charsPerSec !== null);
    expect(new Set(seqLens)).toEqual(new Set(measured.map((c) => c.seqLen)));
    seqLens.length = 0;
    const chosen = await modelForBudget(request({}, { lr: 0.01, seqLen: 64 }));
    expect(chosen.recipe).toEqual({ lr: 0.01, seqLen: 64 });
    expect(new Set(seqLens)).toEqual(new Set([64]));
    expect(chosen.record.summary).toContain('lr 1e-2, seq-len 64');
  });

  it('lets --dropout replace the candidates\' and --cell narrow them', async () => {
    const cell = GRID.candidates[0]!.cell;
    const chosen = await modelForBudget(request({ dropout: 0.4, cell }));
    expect(chosen.model.cell).toBe(cell);
    expect(chosen.model.dropout).toBe(0.4);
    expect(chosen.record.candidates.every((c) => c.dropout === 0.4)).toBe(true);
  });

  it('says the choice in at most three rows of an 80-column dashboard, at any budget and speed, with the candidates\' recipes', () => {
    for (const grid of GRIDS) {
      const widest = [...new Set(grid.candidates.map(candidateName))];
      const choice = { index: grid.candidates.length - 1, speeds: grid.candidates.map(() => 123_456), expected: grid.candidates.map(() => 1.5) };
      // A candidate's recipe with weight drop (a user's flags may add more, which the dashboard cuts with …).
      const regularisation = describeRegularisation({ dropout: 0.25, weightDrop: 0.25 });
      const summary = describeChoice(grid.candidates, choice, (2 * 60 + 30) * 60_000, regularisation, { lr: 0.0025, seqLen: 100 });
      const note = choiceNote(summary, 12_345, widest.map((name) => `${name} 123k`));
      expect(note).toContain('— the best for 2 h 30 min at 123k chars/s');
      // The dashboard wraps a note at its width less 2 (src/ui/train/dashboard-rows.ts) and gives notes three rows at 80×24.
      expect(wrapWords(note, 78).length, note).toBeLessThanOrEqual(3);
    }
  });

  it('chooses for a short text among the candidates measured on a short text, and says so', async () => {
    for (const grid of [GRID_60K, GRID_250K]) {
      const chosen = await modelForBudget(request({}, {}, grid.trainChars));
      expect(chosen.record.candidates.map((c) => [c.name, c.dropout])).toEqual(grid.candidates.map((c) => [candidateName(c), c.dropout]));
      expect(grid.candidates.some((c) => candidateName(c) === candidateName(chosen.model) && c.dropout === chosen.model.dropout)).toBe(true);
      expect(chosen.notes[1]).toBe(`a short text (${grid.trainChars.toLocaleString('en-US')} training characters) overfits sooner: `
        + `its model is chosen from the curves of a ${grid.textChars / 1000}k-character text`);
      expect(wrapWords(chosen.notes[1]!, 78).length).toBeLessThanOrEqual(2);
    }
    const long = await modelForBudget(request({}));
    expect(long.notes).toHaveLength(1);
  });

  it('trains a candidate with the weight drop it brings for a run long enough to overfit it, unless --weight-drop is given', async () => {
    const long = GRID.candidates.find((c) => c.longRun !== undefined)!;
    const hour = { maxTimeMs: 60 * 60_000 };
    const cellOf = { cell: long.cell, layers: long.layers, hidden: long.hidden };
    const chosen = await modelForBudget(request(cellOf, hour));
    // The fake LSTM 2×384 trains at ~40k chars/s: ~130 passes over a 1 MB text in an hour.
    expect(chosen.model.weightDrop).toBe(long.longRun!.weightDrop);
    expect(chosen.engine.label).toBe(`fake ${long.hidden}`);
    expect(chosen.record.summary).toContain(`, weight drop ${long.longRun!.weightDrop}, `);
    expect(chosen.notes[1]).toMatch(new RegExp(`^weight drop ${long.longRun!.weightDrop}: about \\d+ passes over the text, and past ${long.longRun!.passes} `));
    expect(wrapWords(chosen.notes[1]!, 78).length).toBeLessThanOrEqual(2);
    // Fewer passes than that (a text 20× longer), or the user's own rate: no long-run weight drop.
    expect((await modelForBudget(request(cellOf, hour, GRID.trainChars * 20))).model.weightDrop).toBe(0);
    const own = await modelForBudget(request({ ...cellOf, weightDrop: 0 }, hour));
    expect(own.model.weightDrop).toBe(0);
    expect(own.notes).toHaveLength(1);
  });

  it('gives the chosen model the regularisers the user gave, and says them', async () => {
    const chosen = await modelForBudget(request({ weightDrop: 0.3, dropoutMask: 'sequence' }));
    expect(chosen.model).toMatchObject({ weightDrop: 0.3, dropoutMask: 'sequence' });
    expect(chosen.record.summary).toMatch(/, dropout [\d.]+ per sequence, weight drop 0\.3, lr /);
  });
});
