/**
 * The text reports of `charnn neurons`: the unit view, the ranked units per
 * property with a one-line preview each, and the gate-saturation figure
 * (one small scatter per layer and gate, as the paper's figure 3) with the
 * reading of each layer. Pure functions from data to lines.
 */
import type { SignalName } from '../model/cells/descriptors.js';
import { wrapWords } from '../util/text.js';
import { previewWindow, type PropertyRanking, type RankedUnit, type UnitRef } from './find.js';
import { describeFinding, gateName, LEFT, layerFindings, RIGHT, type GateStats } from './gates.js';
import { legend, paintedLines, paintedStrip } from './paint.js';
import type { Activations } from './record.js';
import { unitSeries } from './record.js';

interface ReportOptions {
  width: number;
  color: boolean;
}

const GATE_SIGNALS = new Set<SignalName>(['i', 'f', 'o', 'z', 'r']);

/**
 * A unit's values mapped to [−1, 1] for colour: gates (0 … 1) as they are,
 * stretched; h and c divided by their largest magnitude over the text, so
 * that 0 stays white and a unit's swing shows whatever its size. Returns the
 * scaled values and that magnitude (1 for gates).
 */
function colourScale(signal: SignalName, series: Float32Array): { scaled: Float64Array; magnitude: number } {
  if (GATE_SIGNALS.has(signal)) return { scaled: Float64Array.from(series, (x) => 2 * x - 1), magnitude: 1 };
  let magnitude = 0;
  for (const x of series) magnitude = Math.max(magnitude, Math.abs(x));
  return { scaled: Float64Array.from(series, (x) => (magnitude > 0 ? x / magnitude : 0)), magnitude };
}

/** The legend's end labels for a signal whose colours span ±magnitude. */
function legendFor(signal: SignalName, magnitude: number, color: boolean): string {
  if (GATE_SIGNALS.has(signal)) return legend('0 (shut)', '0.5', '1 (open)', color);
  const m = Number(magnitude.toPrecision(2));
  return legend(`−${m}`, '0', `+${m}`, color);
}

/** "c 2:17" — layers counted from 1, units from 0. */
export function unitLabel(u: UnitRef): string {
  return `${u.signal} ${u.layer + 1}:${u.unit}`;
}

/** The text painted by one unit, with a legend. */
export function unitView(a: Activations, chars: readonly string[], u: UnitRef, o: ReportOptions): string[] {
  const { scaled, magnitude } = colourScale(u.signal, unitSeries(a, u.layer, u.signal, u.unit));
  return [legendFor(u.signal, magnitude, o.color), '', ...paintedLines(chars, scaled, o.width, o.color)];
}

/** Per property: a heading, the property itself painted over its preview window, and its best units with r, each painted over the same window. */
export function findReport(rankings: PropertyRanking[], a: Activations, chars: readonly string[], o: ReportOptions): string[] {
  const lines: string[] = [];
  const label = (u: RankedUnit) => `  ${unitLabel(u).padEnd(8)} ${formatR(u.r)}`;
  const labelWidth = Math.max(0, ...rankings.flatMap((r) => [`  ${r.property.key}`.length, ...r.units.map((u) => label(u).length)]));
  const strip = Math.max(8, o.width - labelWidth - 2);
  const bold = (s: string) => (o.color ? `\x1b[1m${s}\x1b[0m` : s);
  const push = (head: string, painted: string[]) => {
    lines.push(`${head.padEnd(labelWidth)}  ${painted[0]}`);
    if (painted.length > 1) lines.push(`${' '.repeat(labelWidth)}  ${painted[1]}`);
  };
  for (const r of rankings) {
    if (r.absent !== null) {
      if (!r.property.code) lines.push(`${bold(r.property.name)}: ${r.absent}`);
      continue;
    }
    const [start, end] = previewWindow(r.values, strip);
    lines.push(`${bold(r.property.name)} ${describeValues(r)}`);
    push(`  ${r.property.key}`, paintedStrip(chars, scaleWindow(r.values, start, end, r.property.binary), start, end, strip, o.color));
    for (const u of r.units) {
      const { scaled } = colourScale(u.signal, unitSeries(a, u.layer, u.signal, u.unit));
      push(label(u), paintedStrip(chars, scaled, start, end, strip, o.color));
    }
  }
  return lines;
}

