/**
 * The character-level language model on TF.js: embedding → L recurrent
 * layers → dense softmax, with a hand-written backward pass. The layers and
 * cells are the shared ones (src/model/layer-stack.ts, src/model/cells/),
 * run here with TF.js kernels (./tensor-ops.ts); what is TF.js's own is the
 * token lookup into the layer-0 table, the loss and the tensors' lifetimes.
 *
 * Token sequences are time-major Int32Arrays of length T·N (element t·N + n
 * is stream n at step t).
 */
import * as tf from '../../tf.js';
import { gatherRows, scatterAddRows, sumRows, transpose2d } from './backend/fast-ops.js';
import type { Cell, CellState } from '../../model/cells/cell.js';
import type { ModelConfig } from '../../model/config.js';
import { windowMaskValues, type MaskRngs } from '../../model/dropout.js';
import { backwardLayers, firstProjectionTable, forwardLayers, tableGradients, type LayerCache, type LayerMasks, type LayerWeights } from '../../model/layer-stack.js';
import { cellFor, type SignalName } from '../../model/cells/descriptors.js';
import { layerParam } from '../../model/params.js';
import type { Params } from './param-tensors.js';
import { flattenLayers, makeLayer, mapLayer, unflattenLayers, type StateArrays } from '../../model/state.js';
import { tensorOps } from './tensor-ops.js';

/** Per-layer recurrent state of N streams, as tensors (the parts of model/state.ts). */
export type ModelState = CellState<tf.Tensor2D>[];

export interface TokenBatch {
  /** T·N time-major input ids. */
  inputs: Int32Array;
  /** T·N time-major target ids (the next character). */
  targets: Int32Array;
  batchSize: number;
  seqLen: number;
}

interface ForwardOptions {
  /**
   * Draw the training masks from these generators (src/model/dropout.ts):
   * stream n's dropout rows come from its own generator and the shared
   * masks from one state, so a batch split into shards gets the same masks
   * as the whole batch. No masks when absent.
   */
  maskRngs?: MaskRngs;
  /** A precomputed firstProjectionTable() (sampling reuses it every step). */
  table?: tf.Tensor2D;
}

interface LossOptions extends ForwardOptions {
  /**
   * A weight per position (T·N, time-major): the loss becomes
   * Σ wᵢ·CEᵢ / Σ wᵢ instead of the mean. Experiments that care about a few
   * positions only (the recall task) weight those.
   */
  positionWeights?: Float32Array;
}

interface ForwardResult {
  /** Top layer output, stacked [T·N, H], after dropout. */
  top: tf.Tensor2D;
  finals: ModelState;
  caches: LayerCache<tf.Tensor2D>[];
  /** The embedding-dropout mask [V, E] the table was built with, or null. */
  embeddingMask: tf.Tensor2D | null;
}

interface LossAndGradients {
  /** Mean cross-entropy in nats per character. */
  loss: tf.Scalar;
  grads: Params;
  finals: ModelState;
}

export class CharRnn {
  readonly cell: Cell;

  constructor(
    readonly config: ModelConfig,
    public params: Params,
  ) {
    this.cell = cellFor(config.cell);
  }

  zeroState(batch: number): ModelState {
    return Array.from({ length: this.config.layers }, () => makeLayer(this.config.cell, () => tf.zeros([batch, this.config.hidden]) as tf.Tensor2D));
  }

  private p(name: string): tf.Tensor2D {
    return this.params.get(name) as tf.Tensor2D;
  }

  /** W₁ = E·K₀ + b₀: [V, G·H], the layer-0 input projection of every token. */
  firstProjectionTable(): tf.Tensor2D {
    return tf.tidy(() => firstProjectionTable(tensorOps, this.p('embedding'), this.p(layerParam(0, 'kernel')), this.p(layerParam(0, 'bias'))));
  }

  /** Layer l's weights (layer 0's kernel and bias live in the table). */
  private layerWeights(): LayerWeights<tf.Tensor2D>[] {
    return Array.from({ length: this.config.layers }, (_, l) => ({
      kernel: l === 0 ? null : this.p(layerParam(l, 'kernel')),
      bias: l === 0 ? null : this.p(layerParam(l, 'bias')),
      recurrent: this.p(layerParam(l, 'recurrent')),
    }));
  }

