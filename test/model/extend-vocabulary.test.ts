/** Growing a model's vocabulary for fine-tuning keeps what it learnt and adds fresh rows. */
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/engine/tfjs/backend/index.js';
import { CharRnn } from '../../src/engine/tfjs/char-rnn.js';
import { CELL_TYPES, type ModelConfig } from '../../src/model/config.js';
import { extendVocabulary } from '../../src/model/extend-vocabulary.js';
import { arraysToParams } from '../../src/engine/tfjs/param-tensors.js';
import { initParamArrays } from '../../src/model/params.js';
import { Rng } from '../../src/util/rng.js';

beforeAll(async () => {
  await initBackend('cpu');
});

const values = (a: Float32Array) => Array.from(a);

describe.each(CELL_TYPES)('extendVocabulary (%s)', (cell) => {
  const config: ModelConfig = { cell, vocabSize: 6, embedding: 4, hidden: 5, layers: 2, dropout: 0 };

  it('keeps every old row and column, appends fresh ones drawn like a fresh model\'s, and touches nothing else', () => {
    const params = initParamArrays(config, new Rng(1));
    const grown = extendVocabulary(config, params, 9, new Rng(2));
    expect(grown.get('embedding')!.length).toBe(9 * 4);
    expect(grown.get('output.kernel')!.length).toBe(5 * 9);
    expect(grown.get('output.bias')!.length).toBe(9);
    const e = values(grown.get('embedding')!);
    expect(e.slice(0, 24)).toEqual(values(params.get('embedding')!));
    // N(0, 1), as a fresh model's embeddings (src/model/init.ts): 12 draws, none beyond 6σ, their RMS near 1.
    for (const x of e.slice(24)) expect(Math.abs(x)).toBeLessThanOrEqual(6);
    const rms = Math.sqrt(e.slice(24).reduce((s, x) => s + x * x, 0) / 12);
    expect(rms).toBeGreaterThan(0.4);
    expect(rms).toBeLessThan(2);
    expect(new Set(e.slice(24)).size).toBe(12);
    const k = values(grown.get('output.kernel')!);
    const oldK = values(params.get('output.kernel')!);
    const limit = Math.sqrt(6 / (5 + 9));
    for (let r = 0; r < 5; r++) {
      expect(k.slice(r * 9, r * 9 + 6)).toEqual(oldK.slice(r * 6, r * 6 + 6));
      for (const x of k.slice(r * 9 + 6, r * 9 + 9)) expect(Math.abs(x)).toBeLessThanOrEqual(limit);
    }
    expect(values(grown.get('output.bias')!)).toEqual([...values(params.get('output.bias')!), 0, 0, 0]);
    for (const [name, t] of params) {
      if (!['embedding', 'output.kernel', 'output.bias'].includes(name)) expect(values(grown.get(name)!)).toEqual(values(t));
    }
    // The grown model gives the old characters the logits it gave them before.
    const batch = { inputs: Int32Array.from([0, 3, 5, 1]), batchSize: 2, seqLen: 2 };
    const before = new CharRnn(config, arraysToParams(config, params));
    const after = new CharRnn({ ...config, vocabSize: 9 }, arraysToParams({ ...config, vocabSize: 9 }, grown));
    const a = before.sequenceLogits(batch, before.zeroState(2));
    const b = after.sequenceLogits(batch, after.zeroState(2));
    const oldLogits = Array.from(a.logits.dataSync());
    const newLogits = Array.from(b.logits.dataSync());
    for (let row = 0; row < 4; row++) {
      for (let id = 0; id < 6; id++) expect(newLogits[row * 9 + id]).toBeCloseTo(oldLogits[row * 6 + id]!, 6);
    }
    for (const t of [a.logits, b.logits, ...a.finals.flatMap(Object.values), ...b.finals.flatMap(Object.values), ...before.params.values(), ...after.params.values()]) t.dispose();
    // Deterministic for the generator; the inputs are left alone.
    const again = extendVocabulary(config, params, 9, new Rng(2));
    for (const [name, t] of grown) expect(values(again.get(name)!)).toEqual(values(t));
    expect(params.get('embedding')!.length).toBe(6 * 4);
  });

  it('clones unchanged when nothing is added, and never shrinks', () => {
    const params = initParamArrays(config, new Rng(1));
    const same = extendVocabulary(config, params, 6, new Rng(2));
    for (const [name, t] of params) {
      expect(same.get(name)).not.toBe(t);
      expect(values(same.get(name)!)).toEqual(values(t));
    }
    expect(() => extendVocabulary(config, params, 5, new Rng(2))).toThrow(/cannot go from 6 to 5/);
  });
});
