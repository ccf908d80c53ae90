/**
 * A recurrent cell run over a whole sequence, with its backward pass written
 * by hand (BPTT), written once against the ops of ../ops.ts: the TF.js
 * engine runs it, the ort engine records it as a graph. Layout is
 * time-major: step t of a batch of N streams is [N, ·]; stacked sequences
 * are [T·N, ·] with row t·N + n.
 *
 * The input projection x·kernel + bias of every step is computed by the
 * layer loop (../layer-stack.ts) in one matMul before the cell runs; the
 * cell does only the recurrent matMul and the gate math per step, and
 * returns the gradient with respect to those projections so the loop can
 * form the kernel gradient with one matMul over all steps.
 */
import type { Ops } from '../ops.js';

/** The parts of one layer's recurrent state, each [N, H], in storage order. */
export const STATE_PARTS = ['h', 'c'] as const;
export type StatePart = (typeof STATE_PARTS)[number];

/**
 * One layer's state, whatever holds its parts: Float32Arrays in
 * ../state.ts, tensors on TF.js, graph value names in the ort engine's
 * graphs. The parts are those of the cell's descriptor (h, and c for the LSTM).
 */
export type LayerParts<T> = { h: T } & { [P in Exclude<StatePart, 'h'>]?: T };

/** A layer's state as a cell carries it, [N, H] per part. */
export type CellState<T> = LayerParts<T>;

/**
 * Per-step values a cell exposes for inspection: the hidden state h, the
 * LSTM cell state c and gates i, f, o (and candidate g), the GRU gates z, r.
 */
export type SignalName = 'h' | 'c' | 'i' | 'f' | 'o' | 'g' | 'z' | 'r';

export interface SequenceResult<T> {
  /** Hidden state after each step, T × [N, H]. */
  outputs: T[];
  final: CellState<T>;
  /** What backward() needs (the cell's own record, opaque to the caller); null when not kept. */
  cache: unknown;
}

export interface SequenceGradients<T> {
  /** dL/d(input projection), stacked time-major [T·N, G·H]. */
  dProjection: T;
  /** dL/d(recurrent kernel) [H, G·H]. */
  dRecurrent: T;
}

/**
 * How a cell computes. What it is (gate blocks G, state parts, signal
 * names) is its descriptor in ./descriptors.ts. Its cache is its own
 * record of a forward pass; the layer loop holds it unopened.
 */
export interface Cell {
  /**
   * @param projections T × [N, G·H], x_t·kernel + bias
   * @param recurrent [H, G·H] (internal gate order)
   * @param hidden H
   * @param initial state before the first step
   * @param keepCache keep what backward() needs
   */
  forward<T>(ops: Ops<T>, projections: T[], recurrent: T, hidden: number, initial: CellState<T>, keepCache: boolean): SequenceResult<T>;
  /**
   * @param cache from forward(…, keepCache = true), with the same ops
   * @param dOutputs T × [N, H], dL/dh_t from the layer above (not the recurrence)
   * @param onStep optional probe, called at every step t (T−1 down to 0) with
   *   the total dL/dh_t (layer above plus recurrence) inside the step's
   *   scope: read it there (on TF.js, tf.keep() what you derive from it)
   */
  backward<T>(ops: Ops<T>, cache: unknown, recurrent: T, hidden: number, dOutputs: T[], onStep?: (t: number, dh: T) => void): SequenceGradients<T>;
  /**
   * The value of every signal of the descriptor after each step of a
   * forward(…, keepCache = true) run, read from its cache (no extra work in
   * training): name → T × [N, H], values the cache or `final` owns, or new
   * ones made with `ops` (the caller's scope frees them).
   */
  signals<T>(ops: Ops<T>, cache: unknown, final: CellState<T>, hidden: number): Partial<Record<SignalName, T[]>>;
}