  /**
   * Runs every layer over the batch. With keepCache, `caches` holds what the
   * cells' backward passes need (the caller's tidy owns all of it).
   */
  forwardLayers(batch: Pick<TokenBatch, 'inputs' | 'batchSize' | 'seqLen'>, state: ModelState, keepCache: boolean, options: ForwardOptions): ForwardResult {
    const { batchSize: n, seqLen: steps, inputs } = batch;
    const { hidden, vocabSize } = this.config;
    const rngs = options.maskRngs;
    if (rngs?.streams && rngs.streams.length !== n) throw new Error(`maskRngs has ${rngs.streams.length} stream generators, expected one per stream (${n})`);
    const values = windowMaskValues(this.config, rngs, steps);
    const mask = (v: Float32Array | null, rows: number): tf.Tensor2D | null => (v ? tf.tensor2d(v, [rows, v.length / rows]) : null);
    const masks: LayerMasks<tf.Tensor2D>[] = values.outputs.map((output, l) => ({ output: mask(output, steps * n), recurrent: mask(values.recurrent[l]!, hidden) }));
    const embeddingMask = mask(values.embedding, vocabSize);
    const table = embeddingMask
      ? firstProjectionTable(tensorOps, this.p('embedding'), this.p(layerParam(0, 'kernel')), this.p(layerParam(0, 'bias')), embeddingMask)
      : (options.table ?? this.firstProjectionTable());
    // Row x of W₁ is the layer-0 input projection of token x.
    const first = Array.from({ length: steps }, (_, t) => gatherRows(table, inputs.subarray(t * n, (t + 1) * n)));
    return { ...forwardLayers(tensorOps, this.cell, hidden, this.layerWeights(), first, state, masks, keepCache), embeddingMask };
  }

  /**
   * One cell's backward pass through layer `layer` (its cache from
   * forwardLayers), with a probe of the total dL/dh_t at every step (see Cell.backward).
   */
  cellBackward(layer: number, cache: unknown, dOutputs: tf.Tensor2D[], onStep?: (t: number, dh: tf.Tensor2D) => void): { dProjection: tf.Tensor2D; dRecurrent: tf.Tensor2D } {
    return this.cell.backward(tensorOps, cache, this.p(layerParam(layer, 'recurrent')), this.config.hidden, dOutputs, onStep);
  }

  /** The cell's signals after each step of a cached forward pass (see Cell.signals); new tensors belong to the caller's tidy. */
  cellSignals(cache: unknown, final: CellState<tf.Tensor2D>): Partial<Record<SignalName, tf.Tensor2D[]>> {
    return this.cell.signals(tensorOps, cache, final, this.config.hidden);
  }

  private logits(top: tf.Tensor2D): tf.Tensor2D {
    return tf.add(tf.matMul(top, this.p('output.kernel')), this.p('output.bias')) as tf.Tensor2D;
  }

