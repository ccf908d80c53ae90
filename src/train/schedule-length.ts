/**
 * A run's plan of the learning rate (the cosine's end, and where the plan
 * starts: config.ts schedulePosition), kept here and handed to the
 * checkpoints with every save, so a resume continues it. It is decided at
 * once when the step or epoch limit tells, else from the speed measured on
 * the way (schedule.ts), and re-decided as the speed changes — every
 * REPLAN_MS and after every evaluation — from where the rate is, so the
 * rate never jumps. A resume with new limits continues from the rate the
 * run had reached down to the floor at the new limit: the rate never goes
 * back up (a run at its floor stays there). Each change is not told: only
 * a notable one, at most once per tenth of a time limit, and none once the
 * rate is at its floor (a busy machine's speed swings every few seconds).
 */
import { learningRateAt, schedulePosition, type SchedulePlan, type TrainConfig } from './config.js';
import type { RunSpeed } from './run-speed.js';
import { ScheduleDecider, type RunShape, type ScheduleDecision } from './schedule.js';

/** A time-limited run re-estimates at least this often. */
const REPLAN_MS = 2_000;
/** A changed plan is told to the user when its end moves by at least this share of the steps left, and this many steps. */
const NOTABLE_CHANGE = 0.1;
const MIN_NOTABLE_STEPS = 5;
/**
 * A time-limited run tells a changed plan at most once per this share of its
 * limit (so at most ~10 times a run, however noisy the speed of a busy
 * machine): the plan itself still follows the speed at every re-estimate.
 */
const TELL_EVERY_SHARE = 0.1;
/** A rate within this factor of the floor is at the floor for the user: moving the end then changes nothing worth a note. */
const NEAR_FLOOR = 1.05;

export class ScheduleLength {
  private plan: SchedulePlan;
  private decider: ScheduleDecider | null = null;
  private decided = false;
  private lastPlanMs = 0;
  private evaluatedSince = false;
  /** The end the user was last told (changes smaller than NOTABLE_CHANGE of the steps left go unsaid). */
  private announced: number | null = null;
  /** When (session ms) the user was last told a changed plan. */
  private announcedMs = 0;

  /**
   * Decides now when it can (call it once the run has started: `announce` may be called at once).
   * @param training the run's config, with the plan it was saved with (a resume) or none
   * @param startStep the step the session starts at
   * @param announce tells the user the decision (a note event)
   */
  constructor(
    private readonly training: TrainConfig,
    shape: RunShape,
    speed: RunSpeed,
    startStep: number,
    private readonly announce: (message: string) => void,
  ) {
    this.plan = { scheduleSteps: training.scheduleSteps, scheduleFrom: training.scheduleFrom };
    if (training.schedule !== 'cosine') return;
    const decider = new ScheduleDecider(training, shape, speed);
    if (training.maxTimeMs !== null) {
      this.decider = decider;
      // A resume holds the rate it finds until it has measured its speed: the stored plan may end long before the new limit.
      if (startStep > 0 && (this.plan.scheduleSteps !== null || this.plan.scheduleFrom !== null)) {
        const position = schedulePosition(this.with(this.plan), startStep);
        this.plan = { scheduleSteps: null, scheduleFrom: { step: startStep, position } };
        if (position >= 2) this.atFloor(startStep);
      }
      return;
    }
    const now = decider.initial();
    // No limit, or the stored plan already ends there (a plain resume): nothing changes.
    if (now && now.steps !== this.plan.scheduleSteps) this.adopt(startStep, now);
  }

  /** The plan now (a new object whenever it changes). */
  get current(): SchedulePlan {
    return this.plan;
  }

  /** A step was taken, reaching `step` after `sessionMs`, with `msLeft` of training time left (time-limited runs). */
  stepped(step: number, sessionMs: number, msLeft: number): void {
    const decider = this.decider;
    if (!decider || !decider.ready(this.evaluatedSince || this.decided)) return;
    if (this.decided && !this.evaluatedSince && sessionMs - this.lastPlanMs < REPLAN_MS) return;
    this.lastPlanMs = sessionMs;
    this.evaluatedSince = false;
    const decision = decider.decide(step, msLeft);
    if (decision && decision.steps !== this.plan.scheduleSteps) this.adopt(step, decision, sessionMs);
    this.decided = true;
  }

  /** An evaluation was timed: re-estimate at the next step. */
  evaluated(): void {
    this.evaluatedSince = true;
  }

  /** The config with `plan`. */
  private with(plan: SchedulePlan): TrainConfig {
    return { ...this.training, ...plan };
  }

  /** The rate is at its floor at `step`, where a resume found it: it stays there, and no re-estimate can change that. */
  private atFloor(step: number): void {
    const t = this.training;
    this.announce(`learning rate: stays at its floor ${(t.lr * t.lrFinal).toExponential(1)}, which the run reached before step ${step.toLocaleString('en-US')} (a resume never raises it)`);
    this.decider = null;
  }

  /** Plans the cosine to end at `decision.steps`, going on from where the rate is at `step` (`sessionMs` into the session). */
  private adopt(step: number, decision: ScheduleDecision, sessionMs = 0): void {
    const t = this.training;
    const before = this.plan;
    const fresh = before.scheduleSteps === null && before.scheduleFrom === null && step === 0;
    const position = schedulePosition(this.with(before), step);
    if (position >= 2) {
      // At the floor already: a resume found it there (said once), or the run went faster than planned; it stays there.
      if (!this.decided) this.atFloor(step);
      this.decider = null;
      return;
    }
    this.plan = fresh ? { scheduleSteps: decision.steps, scheduleFrom: null } : { scheduleSteps: decision.steps, scheduleFrom: { step, position } };
    const floor = (t.lr * t.lrFinal).toExponential(1);
    const count = (n: number): string => n.toLocaleString('en-US');
    const told = this.announced;
    const rate = learningRateAt(this.with(this.plan), step);
    // Past the warm-up and within a hair of the floor: where the end lies changes nothing the user would notice.
    const nearFloor = position >= 1 && rate <= t.lr * t.lrFinal * NEAR_FLOOR;
    if (told !== null) {
      if (Math.abs(decision.steps - told) < Math.max(MIN_NOTABLE_STEPS, NOTABLE_CHANGE * (told - step))) return;
      if (t.maxTimeMs !== null && sessionMs - this.announcedMs < TELL_EVERY_SHARE * t.maxTimeMs) return;
      if (nearFloor) return;
    }
    this.announced = decision.steps;
    this.announcedMs = sessionMs;
    if (fresh) {
      this.announce(`learning rate: cosine from ${t.lr.toExponential(1)} to ${floor} over ${count(decision.steps)} steps (from ${decision.reason})`);
      return;
    }
    const shown = rate.toExponential(1);
    if (nearFloor) {
      // A resume that finds the rate all but at its floor ("from 1.0e-4 down to 1.0e-4" would say nothing).
      this.announce(`learning rate: stays at its floor ${floor} (${shown} at step ${count(step)}, where the run brought it; a resume never raises it)`);
      return;
    }
    const was = told !== null ? ` instead of ${count(told)}` : '';
    const from = position < 1 ? `warm-up from ${shown} at step ${count(step)} to ${t.lr.toExponential(1)}, then a cosine` : `from ${shown} at step ${count(step)}`;
    this.announce(`learning rate: ${from} down to ${floor} at step ${count(decision.steps)}${was} (from ${decision.reason})`);
  }
}
