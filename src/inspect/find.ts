/**
 * `neurons --find`: for each property of the text, the units whose
 * activation tracks it best, by Pearson correlation over the text (a unit
 * that tracks the property inverted is as good: ranking is by |r|, the sign
 * is kept). A property is skipped when the text does not show it (constant,
 * or a yes/no property with fewer than MIN_CASES characters either way).
 */
import type { SignalName } from '../model/cells/descriptors.js';
import { PROPERTIES, type Property } from './properties.js';
import type { Activations } from './record.js';

/** A yes/no property needs this many characters with and without it. */
const MIN_CASES = 5;

/** A unit of the model: layer (0-based), signal and index. */
export interface UnitRef {
  layer: number;
  signal: SignalName;
  unit: number;
}

export interface RankedUnit extends UnitRef {
  /** Pearson correlation of the unit's activation with the property. */
  r: number;
}

export interface PropertyRanking {
  property: Property;
  values: Float64Array;
  /** Why it is not ranked (not in this text), or null when it is. */
  absent: string | null;
  units: RankedUnit[];
}

/** Why a property cannot be ranked on this text, or null. */
function absence(p: Property, values: Float64Array): string | null {
  let min = Infinity;
  let max = -Infinity;
  let ones = 0;
  for (const v of values) {
    min = Math.min(min, v);
    max = Math.max(max, v);
    if (v > 0) ones++;
  }
  if (values.length === 0 || min === max) return 'not in this text';
  if (p.binary && Math.min(ones, values.length - ones) < MIN_CASES) return `only ${Math.min(ones, values.length - ones)} characters in this text`;
  return null;
}

/**
 * Ranks every unit of `signals` (those recorded) for every property.
 * @param chars the text, one code point per activation row
 * @param top units kept per property
 */
export function rankUnits(a: Activations, chars: readonly string[], signals: readonly SignalName[], top: number): PropertyRanking[] {
  const T = a.length;
  const H = a.config.hidden;
  if (chars.length !== T) throw new Error(`rankUnits: ${chars.length} characters for ${T} activation rows`);
  // Per series (layer, signal): each unit's spread √Σ(x − x̄)², computed once for all properties.
  const series = a.layers.flatMap((layer, l) =>
    signals.filter((s) => layer[s] !== undefined).map((signal) => {
      const x = layer[signal]!;
      const mean = new Float64Array(H);
      for (let t = 0; t < T; t++) for (let u = 0; u < H; u++) mean[u]! += x[t * H + u]!;
      for (let u = 0; u < H; u++) mean[u]! /= Math.max(1, T);
      const spread = new Float64Array(H);
      for (let t = 0; t < T; t++) {
        for (let u = 0; u < H; u++) {
          const d = x[t * H + u]! - mean[u]!;
          spread[u]! += d * d;
        }
      }
      return { layer: l, signal, x, spread: spread.map(Math.sqrt) };
    }),
  );
  return PROPERTIES.map((property) => {
    const values = property.values(chars);
    const why = absence(property, values);
    if (why !== null) return { property, values, absent: why, units: [] };
    let mean = 0;
    for (const v of values) mean += v / T;
    const centred = values.map((v) => v - mean);
    const norm = Math.sqrt(centred.reduce((s, v) => s + v * v, 0));
    const all: RankedUnit[] = [];
    for (const s of series) {
      // Σ (y − ȳ)(x − x̄) = Σ (y − ȳ)·x, since the centred y sums to 0.
      const dot = new Float64Array(H);
      for (let t = 0; t < T; t++) {
        const y = centred[t]!;
        if (y === 0) continue;
        const row = t * H;
        for (let u = 0; u < H; u++) dot[u]! += y * s.x[row + u]!;
      }
      for (let u = 0; u < H; u++) {
        const spread = s.spread[u]!;
        // A unit that never moves (e.g. saturated throughout) tracks nothing.
        const r = spread > 1e-9 ? dot[u]! / (norm * spread) : 0;
        all.push({ layer: s.layer, signal: s.signal, unit: u, r: Math.max(-1, Math.min(1, r)) });
      }
    }
    // Strongest first; equal strengths in a fixed order (layer, signal, unit).
    all.sort((p, q) => Math.abs(q.r) - Math.abs(p.r) || p.layer - q.layer || signals.indexOf(p.signal) - signals.indexOf(q.signal) || p.unit - q.unit);
    return { property, values, absent: null, units: all.slice(0, top) };
  });
}

/**
 * The stretch of `length` characters where the property changes most (the
 * largest variance), for the one-line previews: a view of quotes opening and
 * closing, not of plain prose. Returns [start, end).
 */
export function previewWindow(values: Float64Array, length: number): [number, number] {
  const T = values.length;
  const w = Math.max(1, Math.min(length, T));
  let sum = 0;
  let squares = 0;
  for (let t = 0; t < w; t++) {
    sum += values[t]!;
    squares += values[t]! * values[t]!;
  }
  let best = 0;
  let bestVariance = squares - (sum * sum) / w;
  for (let start = 1; start + w <= T; start++) {
    const out = values[start - 1]!;
    const added = values[start + w - 1]!;
    sum += added - out;
    squares += added * added - out * out;
    const variance = squares - (sum * sum) / w;
    if (variance > bestVariance + 1e-9) {
      best = start;
      bestVariance = variance;
    }
  }
  return [best, best + w];
}