/** "r +0.71" with a real minus sign. */
function formatR(r: number): string {
  const s = Math.abs(r).toFixed(2);
  return `r ${r < 0 ? '−' : '+'}${s}`;
}

function describeValues(r: PropertyRanking): string {
  const v = r.values;
  if (r.property.binary) {
    const ones = v.reduce((n, x) => n + (x > 0 ? 1 : 0), 0);
    return `(${ones.toLocaleString('en-US')} of ${v.length.toLocaleString('en-US')} characters)`;
  }
  let max = 0;
  let sum = 0;
  for (const x of v) {
    max = Math.max(max, x);
    sum += x;
  }
  return `(0 to ${max}, mean ${(sum / Math.max(1, v.length)).toFixed(1)})`;
}

/** The property over a window, stretched to [−1, 1] for colour (yes/no: −1/+1; counts: the window's range). */
function scaleWindow(values: Float64Array, start: number, end: number, binary: boolean): Float64Array {
  const out = new Float64Array(values.length);
  if (binary) {
    for (let t = start; t < end; t++) out[t] = values[t]! > 0 ? 1 : -1;
    return out;
  }
  let min = Infinity;
  let max = -Infinity;
  for (let t = start; t < end; t++) {
    min = Math.min(min, values[t]!);
    max = Math.max(max, values[t]!);
  }
  for (let t = start; t < end; t++) out[t] = max > min ? (2 * (values[t]! - min)) / (max - min) - 1 : 0;
  return out;
}

const PLOT_W = 20;
const PLOT_H = 8;
const PANEL_W = PLOT_W + 2;
/** Units per mark: . 1, : 2–3, + 4–7, * 8–15, # 16–31, @ 32 or more. */
const MARKS = ['.', ':', '+', '*', '#', '@'];

function mark(count: number): string {
  return MARKS[Math.min(MARKS.length - 1, Math.floor(Math.log2(count)))]!;
}

/** One scatter: x = share of time left-saturated, y = share right-saturated; one mark per cell counting its units. */
function panel(s: GateStats): string[] {
  const counts = Array.from({ length: PLOT_H }, () => new Array<number>(PLOT_W).fill(0));
  s.left.forEach((x, u) => {
    const col = Math.min(PLOT_W - 1, Math.floor(x * PLOT_W));
    const row = Math.min(PLOT_H - 1, Math.floor(s.right[u]! * PLOT_H));
    counts[row]![col]!++;
  });
  const title = `layer ${s.layer + 1} · ${gateName(s.gate)} (${s.gate})`;
  const lines = [title.padEnd(PANEL_W)];
  for (let row = PLOT_H - 1; row >= 0; row--) {
    const axis = row === PLOT_H - 1 ? '1│' : ' │';
    lines.push(axis + counts[row]!.map((n) => (n === 0 ? ' ' : mark(n))).join(''));
  }
  lines.push(`0└${'─'.repeat(PLOT_W)}`);
  lines.push(` 0${'left-saturated'.padStart(PLOT_W / 2 + 7).padEnd(PLOT_W - 1)}1`);
  return lines;
}

/** The gate figure: per layer a row of panels (wrapping to the width), a legend, and one reading per layer. */
export function gateReport(stats: GateStats[], o: ReportOptions): string[] {
  const lines: string[] = [];
  const perRow = Math.max(1, Math.floor((o.width + 2) / (PANEL_W + 2)));
  const layers = Math.max(0, ...stats.map((s) => s.layer + 1));
  for (let l = 0; l < layers; l++) {
    const mine = stats.filter((s) => s.layer === l);
    for (let k = 0; k < mine.length; k += perRow) {
      const panels = mine.slice(k, k + perRow).map(panel);
      for (let row = 0; row < panels[0]!.length; row++) lines.push(panels.map((p) => p[row]!.padEnd(PANEL_W)).join('  ').trimEnd());
      lines.push('');
    }
  }
  const wrap = (text: string) => wrapWords(text, o.width);
  lines.push(
    ...wrap(`x: share of the text a gate unit is left-saturated (< ${LEFT}, shut); y (1│ at the top): share right-saturated (> ${RIGHT}, open). Marks count units: . 1  : 2–3  + 4–7  * 8–15  # 16–31  @ 32+`),
  );
  lines.push('');
  const findings = layerFindings(stats);
  findings.forEach((f, l) => lines.push(...wrap(describeFinding(f, l, stats))));
  return lines;
}
