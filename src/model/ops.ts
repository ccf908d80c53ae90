/**
 * The operations the recurrent cells (./cells/) and the layer loop
 * (./layer-stack.ts) are written against, so that each is written once for
 * both engines: the TF.js engine runs them as kernels
 * (src/engine/tfjs/tensor-ops.ts), the ort engine records them as nodes of
 * an ONNX graph (src/engine/ort/graph-ops.ts). `T` is whatever holds a
 * matrix there: a tf.Tensor2D, or a graph value's name.
 *
 * Values are matrices [rows, cols] (a bias is a row [cols]); the sequence
 * layout is time-major: step t of N streams is [N, ·], a stacked sequence
 * [T·N, ·] with row t·N + n.
 *
 * No engine here: only what the cells and the layer loop need.
 */
export interface Ops<T> {
  /**
   * How the cells form the factors of their backward pass that depend on
   * forward values only (./cells/factors.ts): true, for all steps at once in
   * a few wide ops, then split into steps (fewer kernel calls, what TF.js
   * needs); false, step by step inside the backward loop (no stacking and
   * splitting copies: in an onnxruntime graph a node costs microseconds, a
   * copy of a window's values a millisecond).
   */
  readonly wideFactors: boolean;
  /** a + b, elementwise (same shapes) */
  add(a: T, b: T): T;
  /** a − b */
  sub(a: T, b: T): T;
  /** a ⊙ b */
  mul(a: T, b: T): T;
  /** x₀ + x₁ + … (same shapes) */
  addN(xs: T[]): T;
  /** 1 − x */
  oneMinus(x: T): T;
  /** x ⊙ x */
  square(x: T): T;
  sigmoid(x: T): T;
  tanh(x: T): T;
  /** a·b: [R, K]·[K, C] → [R, C] */
  matMul(a: T, b: T): T;
  /** a·b + c with c [R, C] (one Gemm node in a graph) */
  matMulAdd(a: T, b: T, c: T): T;
  /** aᵀ·b: [K, R], [K, C] → [R, C] (weight gradients) */
  matMulTA(a: T, b: T): T;
  /** a·bᵀ: [R, K], [C, K] → [R, C] */
  matMulTB(a: T, b: T): T;
  /** x·w + b, the bias row b [C] added to every row */
  linear(x: T, w: T, b: T): T;
  /** [R, C] → [C, R] */
  transpose(x: T): T;
  /** [R, ΣWᵢ] → [R, Wᵢ] per width, left to right */
  splitColumns(x: T, widths: number[]): T[];
  /** [R, Wᵢ] per part → [R, ΣWᵢ] */
  concatColumns(xs: T[]): T;
  /** [P·R, W] → P × [R, W] (a stacked sequence into its steps) */
  splitRows(x: T, parts: number): T[];
  /** P × [R, W] → [P·R, W] (steps into a stacked sequence) */
  stackRows(xs: T[]): T;
  /** Column sums [R, C] → [C] (bias gradients) */
  sumRows(x: T): T;
  /**
   * Runs `fn`, a step of a loop or a phase of a pass: on TF.js what it makes
   * and does not return is freed on return (tf.tidy); a graph keeps every
   * node. `fn` returns values of type T in plain objects and arrays.
   */
  scope<R>(fn: () => R): R;
  /** `x`, made by an earlier scope, is not needed any more (TF.js frees it; a graph ignores this). */
  release(x: T): void;
}
