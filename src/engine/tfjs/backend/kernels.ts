/**
 * Thin calls straight into the engine's kernels for the ops of the per-step
 * loops. The public tf.* wrappers add ~10–20 µs of bookkeeping per call
 * (argument conversion, dtype upcasting, name scopes); the recurrent loops
 * make thousands of small calls per training step, where that bookkeeping
 * cost more than the arithmetic. Inputs here are always float32 tensors of
 * compatible shapes, so nothing that the wrappers check can go wrong.
 */
import * as tf from '../../../tf.js';

type T2 = tf.Tensor2D;

const run = (name: string, inputs: tf.NamedTensorMap, attrs: tf.NamedAttrMap = {}): T2 =>
  tf.engine().runKernel(name, inputs, attrs) as T2;

let oneScalar: tf.Scalar | null = null;

/** A float32 scalar 1 that lives as long as the process (kept out of every tidy). */
function one(): tf.Scalar {
  if (oneScalar === null || oneScalar.isDisposed) oneScalar = tf.keep(tf.scalar(1));
  return oneScalar;
}

export const add = (a: T2, b: T2): T2 => run('Add', { a, b });
export const sub = (a: T2, b: T2): T2 => run('Sub', { a, b });
export const mul = (a: T2, b: T2): T2 => run('Multiply', { a, b });
/** 1 − x */
export const oneMinus = (x: T2): T2 => run('Sub', { a: one(), b: x });
export const square = (x: T2): T2 => run('Square', { x });
export const sigmoid = (x: T2): T2 => run('Sigmoid', { x });
export const tanh = (x: T2): T2 => run('Tanh', { x });
export const matMul = (a: T2, b: T2): T2 => run('BatchMatMul', { a, b }, { transposeA: false, transposeB: false });
export const concatColumns = (xs: T2[]): T2 => tf.engine().runKernel('Concat', xs as unknown as tf.NamedTensorMap, { axis: 1 }) as T2;
export const addN = (xs: T2[]): T2 => tf.engine().runKernel('AddN', xs as unknown as tf.NamedTensorMap) as T2;
