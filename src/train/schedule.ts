/**
 * Deciding where the learning-rate cosine ends (TrainConfig.scheduleSteps).
 * A run limited by steps or epochs knows at once. A run limited by time
 * converts the training time it has left into steps at the speed measured
 * (run-speed.ts: recent steps; evaluations by steps and by the clock
 * included), first after a short calibration and then again as it goes, so
 * the rate reaches its floor in the last minutes a user gave even when the
 * machine's load changes: it neither stays high nor bottoms out early.
 */
import { MAX_STEPS } from '../settings/train-settings.js';
import type { TrainConfig } from './config.js';
import type { EvalClock } from './eval-clock.js';
import type { RunSpeed } from './run-speed.js';

export interface ScheduleDecision {
  steps: number;
  /** How the length was decided, for the user. */
  reason: string;
}

export interface RunShape {
  stepsPerEpoch: number;
  /** Validation batches of a full evaluation. */
  evalBatches: number;
  /** The looks by the clock between them (eval-clock.ts), when the run takes any. */
  looks?: Pick<EvalClock, 'looksPerStep' | 'lookMs'>;
}

/** Steps measured before a time-limited run decides. */
const MIN_TIMED_STEPS = 10;
/** Measure for at most this long, or this share of the time limit, unless an evaluation came first. */
const MAX_CALIBRATION_MS = 30_000;
const CALIBRATION_SHARE = 0.1;

export class ScheduleDecider {
  constructor(
    private readonly t: TrainConfig,
    private readonly shape: RunShape,
    private readonly speed: RunSpeed,
  ) {}

  /** The steps the step and epoch limits allow (null: neither is set). */
  stepLimit(): number | null {
    const limits: number[] = [];
    if (this.t.maxSteps !== null) limits.push(this.t.maxSteps);
    // A million epochs of a large corpus can name more steps than a checkpoint stores: the cosine ends at MAX_STEPS then.
    if (this.t.maxEpochs !== null) limits.push(Math.min(MAX_STEPS, Math.ceil(this.t.maxEpochs * this.shape.stepsPerEpoch)));
    return limits.length > 0 ? Math.min(...limits) : null;
  }

  /** The decision that needs no measurement: no time limit (null when the run has no limit at all, or must measure). */
  initial(): ScheduleDecision | null {
    if (this.t.maxTimeMs !== null) return null;
    const steps = this.stepLimit();
    if (steps === null) return null;
    return { steps, reason: this.t.maxSteps !== null && steps === this.t.maxSteps ? 'the step limit' : 'the epoch limit' };
  }

  /** Whether a time-limited run has measured enough to decide (`evaluated`: an evaluation was timed). */
  ready(evaluated: boolean): boolean {
    const limitMs = this.t.maxTimeMs;
    if (limitMs === null || this.speed.timedSteps < MIN_TIMED_STEPS) return false;
    return evaluated || this.speed.timedMs >= Math.min(MAX_CALIBRATION_MS, CALIBRATION_SHARE * limitMs);
  }

  /**
   * For a time-limited run: the step the cosine should end at, from `step`
   * with `msLeft` of training time left at the recent speed.
   */
  decide(step: number, msLeft: number): ScheduleDecision | null {
    const perStep = this.speed.stepMs();
    if (this.t.maxTimeMs === null || perStep === null) return null;
    const evalCost = this.speed.evalPassMs(this.shape.evalBatches) + this.speed.afterEvalMsEstimate();
    const looks = this.shape.looks;
    const perStepWithEvals = perStep + evalCost / this.t.evalEvery + (looks ? looks.looksPerStep(perStep) * looks.lookMs() : 0);
    const byTime = Math.min(MAX_STEPS, step + Math.max(1, Math.floor(msLeft / perStepWithEvals)));
    const byLimit = this.stepLimit();
    const steps = byLimit !== null ? Math.min(byLimit, byTime) : byTime;
    const rate = (1000 / perStepWithEvals).toFixed(1);
    return { steps, reason: steps === byLimit ? 'the step limit' : `the time limit at ${rate} steps/s, evaluations included` };
  }
}
