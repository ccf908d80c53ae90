/**
 * The character-level language model: embedding → L recurrent layers →
 * dense softmax, with a hand-written backward pass.
 *
 * Token sequences are time-major Int32Arrays of length T·N (element t·N + n
 * is stream n at step t). Layer 0 never materialises embeddings: with
 * W₁ = E·K₀ + b₀ ([V, G·H]) the input projection of token x is row x of W₁,
 * which is cheaper than the embedding lookup plus a [T·N, E]·[E, G·H] matMul.
 */
import * as tf from '../tf.js';
import { gatherRows, scatterAddRows, sliceRows, sumRows, transpose2d } from '../backend/fast-ops.js';
import type { Rng } from '../util/rng.js';
import { cellFor, type Cell, type CellState } from './cells/index.js';
import type { ModelConfig } from './config.js';
import { dropoutMaskValues } from './dropout.js';
import { layerParam } from './params.js';
import type { Params } from './param-tensors.js';
import { flattenLayers, makeLayer, mapLayer, unflattenLayers, type StateArrays } from './state.js';

/** Per-layer recurrent state of N streams, as tensors (the parts of model/state.ts). */
export type ModelState = CellState[];

export interface TokenBatch {
  /** T·N time-major input ids. */
  inputs: Int32Array;
  /** T·N time-major target ids (the next character). */
  targets: Int32Array;
  batchSize: number;
  seqLen: number;
}

export interface ForwardOptions {
  /**
   * Draw the dropout masks, one generator per stream (length N): stream n's
   * mask rows come from its own generator, so a batch split into shards
   * gets the same masks as the whole batch. No dropout when absent.
   */
  dropoutRngs?: readonly Rng[];
  /** A precomputed firstProjectionTable() (sampling reuses it every step). */
  table?: tf.Tensor2D;
}

export interface LossOptions extends ForwardOptions {
  /**
   * A weight per position (T·N, time-major): the loss becomes
   * Σ wᵢ·CEᵢ / Σ wᵢ instead of the mean. Experiments that care about a few
   * positions only (the recall task) weight those.
   */
  positionWeights?: Float32Array;
}

export interface LayerCache {
  /** The layer's input, stacked [T·N, D] (absent for layer 0). */
  input: tf.Tensor2D | null;
  cell: unknown;
  /** Inverted-dropout mask applied to the layer's stacked output. */
  mask: tf.Tensor2D | null;
}

export interface ForwardResult {
  /** Top layer output, stacked [T·N, H], after dropout. */
  top: tf.Tensor2D;
  finals: ModelState;
  caches: LayerCache[];
}