  /**
   * Mean cross-entropy over the batch (weighted by options.positionWeights
   * when given) and its gradient for every parameter. The returned tensors (loss, grads, finals) are the caller's to dispose.
   */
  lossAndGradients(batch: TokenBatch, state: ModelState, options: LossOptions = {}): LossAndGradients {
    const { vocabSize: vocab } = this.config;
    const { batchSize: n, seqLen: steps, inputs, targets } = batch;
    const count = n * steps;
    const weights = options.positionWeights;
    let weightSum = 0;
    if (weights) {
      if (weights.length !== count) throw new Error(`positionWeights has ${weights.length} entries, expected ${n}×${steps}`);
      for (const w of weights) weightSum += w;
      if (!(weightSum > 0)) throw new Error('positionWeights must not all be zero');
    }
    const out = tf.tidy(() => {
      const { top, finals, caches, embeddingMask } = this.forwardLayers(batch, state, true, options);
      const logProbs = tf.logSoftmax(this.logits(top));
      const oneHot = oneHotMatrix(targets, vocab);
      // The gradient of mean (or weighted mean) cross-entropy w.r.t. the logits is (softmax − onehot) · weight.
      const scale = weights ? tf.tensor2d(weights.map((w) => w / weightSum), [count, 1]) : tf.scalar(1 / count);
      const loss = tf.neg(tf.sum(tf.mul(tf.mul(logProbs, oneHot), scale))) as tf.Scalar;
      const dLogits = tf.mul(tf.sub(tf.exp(logProbs), oneHot), scale) as tf.Tensor2D;

      const grads: Record<string, tf.Tensor> = {};
      grads['output.kernel'] = tf.matMul(transpose2d(top), dLogits);
      grads['output.bias'] = sumRows(dLogits);
      const dTop = tf.matMul(dLogits, transpose2d(this.p('output.kernel'))) as tf.Tensor2D;
      const back = backwardLayers(tensorOps, this.cell, this.config.hidden, this.layerWeights(), caches, dTop, steps);
      back.layers.forEach((layer, l) => {
        grads[layerParam(l, 'recurrent')] = layer.recurrent;
        if (layer.kernel) grads[layerParam(l, 'kernel')] = layer.kernel;
        if (layer.bias) grads[layerParam(l, 'bias')] = layer.bias;
      });
      // Row i of dFirst goes into row inputs[i] of the table's gradient.
      const dTable = scatterAddRows(back.dFirst, inputs, vocab);
      const table = tableGradients(tensorOps, this.p('embedding'), this.p(layerParam(0, 'kernel')), dTable, embeddingMask);
      grads[layerParam(0, 'kernel')] = table.kernel;
      grads[layerParam(0, 'bias')] = table.bias;
      grads['embedding'] = table.embedding;
      return { loss, grads, finals: flattenLayers(finals) };
    });
    return {
      loss: out.loss,
      grads: new Map(Object.entries(out.grads)),
      finals: unflattenLayers(out.finals, this.config.cell),
    };
  }

  /**
   * Summed cross-entropy (nats) over a batch, no gradients, and the final
   * state, for evaluation with state carried across windows.
   */
  lossSum(batch: TokenBatch, state: ModelState): { lossSum: tf.Scalar; finals: ModelState } {
    const out = tf.tidy(() => {
      const { top, finals } = this.forwardLayers(batch, state, false, {});
      const logProbs = tf.logSoftmax(this.logits(top));
      const lossSum = tf.neg(tf.sum(tf.mul(logProbs, oneHotMatrix(batch.targets, this.config.vocabSize)))) as tf.Scalar;
      return { lossSum, finals: flattenLayers(finals) };
    });
    return { lossSum: out.lossSum, finals: unflattenLayers(out.finals, this.config.cell) };
  }

  /** Logits of every position [T·N, V] (time-major), and the final state. */
  sequenceLogits(
    batch: Pick<TokenBatch, 'inputs' | 'batchSize' | 'seqLen'>,
    state: ModelState,
    options: Pick<ForwardOptions, 'table'> = {},
  ): { logits: tf.Tensor2D; finals: ModelState } {
    const out = tf.tidy(() => {
      const { top, finals } = this.forwardLayers(batch, state, false, options);
      return { logits: this.logits(top), finals: flattenLayers(finals) };
    });
    return { logits: out.logits, finals: unflattenLayers(out.finals, this.config.cell) };
  }
}

function oneHotMatrix(ids: Int32Array, depth: number): tf.Tensor2D {
  const values = new Float32Array(ids.length * depth);
  for (let i = 0; i < ids.length; i++) values[i * depth + ids[i]!] = 1;
  return tf.tensor2d(values, [ids.length, depth]);
}

/*
 * tf.tidy returns arrays of tensors but not optional fields: the passes
 * return their final state as flattenLayers(…) (h, c, h, c…) and rebuild it
 * after the tidy with unflattenLayers.
 */

export function disposeState(state: ModelState): void {
  for (const t of flattenLayers(state)) t.dispose();
}

/** Tensors holding a copy of the state (see model/state.ts). */
export function stateToTensors(state: StateArrays): ModelState {
  const shape: [number, number] = [state.streams, state.hidden];
  return state.layers.map((l) => mapLayer(l, (values) => tf.tensor2d(values, shape)));
}

/** The state's values as plain arrays (the tensors stay the caller's). */
export function stateFromTensors(state: ModelState): StateArrays {
  return {
    streams: state[0]!.h.shape[0],
    hidden: state[0]!.h.shape[1],
    layers: state.map((l) => mapLayer(l, (t) => Float32Array.from(t.dataSync() as Float32Array))),
  };
}
