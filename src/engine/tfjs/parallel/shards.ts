/**
 * Splitting a time-major batch by streams, and packing parameters and
 * gradients into flat Float32Arrays for the trip between threads (states
 * travel through the state codec, model/state.ts).
 */
import type { TokenBatch } from '../char-rnn.js';
import type { ParamArrays, ParamSpec } from '../../../model/params.js';

/** Contiguous stream ranges [start, end) for `parts` shards of `streams` streams. */
export function shardRanges(streams: number, parts: number): [number, number][] {
  const ranges: [number, number][] = [];
  for (let k = 0; k < parts; k++) ranges.push([Math.floor((k * streams) / parts), Math.floor(((k + 1) * streams) / parts)]);
  return ranges.filter(([a, b]) => b > a);
}

/** Streams [start, end) of a time-major batch, still time-major. */
export function shardBatch(batch: TokenBatch, start: number, end: number): TokenBatch {
  const n = end - start;
  const inputs = new Int32Array(n * batch.seqLen);
  const targets = new Int32Array(n * batch.seqLen);
  for (let t = 0; t < batch.seqLen; t++) {
    inputs.set(batch.inputs.subarray(t * batch.batchSize + start, t * batch.batchSize + end), t * n);
    targets.set(batch.targets.subarray(t * batch.batchSize + start, t * batch.batchSize + end), t * n);
  }
  return { inputs, targets, batchSize: n, seqLen: batch.seqLen };
}

export function paramSize(specs: ParamSpec[]): number {
  return specs.reduce((n, s) => n + s.shape.reduce((a, b) => a * b, 1), 0);
}

/** Parameters (or gradients) in spec order, flattened into `target`. */
export function packParams(specs: ParamSpec[], params: ParamArrays, target: Float32Array): Float32Array {
  let offset = 0;
  for (const spec of specs) {
    const values = params.get(spec.name)!;
    target.set(values, offset);
    offset += values.length;
  }
  return target;
}

/** Copies out of a flat array (which may be shared memory that the next step overwrites). */
export function unpackParams(specs: ParamSpec[], values: Float32Array): ParamArrays {
  const params: ParamArrays = new Map();
  let offset = 0;
  for (const spec of specs) {
    const size = spec.shape.reduce((a, b) => a * b, 1);
    params.set(spec.name, values.slice(offset, offset + size));
    offset += size;
  }
  return params;
}
