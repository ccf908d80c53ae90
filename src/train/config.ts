/** The schedule of the learning rate, and the first evaluation's size; the settings themselves are in settings/train-settings.ts. */
import type { ScheduleAnchor, TrainConfig } from '../settings/train-settings.js';

export type { ScheduleAnchor, TrainConfig };

/**
 * Validation batches the session's time-triggered looks read (a megabyte
 * corpus has 35 of 32 × 100 characters; eval-clock.ts says when): they are
 * there to show a loss and samples early and often, so they are looks, not
 * verdicts — the first gives a new run its first best/ but never replaces
 * one, a later one replaces only a best/ that a look measured.
 */
export const FIRST_EVAL_BATCHES = 8;

export type ScheduleConfig = Pick<TrainConfig, 'lr' | 'schedule' | 'warmupSteps' | 'lrFinal' | 'scheduleSteps' | 'scheduleFrom' | 'lrDecay' | 'lrDecayEvery'>;

/** The part of a config that the run decides as it goes: the cosine's end, and where its current plan starts. */
export type SchedulePlan = Pick<TrainConfig, 'scheduleSteps' | 'scheduleFrom'>;

/**
 * Steps of warm-up: warmupSteps, but at most a tenth of the schedule, so a short
 * run (a fine-tune of a few minutes, --max-steps 50) is not all warm-up.
 */
function warmupLength(c: Pick<ScheduleConfig, 'warmupSteps' | 'scheduleSteps'>): number {
  return c.scheduleSteps === null ? c.warmupSteps : Math.min(c.warmupSteps, Math.floor(c.scheduleSteps / 10));
}

/** From `from` at step `a` to `to` at step `b`, linearly; `from` before a, `to` after b. */
function line(step: number, a: number, from: number, b: number, to: number): number {
  if (b <= a) return step >= b ? to : from;
  return Math.min(Math.max(from + ((to - from) * (step - a)) / (b - a), Math.min(from, to)), Math.max(from, to));
}

/**
 * Where the cosine schedule is at `step`, as one number that only grows:
 * 0 … 1 is the warm-up (the rate is that share of --lr), 1 … 2 the cosine
 * (1 its peak, 2 its floor at scheduleSteps, held after). Without an anchor
 * it is the plan of a run that knew its length from the start: a linear
 * warm-up reaching the peak at warmup − 1, the cosine from warmup to
 * scheduleSteps. With one (a length re-estimated on the way, or a resume
 * with new limits), the plan goes on from the anchor's position at its step
 * — so the rate never jumps when the plan changes: the rest of the warm-up
 * at its usual slope, then the rest of the cosine, stretched or shrunk to
 * end at scheduleSteps. Steps before the anchor (a recovery going back to
 * an older checkpoint) keep the anchor's position.
 */
export function schedulePosition(c: Pick<ScheduleConfig, 'warmupSteps' | 'scheduleSteps' | 'scheduleFrom'>, step: number): number {
  const end = c.scheduleSteps;
  const warmup = warmupLength(c);
  // A plan made at the start: the warm-up rises (step + 1) / warmup, the cosine starts at 0 without one.
  const anchor = c.scheduleFrom ?? (warmup > 0 ? { step: -1, position: 0 } : { step: 0, position: 1 });
  const { step: a, position: at } = anchor;
  // The cosine's stretch: from its peak after the warm-up, or from the anchor when it is already in the cosine.
  let cosineStart: number;
  let cosineFrom: number;
  if (at < 1) {
    // Full rate at `full` (warmup − 1 as planned, else as soon as the warm-up's usual slope gets there), the cosine from the step after.
    const full = Math.max(warmup - 1, a + Math.ceil((1 - at) * Math.max(warmup, 1) - 1e-9));
    if (step <= full) return line(step, a, at, full, 1);
    cosineStart = full + 1;
    cosineFrom = 1;
  } else {
    cosineStart = a;
    cosineFrom = at;
  }
  if (end === null || end <= cosineStart) return cosineFrom;
  return line(step, cosineStart, cosineFrom, end, 2);
}

/** The share of --lr at a schedule position (schedulePosition). */
function levelAt(position: number, lrFinal: number): number {
  if (position <= 1) return position;
  return lrFinal + (1 - lrFinal) * 0.5 * (1 + Math.cos(Math.PI * (position - 1)));
}

/** Learning rate for the update at `step` (0-based). */
export function learningRateAt(c: ScheduleConfig, step: number, recoveryFactor = 1): number {
  if (c.schedule === 'step') {
    const decays = c.lrDecay === 1 ? 0 : Math.floor(step / c.lrDecayEvery);
    return c.lr * c.lrDecay ** decays * recoveryFactor;
  }
  return c.lr * levelAt(schedulePosition(c, step), c.lrFinal) * recoveryFactor;
}
