/**
 * The time a time-limited run keeps for its end. --max-time is the whole
 * session — the final evaluation (with its saves and samples) included — so
 * training stops early enough for them: at the limit minus what they took
 * the last time (or are estimated to take, run-speed.ts), with a margin and
 * the length of one step. The evaluation's pass takes at most MAX_SHARE of
 * the limit (the saves cannot be shortened): where a whole one would not
 * fit, the final one looks again at the first look's batches when best/
 * came from one, else it is cut short at the limit (trainer.ts) — either
 * beats overrunning it.
 */
import type { RunSpeed } from './run-speed.js';

/** The reserve is the estimate times this (the load of a busy machine changes). */
const MARGIN = 1.25;
/** At most this share of the limit is kept for the final evaluation's pass. */
const MAX_SHARE = 0.25;

/** How a time-limited run will end: the time it keeps, and what its final evaluation reads. */
export interface FinalPlan {
  ms: number;
  /** 'full': the whole evaluation (cut short at the limit if it must be); 'last': the first look's batches again. */
  look: 'full' | 'last';
}

export class FinalReserve {
  /**
   * @param limitMs the session's time limit
   * @param evalBatches validation batches of a full evaluation
   */
  constructor(
    private readonly speed: RunSpeed,
    private readonly limitMs: number,
    private readonly evalBatches: number,
  ) {}

  /** What a final evaluation of `batches` and its saves and samples will take (unbounded). */
  finalMs(batches = this.evalBatches): number {
    return this.speed.evalPassMs(batches) + this.speed.afterEvalMsEstimate();
  }

  /** The part no evaluation can shorten: the saves and samples after it, and the step under way. */
  private fixedMs(): number {
    return MARGIN * this.speed.afterEvalMsEstimate() + (this.speed.stepMs() ?? 0);
  }

  /**
   * What to keep for the end: the whole evaluation when it fits in the
   * share of the limit it may take; else, when best/ holds what a look
   * measured (`firstLook`: its batches), a last look at the same batches —
   * comparable with it, so the better model still becomes best/ — and
   * otherwise as much as it may take, the evaluation to be cut short.
   */
  plan(firstLook: number | null): FinalPlan {
    const cap = MAX_SHARE * this.limitMs;
    const full = MARGIN * this.speed.evalPassMs(this.evalBatches);
    if (full <= cap || firstLook === null) return { ms: this.fixedMs() + Math.min(cap, full), look: 'full' };
    return { ms: this.fixedMs() + Math.min(cap, MARGIN * this.speed.evalPassMs(firstLook)), look: 'last' };
  }

  /** An evaluation stops reading batches once the session reaches this: the batch it would start, and the saves after it, must fit too. */
  evalDeadlineMs(): number {
    return this.limitMs - MARGIN * this.speed.afterEvalMsEstimate() - this.speed.evalPassMs(1);
  }
}
