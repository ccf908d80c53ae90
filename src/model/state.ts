/**
 * The recurrent state of N streams as plain arrays — the one state codec.
 * The trainer carries it from window to window, checkpoints store it
 * (state.bin, `carried/<layer>/h|c`), every engine takes and returns it,
 * and the samplers step it. Per layer: h, and c for the LSTM, each [N, H]
 * row-major (row n is stream n).
 */
import type { CellType } from './config.js';

export interface LayerState {
  /** [N, H] */
  h: Float32Array;
  /** [N, H], LSTM only. */
  c?: Float32Array;
}

export interface StateArrays {
  streams: number;
  hidden: number;
  layers: LayerState[];
}

/** The parts of a layer's state: h, and c for the LSTM. */
export function statePartNames(cell: CellType): ('h' | 'c')[] {
  return cell === 'lstm' ? ['h', 'c'] : ['h'];
}

export function zeroState(config: { cell: CellType; layers: number; hidden: number }, streams: number): StateArrays {
  const size = streams * config.hidden;
  const layers = Array.from({ length: config.layers }, () =>
    config.cell === 'lstm' ? { h: new Float32Array(size), c: new Float32Array(size) } : { h: new Float32Array(size) },
  );
  return { streams, hidden: config.hidden, layers };
}

/** Every array of the state, layer by layer (h then c). */
export function stateParts(state: StateArrays): Float32Array[] {
  return state.layers.flatMap((l) => (l.c ? [l.h, l.c] : [l.h]));
}

function mapParts(state: StateArrays, streams: number, f: (part: Float32Array) => Float32Array): StateArrays {
  return {
    streams,
    hidden: state.hidden,
    layers: state.layers.map((l) => (l.c ? { h: f(l.h), c: f(l.c) } : { h: f(l.h) })),
  };
}

export function cloneState(state: StateArrays): StateArrays {
  return mapParts(state, state.streams, (p) => p.slice());
}

/**
 * Zeroes the state of the given streams in place (every layer, h and c):
 * those streams continue as if starting afresh.
 */
export function resetStreams(state: StateArrays, streams: Iterable<number>): void {
  const width = state.hidden;
  for (const n of streams) {
    if (!Number.isInteger(n) || n < 0 || n >= state.streams) throw new Error(`stream ${n} out of range [0, ${state.streams})`);
    for (const part of stateParts(state)) part.fill(0, n * width, (n + 1) * width);
  }
}

/** Streams [start, end) as a new state. */
export function sliceStreams(state: StateArrays, start: number, end: number): StateArrays {
  const w = state.hidden;
  return mapParts(state, end - start, (p) => p.slice(start * w, end * w));
}

/** The streams `rows` of a state, in that order (a row may repeat), as a new state. */
export function selectStreams(state: StateArrays, rows: ArrayLike<number>): StateArrays {
  const w = state.hidden;
  return mapParts(state, rows.length, (p) => {
    const out = new Float32Array(rows.length * w);
    for (let i = 0; i < rows.length; i++) out.set(p.subarray(rows[i]! * w, (rows[i]! + 1) * w), i * w);
    return out;
  });
}

/** States stacked stream-wise, in order, into one state. */
export function concatStreams(states: StateArrays[]): StateArrays {
  const first = states[0]!;
  const streams = states.reduce((n, s) => n + s.streams, 0);
  return {
    streams,
    hidden: first.hidden,
    layers: first.layers.map((layer, l) => {
      const join = (pick: (s: LayerState) => Float32Array): Float32Array => {
        const out = new Float32Array(streams * first.hidden);
        let offset = 0;
        for (const s of states) {
          const part = pick(s.layers[l]!);
          out.set(part, offset);
          offset += part.length;
        }
        return out;
      };
      return layer.c ? { h: join((s) => s.h), c: join((s) => s.c!) } : { h: join((s) => s.h) };
    }),
  };
}

/** N copies of a single-stream state. */
export function tileState(state: StateArrays, copies: number): StateArrays {
  return selectStreams(state, new Int32Array(copies * state.streams).map((_, i) => i % state.streams));
}

/** The whole state in one array (layer by layer, h then c), for a trip between threads. */
export function packState(state: StateArrays): Float32Array {
  const parts = stateParts(state);
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

export function unpackState(values: Float32Array, cell: CellType, layers: number, streams: number, hidden: number): StateArrays {
  return stateViews(values.slice(), cell, layers, streams, hidden);
}

/** A packed state's parts as views of `values` (no copy): the state shares its memory. */
export function stateViews(values: Float32Array, cell: CellType, layers: number, streams: number, hidden: number): StateArrays {
  const size = streams * hidden;
  const lstm = cell === 'lstm';
  if (values.length !== layers * (lstm ? 2 : 1) * size) throw new Error(`packed state has ${values.length} values, expected ${layers * (lstm ? 2 : 1) * size}`);
  // Plain loops: a sampling step makes one of these per character.
  const out: LayerState[] = new Array(layers);
  for (let l = 0, at = 0; l < layers; l++) {
    const h = values.subarray(at, (at += size));
    out[l] = lstm ? { h, c: values.subarray(at, (at += size)) } : { h };
  }
  return { streams, hidden, layers: out };
}

/**
 * The state in the packed layout of packState, without copying when its
 * parts already lie one after another in one buffer (a state made by
 * stateViews); otherwise a packed copy.
 */
export function packedView(state: StateArrays): Float32Array {
  const size = state.streams * state.hidden;
  const first = state.layers[0]!.h;
  let at = first.byteOffset;
  for (const layer of state.layers) {
    for (const part of layer.c ? [layer.h, layer.c] : [layer.h]) {
      if (part.buffer !== first.buffer || part.length !== size || part.byteOffset !== at) return packState(state);
      at += size * 4;
    }
  }
  return new Float32Array(first.buffer, first.byteOffset, (at - first.byteOffset) / 4);
}

/** Checkpoint entries (`carried/<layer>/h|c`, shape [N, H]) in storage order. */
export function stateEntries(state: StateArrays): { name: string; shape: number[]; values: Float32Array }[] {
  const shape = [state.streams, state.hidden];
  return state.layers.flatMap((l, i) => [
    { name: `carried/${i}/h`, shape, values: l.h },
    ...(l.c ? [{ name: `carried/${i}/c`, shape, values: l.c }] : []),
  ]);
}

/** Whether every value is finite. */
export function stateIsFinite(state: StateArrays): boolean {
  return stateParts(state).every((p) => p.every(Number.isFinite));
}
