/**
 * Evaluations by the clock. Every --eval-every steps suits a machine that
 * takes them in a minute or two; a busy one may take half an hour, and a
 * user watching it sees nothing learnt. So a session also looks (the first
 * FIRST_EVAL_BATCHES validation batches, samples, latest/) by training time:
 *
 * - its first look (--first-eval) once that much training passed AND the
 *   model has learnt something — a look at step 1 shows ln(vocabulary), pure
 *   noise — but at the latest FIRST_LOOK_LATEST_MS in;
 * - then whenever --eval-every-time of training passed since the last
 *   evaluation, stretched so that a look with its samples and saves takes
 *   at most EVAL_SHARE of the time (on a slow machine they are slow too).
 *
 * An evaluation every --eval-every steps (trainer.ts) restarts the clock,
 * and a look due when such an evaluation is only SOON_SHARE of the interval
 * away is left to it: it would show the same model a few steps earlier on a
 * quarter of the batches, and cost a look's time for nothing.
 *
 * --eval-every-time's default, 1m: a look of the default model (8 batches
 * of 32 × 100, 3 samples of 200 characters, latest/ and best/ of 3.3 M
 * parameters) took 6.7 s on a busy 2-core machine at 2–3 s a step, the
 * session's first save loading TF.js included; nine times that is about a
 * minute, so a minute is the shortest interval that keeps a tenth on such
 * a machine, and a quiet one (about 2 s a look) spends less. Slower
 * machines stretch it (intervalMs).
 */
import type { TrainConfig } from './config.js';
import type { RunSpeed } from './run-speed.js';

/** Looks by the clock (with their samples and saves) take at most this share of the session. */
const EVAL_SHARE = 0.1;
/** A look is skipped when an evaluation by steps comes within this share of the interval. */
const SOON_SHARE = 0.2;
/**
 * The model has learnt something once the mean training loss of its last
 * LOSS_WINDOW steps is this share of ln(vocabulary) (a uniform guess), or
 * it took FIRST_LOOK_STEPS steps. Measured with the defaults on Tiny
 * Shakespeare (2 × 512 LSTM, lr 2e-3, warm-up, a busy 2-core machine at
 * 2–3 s a step): 4.17 = ln 65 at step 1, 3.71 at 10, 3.52 (0.84) over steps
 * 11–15, then a plateau at 3.33–3.36 (0.80, the characters' frequencies)
 * from step 20. 0.85 is crossed at about step 15, safely above the plateau
 * (a lower share might only be crossed much later); 30 steps bound it for
 * a text whose frequencies alone are worth less (many characters, evenly
 * used). A fine-tune starts below it and looks after LOSS_WINDOW steps, a
 * resumed run past FIRST_LOOK_STEPS at once.
 */
const LEARNT_SHARE = 0.85;
const LOSS_WINDOW = 5;
export const FIRST_LOOK_STEPS = 30;
/** The first look comes at the latest this long in (or at --first-eval when that is later): a run shows something within a minute. */
export const FIRST_LOOK_LATEST_MS = 60_000;

/** Why an evaluation by the clock is due: the session's first look, or a look of the cadence. */
type ClockLook = 'first' | 'timed';

export class EvalClock {
  private readonly losses: number[] = [];
  private readonly learntLoss: number;
  /** Session time at the end of the last evaluation (its saves included); 0 before any. */
  private lastEvalEndMs = 0;
  private evaluatedOnce = false;

  /**
   * @param t the run's --first-eval and --eval-every-time
   * @param speed the session's measured speed (what a look costs)
   * @param lookBatches validation batches a look reads
   * @param vocabSize characters of the vocabulary (the loss of a uniform guess is its log)
   */
  constructor(
    private readonly t: Pick<TrainConfig, 'firstEvalMs' | 'evalEveryMs'>,
    private readonly speed: RunSpeed,
    private readonly lookBatches: number,
    vocabSize: number,
  ) {
    this.learntLoss = LEARNT_SHARE * Math.log(Math.max(2, vocabSize));
  }

  /** A training step of loss `loss` was applied. */
  stepped(loss: number): void {
    this.losses.push(loss);
    if (this.losses.length > LOSS_WINDOW) this.losses.shift();
  }

  /** What a look with its samples and saves takes (as measured, else estimated). */
  lookMs(): number {
    return this.speed.evalPassMs(this.lookBatches) + this.speed.afterEvalMsEstimate();
  }

  /**
   * Training time between looks by the clock: --eval-every-time, or longer
   * when a look costs more than EVAL_SHARE of that (once an evaluation of
   * this session measured it: the first one comes as asked, to show the
   * run at all); null when off.
   */
  intervalMs(): number | null {
    if (this.t.evalEveryMs <= 0) return null;
    if (!this.evaluatedOnce) return this.t.evalEveryMs;
    return Math.max(this.t.evalEveryMs, (this.lookMs() * (1 - EVAL_SHARE)) / EVAL_SHARE);
  }

  /** Whether the recent training loss shows the model has learnt something, or it took enough steps. */
  learnt(step: number): boolean {
    if (step >= FIRST_LOOK_STEPS) return true;
    if (this.losses.length < LOSS_WINDOW) return false;
    return this.losses.reduce((a, b) => a + b, 0) / this.losses.length <= this.learntLoss;
  }

  /**
   * The look due after a step that ended `sessionMs` into the session at
   * run step `step`, or null.
   * @param nextFullMs training time until the next evaluation by steps (its steps × the step time)
   */
  due(sessionMs: number, step: number, nextFullMs = Infinity): ClockLook | null {
    const kind: ClockLook = this.evaluatedOnce ? 'timed' : 'first';
    const first = this.t.firstEvalMs;
    if (!this.evaluatedOnce && first > 0 && sessionMs >= first && (this.learnt(step) || sessionMs >= Math.max(first, FIRST_LOOK_LATEST_MS))) return kind;
    const interval = this.intervalMs();
    if (interval === null || sessionMs - this.lastEvalEndMs < interval) return null;
    return kind === 'timed' && nextFullMs < SOON_SHARE * interval ? null : kind;
  }

  /** An evaluation (by steps or by the clock) ended `sessionMs` into the session. */
  evaluated(sessionMs: number): void {
    this.evaluatedOnce = true;
    this.lastEvalEndMs = sessionMs;
  }

  /**
   * Evaluations per training step at `stepMs` a step, by the clock, for
   * planning the schedule: one per interval (an evaluation by steps in
   * between restarts it, so this is an upper bound).
   */
  looksPerStep(stepMs: number): number {
    const interval = this.intervalMs();
    return interval === null ? 0 : stepMs / (interval + this.lookMs());
  }
}