export interface LossAndGradients {
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
    return tf.tidy(() => tf.add(tf.matMul(this.p('embedding'), this.p(layerParam(0, 'kernel'))), this.p(layerParam(0, 'bias'))));
  }

  /**
   * Runs every layer over the batch. With keepCache, `caches` holds what the
   * cells' backward passes need (the caller's tidy owns all of it).
   */
  forwardLayers(batch: Pick<TokenBatch, 'inputs' | 'batchSize' | 'seqLen'>, state: ModelState, keepCache: boolean, options: ForwardOptions): ForwardResult {
    const { batchSize: n, seqLen: steps, inputs } = batch;
    const { layers, hidden, dropout } = this.config;
    const caches: LayerCache[] = [];
    const finals: ModelState = [];
    let stacked: tf.Tensor2D | null = null;
    for (let l = 0; l < layers; l++) {
      let projections: tf.Tensor2D[];
      const input = stacked;
      if (l === 0) {
        const table = options.table ?? this.firstProjectionTable();
        projections = Array.from({ length: steps }, (_, t) => gatherRows(table, inputs.subarray(t * n, (t + 1) * n)));
      } else {
        const all = tf.add(tf.matMul(input!, this.p(layerParam(l, 'kernel'))), this.p(layerParam(l, 'bias'))) as tf.Tensor2D;
        projections = Array.from({ length: steps }, (_, t) => sliceRows(all, t * n, n));
      }
      const result = this.cell.forward(projections, this.p(layerParam(l, 'recurrent')), state[l]!, keepCache);
      finals.push(result.final);
      stacked = tf.concat(result.outputs, 0) as tf.Tensor2D;
      let mask: tf.Tensor2D | null = null;
      if (options.dropoutRngs && dropout > 0) {
        if (options.dropoutRngs.length !== n) throw new Error(`dropoutRngs has ${options.dropoutRngs.length} generators, expected one per stream (${n})`);
        mask = dropoutMask(options.dropoutRngs, steps, hidden, dropout);
        stacked = tf.mul(stacked, mask) as tf.Tensor2D;
      }
      caches.push({ input: l === 0 ? null : input, cell: result.cache, mask });
    }
    return { top: stacked!, finals, caches };
  }

  private logits(top: tf.Tensor2D): tf.Tensor2D {
    return tf.add(tf.matMul(top, this.p('output.kernel')), this.p('output.bias')) as tf.Tensor2D;
  }

  /**
   * Mean cross-entropy over the batch (weighted by options.positionWeights
   * when given) and its gradient for every parameter. The returned tensors (loss, grads, finals) are the caller's to dispose.
   */
  lossAndGradients(batch: TokenBatch, state: ModelState, options: LossOptions = {}): LossAndGradients {
    const { vocabSize: vocab, layers } = this.config;
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
      const { top, finals, caches } = this.forwardLayers(batch, state, true, options);
      const logProbs = tf.logSoftmax(this.logits(top));
      const oneHot = oneHotMatrix(targets, vocab);
      // The gradient of mean (or weighted mean) cross-entropy w.r.t. the logits is (softmax − onehot) · weight.
      const scale = weights ? tf.tensor2d(weights.map((w) => w / weightSum), [count, 1]) : tf.scalar(1 / count);
      const loss = tf.neg(tf.sum(tf.mul(tf.mul(logProbs, oneHot), scale))) as tf.Scalar;
      const dLogits = tf.mul(tf.sub(tf.exp(logProbs), oneHot), scale) as tf.Tensor2D;

      const grads: Record<string, tf.Tensor> = {};
      grads['output.kernel'] = tf.matMul(transpose2d(top), dLogits);
      grads['output.bias'] = sumRows(dLogits);
      let dStacked = tf.matMul(dLogits, transpose2d(this.p('output.kernel'))) as tf.Tensor2D;
      for (let l = layers - 1; l >= 0; l--) {
        const cache = caches[l]!;
        if (cache.mask) dStacked = tf.mul(dStacked, cache.mask) as tf.Tensor2D;
        const dOutputs = Array.from({ length: steps }, (_, t) => sliceRows(dStacked, t * n, n));
        const { dProjection, dRecurrent } = this.cell.backward(cache.cell, this.p(layerParam(l, 'recurrent')), dOutputs);
        grads[layerParam(l, 'recurrent')] = dRecurrent;
        grads[layerParam(l, 'bias')] = sumRows(dProjection);
        const kernel = this.p(layerParam(l, 'kernel'));
        if (l > 0) {
          grads[layerParam(l, 'kernel')] = tf.matMul(transpose2d(cache.input!), dProjection);
          dStacked = tf.matMul(dProjection, transpose2d(kernel)) as tf.Tensor2D;
        } else {
          const dTable = scatterAddRows(dProjection, inputs, vocab);
          grads[layerParam(0, 'kernel')] = tf.matMul(transpose2d(this.p('embedding')), dTable);
          grads['embedding'] = tf.matMul(dTable, transpose2d(kernel));
        }
      }
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

/** Inverted-dropout mask [T·N, H]; row t·N + n is drawn from rngs[n]. */
function dropoutMask(rngs: readonly Rng[], steps: number, cols: number, rate: number): tf.Tensor2D {
  return tf.tensor2d(dropoutMaskValues(rngs, steps, cols, rate), [steps * rngs.length, cols]);
}

export { streamRngs } from './dropout.js';

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
