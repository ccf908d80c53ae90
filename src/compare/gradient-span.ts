/**
 * How far back can the loss still "see"? For windows of real text of length
 * T = span + 1, the model reads the whole window and predicts the character
 * after it; only that last prediction's loss L_T is kept. Backpropagating it
 * through the output layer and then through time gives ∂L_T/∂h_{T−k} for
 * every k = 0 … span, and the norms of those gradients, averaged over
 * streams and windows, are the curve.
 *
 * h is the hidden state (the cell's output) of the TOP recurrent layer: the
 * loss depends on lower layers only through it, so for the top layer the
 * backward pass through its own recurrence is the whole story. For the LSTM
 * the gradient is with respect to h_t with the cell state c_t held fixed
 * (c has its own, separate gradient that is not part of the figure).
 *
 * A plain RNN multiplies the gradient by diag(1 − h²)·Rᵀ at every step, so it
 * shrinks (or grows) geometrically; the LSTM and GRU pass it along gated,
 * nearly additive paths (c_t = f ⊙ c_{t−1} + …, h_t = z ⊙ h_{t−1} + …).
 */
import * as tf from '../tf.js';
import { sliceRows } from '../engine/tfjs/backend/fast-ops.js';
import { BatchStream } from '../data/batches.js';
import type { TokenIds } from '../data/id-builder.js';
import { disposeState, type CharRnn, type ModelState } from '../engine/tfjs/char-rnn.js';
import type { CellType } from '../model/config.js';
import { flattenLayers, unflattenLayers } from '../model/state.js';
import { usageError } from '../util/errors.js';
import { DEFAULT_THRESHOLD } from './defaults.js';

/** A window of N streams: T inputs each, and the character after the window. */
interface LastPositionBatch {
  /** T·N time-major input ids. */
  inputs: Int32Array;
  /** N ids: the character each stream must predict after its last input. */
  lastTargets: Int32Array;
  batchSize: number;
  seqLen: number;
}

interface HiddenGradients {
  /**
   * byK[k] = ∂L_T/∂h_{T−k} of the top layer, [N·H] row-major (stream n is
   * row n), for k = 0 … T−1, where h_T is the state after the last input and
   * L_T = Σ_n −log p_n(lastTargets[n]) (each stream's row is the gradient of
   * its own loss).
   */
  byK: Float32Array[];
  /** L_T of each stream (nats). */
  losses: Float64Array;
  /** State after the window (the caller's to dispose). */
  finals: ModelState;
}

/**
 * Runs the model over a window and backpropagates the last position's loss
 * into the top layer's hidden states. `state` is not disposed.
 */
export function hiddenStateGradients(model: CharRnn, batch: LastPositionBatch, state: ModelState): HiddenGradients {
  const { batchSize: n, seqLen: steps, inputs, lastTargets } = batch;
  const { layers, vocabSize, hidden } = model.config;
  if (inputs.length !== n * steps) throw new Error(`inputs has ${inputs.length} ids, expected ${n}×${steps}`);
  if (lastTargets.length !== n) throw new Error(`lastTargets has ${lastTargets.length} ids, expected ${n}`);
  const p = (name: string) => model.params.get(name) as tf.Tensor2D;
  const byK: Float32Array[] = new Array(steps);
  const losses = new Float64Array(n);
  const flatFinals = tf.tidy(() => {
    const { top, finals, caches } = model.forwardLayers({ inputs, batchSize: n, seqLen: steps }, state, true, {});
    const last = sliceRows(top, (steps - 1) * n, n);
    // L_T = Σ_n CE(softmax(h_T·W + b), y_n); dL/dlogits = softmax − onehot.
    const logits = tf.add(tf.matMul(last, p('output.kernel')), p('output.bias')) as tf.Tensor2D;
    const logProbs = tf.logSoftmax(logits);
    const oneHot = new Float32Array(n * vocabSize);
    for (let i = 0; i < n; i++) oneHot[i * vocabSize + lastTargets[i]!] = 1;
    const targetMask = tf.tensor2d(oneHot, [n, vocabSize]);
    const perStream = tf.neg(tf.sum(tf.mul(logProbs, targetMask), 1)).dataSync();
    for (let i = 0; i < n; i++) losses[i] = perStream[i]!;
    const dLogits = tf.sub(tf.exp(logProbs), targetMask);
    const dTop = tf.matMul(dLogits, tf.transpose(p('output.kernel'))) as tf.Tensor2D;
    const zeros = tf.zeros([n, hidden]) as tf.Tensor2D;
    const dOutputs = Array.from({ length: steps }, (_, t) => (t === steps - 1 ? dTop : zeros));
    const grads = model.cellBackward(layers - 1, caches[layers - 1]!.cell, dOutputs, (t, dh) => {
      byK[steps - 1 - t] = dh.dataSync() as Float32Array;
    });
    grads.dProjection.dispose();
    grads.dRecurrent.dispose();
    return flattenLayers(finals);
  });
  return { byK, losses, finals: unflattenLayers(flatFinals, model.config.cell) };
}

