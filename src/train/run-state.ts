/**
 * What a run has learnt and where it is: the weights, the optimizer, the
 * random generator, the state carried between windows, the progress (step,
 * data cursor, best validation) and the loss history — what a checkpoint
 * saves and a recovery restores — with the bookkeeping of steps and
 * evaluations.
 */
import type { ModelConfig } from '../model/config.js';
import type { ParamArrays } from '../model/params.js';
import { resetStreams, zeroState, type StateArrays } from '../model/state.js';
import { isRecordableLoss, type History, type Progress } from '../checkpoint/meta.js';
import type { OptimizerState } from '../checkpoint/optimizer-state.js';
import { Rng } from '../util/rng.js';
import type { TrainingSnapshot } from './callback.js';
import { fractionalEpoch } from './limits.js';
import { Adam, type AdamConfig } from './optimizer.js';
import { pickResets } from './state-resets.js';

/** A resumed run's saved state (a new run starts from step 0, zero moments and zero state). */
export interface ResumedState {
  progress: Progress;
  history: History;
  /** Null when the checkpoint holds none (the moments start from zero). */
  optimizer: OptimizerState | null;
  carried: StateArrays | null;
}

export class RunState {
  weights: ParamArrays;
  adam: Adam;
  rng: Rng;
  progress: Progress;
  history: History;
  /** Each stream's state entering the next window ([streams, hidden] per layer and part). */
  carried: StateArrays;

  /**
   * @param streams the batch size (training streams)
   * @param batchesPerEpoch windows in one pass over the training split
   * @param seed the run's seed (a new run's generator)
   * @param adamConfig what the run's Adam sets differently from the usual (its β2)
   */
  constructor(
    private readonly model: ModelConfig,
    private readonly streams: number,
    private readonly batchesPerEpoch: number,
    params: ParamArrays,
    seed: number,
    resumed: ResumedState | null,
    adamConfig: Partial<AdamConfig> = {},
  ) {
    this.weights = params;
    this.adam = resumed?.optimizer ? Adam.fromState(resumed.optimizer, adamConfig) : new Adam(adamConfig);
    this.progress = resumed?.progress ?? {
      step: 0, epoch: 0, batch: 0, rngState: new Rng(seed).state, bestValLoss: null, bestStep: null, elapsedMs: 0, recoveries: 0,
    };
    this.history = resumed?.history ?? { train: [], val: [], time: [] };
    this.rng = new Rng(this.progress.rngState);
    this.carried = resumed?.carried ?? zeroState(model, streams);
  }

  /** Completed epochs plus the share of the current one. */
  get epoch(): number {
    return fractionalEpoch(this.progress, this.batchesPerEpoch);
  }

  /** The state as plain data (the run's own arrays, the generator's current state): what a checkpoint saves. */
  snapshot(): TrainingSnapshot {
    return { params: this.weights, optimizer: this.adam.toState(), carried: this.carried, progress: { ...this.progress, rngState: this.rng.state }, history: this.history };
  }

  /**
   * Back to a saved moment in every respect — losses recorded after it and
   * random draws made since belong to the abandoned trajectory — counting
   * one more recovery.
   */
  restore(saved: TrainingSnapshot): void {
    this.weights = saved.params;
    this.adam = Adam.fromState(saved.optimizer);
    this.carried = saved.carried ?? zeroState(this.model, this.streams);
    this.progress = { ...saved.progress, recoveries: this.progress.recoveries + 1 };
    this.history = saved.history;
    this.rng = new Rng(saved.progress.rngState);
  }

  /**
   * The state entering the next window: zero at an epoch's start, else a
   * `share` of the streams restart from zero (drawn from the run's
   * generator), so the zero state unprimed samples start from is familiar.
   */
  prepareCarried(share: number): StateArrays {
    if (this.progress.batch === 0) this.carried = zeroState(this.model, this.streams);
    else resetStreams(this.carried, pickResets(this.rng, this.streams, share));
    return this.carried;
  }

  /** A step was applied: `finals` is carried into the next window, and the cursor moves on. */
  stepped(finals: StateArrays): void {
    this.carried = finals;
    this.progress.step++;
    this.advanceCursor();
  }

  /** Moves the data cursor past the current window (a skipped step's too). */
  advanceCursor(): void {
    this.progress.batch++;
    if (this.progress.batch >= this.batchesPerEpoch) {
      this.progress.batch = 0;
      this.progress.epoch++;
    }
  }

  /**
   * Records an evaluation at the current step; true when it is the best so
   * far. A quick look at part of the split never replaces an evaluation of
   * all of it (it may give a new run its first best). A last look at the
   * first look's batches, taken at a stop, is comparable with it: the
   * trainer passes it as not quick.
   * A loss charnn.json cannot hold (not finite, or above its bound: a model
   * whose outputs overflowed) is neither recorded nor made the best, so the
   * next checkpoint stays readable.
   * @param trainLoss mean training loss since the previous evaluation (not recorded when not finite)
   * @param comparedLoss what is compared with the best so far, when not
   *   valLoss: a full evaluation's loss on the looks' batches while best/
   *   holds what a look measured (valLoss then becomes the best)
   */
  recordEvaluation(valLoss: number, trainLoss: number, quick: boolean, comparedLoss = valLoss): boolean {
    const p = this.progress;
    const recordable = isRecordableLoss(valLoss);
    const improved = recordable && (p.bestValLoss === null || (!quick && comparedLoss < p.bestValLoss));
    if (improved) {
      p.bestValLoss = valLoss;
      p.bestStep = p.step;
    }
    if (recordable) this.history.val.push([p.step, valLoss]);
    if (isRecordableLoss(trainLoss)) this.history.train.push([p.step, trainLoss]);
    // A run resumed from a checkpoint older than this record starts it here.
    (this.history.time ??= []).push([p.step, Math.round(p.elapsedMs)]);
    return improved;
  }
}
