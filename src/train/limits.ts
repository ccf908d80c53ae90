/**
 * When a run stops by itself (--max-steps, --max-epochs, --max-time) and how
 * far it is towards the nearest of those limits.
 */
import type { Progress } from '../checkpoint/meta.js';
import type { TrainConfig } from './config.js';
import type { StopReason } from './events.js';

/** Completed epochs plus the share of the current one (1.25 = a quarter into the second). */
export function fractionalEpoch(progress: Pick<Progress, 'epoch' | 'batch'>, batchesPerEpoch: number): number {
  return progress.epoch + progress.batch / batchesPerEpoch;
}

export class RunLimits {
  /**
   * @param startStep the step this session started from (steps count from there, time from the session's start)
   * @param batchesPerEpoch steps in one pass over the training split
   */
  constructor(
    private readonly limits: Pick<TrainConfig, 'maxSteps' | 'maxEpochs' | 'maxTimeMs'>,
    private readonly startStep: number,
    private readonly batchesPerEpoch: number,
  ) {}

  /**
   * The limit reached by `progress` after `sessionMs` of training, or null.
   * @param reserveMs the time kept for the end of a time-limited run (final-reserve.ts): its training stops that much before the limit
   */
  reached(progress: Progress, sessionMs: number, reserveMs = 0): Exclude<StopReason, 'stopped'> | null {
    const { maxSteps, maxEpochs, maxTimeMs } = this.limits;
    if (maxSteps !== null && progress.step >= maxSteps) return 'max-steps';
    if (maxEpochs !== null && fractionalEpoch(progress, this.batchesPerEpoch) >= maxEpochs) return 'max-epochs';
    // A session takes at least one step, however little time its end leaves.
    if (maxTimeMs !== null && sessionMs + reserveMs >= maxTimeMs && progress.step > this.startStep) return 'max-time';
    return null;
  }

  /** 0..1 towards the nearest limit (0 when there is none). */
  fraction(progress: Progress, sessionMs: number): number {
    const { maxSteps, maxEpochs, maxTimeMs } = this.limits;
    const fractions = [0];
    if (maxSteps !== null) fractions.push((progress.step - this.startStep) / Math.max(1, maxSteps - this.startStep));
    if (maxEpochs !== null) fractions.push(fractionalEpoch(progress, this.batchesPerEpoch) / maxEpochs);
    if (maxTimeMs !== null) fractions.push(sessionMs / maxTimeMs);
    return Math.min(1, Math.max(...fractions));
  }
}
