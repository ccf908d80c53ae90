/** When a run stops by itself and how far it is (src/train/limits.ts, src/train/throughput.ts). */
import { describe, expect, it } from 'vitest';
import type { Progress } from '../../src/checkpoint/meta.js';
import { fractionalEpoch, RunLimits } from '../../src/train/limits.js';
import { Throughput } from '../../src/train/throughput.js';

const at = (step: number, epoch: number, batch: number): Progress => ({
  step, epoch, batch, rngState: [1, 2, 3, 4], bestValLoss: null, bestStep: null, elapsedMs: 0, recoveries: 0,
});

describe('RunLimits', () => {
  it('names the limit reached: steps, then epochs, then time', () => {
    const limits = new RunLimits({ maxSteps: 100, maxEpochs: 2, maxTimeMs: 60_000 }, 0, 40);
    expect(limits.reached(at(99, 1, 39), 59_999)).toBeNull();
    expect(limits.reached(at(100, 2, 0), 60_000)).toBe('max-steps');
    expect(limits.reached(at(80, 2, 0), 60_000)).toBe('max-epochs');
    expect(limits.reached(at(80, 1, 39), 60_000)).toBe('max-time');
    expect(new RunLimits({ maxSteps: null, maxEpochs: null, maxTimeMs: null }, 0, 40).reached(at(10 ** 9, 10 ** 6, 0), 1e12)).toBeNull();
  });

  it('stops a time-limited session the reserve for its end before the limit, after at least one step', () => {
    const limits = new RunLimits({ maxSteps: null, maxEpochs: null, maxTimeMs: 60_000 }, 10, 40);
    expect(limits.reached(at(50, 1, 10), 54_999, 5_000)).toBeNull();
    expect(limits.reached(at(50, 1, 10), 55_000, 5_000)).toBe('max-time');
    expect(limits.reached(at(10, 0, 10), 1_000, 90_000)).toBeNull();
    expect(limits.reached(at(11, 0, 11), 1_000, 90_000)).toBe('max-time');
  });

  it('measures progress towards the nearest limit, steps counted from the session\'s start', () => {
    const limits = new RunLimits({ maxSteps: 300, maxEpochs: null, maxTimeMs: 100_000 }, 200, 40);
    expect(limits.fraction(at(250, 6, 10), 10_000)).toBe(0.5);
    expect(limits.fraction(at(210, 5, 10), 80_000)).toBe(0.8);
    expect(new RunLimits({ maxSteps: null, maxEpochs: null, maxTimeMs: null }, 0, 40).fraction(at(5, 0, 5), 1)).toBe(0);
    expect(fractionalEpoch({ epoch: 1, batch: 10 }, 40)).toBe(1.25);
  });
});

describe('Throughput', () => {
  it('is the mean rate of the last steps', () => {
    const meter = new Throughput(2);
    expect(meter.record(1000, 1000)).toBe(1000);
    expect(meter.record(1000, 500)).toBe(1500);
    expect(meter.record(1000, 250)).toBe(3000);
  });
});
