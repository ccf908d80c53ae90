/**
 * Data-movement ops that the model needs in its hot loop. The wasm backend
 * implements Slice by copying the whole source tensor out of the wasm heap
 * first (readSync), so slicing one time step out of a [T·N, G·H] tensor
 * costs as much as copying all of it. These kernels copy only the rows or
 * columns asked for, straight from a view of the heap. Other backends use the
 * ordinary ops, which are fine there.
 */
import * as tf from '../../../tf.js';

const SLICE_ROWS = 'CharnnSliceRows';
const SPLIT_COLUMNS = 'CharnnSplitColumns';
const TRANSPOSE = 'CharnnTranspose2D';
const GATHER_ROWS = 'CharnnGatherRows';
const SCATTER_ADD_ROWS = 'CharnnScatterAddRows';

interface WasmBackendLike {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(info: tf.TensorInfo): Float32Array;
}

let fast = false;

/** Registers the heap-view kernels when the active backend is wasm. */
export function registerFastOps(backend: string): void {
  fast = backend === 'wasm';
  if (!fast || tf.getKernel(SLICE_ROWS, 'wasm') !== undefined) return;
  tf.registerKernel({
    kernelName: SLICE_ROWS,
    backendName: 'wasm',
    kernelFunc: ({ inputs, attrs, backend }) => {
      const wasm = backend as unknown as WasmBackendLike;
      const x = inputs['x'] as tf.TensorInfo;
      const start = attrs!['start'] as number;
      const count = attrs!['count'] as number;
      const rowSize = x.shape.slice(1).reduce((a, b) => a * b, 1);
      const out = wasm.makeOutput([count, ...x.shape.slice(1)], x.dtype);
      wasm.typedArrayFromHeap(out).set(wasm.typedArrayFromHeap(x).subarray(start * rowSize, (start + count) * rowSize));
      return out;
    },
  });
  tf.registerKernel({
    kernelName: SPLIT_COLUMNS,
    backendName: 'wasm',
    kernelFunc: ({ inputs, attrs, backend }) => {
      const wasm = backend as unknown as WasmBackendLike;
      const x = inputs['x'] as tf.TensorInfo;
      const sizes = attrs!['sizes'] as number[];
      const [rows, cols] = x.shape as [number, number];
      // Allocate every output before taking heap views: an allocation can
      // grow the wasm memory and detach views taken earlier.
      const outs = sizes.map((width) => wasm.makeOutput([rows, width], x.dtype));
      const source = wasm.typedArrayFromHeap(x);
      let offset = 0;
      for (let k = 0; k < sizes.length; k++) {
        const width = sizes[k]!;
        const target = wasm.typedArrayFromHeap(outs[k]!);
        for (let r = 0; r < rows; r++) {
          const from = r * cols + offset;
          target.set(source.subarray(from, from + width), r * width);
        }
        offset += width;
      }
      return outs;
    },
  });
  tf.registerKernel({
    kernelName: TRANSPOSE,
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend }) => {
      const wasm = backend as unknown as WasmBackendLike;
      const x = inputs['x'] as tf.TensorInfo;
      const [rows, cols] = x.shape as [number, number];
      const out = wasm.makeOutput([cols, rows], x.dtype);
      transposeInto(wasm.typedArrayFromHeap(x), wasm.typedArrayFromHeap(out), rows, cols);
      return out;
    },
  });
  tf.registerKernel({
    kernelName: GATHER_ROWS,
    backendName: 'wasm',
    kernelFunc: ({ inputs, attrs, backend }) => {
      const wasm = backend as unknown as WasmBackendLike;
      const table = inputs['table'] as tf.TensorInfo;
      const ids = attrs!['ids'] as unknown as Int32Array;
      const width = table.shape[1]!;
      const out = wasm.makeOutput([ids.length, width], table.dtype);
      const source = wasm.typedArrayFromHeap(table);
      const target = wasm.typedArrayFromHeap(out);
      for (let i = 0; i < ids.length; i++) {
        const from = ids[i]! * width;
        target.set(source.subarray(from, from + width), i * width);
      }
      return out;
    },
  });
  tf.registerKernel({
    kernelName: SCATTER_ADD_ROWS,
    backendName: 'wasm',
    kernelFunc: ({ inputs, attrs, backend }) => {
      const wasm = backend as unknown as WasmBackendLike;
      const rows = inputs['rows'] as tf.TensorInfo;
      const ids = attrs!['ids'] as unknown as Int32Array;
      const numRows = attrs!['numRows'] as number;
      const width = rows.shape[1]!;
      const out = wasm.makeOutput([numRows, width], rows.dtype);
      const target = wasm.typedArrayFromHeap(out);
      target.fill(0);
      const source = wasm.typedArrayFromHeap(rows);
      for (let i = 0; i < ids.length; i++) {
        const to = ids[i]! * width;
        const from = i * width;
        for (let j = 0; j < width; j++) target[to + j]! += source[from + j]!;
      }
      return out;
    },
  });
}

