/**
 * The layer loop of the model, written once for both engines against the
 * ops of ./ops.ts: L recurrent layers over a window, each fed the stacked
 * outputs of the one below (after dropout), and the backward pass through
 * them from the top; then the layer-0 table W₁ = E·K₀ + b₀ and its
 * gradient. The engines add what differs: how the tokens pick rows of the
 * table (and scatter their gradient back), the logits and the loss.
 *
 * Layer 0 never materialises embeddings: the input projection of token x is
 * row x of W₁ ([V, G·H]), cheaper than the embedding lookup plus a
 * [T·N, E]·[E, G·H] matMul.
 */
import type { Cell, CellState } from './cells/cell.js';
import type { Ops } from './ops.js';

/** One layer's weights; layer 0's kernel and bias are folded into the table W₁, so they are null there. */
export interface LayerWeights<T> {
  /** [D, G·H] (D = H above layer 0) */
  kernel: T | null;
  /** [G·H] */
  bias: T | null;
  /** [H, G·H] */
  recurrent: T;
}

/** One layer's training masks (../model/dropout.ts); null where the model has none. */
export interface LayerMasks<T> {
  /** Inverted-dropout mask [T·N, H] of the layer's stacked output. */
  output: T | null;
  /** DropConnect mask [H, G·H] of its recurrent matrix (weight drop). */
  recurrent: T | null;
}

export interface LayerCache<T> {
  /** The layer's input, stacked [T·N, D] (null for layer 0). */
  input: T | null;
  /** The cell's record of its forward pass. */
  cell: unknown;
  /** The recurrent matrix the window ran with: R, or R ⊙ M under weight drop. */
  recurrent: T;
  masks: LayerMasks<T>;
}

interface StackForward<T> {
  /** Top layer output, stacked [T·N, H], after dropout. */
  top: T;
  finals: CellState<T>[];
  caches: LayerCache<T>[];
}

interface LayerGradients<T> {
  /** null for layer 0 (see tableGradients). */
  kernel: T | null;
  bias: T | null;
  recurrent: T;
}

interface StackBackward<T> {
  /** Per layer, bottom first. */
  layers: LayerGradients<T>[];
  /** dL/d(layer-0 input projections), stacked [T·N, G·H]: rows of the table's gradient. */
  dFirst: T;
}

/**
 * Runs every layer over the window.
 * @param first T × [N, G·H], layer 0's input projections (rows of W₁)
 * @param masks per layer (absent: none, as in evaluation and sampling)
 * @param keepCache keep what backwardLayers() needs
 */
export function forwardLayers<T>(
  ops: Ops<T>, cell: Cell, hidden: number, weights: readonly LayerWeights<T>[], first: T[],
  initial: readonly CellState<T>[], masks: readonly LayerMasks<T>[], keepCache: boolean,
): StackForward<T> {
  const steps = first.length;
  const caches: LayerCache<T>[] = [];
  const finals: CellState<T>[] = [];
  let stacked: T | null = null;
  weights.forEach((w, l) => {
    const input = stacked;
    // x·K + b of every step in one matMul, then T × [N, G·H]
    const projections = l === 0 ? first : ops.splitRows(ops.linear(input!, w.kernel!, w.bias!), steps);
    const layerMasks = masks[l] ?? { output: null, recurrent: null };
    // Weight drop: the window runs with R ⊙ M
    const recurrent = layerMasks.recurrent !== null ? ops.mul(w.recurrent, layerMasks.recurrent) : w.recurrent;
    const result = cell.forward(ops, projections, recurrent, hidden, initial[l]!, keepCache);
    finals.push(result.final);
    stacked = ops.stackRows(result.outputs);
    if (layerMasks.output !== null) stacked = ops.mul(stacked, layerMasks.output);
    caches.push({ input: l === 0 ? null : input, cell: result.cache, recurrent, masks: layerMasks });
  });
  return { top: stacked!, finals, caches };
}

/**
 * Backpropagates dL/d(top) through every layer, top first.
 * @param caches from forwardLayers(…, keepCache = true), with the same ops
 * @param dTop dL/d(top output) [T·N, H]
 * @param steps T
 */
export function backwardLayers<T>(
  ops: Ops<T>, cell: Cell, hidden: number, weights: readonly LayerWeights<T>[], caches: readonly LayerCache<T>[], dTop: T, steps: number,
): StackBackward<T> {
  const layers: LayerGradients<T>[] = new Array(weights.length);
  let dStacked = dTop;
  for (let l = weights.length - 1; l >= 0; l--) {
    const w = weights[l]!;
    const cache = caches[l]!;
    const dOutput = dStacked;
    // What the layer's backward makes besides its results is freed here (on TF.js).
    const out = ops.scope(() => {
      const { output: outputMask, recurrent: recurrentMask } = cache.masks;
      const dMasked = outputMask !== null ? ops.mul(dOutput, outputMask) : dOutput;
      const dOutputs = ops.splitRows(dMasked, steps);
      const back = cell.backward(ops, cache.cell, cache.recurrent, hidden, dOutputs);
      const dProjection = back.dProjection;
      // Under weight drop dR = M ⊙ d(R ⊙ M)
      const dRecurrent = recurrentMask !== null ? ops.mul(back.dRecurrent, recurrentMask) : back.dRecurrent;
      if (l === 0) return { grads: { kernel: null, bias: null, recurrent: dRecurrent }, dBelow: dProjection };
      return {
        grads: {
          recurrent: dRecurrent,
          bias: ops.sumRows(dProjection),
          // dK = inputᵀ·dProjection, and the layer below gets dProjection·Kᵀ
          kernel: ops.matMulTA(cache.input!, dProjection),
        },
        dBelow: ops.matMulTB(dProjection, w.kernel!),
      };
    });
    layers[l] = out.grads;
    dStacked = out.dBelow;
  }
  return { layers, dFirst: dStacked };
}

/**
 * W₁ = E·K₀ + b₀: [V, G·H], the layer-0 input projection of every token;
 * with embedding dropout, E ⊙ M (mask [V, E], whole rows) in place of E.
 */
export function firstProjectionTable<T>(ops: Ops<T>, embedding: T, kernel0: T, bias0: T, mask: T | null = null): T {
  return ops.linear(mask !== null ? ops.mul(embedding, mask) : embedding, kernel0, bias0);
}

/**
 * The gradients of E, K₀ and b₀ from the table's, dW₁ [V, G·H] (row x
 * holding the summed dFirst rows of the positions whose token is x).
 * @param mask the embedding-dropout mask the table was built with, or null
 */
export function tableGradients<T>(ops: Ops<T>, embedding: T, kernel0: T, dTable: T, mask: T | null = null): { embedding: T; kernel: T; bias: T } {
  const bias = ops.sumRows(dTable);
  // dK₀ = (E ⊙ M)ᵀ·dW₁, dE = M ⊙ (dW₁·K₀ᵀ)
  const kernel = ops.matMulTA(mask !== null ? ops.mul(embedding, mask) : embedding, dTable);
  const dEmbedding = ops.matMulTB(dTable, kernel0);
  return { bias, kernel, embedding: mask !== null ? ops.mul(dEmbedding, mask) : dEmbedding };
}
