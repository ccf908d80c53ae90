/**
 * A run's side of deciding the cosine's length (schedule.ts): at once when
 * the step or epoch limit tells, else from the steps and evaluations
 * measured on the way. The decision goes into the run's config (saved with
 * every checkpoint, so a resume continues the same cosine) and is told to
 * the user.
 */
import type { TrainConfig } from './config.js';
import { ScheduleDecider, type RunShape, type ScheduleDecision } from './schedule.js';

export class ScheduleLength {
  private decider: ScheduleDecider | null = null;

  /**
   * Decides now when it can (call it once the run has started: `announce` may be called at once).
   * @param training the run's config: its scheduleSteps is set when decided
   * @param announce tells the user the decision (a note event)
   */
  constructor(
    private readonly training: TrainConfig,
    shape: RunShape,
    private readonly announce: (message: string) => void,
  ) {
    if (training.schedule !== 'cosine' || training.scheduleSteps !== null) return;
    const decider = new ScheduleDecider(training, shape);
    const now = decider.initial();
    if (now) this.adopt(now);
    else if (training.maxTimeMs !== null) this.decider = decider;
  }

  /** A step of `ms` was taken, reaching `step` after `sessionMs` of training. */
  stepped(ms: number, step: number, sessionMs: number): void {
    if (!this.decider) return;
    this.decider.recordStep(ms);
    const decision = this.decider.decide(step, sessionMs);
    if (decision) {
      this.adopt(decision);
      this.decider = null;
    }
  }

  /** A full evaluation (its saves and samples included) took `ms`. */
  evaluated(ms: number): void {
    this.decider?.recordEval(ms);
  }

  private adopt(decision: ScheduleDecision): void {
    const t = this.training;
    t.scheduleSteps = decision.steps;
    const floor = t.lr * t.lrFinal;
    this.announce(`learning rate: cosine from ${t.lr.toExponential(1)} to ${floor.toExponential(1)} over ${decision.steps.toLocaleString('en-US')} steps (from ${decision.reason})`);
  }
}
