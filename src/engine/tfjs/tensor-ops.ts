/**
 * The ops of src/model/ops.ts on TF.js: how the TF.js engine runs the cells
 * and the layer loop. The per-step elementwise ops and matMuls go straight
 * to the kernels (./backend/kernels.ts), the data movement through charnn's
 * own wasm kernels (./backend/fast-ops.ts); a scope is a tf.tidy, so a
 * step keeps only what it returns.
 */
import * as tf from '../../tf.js';
import type { Ops } from '../../model/ops.js';
import { sliceRows, splitColumns, sumRows, transpose2d } from './backend/fast-ops.js';
import * as k from './backend/kernels.js';

type T2 = tf.Tensor2D;

export const tensorOps: Ops<T2> = {
  wideFactors: true,
  add: k.add,
  sub: k.sub,
  mul: k.mul,
  addN: k.addN,
  oneMinus: k.oneMinus,
  square: k.square,
  sigmoid: k.sigmoid,
  tanh: k.tanh,
  matMul: k.matMul,
  matMulAdd: (a, b, c) => k.add(c, k.matMul(a, b)),
  // matMul's transpose flags are far slower than an explicit transpose on wasm.
  matMulTA: (a, b) => k.matMul(transpose2d(a), b),
  matMulTB: (a, b) => k.matMul(a, transpose2d(b)),
  linear: (x, w, b) => tf.add(tf.matMul(x, w), b),
  transpose: transpose2d,
  splitColumns,
  concatColumns: k.concatColumns,
  splitRows: (x, parts) => {
    const rows = x.shape[0] / parts;
    return Array.from({ length: parts }, (_, p) => sliceRows(x, p * rows, rows));
  },
  stackRows: (xs) => (xs.length === 1 ? xs[0]! : (tf.concat(xs, 0) as T2)),
  // A bias is 1-D: the one value here that is not a matrix.
  sumRows: (x) => sumRows(x) as unknown as T2,
  scope: (fn) => tf.tidy(fn as () => tf.TensorContainer) as ReturnType<typeof fn>,
  release: (x) => x.dispose(),
};
