/**
 * The TF.js engine: CharRnn's hand-written BPTT on a TF.js backend (wasm,
 * cpu, or tfjs-node's tensorflow), optionally data-parallel over worker
 * threads. It is the reference the other engine is tested against.
 */
import * as tf from '../../tf.js';
import { CharRnn, disposeState, stateFromTensors, stateToTensors, type TokenBatch } from './char-rnn.js';
import { maskRngs } from '../../model/dropout.js';
import type { ModelConfig } from '../../model/config.js';
import { type ParamArrays } from '../../model/params.js';
import { arraysToParams, disposeParams, paramsToArrays } from './param-tensors.js';
import type { StateArrays } from '../../model/state.js';
import type { Rng } from '../../util/rng.js';
import { ParallelGradients } from './parallel/parallel-gradients.js';
import type { Engine, GradientResult, LossSumResult, StepModel, WindowLoss } from '../engine.js';
import { crossEntropySum } from '../../model/log-softmax.js';
import { windowGradients, windowLossSum } from './window.js';

export class TfjsEngine implements Engine {
  readonly name = 'tfjs' as const;
  readonly label: string;
  private readonly parallel: ParallelGradients | null;

  /**
   * @param backend the TF.js backend in use (already initialised)
   * @param workers threads sharing each batch's streams (1 = this thread only)
   */
  constructor(
    private readonly config: ModelConfig,
    backend: string,
    workers: number,
  ) {
    this.parallel = workers > 1 ? new ParallelGradients(config, workers, backend) : null;
    this.label = `tfjs ${backend}${workers > 1 ? `, ${workers} workers` : ''}`;
  }

  async gradients(weights: ParamArrays, batch: TokenBatch, state: StateArrays, rng: Rng): Promise<GradientResult> {
    if (this.parallel && batch.batchSize > 1) return this.parallel.compute(weights, batch, state, rng);
    return windowGradients(this.config, weights, batch, state, maskRngs(rng, this.config, batch.batchSize));
  }

  async lossSum(weights: ParamArrays, batch: TokenBatch, state: StateArrays): Promise<LossSumResult> {
    return windowLossSum(this.config, weights, batch, state);
  }

  stepModel(weights: ParamArrays): StepModel {
    return new TfjsStepModel(this.config, weights);
  }

  async dispose(): Promise<void> {
    await this.parallel?.dispose();
  }
}

/** Sampling steps on TF.js; the layer-0 projection table is computed once. */
export class TfjsStepModel implements StepModel {
  private readonly model: CharRnn;
  private readonly table: tf.Tensor2D;

  constructor(
    readonly config: ModelConfig,
    weights: ParamArrays,
  ) {
    this.model = new CharRnn(config, arraysToParams(config, weights));
    this.table = this.model.firstProjectionTable();
  }

  /** A step model with a copy of a CharRnn's current weights. */
  static of(model: CharRnn): TfjsStepModel {
    return new TfjsStepModel(model.config, paramsToArrays(model.params));
  }

  run(state: StateArrays, ids: Int32Array, steps: number, allSteps = false): { state: StateArrays; logits: Float32Array } {
    const streams = ids.length / steps;
    const initial = stateToTensors(state);
    const { logits, finals } = this.model.sequenceLogits({ inputs: ids, batchSize: streams, seqLen: steps }, initial, { table: this.table });
    disposeState(initial);
    const all = logits.dataSync() as Float32Array;
    const width = streams * this.config.vocabSize;
    const values = allSteps ? Float32Array.from(all) : all.slice((steps - 1) * width, steps * width);
    logits.dispose();
    const next = stateFromTensors(finals);
    disposeState(finals);
    return { state: next, logits: values };
  }

  windowLoss(state: StateArrays, ids: Int32Array, targets: Int32Array, steps: number): WindowLoss {
    const out = this.run(state, ids, steps, true);
    return { lossSum: crossEntropySum(out.logits, targets, this.config.vocabSize), state: out.state };
  }

  dispose(): void {
    this.table.dispose();
    disposeParams(this.model.params);
  }
}
