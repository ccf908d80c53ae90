/**
 * A recurrent cell as ONNX graph code: the same contract as the TF.js cells
 * in src/model/cells (forward over a sequence of input projections, then a
 * hand-written BPTT backward), but each call adds nodes to a graph instead
 * of running kernels, so a whole training window becomes one graph.
 *
 * Layout is time-major as in the TF.js cells: step t of N streams is [N, ·];
 * stacked sequences are [T·N, ·] with row t·N + n. Values are graph value
 * names (strings).
 */
import type { LayerParts } from '../../../model/state.js';
import type { GraphBuilder } from '../../onnx/graph.js';

/** A layer's state as graph values, [N, H] per part of the cell's descriptor (h, and c for the LSTM). */
export type GraphState = LayerParts<string>;

export interface GraphSequence<Cache> {
  /** Hidden state after each step, T × [N, H]. */
  outputs: string[];
  final: GraphState;
  /** What backward() needs; null when not kept. */
  cache: Cache | null;
}

export interface GraphSequenceGradients {
  /** dL/d(input projection), stacked time-major [T·N, G·H]. */
  dProjection: string;
  /** dL/d(recurrent kernel) [H, G·H]. */
  dRecurrent: string;
}

/**
 * How a cell computes, as graph code (what it is — gate blocks G, state
 * parts — is its descriptor in src/model/cells/descriptors.ts). `Cache` is
 * the cell's own record of a forward pass.
 */
export interface GraphCell<Cache = unknown> {
  /**
   * @param projections T × [N, G·H], x_t·kernel + bias
   * @param recurrent [H, G·H] (internal gate order)
   * @param hidden H
   * @param initial state before the first step
   * @param keepCache keep what backward() needs
   */
  forward(g: GraphBuilder, projections: string[], recurrent: string, hidden: number, initial: GraphState, keepCache: boolean): GraphSequence<Cache>;
  /**
   * @param cache from forward(…, keepCache = true)
   * @param dOutputs T × [N, H], dL/dh_t from the layer above (not the recurrence)
   */
  backward(g: GraphBuilder, cache: Cache, recurrent: string, hidden: number, dOutputs: string[]): GraphSequenceGradients;
}
