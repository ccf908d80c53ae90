import { describe, expect, it } from 'vitest';
import { defaultLimits } from '../../src/train/default-limits.js';

const nothing = { limit: false, evalEvery: undefined, maxEpochs: null };

describe('defaultLimits', () => {
  it('keeps char-rnn\'s 50 epochs and a validation every 200 steps for a megabyte of text', () => {
    expect(defaultLimits(313, nothing)).toEqual({ maxEpochs: 50, evalEvery: 200, notes: [] });
  });

  it('trains a short text for at least 1,000 steps and validates it every 10 epochs, saying so', () => {
    const s = defaultLimits(1, nothing);
    expect(s).toMatchObject({ maxEpochs: 1000, evalEvery: 10 });
    expect(s.notes).toEqual([
      '50 epochs of this text are only 50 steps: training for 1,000 epochs (1,000 steps) unless --max-steps, --max-epochs or --max-time says otherwise',
      'validation every 10 steps (10 epochs of this text); best/ keeps the model that predicts the held-out text best',
    ]);
    expect(defaultLimits(14, nothing)).toMatchObject({ maxEpochs: 72, evalEvery: 140 });
  });

  it('leaves what the user set alone', () => {
    expect(defaultLimits(1, { limit: true, evalEvery: 50, maxEpochs: 3 })).toEqual({ maxEpochs: 3, evalEvery: 50, notes: [] });
    expect(defaultLimits(1, { limit: true, evalEvery: undefined, maxEpochs: null })).toMatchObject({ maxEpochs: null, evalEvery: 10 });
  });
});
