/**
 * How fast this session goes, measured as it goes: the recent step time
 * (the last seconds, so a machine whose load changes is seen changing), what
 * a validation batch costs, and what the work after an evaluation (saving
 * latest/ and best/, drawing samples) and a save take. The learning-rate
 * schedule (lr-schedule.ts) turns it into steps left; the reserve for the end
 * of a time-limited run (final-reserve.ts) into the time the final
 * evaluation and save will take. Before anything is measured, the costs are
 * estimated from the step time.
 */

/** Steps not timed at the start of a session (graph building, first allocations). */
const SKIPPED_STEPS = 3;
/** The recent speed is the mean over the last steps covering this long, and at least MIN_RECENT_STEPS of them. */
const RECENT_MS = 20_000;
const MIN_RECENT_STEPS = 10;
/** Forward-only evaluation costs about this share of a training step per character. */
const EVAL_COST_PER_CHAR = 0.4;
/**
 * Before a save was timed: a fixed cost plus the bytes of the weights and
 * Adam's two moments at this speed. TF.js, which a save goes through, is
 * loaded before the session's clock starts (TrainerCallback.prepare).
 * Measured on a 2-core machine at load 8: 10–40 ms a save of a 41k-parameter
 * model (0.5 MB), 100–215 ms of the default 3.3M (40 MB); this estimates
 * 55 and 450 ms.
 */
const SAVE_FIXED_MS = 50;
const SAVE_BYTES_PER_MS = 100_000;
/** Before samples were timed: this long per sampled character. */
const SAMPLE_MS_PER_CHAR = 0.5;

/** The sizes the estimates are made from. */
interface RunSize {
  /** Training characters per step. */
  charsPerStep: number;
  /** Validation characters per batch. */
  charsPerValBatch: number;
  params: number;
  /** Characters sampled after each evaluation (length × temperatures). */
  sampleChars: number;
}

export class RunSpeed {
  private seen = 0;
  private readonly recent: number[] = [];
  private recentSum = 0;
  /** Steps timed, and their time, over the session. */
  timedSteps = 0;
  timedMs = 0;
  private batchMs: number | null = null;
  private afterEvalMs: number | null = null;
  private saveMs: number | null = null;

  constructor(private readonly size: RunSize) {}

  /** A training step took `ms`. */
  recordStep(ms: number): void {
    if (++this.seen <= SKIPPED_STEPS) return;
    this.timedSteps++;
    this.timedMs += ms;
    this.recent.push(ms);
    this.recentSum += ms;
    while (this.recent.length > MIN_RECENT_STEPS && this.recentSum - this.recent[0]! >= RECENT_MS) this.recentSum -= this.recent.shift()!;
  }

  /** An evaluation pass read `batches` validation batches in `passMs`; what followed it (saves, samples) took `afterMs`. */
  recordEval(batches: number, passMs: number, afterMs: number): void {
    if (batches > 0) this.batchMs = passMs / batches;
    this.afterEvalMs = afterMs;
  }

  /** Saving latest/ took `ms`. */
  recordSave(ms: number): void {
    this.saveMs = ms;
  }

  /** The mean time of the recent steps; null before any was timed. */
  stepMs(): number | null {
    return this.recent.length > 0 ? this.recentSum / this.recent.length : null;
  }

  /** What an evaluation of `batches` validation batches will take: as the last one went, else estimated from the step time (0 when nothing is known). */
  evalPassMs(batches: number): number {
    if (this.batchMs !== null) return this.batchMs * batches;
    const step = this.stepMs() ?? 0;
    return step * EVAL_COST_PER_CHAR * ((batches * this.size.charsPerValBatch) / this.size.charsPerStep);
  }

  /** What follows an evaluation (saving latest/ and best/, samples): as the last time, else estimated. */
  afterEvalMsEstimate(): number {
    const write = SAVE_FIXED_MS + (this.size.params * 4 * 3) / SAVE_BYTES_PER_MS;
    return this.afterEvalMs ?? this.saveMs ?? 2 * write + this.size.sampleChars * SAMPLE_MS_PER_CHAR;
  }
}
