/**
 * Deciding how long the learning-rate cosine lasts (TrainConfig.scheduleSteps).
 * A run limited by steps or epochs knows its length at once. A run limited
 * by time measures its step rate (and what evaluations cost) over its first
 * stretch and converts the time left into steps, so the cosine ends where
 * the run will: the learning rate reaches its floor in the last minutes a
 * user gave instead of staying high or bottoming out early. The decision is
 * stored with the run, so a resume continues the same schedule and a run
 * with --max-steps is deterministic.
 */
import { MAX_STEPS } from '../settings/train-settings.js';
import type { TrainConfig } from './config.js';

export interface ScheduleDecision {
  steps: number;
  /** How the length was decided, for the user. */
  reason: string;
}

export interface RunShape {
  stepsPerEpoch: number;
  /** The step the session starts at. */
  startStep: number;
  /** Training characters per step, and validation characters per evaluation (to estimate an evaluation's cost before one has run). */
  charsPerStep: number;
  charsPerEval: number;
}

/** Steps measured before a time-limited run decides (after the first few, which include graph building). */
const MIN_TIMED_STEPS = 10;
const SKIPPED_STEPS = 3;
/** Measure for at most this long, or this share of the time limit. */
const MAX_CALIBRATION_MS = 30_000;
const CALIBRATION_SHARE = 0.1;
/** Forward-only evaluation costs about this share of a training step per character. */
const EVAL_COST_PER_CHAR = 0.4;

export class ScheduleDecider {
  private stepMs = 0;
  private timedSteps = 0;
  private seenSteps = 0;
  private evalMs = 0;
  private evals = 0;

  constructor(
    private readonly t: TrainConfig,
    private readonly shape: RunShape,
  ) {}

  /** The steps the step and epoch limits allow (null: neither is set). */
  private stepLimit(): number | null {
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

  recordStep(ms: number): void {
    this.seenSteps++;
    if (this.seenSteps <= SKIPPED_STEPS) return;
    this.stepMs += ms;
    this.timedSteps++;
  }

  recordEval(ms: number): void {
    this.evalMs += ms;
    this.evals++;
  }

  /**
   * For a time-limited run, once enough is measured: the steps that fit in
   * the time left. Null while still measuring.
   */
  decide(step: number, sessionMs: number): ScheduleDecision | null {
    const limitMs = this.t.maxTimeMs;
    if (limitMs === null || this.timedSteps < MIN_TIMED_STEPS) return null;
    if (this.evals === 0 && this.stepMs < Math.min(MAX_CALIBRATION_MS, CALIBRATION_SHARE * limitMs)) return null;
    const perStep = this.stepMs / this.timedSteps;
    const evalCost = this.evals > 0
      ? this.evalMs / this.evals
      : perStep * EVAL_COST_PER_CHAR * (this.shape.charsPerEval / this.shape.charsPerStep);
    const perStepWithEvals = perStep + evalCost / this.t.evalEvery;
    const byTime = Math.min(MAX_STEPS, step + Math.max(1, Math.floor((limitMs - sessionMs) / perStepWithEvals)));
    const byLimit = this.stepLimit();
    const steps = byLimit !== null ? Math.min(byLimit, byTime) : byTime;
    const rate = (1000 / perStepWithEvals).toFixed(1);
    return { steps, reason: steps === byLimit ? 'the step limit' : `the time limit at the ${rate} steps/s measured (evaluations included)` };
  }
}
