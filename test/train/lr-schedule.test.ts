import { describe, expect, it } from 'vitest';
import { DEFAULT_TRAIN_CONFIG, type TrainConfig } from '../../src/settings/train-settings.js';
import { EvalClock } from '../../src/train/eval-clock.js';
import { learningRateAt, ScheduleDecider, ScheduleLength, schedulePosition } from '../../src/train/lr-schedule.js';
import { RunSpeed } from '../../src/train/run-speed.js';

const config = (over: Partial<TrainConfig>): TrainConfig => ({ ...DEFAULT_TRAIN_CONFIG, ...over });
const shape = { stepsPerEpoch: 300, evalBatches: 10 };
/** 3,200 training characters per step, 3,200 per validation batch; saves and samples timed as `afterMs`. */
function speed(): RunSpeed {
  return new RunSpeed({ charsPerStep: 3200, charsPerValBatch: 3200, params: 1000, sampleChars: 0 });
}
/** The learning rates of steps from … to-1 under `c`. */
const rates = (c: TrainConfig, from: number, to: number): number[] => Array.from({ length: to - from }, (_, i) => learningRateAt(c, from + i));

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
    expect(new ScheduleDecider(config({ maxSteps: 500 }), shape, speed()).initial()).toMatchObject({ steps: 500 });
    expect(new ScheduleDecider(config({ maxEpochs: 1.5 }), shape, speed()).initial()).toMatchObject({ steps: 450 });
    expect(new ScheduleDecider(config({ maxSteps: 500, maxEpochs: 1 }), shape, speed()).initial()).toMatchObject({ steps: 300 });
    expect(new ScheduleDecider(config({}), shape, speed()).initial()).toBeNull();
  });

  it('converts the training time left into steps at the recent rate, evaluations included', () => {
    const s = speed();
    const d = new ScheduleDecider(config({ maxTimeMs: 600_000, evalEvery: 100 }), shape, s);
    expect(d.initial()).toBeNull();
    for (let i = 0; i < 13; i++) s.recordStep(i < 3 ? 5000 : 100);
    expect(d.ready(false)).toBe(false); // 1 s measured: not enough yet
    s.recordEval(10, 1500, 500);
    expect(d.ready(true)).toBe(true);
    // 100 ms per step + 2 s per 100 steps = 120 ms per step; 594 s left.
    expect(d.decide(13, 594_000)).toMatchObject({ steps: 13 + 4950 });
    // The machine gets twice as slow: the recent steps say so within seconds.
    for (let i = 0; i < 200; i++) s.recordStep(200);
    expect(d.decide(213, 550_000)).toMatchObject({ steps: 213 + Math.floor(550_000 / 220) });
  });

  it('counts the looks by the clock too', () => {
    const s = speed();
    const looks = new EvalClock({ firstEvalMs: 0, evalEveryMs: 10_000 }, s, 8, 65);
    const d = new ScheduleDecider(config({ maxTimeMs: 600_000, evalEvery: 100 }), { ...shape, looks }, s);
    for (let i = 0; i < 13; i++) s.recordStep(i < 3 ? 5000 : 100);
    s.recordEval(10, 1500, 500);
    looks.evaluated(2_000);
    // A look: 8 × 150 ms + 500 ms = 1.7 s, so one every 9 × 1.7 s of training (more than 10 s): 10 ms a step.
    expect(looks.intervalMs()).toBeCloseTo(15_300, 6);
    // 100 ms per step + 20 ms of evaluations by steps + 10 ms of looks = 130 ms per step.
    expect(d.decide(13, 594_000)).toMatchObject({ steps: 13 + Math.floor(594_000 / 130) });
  });

  it('never goes past a step limit that comes first', () => {
    const s = speed();
    const d = new ScheduleDecider(config({ maxTimeMs: 600_000, maxSteps: 1000 }), shape, s);
    for (let i = 0; i < 400; i++) s.recordStep(100);
    expect(d.decide(400, 560_000)).toMatchObject({ steps: 1000, reason: 'the step limit' });
  });
});

