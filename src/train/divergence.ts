/**
 * What diverged steps lead to. A step whose loss or gradient norm is not
 * finite, or whose loss is absurd (step.ts), is skipped with its window;
 * maxBadSteps in a row call for a recovery — back to the last saved state
 * with the learning rate halved — at most maxRecoveries times in a run;
 * then the run ends with an error.
 */
import { runtimeError, type CharnnError } from '../util/errors.js';
import type { TrainConfig } from './config.js';

interface DivergenceVerdict {
  /** A line for the user: the first bad step of a streak only (a streak ends in a recovery, with its own line, or an error). */
  warning: string | null;
  /** Skip the window and go on, go back to the last saved state now, or end the run (failure() says why). */
  action: 'skip' | 'recover' | 'fail';
}

export class DivergenceWatch {
  private badInARow = 0;

  constructor(private readonly limits: Pick<TrainConfig, 'maxBadSteps' | 'maxRecoveries'>) {}

  /** A step was applied, or a recovery made: the streak is over. */
  reset(): void {
    this.badInARow = 0;
  }

  /** A step diverged, after `recoveries` recoveries so far in the run. */
  diverged(loss: number, gradNorm: number, recoveries: number): DivergenceVerdict {
    this.badInARow++;
    const warning = this.badInARow === 1 ? `loss became ${loss} (gradient norm ${gradNorm}); step skipped` : null;
    if (this.badInARow < this.limits.maxBadSteps) return { warning, action: 'skip' };
    return { warning, action: recoveries < this.limits.maxRecoveries ? 'recover' : 'fail' };
  }

  /** The error that ends a run whose recoveries are used up. */
  failure(recoveries: number): CharnnError {
    return runtimeError(
      `training diverged: ${this.badInARow} non-finite steps in a row after ${recoveries} recoveries`,
      'lower --lr or --clip, or resume from the latest checkpoint with a smaller learning rate',
    );
  }
}