/** L2 norm of each of the N rows of an [N·H] row-major array. */
export function rowNorms(values: Float32Array, rows: number): Float64Array {
  const width = values.length / rows;
  const out = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    let sum = 0;
    for (let j = r * width; j < (r + 1) * width; j++) sum += values[j]! * values[j]!;
    out[r] = Math.sqrt(sum);
  }
  return out;
}

interface GradientSpanOptions {
  /** Largest distance k measured; windows are span + 1 characters long. */
  span: number;
  /** Windows averaged over (consecutive, hidden state carried from one to the next). */
  batches: number;
  /** Streams per window. */
  batchSize: number;
  /** The curve's "reach": first k where the norm falls below threshold × its k = 1 value. */
  threshold?: number;
  /** Called after each window, e.g. to redraw a progress line. */
  onProgress?: (done: number, total: number) => void;
}

export interface GradientSpan {
  cell: CellType;
  hidden: number;
  layers: number;
  span: number;
  /** norms[k] = mean over streams and windows of ‖∂L_T/∂h_{T−k}‖, k = 0 … span. */
  norms: number[];
  /** norms[k] / norms[1]. */
  relative: number[];
  threshold: number;
  /** First k ≥ 1 with norms[k] < threshold × norms[1]; null when that never happens within the span. */
  decayDistance: number | null;
  /** Mean of L_T over the streams and windows (nats): how well the last character was predicted. */
  meanLoss: number;
  windows: number;
  streams: number;
}


/** First k ≥ 1 with norms[k] < threshold × norms[1], or null. */
export function decayDistance(norms: readonly number[], threshold = DEFAULT_THRESHOLD): number | null {
  const reference = norms[1];
  if (reference === undefined || !(reference > 0)) return null;
  for (let k = 1; k < norms.length; k++) if (norms[k]! < threshold * reference) return k;
  return null;
}

/**
 * Measures the gradient-norm curve of a model on encoded text (the windows
 * are cut from the start of `ids`, as the batches of training are).
 */
export async function measureGradientSpan(model: CharRnn, ids: TokenIds, options: GradientSpanOptions): Promise<GradientSpan> {
  const { span, batchSize } = options;
  if (!Number.isSafeInteger(span) || span < 1) throw usageError(`--span must be a whole number ≥ 1, got ${span}`);
  const stream = new BatchStream(ids, batchSize, span + 1, 'corpus');
  const windows = Math.min(options.batches, stream.batchesPerEpoch);
  const sums = new Float64Array(span + 1);
  let lossSum = 0;
  let state = model.zeroState(batchSize);
  try {
    for (let b = 0; b < windows; b++) {
      const { inputs, targets } = stream.batch(b);
      const lastTargets = targets.slice(span * batchSize, (span + 1) * batchSize);
      const { byK, losses, finals } = hiddenStateGradients(model, { inputs, lastTargets, batchSize, seqLen: span + 1 }, state);
      disposeState(state);
      state = finals;
      for (let k = 0; k <= span; k++) for (const v of rowNorms(byK[k]!, batchSize)) sums[k]! += v;
      for (const v of losses) lossSum += v;
      options.onProgress?.(b + 1, windows);
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  } finally {
    disposeState(state);
  }
  const count = windows * batchSize;
  const norms = Array.from(sums, (s) => s / count);
  const threshold = options.threshold ?? DEFAULT_THRESHOLD;
  return {
    cell: model.config.cell,
    hidden: model.config.hidden,
    layers: model.config.layers,
    span,
    norms,
    relative: norms.map((v) => v / norms[1]!),
    threshold,
    decayDistance: decayDistance(norms, threshold),
    meanLoss: lossSum / count,
    windows,
    streams: batchSize,
  };
}
