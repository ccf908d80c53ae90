/**
 * A recurrent cell run over a whole sequence, with its backward pass written
 * by hand (BPTT). Tensor layout is time-major: step t of a batch of N streams
 * is an [N, ·] matrix; stacked sequences are [T·N, ·] with row t·N + n.
 *
 * The input projection x·kernel + bias of every step is computed by the
 * caller in one matMul before the loop; the cell does only the recurrent
 * matMul and the gate math per step, and returns the gradient with respect
 * to those projections so the caller can form the kernel gradient with one
 * matMul over all steps after the loop.
 */
import type * as tf from '../../tf.js';
import type { LayerParts } from '../state.js';
import type { SignalName } from './descriptors.js';


/** A layer's state as tensors, [N, H] per part of the cell's descriptor (h, and c for the LSTM). */
export type CellState = LayerParts<tf.Tensor2D>;

export interface SequenceResult<Cache> {
  /** Hidden state after each step, T × [N, H]. */
  outputs: tf.Tensor2D[];
  final: CellState;
  /** What backward() needs; null when not kept. */
  cache: Cache | null;
}

export interface SequenceGradients {
  /** dL/d(input projection), stacked time-major [T·N, G·H]. */
  dProjection: tf.Tensor2D;
  /** dL/d(recurrent kernel) [H, G·H]. */
  dRecurrent: tf.Tensor2D;
}

/**
 * How a cell computes, on TF.js. What it is (gate blocks G, state parts,
 * signal names) is its descriptor in ./descriptors.ts. `Cache` is the
 * cell's own record of a forward pass; the model holds it unopened.
 */
export interface Cell<Cache = unknown> {
  /**
   * @param projections T × [N, G·H], x_t·kernel + bias
   * @param recurrent [H, G·H] (internal gate order)
   * @param initial state before the first step
   * @param keepCache keep what backward() needs
   */
  forward(projections: tf.Tensor2D[], recurrent: tf.Tensor2D, initial: CellState, keepCache: boolean): SequenceResult<Cache>;
  /**
   * @param cache from forward(…, keepCache = true)
   * @param dOutputs T × [N, H], dL/dh_t from the layer above (not the recurrence)
   * @param onStep optional probe, called at every step t (T−1 down to 0) with
   *   the total dL/dh_t (layer above plus recurrence) inside the step's
   *   tf.tidy: read it there, or tf.keep() what you derive from it
   */
  backward(cache: Cache, recurrent: tf.Tensor2D, dOutputs: tf.Tensor2D[], onStep?: (t: number, dh: tf.Tensor2D) => void): SequenceGradients;
  /**
   * The value of every signal of the descriptor after each step of a
   * forward(…, keepCache = true) run, read from its cache (no extra work in
   * training): name → T × [N, H], tensors the cache (or `final`) owns.
   */
  signals(cache: Cache, final: CellState): Partial<Record<SignalName, tf.Tensor2D[]>>;
}
