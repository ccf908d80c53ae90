/**
 * The ops of src/model/ops.ts as ONNX graph nodes: how the ort engine turns
 * the cells and the layer loop into one graph per use (./model-graph.ts).
 * Values are graph value names; a·b + c is one Gemm, aᵀ·b and a·bᵀ Gemms
 * with transposed inputs; scopes and releases mean nothing in a graph.
 */
import type { Ops } from '../../model/ops.js';
import type { GraphBuilder } from '../onnx/graph.js';

export function graphOps(g: GraphBuilder): Ops<string> {
  return {
    wideFactors: false,
    add: (a, b) => g.add(a, b),
    sub: (a, b) => g.sub(a, b),
    mul: (a, b) => g.mul(a, b),
    addN: (xs) => (xs.length === 1 ? xs[0]! : g.op('Sum', xs)),
    oneMinus: (x) => g.oneMinus(x),
    square: (x) => g.square(x),
    sigmoid: (x) => g.sigmoid(x),
    tanh: (x) => g.tanh(x),
    matMul: (a, b) => g.matMul(a, b),
    matMulAdd: (a, b, c) => g.gemm(a, b, c),
    matMulTA: (a, b) => g.gemm(a, b, null, { transA: true }),
    matMulTB: (a, b) => g.gemm(a, b, null, { transB: true }),
    linear: (x, w, b) => g.linear(x, w, b),
    transpose: (x) => g.transpose(x),
    splitColumns: (x, widths) => g.split(x, widths, 1),
    concatColumns: (xs) => g.concat(xs, 1),
    splitRows: (x, parts) => g.splitEven(x, parts, 0),
    stackRows: (xs) => g.concat(xs, 0),
    sumRows: (x) => g.sumRows(x),
    scope: (fn) => fn(),
    release: () => {},
  };
}
