/**
 * Gate saturation, as in Karpathy, Johnson & Fei-Fei (2015), figure 3: for
 * every gate unit, the share of characters at which it is left-saturated
 * (< 0.1: nearly shut) and right-saturated (> 0.9: nearly open), and one
 * sentence per layer saying what the most saturated gates do.
 */
import { cellDescriptor, SIGNAL_LABELS, type SignalName } from '../model/cells/descriptors.js';
import type { Activations } from './record.js';

export const LEFT = 0.1;
export const RIGHT = 0.9;

/** A gate's name without the word: 'forget' for f. */
export function gateName(gate: SignalName): string {
  return SIGNAL_LABELS[gate].replace(/ gate$/, '');
}

export interface GateStats {
  /** 0-based. */
  layer: number;
  gate: SignalName;
  /** Per unit: share of characters with the gate < LEFT. */
  left: Float64Array;
  /** Per unit: share of characters with the gate > RIGHT. */
  right: Float64Array;
}

export function gateStatistics(a: Activations): GateStats[] {
  const H = a.config.hidden;
  const T = a.length;
  const out: GateStats[] = [];
  a.layers.forEach((layer, l) => {
    for (const gate of cellDescriptor(a.config.cell).gateSignals) {
      const x = layer[gate];
      if (!x) continue;
      const left = new Float64Array(H);
      const right = new Float64Array(H);
      for (let t = 0; t < T; t++) {
        for (let u = 0; u < H; u++) {
          const v = x[t * H + u]!;
          if (v < LEFT) left[u]!++;
          else if (v > RIGHT) right[u]!++;
        }
      }
      for (let u = 0; u < H; u++) {
        left[u]! /= Math.max(1, T);
        right[u]! /= Math.max(1, T);
      }
      out.push({ layer: l, gate, left, right });
    }
  });
  return out;
}

/** What a gate that is mostly open (right-saturated) or mostly shut (left-saturated) means. */
const MEANING: Partial<Record<SignalName, { open: string; shut: string }>> = {
  f: { open: 'information flows along the cell state (long memory)', shut: 'the cell state is wiped at almost every character (short memory)' },
  i: { open: 'new input is written into the cell at almost every character', shut: 'the cell ignores most of its input' },
  o: { open: 'the cell state is shown to the layer above almost all the time', shut: 'the cell keeps its state hidden most of the time' },
  // GRU: h' = z·h + (1 − z)·ĥ, so z near 1 keeps the old state.
  z: { open: 'units keep their state: information flows along the hidden state (long memory)', shut: 'units are overwritten by new input at almost every character' },
  r: { open: 'the candidate sees the whole previous state', shut: 'the candidate mostly ignores the previous state (reset)' },
};

export interface Finding {
  layer: number;
  gate: SignalName;
  side: 'open' | 'shut';
  /** Share of characters the gate must spend saturated to count (0.9 or 0.5). */
  time: number;
  /** Share of the layer's units that do. */
  share: number;
}

/** Below this share of units, a finding is not worth a sentence. */
const NOTABLE = 0.2;

/** The most notable saturation of each layer: the largest share of gates saturated > 90% of the time, else > 50%, else none. */
export function layerFindings(stats: GateStats[]): (Finding | null)[] {
  const layers = Math.max(0, ...stats.map((s) => s.layer + 1));
  return Array.from({ length: layers }, (_, layer) => {
    const mine = stats.filter((s) => s.layer === layer);
    for (const time of [0.9, 0.5]) {
      let best: Finding | null = null;
      for (const s of mine) {
        for (const side of ['open', 'shut'] as const) {
          const shares = side === 'open' ? s.right : s.left;
          const share = shares.filter((v) => v > time).length / Math.max(1, shares.length);
          if (share >= NOTABLE && (best === null || share > best.share)) best = { layer, gate: s.gate, side, time, share };
        }
      }
      if (best) return best;
    }
    return null;
  });
}

/** "62% of layer-2 forget gates are open (> 0.9) more than 90% of the time: information flows along the cell state (long memory)" */
export function describeFinding(f: Finding | null, layer: number, stats: GateStats[]): string {
  if (f === null) {
    const mine = stats.filter((s) => s.layer === layer);
    const units = mine.reduce((n, s) => n + s.left.length, 0);
    const never = mine.reduce((n, s) => n + s.left.filter((v, u) => v + s.right[u]! < 0.1).length, 0);
    return `layer ${layer + 1}: no gate is saturated most of the time; ${pct(never / Math.max(1, units))} of its gates are saturated less than 10% of the time: they work in their graded range`;
  }
  const name = gateName(f.gate);
  const state = f.side === 'open' ? `open (> ${RIGHT})` : `shut (< ${LEFT})`;
  const meaning = MEANING[f.gate]?.[f.side] ?? '';
  return `${pct(f.share)} of layer-${f.layer + 1} ${name} gates are ${state} more than ${pct(f.time)} of the time${meaning ? `: ${meaning}` : ''}`;
}

function pct(x: number): string {
  return `${Math.round(100 * x)}%`;
}