describe('re-planning the schedule', () => {
  const base = { lr: 1, warmupSteps: 10, lrFinal: 0.1 };

  it('a re-plan goes on from the rate it finds: no jump, then down to the floor at the new end', () => {
    const planned = config({ ...base, scheduleSteps: 200 });
    // At step 80 the run finds it will only reach step 150.
    const at = schedulePosition(planned, 80);
    const replanned = config({ ...base, scheduleSteps: 150, scheduleFrom: { step: 80, position: at } });
    expect(learningRateAt(replanned, 80)).toBeCloseTo(learningRateAt(planned, 80), 12);
    expect(learningRateAt(replanned, 150)).toBeCloseTo(0.1, 12);
    expect(learningRateAt(replanned, 400)).toBeCloseTo(0.1, 12);
    // Step by step no change larger than the steepest step of the cosine planned from the start over 150 steps.
    const steepest = Math.max(...rates(config({ ...base, scheduleSteps: 150 }), 10, 150).map((r, i, all) => (i > 0 ? all[i - 1]! - r : 0)));
    const path = [...rates(planned, 0, 80), ...rates(replanned, 80, 160)];
    for (let i = 11; i < path.length; i++) {
      expect(path[i]!).toBeLessThanOrEqual(path[i - 1]! + 1e-12);
      expect(path[i - 1]! - path[i]!).toBeLessThanOrEqual(steepest * 1.6);
    }
  });

  it('a re-plan in the warm-up finishes it at its usual slope', () => {
    // Undecided (warm-up over 10 steps as given); at step 4 the run decides on 60 steps: warm-up at most 6.
    const undecided = config({ ...base, scheduleSteps: null });
    const replanned = config({ ...base, scheduleSteps: 60, scheduleFrom: { step: 4, position: schedulePosition(undecided, 4) } });
    expect(learningRateAt(replanned, 4)).toBeCloseTo(0.5, 12);
    const path = rates(replanned, 4, 61);
    const peak = path.indexOf(Math.max(...path));
    for (let i = 1; i <= peak; i++) expect(path[i]! - path[i - 1]!).toBeLessThanOrEqual(1 / 6 + 1e-12);
    for (let i = peak + 1; i < path.length; i++) expect(path[i]!).toBeLessThanOrEqual(path[i - 1]!);
    expect(path.at(-1)).toBeCloseTo(0.1, 12);
  });

  it('ScheduleLength re-estimates a time-limited run as its speed changes, continuously, and ends at the floor at the time limit', () => {
    const s = speed();
    const t = config({ ...base, warmupSteps: 0, maxTimeMs: 100_000, evalEvery: 1_000_000 });
    const notes: string[] = [];
    const plan = new ScheduleLength(t, shape, s, 0, (m) => notes.push(m));
    let current = plan.start();
    let ms = 0;
    const lrs: number[] = [];
    for (let step = 1; ms < 100_000; step++) {
      // 100 ms a step for 30 s, then the machine gets busy: 250 ms a step.
      const stepMs = ms < 30_000 ? 100 : 250;
      ms += stepMs;
      s.recordStep(stepMs);
      lrs.push(learningRateAt({ ...t, ...current }, step - 1));
      current = plan.stepped(step, ms, 100_000 - ms);
    }
    const steps = lrs.length;
    // Planned at first from the fast steps (about 1,000 in all); it ends where the run does instead.
    expect(notes[0]).toMatch(/down to 1\.0e-1 at step (9\d\d|1,0\d\d) \(from the time limit/);
    expect(Math.abs(current.scheduleSteps! - steps)).toBeLessThanOrEqual(steps * 0.02);
    // The plan is returned, never written into the config the run was given.
    expect(t.scheduleSteps).toBeNull();
    expect(lrs.at(-1)!).toBeLessThan(0.1 + 0.9 * 0.01);
    for (let i = 1; i < lrs.length; i++) {
      expect(lrs[i]!).toBeLessThanOrEqual(lrs[i - 1]! + 1e-12);
      expect(lrs[i - 1]! - lrs[i]!).toBeLessThan(0.01);
    }
    expect(notes.some((n) => /instead of/.test(n))).toBe(true);
  });

  it('tells a changed plan at most once per tenth of the time limit, and never once the rate is at its floor, however the speed swings', () => {
    const s = speed();
    const t = config({ ...base, warmupSteps: 0, maxTimeMs: 20_000, evalEvery: 1_000_000 });
    const notes: string[] = [];
    const plan = new ScheduleLength(t, shape, s, 0, (m) => notes.push(m));
    let current = plan.start();
    let ms = 0;
    const lrs: number[] = [];
    for (let step = 1; ms < 20_000; step++) {
      // A busy machine: the step time swings between 5 and 40 ms every 1.5 s, and
      // a short text is evaluated every 10 steps, each evaluation re-estimating the plan.
      const stepMs = Math.floor(ms / 1_500) % 2 === 0 ? 5 : 40;
      ms += stepMs;
      s.recordStep(stepMs);
      if (step % 10 === 0) {
        const evalMs = step % 20 === 0 ? 30 : 120;
        ms += evalMs;
        s.recordEval(1, evalMs, 5);
        plan.evaluated();
      }
      lrs.push(learningRateAt({ ...t, ...current }, step - 1));
      current = plan.stepped(step, ms, 20_000 - ms);
    }
    // The first plan, then at most one change per 2 s of the 20 s.
    expect(notes.length).toBeGreaterThanOrEqual(2);
    expect(notes.length).toBeLessThanOrEqual(11);
    for (const note of notes) expect(note).not.toMatch(/from 1\.0e-1 at step/);
    // The plan itself still follows the speed: the rate never rises and ends at the floor.
    for (let i = 1; i < lrs.length; i++) expect(lrs[i]!).toBeLessThanOrEqual(lrs[i - 1]! + 1e-12);
    expect(lrs.at(-1)!).toBeLessThan(0.1 + 0.9 * 0.02);
  });

  it('a run faster than planned holds the floor it reached early, without a word about resuming', () => {
    const s = speed();
    const t = config({ ...base, warmupSteps: 0, maxTimeMs: 60_000, evalEvery: 1_000_000 });
    const notes: string[] = [];
    const plan = new ScheduleLength(t, shape, s, 0, (m) => notes.push(m));
    let current = plan.start();
    let ms = 0;
    const lrs: number[] = [];
    for (let step = 1; ms < 60_000; step++) {
      // 200 ms a step, then 20 ms for the last 10 s: the cosine reaches its floor before the end.
      const stepMs = ms < 50_000 ? 200 : 20;
      ms += stepMs;
      s.recordStep(stepMs);
      lrs.push(learningRateAt({ ...t, ...current }, step - 1));
      current = plan.stepped(step, ms, 60_000 - ms);
    }
    expect(lrs.at(-1)).toBeCloseTo(0.1, 12);
    for (let i = 1; i < lrs.length; i++) expect(lrs[i]!).toBeLessThanOrEqual(lrs[i - 1]! + 1e-12);
    expect(notes.join('\n')).not.toMatch(/resume|stays at its floor/);
  });
});

describe('a resume with new limits', () => {
  const base = { lr: 1, warmupSteps: 10, lrFinal: 0.1 };
  const limits = { maxSteps: null, maxEpochs: null, maxTimeMs: null };
  /** The lr a resume at `step` of a run saved as `saved` takes at its first step and after, with `given` limits. */
  function resumed(saved: Partial<TrainConfig>, step: number, given: Partial<TrainConfig>, stepMs = 100): { first: number; after: number[]; notes: string[] } {
    const t = config({ ...base, ...saved, ...limits, ...given });
    const s = speed();
    const notes: string[] = [];
    const plan = new ScheduleLength(t, shape, s, step, (m) => notes.push(m));
    let current = plan.start();
    const first = learningRateAt({ ...t, ...current }, step);
    const after: number[] = [];
    let ms = 0;
    for (let i = 1; i <= 2000; i++) {
      ms += stepMs;
      s.recordStep(stepMs);
      if (t.maxTimeMs !== null) current = plan.stepped(step + i, ms, t.maxTimeMs - ms);
      after.push(learningRateAt({ ...t, ...current }, step + i));
    }
    return { first, after, notes };
  }
  const nonRising = (first: number, after: number[]): void => {
    for (const [i, lr] of after.entries()) expect(lr, `step +${i + 1}`).toBeLessThanOrEqual((i === 0 ? first : after[i - 1]!) + 1e-12);
  };

  it.each([
    ['--max-steps', { maxSteps: 600 }, 600],
    ['--max-epochs', { maxEpochs: 2 }, 600],
    ['--max-time', { maxTimeMs: 30_000 }, null],
  ] as const)('%s: goes on from the rate the run ended at, never back up, to the floor at the new limit', (_flag, given, end) => {
    // A run planned for 200 steps, stopped at step 120 (rate 0.44), resumed with a longer limit.
    const saved = { maxSteps: 200, scheduleSteps: 200 };
    const endedAt = learningRateAt(config({ ...base, ...saved }), 120);
    const { first, after, notes } = resumed(saved, 120, given);
    expect(first).toBeCloseTo(endedAt, 12);
    nonRising(first, after);
    if (end !== null) expect(after[end - 120 - 1]).toBeCloseTo(0.1, 12);
    else expect(after[Math.floor(30_000 / 100) - 1]).toBeLessThan(0.1 + 0.9 * 0.01);
    // A time-limited resume holds the rate until it has measured its speed.
    expect(notes[0]).toMatch(/^learning rate: from 4\.4e-1 at step \d+ down to 1\.0e-1 at step [\d,]+ \(from the (step|epoch|time) limit/);
  });

  it.each([
    ['--max-steps', { maxSteps: 300 }],
    ['--max-epochs', { maxEpochs: 1 }],
    ['--max-time', { maxTimeMs: 30_000 }],
  ] as const)('%s: a run that reached its floor stays there', (_flag, given) => {
    const saved = { maxSteps: 200, scheduleSteps: 200 };
    const { first, after, notes } = resumed(saved, 200, given);
    expect(first).toBeCloseTo(0.1, 12);
    for (const lr of after) expect(lr).toBeCloseTo(0.1, 12);
    expect(notes).toEqual(['learning rate: stays at its floor 1.0e-1, which the run reached before step 200 (a resume never raises it)']);
  });

  it('a resume that finds the rate all but at its floor says it stays there, not "from 1.0e-1 down to 1.0e-1"', () => {
    // Stopped at step 199 of a cosine ending at 200: the rate is a hair above the floor.
    const saved = { maxSteps: 200, scheduleSteps: 200 };
    const { first, after, notes } = resumed(saved, 199, { maxSteps: 300 });
    expect(first).toBeGreaterThan(0.1);
    nonRising(first, after);
    expect(notes).toEqual(['learning rate: stays at its floor 1.0e-1 (1.0e-1 at step 199, where the run brought it; a resume never raises it)']);
  });

  it('the same limits continue the stored plan unchanged (a resume is the run it continues)', () => {
    const saved = { maxSteps: 200, scheduleSteps: 200 };
    const { first, after, notes } = resumed(saved, 120, { maxSteps: 200 });
    expect(notes).toEqual([]);
    expect([first, ...after.slice(0, 80)]).toEqual(rates(config({ ...base, ...saved }), 120, 201));
  });
});
