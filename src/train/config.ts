/** The schedule of the learning rate, and the first evaluation's size; the settings themselves are in settings/train-settings.ts. */
import type { TrainConfig } from '../settings/train-settings.js';

export type { TrainConfig };

/**
 * Validation batches the session's first, time-triggered look reads (a
 * megabyte corpus has 35 of 32 × 100 characters): it is there to show a
 * loss and samples within seconds, so it is a first look, not a verdict —
 * it gives a new run its first best/ but never replaces one.
 */
export const FIRST_EVAL_BATCHES = 8;

export type ScheduleConfig = Pick<TrainConfig, 'lr' | 'schedule' | 'warmupSteps' | 'lrFinal' | 'scheduleSteps' | 'lrDecay' | 'lrDecayEvery'>;

/**
 * Steps of warm-up: warmupSteps, but at most a tenth of the schedule, so a short
 * run (a fine-tune of a few minutes, --max-steps 50) is not all warm-up.
 */
function warmupLength(c: Pick<ScheduleConfig, 'warmupSteps' | 'scheduleSteps'>): number {
  return c.scheduleSteps === null ? c.warmupSteps : Math.min(c.warmupSteps, Math.floor(c.scheduleSteps / 10));
}

/** Learning rate for the update at `step` (0-based). */
export function learningRateAt(c: ScheduleConfig, step: number, recoveryFactor = 1): number {
  if (c.schedule === 'step') {
    const decays = c.lrDecay === 1 ? 0 : Math.floor(step / c.lrDecayEvery);
    return c.lr * c.lrDecay ** decays * recoveryFactor;
  }
  const warmup = warmupLength(c);
  if (step < warmup) return (c.lr * (step + 1) / warmup) * recoveryFactor;
  if (c.scheduleSteps === null || c.scheduleSteps <= warmup) return c.lr * recoveryFactor;
  const progress = Math.min(1, (step - warmup) / (c.scheduleSteps - warmup));
  return c.lr * (c.lrFinal + (1 - c.lrFinal) * 0.5 * (1 + Math.cos(Math.PI * progress))) * recoveryFactor;
}
