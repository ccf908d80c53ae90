/**
 * The learning-rate schedule, in one place: the rate at a step (each
 * --schedule kind in SCHEDULE_KINDS), and, for a kind that runs down to a
 * floor at the run's end, the length of that run-down — decided at once when
 * the step or epoch limit tells, else from the speed measured on the way and
 * re-estimated as it changes (ScheduleLength). The length is returned to the
 * trainer, which hands it to the checkpoints with every save (RunMoment
 * .training), so a resume continues the plan.
 *
 * Adding a kind: its name in settings/train-settings.ts (`schedule`), its
 * rate (and whether it has a length) in SCHEDULE_KINDS here.
 */
import { MAX_STEPS, type TrainConfig } from '../settings/train-settings.js';
import type { EvalClock } from './eval-clock.js';
import type { RunSpeed } from './run-speed.js';

type ScheduleConfig = Pick<TrainConfig, 'lr' | 'schedule' | 'warmupSteps' | 'lrFinal' | 'scheduleSteps' | 'scheduleFrom' | 'lrDecay' | 'lrDecayEvery'>;

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

/** What the rate of one --schedule kind is made of. */
interface ScheduleKind {
  /** The share of --lr for the update at `step` (0-based). */
  level(c: ScheduleConfig, step: number): number;
  /** Whether the kind runs down to a floor at scheduleSteps (a length the run decides: ScheduleLength). */
  hasLength: boolean;
}

/** Every kind --schedule names (a missing one is a type error). */
const SCHEDULE_KINDS: Record<TrainConfig['schedule'], ScheduleKind> = {
  cosine: { level: (c, step) => levelAt(schedulePosition(c, step), c.lrFinal), hasLength: true },
  // char-rnn's: lr·lrDecay every lrDecayEvery steps.
  step: { level: (c, step) => c.lrDecay ** (c.lrDecay === 1 ? 0 : Math.floor(step / c.lrDecayEvery)), hasLength: false },
};

/** Learning rate for the update at `step` (0-based), times `recoveryFactor` (halved at each recovery from divergence). */
export function learningRateAt(c: ScheduleConfig, step: number, recoveryFactor = 1): number {
  return c.lr * SCHEDULE_KINDS[c.schedule].level(c, step) * recoveryFactor;
}

// ---- The length: where the run-down ends (TrainConfig.scheduleSteps). ----

interface ScheduleDecision {
  steps: number;
  /** How the length was decided, for the user. */
  reason: string;
}

interface RunShape {
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

/**
 * Where the run-down ends. A run limited by steps or epochs knows at once.
 * A run limited by time converts the training time it has left into steps
 * at the speed measured (run-speed.ts: recent steps; evaluations by steps
 * and by the clock included), first after a short calibration and then
 * again as it goes, so the rate reaches its floor in the last minutes a user
 * gave even when the machine's load changes: it neither stays high nor
 * bottoms out early.
 */
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

/**
 * A run's plan of the learning rate (the run-down's end, and where the plan
 * starts: schedulePosition), returned to the trainer at the start and after
 * every step. It is decided at once when the step or epoch limit tells, else
 * from the speed measured on the way (ScheduleDecider), and re-decided as
 * the speed changes — every REPLAN_MS and after every evaluation — from
 * where the rate is, so the rate never jumps. A resume with new limits
 * continues from the rate the run had reached down to the floor at the new
 * limit: the rate never goes back up (a run at its floor stays there). Each
 * change is not told: only a notable one, at most once per tenth of a time
 * limit, and none once the rate is at its floor (a busy machine's speed
 * swings every few seconds).
 */
export class ScheduleLength {
  /** The plan as last returned (a new object whenever it changes). */
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
   * @param training the run's config, with the plan it was saved with (a resume) or none
   * @param startStep the step the session starts at
   * @param announce tells the user a decision (a note event)
   */
  constructor(
    private readonly training: TrainConfig,
    private readonly shape: RunShape,
    private readonly speed: RunSpeed,
    private readonly startStep: number,
    private readonly announce: (message: string) => void,
  ) {
    this.plan = { scheduleSteps: training.scheduleSteps, scheduleFrom: training.scheduleFrom };
  }

  /**
   * The plan the session starts with: the stored one, or the one decided now
   * when the limits tell (call it once the run has started: it may `announce`).
   */
  start(): SchedulePlan {
    const { training, startStep } = this;
    if (!SCHEDULE_KINDS[training.schedule].hasLength) return this.plan;
    const decider = new ScheduleDecider(training, this.shape, this.speed);
    if (training.maxTimeMs !== null) {
      this.decider = decider;
      // A resume holds the rate it finds until it has measured its speed: the stored plan may end long before the new limit.
      if (startStep > 0 && (this.plan.scheduleSteps !== null || this.plan.scheduleFrom !== null)) {
        const position = schedulePosition(this.with(this.plan), startStep);
        this.plan = { scheduleSteps: null, scheduleFrom: { step: startStep, position } };
        if (position >= 2) this.atFloor(startStep);
      }
      return this.plan;
    }
    const now = decider.initial();
    // No limit, or the stored plan already ends there (a plain resume): nothing changes.
    if (now && now.steps !== this.plan.scheduleSteps) this.adopt(startStep, now);
    return this.plan;
  }

  /**
   * A step was taken, reaching `step` after `sessionMs`, with `msLeft` of
   * training time left (time-limited runs); returns the plan from here on
   * (the same object when it did not change, a new one when it did).
   */
  stepped(step: number, sessionMs: number, msLeft: number): SchedulePlan {
    const decider = this.decider;
    if (!decider || !decider.ready(this.evaluatedSince || this.decided)) return this.plan;
    if (this.decided && !this.evaluatedSince && sessionMs - this.lastPlanMs < REPLAN_MS) return this.plan;
    this.lastPlanMs = sessionMs;
    this.evaluatedSince = false;
    const decision = decider.decide(step, msLeft);
    if (decision && decision.steps !== this.plan.scheduleSteps) this.adopt(step, decision, sessionMs);
    this.decided = true;
    return this.plan;
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