/** Cache-blocked transpose of a row-major [rows, cols] matrix. */
function transposeInto(source: Float32Array, target: Float32Array, rows: number, cols: number): void {
  const block = 32;
  for (let r0 = 0; r0 < rows; r0 += block) {
    const r1 = Math.min(rows, r0 + block);
    for (let c0 = 0; c0 < cols; c0 += block) {
      const c1 = Math.min(cols, c0 + block);
      for (let r = r0; r < r1; r++) {
        const rowOffset = r * cols;
        for (let c = c0; c < c1; c++) target[c * rows + r] = source[rowOffset + c]!;
      }
    }
  }
}

/** Rows [start, start+count) of a tensor, along axis 0. */
export function sliceRows<T extends tf.Tensor>(x: T, start: number, count: number): T {
  if (!fast) {
    const begin = x.shape.map((_, i) => (i === 0 ? start : 0));
    const size = x.shape.map((d, i) => (i === 0 ? count : d));
    return tf.slice(x, begin, size) as T;
  }
  return tf.engine().runKernel(SLICE_ROWS, { x }, { start, count } as unknown as tf.NamedAttrMap) as T;
}

/** Splits a matrix into column blocks of the given widths. */
export function splitColumns(x: tf.Tensor2D, sizes: number[]): tf.Tensor2D[] {
  if (!fast) return tf.split(x, sizes, 1);
  return tf.engine().runKernel(SPLIT_COLUMNS, { x }, { sizes } as unknown as tf.NamedAttrMap) as unknown as tf.Tensor2D[];
}

/** Matrix transpose. (matMul's transpose flags are far slower than this on wasm.) */
export function transpose2d(x: tf.Tensor2D): tf.Tensor2D {
  if (!fast) return tf.transpose(x);
  return tf.engine().runKernel(TRANSPOSE, { x }) as tf.Tensor2D;
}

/** Rows of `table` [V, W] picked by `ids` → [ids.length, W]. */
export function gatherRows(table: tf.Tensor2D, ids: Int32Array): tf.Tensor2D {
  if (!fast) return tf.gather(table, tf.tensor1d(ids, 'int32'));
  return tf.engine().runKernel(GATHER_ROWS, { table }, { ids } as unknown as tf.NamedAttrMap) as tf.Tensor2D;
}

/**
 * The gradient of gatherRows: row i of `rows` is added into row ids[i] of a
 * [numRows, W] zero matrix. (UnsortedSegmentSum has no wasm kernel.)
 */
export function scatterAddRows(rows: tf.Tensor2D, ids: Int32Array, numRows: number): tf.Tensor2D {
  if (!fast) return tf.unsortedSegmentSum(rows, tf.tensor1d(ids, 'int32'), numRows);
  return tf.engine().runKernel(SCATTER_ADD_ROWS, { rows }, { ids, numRows } as unknown as tf.NamedAttrMap) as tf.Tensor2D;
}

/** Column sums of a matrix [R, C] → [C], as a matMul with a row of ones (Sum over axis 0 is slow on wasm). */
export function sumRows(x: tf.Tensor2D): tf.Tensor1D {
  return tf.tidy(() => tf.reshape(tf.matMul(tf.ones([1, x.shape[0]]), x), [x.shape[1]]) as tf.Tensor1D);
}
