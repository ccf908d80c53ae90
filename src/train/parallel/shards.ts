/**
 * Splitting a time-major batch by streams, and packing parameters, states
 * and gradients into flat Float32Arrays for the trip between threads.
 */
import * as tf from '@tensorflow/tfjs';
import type { ModelState, TokenBatch } from '../../model/char-rnn.js';
import type { ParamSpec, Params } from '../../model/params.js';

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

/** All state tensors of streams [start, end), flattened layer by layer (h then c). */
export function packState(state: ModelState, start: number, end: number): Float32Array {
  const parts = state.flatMap((s) => (s.c ? [s.h, s.c] : [s.h])).map((t) => {
    const width = t.shape[1];
    return (t.dataSync() as Float32Array).subarray(start * width, end * width);
  });
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

export function unpackState(values: Float32Array, layers: number, streams: number, hidden: number, hasCell: boolean): ModelState {
  const size = streams * hidden;
  const take = (i: number): tf.Tensor2D => tf.tensor2d(values.subarray(i * size, (i + 1) * size), [streams, hidden]);
  return Array.from({ length: layers }, (_, l) => (hasCell ? { h: take(2 * l), c: take(2 * l + 1) } : { h: take(l) }));
}

/** Stacks shard states (in shard order) into one state for all streams. */
export function concatStates(states: ModelState[]): ModelState {
  return states[0]!.map((_, l) => ({
    h: tf.concat(states.map((s) => s[l]!.h), 0) as tf.Tensor2D,
    c: states[0]![l]!.c ? (tf.concat(states.map((s) => s[l]!.c!), 0) as tf.Tensor2D) : undefined,
  }));
}

export function paramSize(specs: ParamSpec[]): number {
  return specs.reduce((n, s) => n + s.shape.reduce((a, b) => a * b, 1), 0);
}

/** Parameters (or gradients) in spec order, flattened into `target`. */
export function packParams(specs: ParamSpec[], params: Params, target: Float32Array): Float32Array {
  let offset = 0;
  for (const spec of specs) {
    const values = params.get(spec.name)!.dataSync() as Float32Array;
    target.set(values, offset);
    offset += values.length;
  }
  return target;
}

export function unpackParams(specs: ParamSpec[], values: Float32Array): Params {
  const params: Params = new Map();
  let offset = 0;
  for (const spec of specs) {
    const size = spec.shape.reduce((a, b) => a * b, 1);
    // A copy: the source may be shared memory that the next step overwrites.
    params.set(spec.name, tf.tensor(values.slice(offset, offset + size), spec.shape));
    offset += size;
  }
  return params;
}
