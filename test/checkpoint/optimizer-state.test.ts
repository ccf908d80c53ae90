/** The optimizer's moments in a checkpoint's state file (src/checkpoint/optimizer-state.ts). */
import { describe, expect, it } from 'vitest';
import type { ModelConfig } from '../../src/model/config.js';
import { initParamArrays, parameterSpecs } from '../../src/model/params.js';
import { stateEntrySpecs } from '../../src/model/state.js';
import { isOptimizerEntry, optimizerEntries, optimizerEntrySpecs, optimizerFromEntries } from '../../src/checkpoint/optimizer-state.js';
import { Adam } from '../../src/train/optimizer.js';
import { Rng } from '../../src/util/rng.js';

const model: ModelConfig = { cell: 'lstm', vocabSize: 5, embedding: 3, hidden: 4, layers: 2, dropout: 0 };

describe('optimizer state entries', () => {
  it('hold both moments of every parameter, shaped like it, and read back to the same state', () => {
    const params = initParamArrays(model, new Rng(1));
    const adam = new Adam();
    adam.apply(params, initParamArrays(model, new Rng(2)), 0.01, 1);
    const entries = optimizerEntries(model, adam.toState());
    expect(entries.map(({ name, shape }) => ({ name, shape }))).toEqual(optimizerEntrySpecs(model));
    expect(entries).toHaveLength(2 * parameterSpecs(model).length);
    const back = optimizerFromEntries(1, new Map(entries.map((e) => [e.name, e.values])));
    expect(back).toEqual(adam.toState());
  });

  it('are none before the first update, and are told apart from the carried state\'s entries', () => {
    expect(optimizerEntries(model, new Adam().toState())).toEqual([]);
    expect(optimizerEntrySpecs(model).every(({ name }) => isOptimizerEntry(name))).toBe(true);
    expect(stateEntrySpecs(model, 2).some(({ name }) => isOptimizerEntry(name))).toBe(false);
  });
});
