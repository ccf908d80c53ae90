/**
 * Callbacks: what acts at the training loop's moments without being the
 * loop (minGPT's trainer/callback split). The Trainer decides when — after
 * an evaluation, on a `save` or `sample` command, when the run ends, when
 * training diverged — and a callback decides what: write checkpoints
 * (callbacks/checkpoints.ts), show samples (callbacks/samples.ts). They are
 * awaited in the order they were added, so training waits for a save.
 */
import type { ParamArrays } from '../model/params.js';
import type { StateArrays } from '../model/state.js';
import type { History, Progress } from '../checkpoint/meta.js';
import type { OptimizerState } from '../checkpoint/optimizer-state.js';
import type { TrainConfig } from './config.js';
import type { EvalEvent, TrainerEvent } from './events.js';

/** What a checkpoint saves of a run and a recovery brings back. */
export interface TrainingSnapshot {
  /** The weights (internal layout). */
  params: ParamArrays;
  optimizer: OptimizerState;
  /** Each stream's state carried into the next window ([batch, hidden] per layer and part); null when none was saved. */
  carried: StateArrays | null;
  /** Step, data cursor, RNG state (current), best validation loss, training time, recoveries. */
  progress: Progress;
  history: History;
}

/**
 * The run at one of the loop's moments, as a callback sees it. The arrays
 * are the loop's own, not copies: valid until the callback's promise settles.
 */
export interface RunMoment {
  readonly state: TrainingSnapshot;
  /** The training config (with the cosine's length once the run has decided it). */
  readonly training: TrainConfig;
  /** Adds an event to the run's stream: a checkpoint written, samples, a warning. */
  emit(event: TrainerEvent): void;
  /** Whether the user asked to stop (also while the request is still queued behind a pass). */
  stopPending(): boolean;
}

/** A saved state to go back to after divergence, and where it was read from (for the user). */
export interface Restored {
  from: string;
  state: TrainingSnapshot;
}

/** Every hook is optional; a rejected promise or a throw ends the run with that error. */
export interface TrainerCallback {
  /**
   * Once, before the session's clock starts: load what the callback will
   * need (saving loads TF.js), so a time limit is spent training, not loading.
   */
  prepare?(): Promise<void>;
  /** After an evaluation's event (`evaluation.improved`: the best validation so far). */
  evaluated?(moment: RunMoment, evaluation: EvalEvent): Promise<void>;
  /**
   * The run must be saved now: the `save` command, and every end of a run
   * that the end's own evaluation did not save (a stop, a cut-short
   * evaluation, a limit reached right after one).
   */
  save?(moment: RunMoment): Promise<void>;
  /** The `sample` command (`temperatures` undefined: the run's own). */
  sample?(moment: RunMoment, temperatures: number[] | undefined): Promise<void>;
  /** Training diverged repeatedly: the last saved state, or null when there is none. */
  restore?(): Restored | null;
}
