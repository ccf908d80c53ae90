import { describe, expect, it } from 'vitest';
import { DEFAULT_TRAIN_CONFIG, type TrainConfig } from '../../src/settings/train-settings.js';
import { learningRateAt } from '../../src/train/config.js';
import { ScheduleDecider } from '../../src/train/schedule.js';

const config = (over: Partial<TrainConfig>): TrainConfig => ({ ...DEFAULT_TRAIN_CONFIG, ...over });
const shape = { stepsPerEpoch: 300, startStep: 0, charsPerStep: 3200, charsPerEval: 32_000 };

describe('the learning-rate schedule', () => {
  it('warms up linearly, follows a cosine down to lr × lrFinal at scheduleSteps, and stays there', () => {
    const c = config({ lr: 1e-2, warmupSteps: 10, lrFinal: 0.1, scheduleSteps: 110 });
    expect(learningRateAt(c, 0)).toBeCloseTo(1e-3);
    expect(learningRateAt(c, 9)).toBeCloseTo(1e-2);
    expect(learningRateAt(c, 10)).toBeCloseTo(1e-2);
    expect(learningRateAt(c, 60)).toBeCloseTo(1e-2 * 0.55);
    expect(learningRateAt(c, 110)).toBeCloseTo(1e-3);
    expect(learningRateAt(c, 500)).toBeCloseTo(1e-3);
    expect(learningRateAt(c, 60, 0.5)).toBeCloseTo(1e-2 * 0.55 * 0.5);
  });

  it('warms up over at most a tenth of a short run, which then decays like a long one', () => {
    const c = config({ lr: 1, warmupSteps: 100, lrFinal: 0.1, scheduleSteps: 50 });
    // Warm-up over 5 steps, the cosine over the 45 after.
    expect(learningRateAt(c, 0)).toBeCloseTo(0.2, 9);
    expect(learningRateAt(c, 4)).toBeCloseTo(1, 9);
    expect(learningRateAt(c, 27)).toBeCloseTo(0.1 + 0.45 * (1 + Math.cos((Math.PI * 22) / 45)), 9);
    expect(learningRateAt(c, 50)).toBeCloseTo(0.1, 9);
    // A long run keeps the warm-up it was given.
    expect(learningRateAt(config({ lr: 1, warmupSteps: 100, scheduleSteps: 5000 }), 49)).toBeCloseTo(0.5, 9);
  });

  it('stays at its peak after warm-up while the length is undecided', () => {
    expect(learningRateAt(config({ lr: 1e-2, warmupSteps: 10, scheduleSteps: null }), 1000)).toBe(1e-2);
  });

  it('keeps char-rnn\'s step decay as schedule step', () => {
    const c = config({ schedule: 'step', lr: 1e-2, lrDecay: 0.5, lrDecayEvery: 100 });
    expect(learningRateAt(c, 99)).toBe(1e-2);
    expect(learningRateAt(c, 250)).toBe(2.5e-3);
  });
});

describe('deciding the cosine\'s length', () => {
  it('takes the step or epoch limit when the run has no time limit', () => {
    expect(new ScheduleDecider(config({ maxSteps: 500 }), shape).initial()).toMatchObject({ steps: 500 });
    expect(new ScheduleDecider(config({ maxEpochs: 1.5 }), shape).initial()).toMatchObject({ steps: 450 });
    expect(new ScheduleDecider(config({ maxSteps: 500, maxEpochs: 1 }), shape).initial()).toMatchObject({ steps: 300 });
    expect(new ScheduleDecider(config({}), shape).initial()).toBeNull();
  });

  it('converts the time left into steps at the measured rate, evaluations included', () => {
    const d = new ScheduleDecider(config({ maxTimeMs: 600_000, evalEvery: 100 }), shape);
    expect(d.initial()).toBeNull();
    for (let i = 0; i < 13; i++) d.recordStep(i < 3 ? 5000 : 100);
    expect(d.decide(13, 6_000)).toBeNull(); // 1 s measured: not enough yet
    d.recordEval(2000);
    // 100 ms per step + 2 s per 100 steps = 120 ms per step; 594 s left.
    expect(d.decide(13, 6_000)).toMatchObject({ steps: 13 + 4950 });
  });

  it('never goes past a step limit that comes first', () => {
    const d = new ScheduleDecider(config({ maxTimeMs: 600_000, maxSteps: 1000 }), shape);
    for (let i = 0; i < 400; i++) d.recordStep(100);
    expect(d.decide(400, 40_000)).toMatchObject({ steps: 1000, reason: 'the step limit' });
  });
});
