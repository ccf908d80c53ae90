/** What train/setup.ts decides for every caller where the flags are silent: the tfjs workers and a resume's limits. */
import os from 'node:os';
import { describe, expect, it } from 'vitest';
import type { EngineSettings } from '../../src/engine/engine.js';
import { resumedLimits, runWorkers } from '../../src/train/request-decisions.js';

const tfjs = (backend: string, workers?: number): EngineSettings => ({ name: 'tfjs', backend, threads: 0, ...(workers !== undefined ? { workers } : {}) });

describe('runWorkers', () => {
  it('takes --workers first, then the resumed run\'s own', () => {
    expect(runWorkers(tfjs('wasm', 3), 5)).toBe(3);
    expect(runWorkers(tfjs('wasm'), 5)).toBe(5);
    expect(runWorkers({ name: 'ort', backend: 'cpu', threads: 2 }, 4)).toBe(4);
  });

  it('gives a new run one worker on ort and on tensorflow, a core each on wasm and cpu', () => {
    expect(runWorkers({ name: 'ort', backend: 'cpu', threads: 0 }, null)).toBe(1);
    expect(runWorkers(tfjs('tensorflow'), null)).toBe(1);
    expect(runWorkers(tfjs('wasm'), null)).toBe(Math.max(1, os.availableParallelism()));
    expect(runWorkers(tfjs('cpu'), null)).toBe(Math.max(1, os.availableParallelism()));
  });
});

describe('resumedLimits', () => {
  it('keeps the run\'s own limits when none is given', () => {
    const given = { lr: 1e-3 };
    expect(resumedLimits(given)).toEqual({ lr: 1e-3 });
  });

  it('replaces them all when one is given, leaving the other settings as given', () => {
    expect(resumedLimits({ maxTimeMs: 60_000, lr: 1e-3 })).toEqual({ maxSteps: null, maxEpochs: null, maxTimeMs: 60_000, lr: 1e-3 });
    expect(resumedLimits({ maxSteps: 500 })).toEqual({ maxSteps: 500, maxEpochs: null, maxTimeMs: null });
    expect(resumedLimits({ maxEpochs: null })).toEqual({ maxSteps: null, maxEpochs: null, maxTimeMs: null });
  });
});
