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
import { GRID } from '../../../src/train/budget/grid.js';
import { DEFAULT_MODEL_CONFIG } from '../../../src/settings/model-settings.js';
import { DEFAULT_TRAIN_CONFIG, type TrainConfig } from '../../../src/settings/train-settings.js';
import { fakeEngine } from '../../helpers/fake-engine.js';

const BIG = GRID.minTrainChars;
const time = { maxTimeMs: 5 * 60_000 };

describe('fixedModelReason', () => {
  it('chooses only for a time budget without a step or epoch limit, on ort, on a text as long as the grid\'s', () => {
    expect(fixedModelReason({}, time, 'ort', BIG)).toBeNull();
    expect(fixedModelReason({}, {}, 'ort', BIG)).toBe(NO_BUDGET);
    expect(fixedModelReason({}, { ...time, maxSteps: 500 }, 'ort', BIG)).toBe(NO_BUDGET);
    expect(fixedModelReason({}, { ...time, maxEpochs: 3 }, 'ort', BIG)).toBe(NO_BUDGET);
    expect(fixedModelReason({}, time, 'tfjs', BIG)).toMatch(/on the ort engine only/);
    expect(fixedModelReason({}, time, 'ort', BIG - 1)).toMatch(/texts of 500,000 training characters or more .* this one has 499,999: the default model$/);
  });

  it('keeps the default model with the flags given when no measured candidate matches them', () => {
    expect(fixedModelReason({ layers: 7 }, time, 'ort', BIG)).toMatch(/^no measured model matches the --cell, --layers and --hidden given \(.*\): the default model with those flags$/);
    expect(fixedModelReason({ hidden: 100 }, time, 'ort', BIG)).not.toBeNull();
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
  function request(given: Partial<ModelConfig>, givenTraining: Partial<TrainConfig> = {}) {
    let now = 0;
    const base: ModelConfig = { ...DEFAULT_MODEL_CONFIG, ...given, vocabSize: 65 };
    return {
      given, givenTraining, base, training: { ...DEFAULT_TRAIN_CONFIG, ...time, ...givenTraining }, trainIds: new Uint16Array(200_000).map((_, i) => i % 65), clock: () => now,
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
    expect(chosen.note).toContain(chosen.record.summary);
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
    const widest = GRID.candidates.map(candidateName);
    const choice = { index: GRID.candidates.length - 1, speeds: GRID.candidates.map(() => 123_456), expected: GRID.candidates.map(() => 1.5) };
    // A candidate's recipe with weight drop (a user's flags may add more, which the dashboard cuts with …).
    const regularisation = describeRegularisation({ dropout: 0.25, weightDrop: 0.25 });
    const summary = describeChoice(GRID.candidates, choice, (2 * 60 + 30) * 60_000, regularisation, { lr: 0.0025, seqLen: 100 });
    const note = choiceNote(summary, 12_345, widest.map((name) => `${name} 123k`));
    expect(note).toContain('— the best for 2 h 30 min at 123k chars/s');
    // The dashboard wraps a note at its width less 2 (src/ui/train/dashboard-rows.ts) and gives notes three rows at 80×24.
    expect(wrapWords(note, 78).length).toBeLessThanOrEqual(3);
  });

  it('gives the chosen model the regularisers the user gave, and says them', async () => {
    const chosen = await modelForBudget(request({ weightDrop: 0.3, dropoutMask: 'sequence' }));
    expect(chosen.model).toMatchObject({ weightDrop: 0.3, dropoutMask: 'sequence' });
    expect(chosen.record.summary).toMatch(/, dropout [\d.]+ per sequence, weight drop 0\.3, lr /);
  });
});
