/**
 * The recurrent state of N streams — the one state codec. Per layer, the
 * parts of the cell's descriptor (h, and c for the LSTM), each [N, H]
 * row-major (row n is stream n). As plain arrays (StateArrays) the trainer
 * carries it from window to window, checkpoints store it (state.bin,
 * `carried/<layer>/<part>`), every engine takes and returns it, and the
 * samplers step, split and stack it; the same layer layout (LayerParts<T>)
 * holds CharRnn's tensors and the ort graphs' values, packed and unpacked
 * by the functions here.
 */
import { cellDescriptor, STATE_PARTS, type CellType, type StatePart } from './cells/descriptors.js';
import type { LayerParts } from './cells/cell.js';

export type { LayerParts, StatePart } from './cells/cell.js';

/** [N, H] per part. */
type LayerState = LayerParts<Float32Array>;

export interface StateArrays {
  streams: number;
  hidden: number;
  layers: LayerState[];
}

/** The parts of a layer's state: h, and c for the LSTM. */
export function statePartNames(cell: CellType): readonly StatePart[] {
  return cellDescriptor(cell).state;
}

/** Parts of a whole model's state: layers × the cell's parts (the rows of the packed layout, per stream). */
export function statePartCount(config: { cell: CellType; layers: number }): number {
  return config.layers * statePartNames(config.cell).length;
}

/** A layer of the cell's parts, each made by `make`. */
export function makeLayer<T>(cell: CellType, make: (part: StatePart) => T): LayerParts<T> {
  const layer: Partial<Record<StatePart, T>> = {};
  for (const part of statePartNames(cell)) layer[part] = make(part);
  return layer as LayerParts<T>;
}

/** The layer's parts, in storage order (h then c). */
function partsOf<T>(layer: LayerParts<T>): T[] {
  const out: T[] = [];
  for (const part of STATE_PARTS) if (layer[part] !== undefined) out.push(layer[part]);
  return out;
}

/** The same parts, each mapped through `f`. */
export function mapLayer<T, U>(layer: LayerParts<T>, f: (value: T, part: StatePart) => U): LayerParts<U> {
  const out: Partial<Record<StatePart, U>> = {};
  for (const part of STATE_PARTS) if (layer[part] !== undefined) out[part] = f(layer[part], part);
  return out as LayerParts<U>;
}

/** Every part of every layer in one list, layer by layer (h then c): the order of packState and of the graphs' state tensor. */
export function flattenLayers<T>(layers: readonly LayerParts<T>[]): T[] {
  return layers.flatMap(partsOf);
}

/** The inverse of flattenLayers for a cell's layers. */
export function unflattenLayers<T>(flat: readonly T[], cell: CellType): LayerParts<T>[] {
  const parts = statePartNames(cell);
  if (flat.length % parts.length !== 0) throw new Error(`${flat.length} state parts do not divide into layers of ${parts.length}`);
  return Array.from({ length: flat.length / parts.length }, (_, l) => makeLayer(cell, (part) => flat[l * parts.length + parts.indexOf(part)]!));
}

export function zeroState(config: { cell: CellType; layers: number; hidden: number }, streams: number): StateArrays {
  const size = streams * config.hidden;
  const layers = Array.from({ length: config.layers }, () => makeLayer(config.cell, () => new Float32Array(size)));
  return { streams, hidden: config.hidden, layers };
}

/** Every array of the state, layer by layer (h then c). */
export function stateParts(state: StateArrays): Float32Array[] {
  return flattenLayers(state.layers);
}

function mapParts(state: StateArrays, streams: number, f: (part: Float32Array) => Float32Array): StateArrays {
  return { streams, hidden: state.hidden, layers: state.layers.map((l) => mapLayer(l, f)) };
}

export function cloneState(state: StateArrays): StateArrays {
  return mapParts(state, state.streams, (p) => p.slice());
}

/**
 * Zeroes the state of the given streams in place (every layer and part):
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
    layers: first.layers.map((layer, l) =>
      mapLayer(layer, (_, part) => {
        const out = new Float32Array(streams * first.hidden);
        let offset = 0;
        for (const s of states) {
          const values = s.layers[l]![part]!;
          out.set(values, offset);
          offset += values.length;
        }
        return out;
      }),
    ),
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
  const expected = statePartCount({ cell, layers }) * size;
  if (values.length !== expected) throw new Error(`packed state has ${values.length} values, expected ${expected}`);
  // Plain loops: a sampling step makes one of these per character.
  const out: LayerState[] = new Array(layers);
  let at = 0;
  for (let l = 0; l < layers; l++) out[l] = makeLayer(cell, () => values.subarray(at, (at += size)));
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
  for (const part of stateParts(state)) {
    if (part.buffer !== first.buffer || part.length !== size || part.byteOffset !== at) return packState(state);
    at += size * 4;
  }
  return new Float32Array(first.buffer, first.byteOffset, (at - first.byteOffset) / 4);
}

/** The name under which a checkpoint's state.bin stores a part of the carried state. */
function entryName(layer: number, part: StatePart): string {
  return `carried/${layer}/${part}`;
}

/** Checkpoint entries (`carried/<layer>/h|c`, shape [N, H]) in storage order. */
export function stateEntries(state: StateArrays): { name: string; shape: number[]; values: Float32Array }[] {
  const shape = [state.streams, state.hidden];
  return state.layers.flatMap((layer, l) => STATE_PARTS.flatMap((part) => (layer[part] ? [{ name: entryName(l, part), shape, values: layer[part] }] : [])));
}

/** The entries a checkpoint of this model carrying `streams` streams may hold (stateEntries' names and shapes). */
export function stateEntrySpecs(config: { cell: CellType; layers: number; hidden: number }, streams: number): { name: string; shape: number[] }[] {
  const shape = [streams, config.hidden];
  return Array.from({ length: config.layers }, (_, l) => statePartNames(config.cell).map((part) => ({ name: entryName(l, part), shape }))).flat();
}

/**
 * The state from checkpoint entries (name → values, shapes already
 * checked against stateEntrySpecs), or the name of the first one missing.
 */
export function stateFromEntries(
  config: { cell: CellType; layers: number; hidden: number },
  streams: number,
  entries: ReadonlyMap<string, Float32Array>,
): { state: StateArrays } | { missing: string } {
  const missing = stateEntrySpecs(config, streams).find(({ name }) => !entries.has(name));
  if (missing) return { missing: missing.name };
  const layers = Array.from({ length: config.layers }, (_, l) => makeLayer(config.cell, (part) => entries.get(entryName(l, part))!));
  return { state: { streams, hidden: config.hidden, layers } };
}
