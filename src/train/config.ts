/** The training config's type and the first evaluation's size; the settings themselves are in settings/train-settings.ts, the learning-rate schedule in lr-schedule.ts. */
import type { TrainConfig } from '../settings/train-settings.js';

export type { TrainConfig };

/**
 * Validation batches the session's time-triggered looks read (a megabyte
 * corpus has 35 of 32 × 100 characters; eval-clock.ts says when): they are
 * there to show a loss and samples early and often, so they are looks, not
 * verdicts — the first gives a new run its first best/ but never replaces
 * one, a later one replaces only a best/ that a look measured.
 */
export const FIRST_EVAL_BATCHES = 8;
