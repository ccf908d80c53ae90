import { describe, expect, it } from 'vitest';
import { crossEntropySum } from '../../src/model/log-softmax.js';
import { drawIndex, logSoftmax, samplingDistribution, topCandidates } from '../../src/sample/distribution.js';
import { Rng } from '../../src/util/rng.js';

const logits = [2, 1, 0.5, 0, -1, -3];
const logProbs = logSoftmax(logits);

describe('sampling distribution', () => {
  it('sums the cross-entropy of rows with a target, exactly as logSoftmax row by row', () => {
    const rows = Float32Array.from([...logits, ...logits.map((x) => -2 * x), ...logits.map((x) => x + 100)]);
    const expected = -logSoftmax(rows, 0, 6)[3]! - logSoftmax(rows, 12, 6)[0]!;
    expect(crossEntropySum(rows, [3, -1, 0], 6)).toBe(expected);
    expect(crossEntropySum(rows, [-1, -1, -1], 6)).toBe(0);
  });

  it('normalises logits', () => {
    expect(Array.from(logProbs, Math.exp).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
  });

  it('temperature 0 is argmax', () => {
    expect(Array.from(samplingDistribution(logProbs, { temperature: 0, topK: 0, topP: 1 }))).toEqual([1, 0, 0, 0, 0, 0]);
  });

  it('a temperature so small that logProb / T overflows is still argmax (ties shared), never NaN', () => {
    for (const temperature of [1e-308, 5e-324, 1e-30]) {
      expect(Array.from(samplingDistribution(logProbs, { temperature, topK: 0, topP: 1 }))).toEqual([1, 0, 0, 0, 0, 0]);
    }
    const tie = logSoftmax([0, 3, 3, -1]);
    expect(Array.from(samplingDistribution(tie, { temperature: 1e-308, topK: 0, topP: 1 }))).toEqual([0, 0.5, 0.5, 0]);
  });

  it('temperature sharpens and flattens', () => {
    const cold = samplingDistribution(logProbs, { temperature: 0.5, topK: 0, topP: 1 });
    const hot = samplingDistribution(logProbs, { temperature: 2, topK: 0, topP: 1 });
    expect(cold[0]!).toBeGreaterThan(Math.exp(logProbs[0]!));
    expect(hot[0]!).toBeLessThan(Math.exp(logProbs[0]!));
  });

  it('top-k keeps the k most likely, renormalised', () => {
    const p = samplingDistribution(logProbs, { temperature: 1, topK: 2, topP: 1 });
    expect(p.filter((x) => x > 0)).toHaveLength(2);
    expect(p[0]! + p[1]!).toBeCloseTo(1, 12);
  });

  it('top-p keeps the smallest set reaching p', () => {
    const probs = Array.from(logProbs, Math.exp);
    const p = samplingDistribution(logProbs, { temperature: 1, topK: 0, topP: probs[0]! + 0.01 });
    expect(p.filter((x) => x > 0)).toHaveLength(2);
    const all = samplingDistribution(logProbs, { temperature: 1, topK: 0, topP: 1 });
    expect(all.filter((x) => x > 0)).toHaveLength(6);
  });

  it('draws follow the distribution and the seed', () => {
    const p = samplingDistribution(logProbs, { temperature: 1, topK: 0, topP: 1 });
    const rng = new Rng(1);
    const counts = new Array(6).fill(0);
    for (let i = 0; i < 20_000; i++) counts[drawIndex(p, rng)]++;
    counts.forEach((c, i) => expect(Math.abs(c / 20_000 - p[i]!)).toBeLessThan(0.015));
    const a = Array.from({ length: 50 }, ((r) => () => drawIndex(p, r))(new Rng(7)));
    const b = Array.from({ length: 50 }, ((r) => () => drawIndex(p, r))(new Rng(7)));
    expect(a).toEqual(b);
  });

  it('lists top candidates', () => {
    expect(topCandidates(logProbs, 3).map((c) => c.index)).toEqual([0, 1, 2]);
  });
});
