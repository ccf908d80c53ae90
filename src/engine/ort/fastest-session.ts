/**
 * One graph on two sessions — onnxruntime's pool of every thread with
 * spinning idle threads, and a single thread — each call run on whichever
 * has lately been the faster on this machine. What a pool gives depends on
 * free cores, which change while a run goes on: on a quiet 2-core machine
 * two spinning threads halve a sampling step (each core keeps half of every
 * weight matrix in its own L2 cache), while on a busy one a pool waits for
 * threads the system has taken off their core (64 streams: 2.0–3.4 ms
 * against 0.95–1.1 ms on one thread, load 4–5). So the two are timed
 * against each other now and then on the calls being made, and the faster
 * one takes the calls in between.
 *
 * Both sessions give the same results bit for bit: onnxruntime's kernels
 * share work between threads by output rows and columns, never within a
 * sum (test/engine/fastest-session.test.ts), so the choice changes speed
 * only.
 */
import { OrtSession, type Feeds } from './runtime.js';
import type { Tensor as OrtTensor } from 'onnxruntime-node';

/** Calls per candidate in a trial of short calls (long ones: as many as fit in TRIAL_MS, at least 3). */
const TRIAL_CALLS = 8;
/** What a trial of long calls takes, about. */
const TRIAL_MS = 40;
/** Between trials, the winner runs for this many times the trial's duration, and at least MIN_EXPLOIT_MS. */
const EXPLOIT_FACTOR = 40;
const MIN_EXPLOIT_MS = 2000;

interface Choice {
  /** The candidate taking calls outside trials. */
  winner: number;
  /** Timings of the running trial per candidate (ms per call), or null outside a trial. */
  trial: number[][] | null;
  /** The clock's time (ms) at which the next trial starts. */
  nextTrial: number;
  /** Calls per candidate in this trial. */
  calls: number;
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[s.length >> 1]!;
}

/** What FastestSession chooses between (an OrtSession). */
export interface Runner {
  run(feeds: Feeds, outputs: Record<string, OrtTensor | null>): Record<string, OrtTensor>;
  dispose(): void;
}

export class FastestSession {
  private readonly choices = new Map<string, Choice>();

  /**
   * @param candidates interchangeable runners of one graph (results equal)
   * @param minExploitMs the least time between trials
   * @param clock what calls are timed by, ms (a test's clock that fake calls advance)
   */
  constructor(
    private readonly candidates: Runner[],
    private readonly minExploitMs = MIN_EXPLOIT_MS,
    private readonly clock: () => number = () => performance.now(),
  ) {}

  /**
   * A single thread and, with threads > 1, a pool of `threads` whose idle threads spin.
   * @param arena keep freed intermediate buffers (small fixed-shape graphs)
   */
  static create(model: Uint8Array, threads: number, arena = false): FastestSession {
    const single = new OrtSession(model, 1, { arena, spin: false });
    return new FastestSession(threads > 1 ? [single, new OrtSession(model, threads, { arena, spin: true })] : [single]);
  }

  /**
   * Runs the graph on the session chosen for calls of this `shape` (a key
   * for calls of the same size: timings of other sizes do not compare).
   */
  run(shape: string, feeds: Feeds, outputs: Record<string, OrtTensor | null>): Record<string, OrtTensor> {
    if (this.candidates.length === 1) return this.candidates[0]!.run(feeds, outputs);
    const choice = this.choice(shape);
    const now = this.clock();
    if (!choice.trial && now >= choice.nextTrial) choice.trial = this.candidates.map(() => []);
    if (!choice.trial) return this.candidates[choice.winner]!.run(feeds, outputs);
    // In a trial the candidates take turns, so a change of load strikes both alike.
    const turn = choice.trial.reduce((best, times, i) => (times.length < choice.trial![best]!.length ? i : best), 0);
    const result = this.candidates[turn]!.run(feeds, outputs);
    const end = this.clock();
    choice.trial[turn]!.push(end - now);
    // Once each has run once: as many calls as fit in TRIAL_MS (at least 3), so trials of long calls stay short.
    if (choice.trial.every((times) => times.length === 1)) {
      const round = choice.trial.reduce((sum, times) => sum + times[0]!, 0);
      choice.calls = Math.max(3, Math.min(TRIAL_CALLS, Math.round(TRIAL_MS / round)));
    }
    if (choice.trial.every((times) => times.length >= choice.calls)) this.decide(choice, end);
    return result;
  }

  /** The candidate that would take a call of this shape outside a trial (for the bench). */
  chosen(shape: string): number {
    return this.choices.get(shape)?.winner ?? 0;
  }

  private choice(shape: string): Choice {
    let choice = this.choices.get(shape);
    if (!choice) {
      choice = { winner: 0, trial: null, nextTrial: 0, calls: TRIAL_CALLS };
      this.choices.set(shape, choice);
    }
    return choice;
  }

  private decide(choice: Choice, now: number): void {
    const times = choice.trial!;
    const medians = times.map(median);
    choice.winner = medians.indexOf(Math.min(...medians));
    const spent = times.flat().reduce((a, b) => a + b, 0);
    choice.nextTrial = now + Math.max(this.minExploitMs, EXPLOIT_FACTOR * spent);
    choice.trial = null;
  }

  dispose(): void {
    for (const s of this.candidates) s.dispose();
  }
}
