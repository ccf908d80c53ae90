/**
 * Terminal line chart as plain strings. Lines are drawn with braille dots
 * (2×4 dots per cell), point series with a marker character; both share a
 * labelled y axis (linear or log10) and x axis, and a legend row. Every
 * returned line is exactly `width` columns (ANSI colour codes, when enabled,
 * add no columns) and exactly `height` lines are returned.
 */
import { defaultFormatX, formatLogLabel, linearFormatter, niceStep } from './chart-scale.js';
import { displayWidth, truncate } from '../../util/text.js';

export interface ChartPoint {
  x: number;
  y: number;
}

export type ChartColor = 'cyan' | 'yellow' | 'magenta' | 'green' | 'red' | 'blue' | 'white';

export interface ChartSeries {
  name: string;
  /** In drawing order (ascending x). Non-finite y, or y ≤ 0 on a log scale, breaks the line. */
  points: readonly ChartPoint[];
  /** Draw each point as this (single-column) character instead of a braille line. */
  marker?: string;
  /**
   * A reference drawn under the data (e.g. a chance level): later markers
   * cover it. Markers of ordinary series that land on the same cell are
   * moved up to three columns aside instead, so no series disappears.
   */
  backdrop?: boolean;
  color?: ChartColor;
}

interface LineChartOptions {
  width: number;
  height: number;
  /** Plot log10(y); for values spanning many decades, e.g. 1e-12…1. */
  logScale?: boolean;
  /** Emit ANSI colours for the series (pass false for NO_COLOR). Default false. */
  color?: boolean;
  /** Text at the start of the legend row, e.g. `loss (nats)`. */
  title?: string;
  /** Show the legend row (default true, dropped when height < 4). */
  legend?: boolean;
  /** Fix the x domain instead of fitting it to the data (points outside are clipped). */
  xMin?: number;
  xMax?: number;
  formatX?: (x: number) => string;
  formatY?: (y: number) => string;
  /** Shown in the plot area when no series has a drawable point. */
  emptyMessage?: string;
}

const PALETTE: ChartColor[] = ['cyan', 'yellow', 'magenta', 'green', 'red', 'blue'];
const SGR: Record<ChartColor, number> = { red: 31, green: 32, yellow: 33, blue: 34, magenta: 35, cyan: 36, white: 37 };
const LINE_SYMBOL = '⠒⠒';
// Braille dot bits indexed [column][row] within a cell.
const DOT = [
  [0x01, 0x02, 0x04, 0x40],
  [0x08, 0x10, 0x20, 0x80],
];

export { formatLogLabel } from './chart-scale.js';

function paint(text: string, color: ChartColor | undefined, enabled: boolean): string {
  return enabled && color && text.trim() !== '' ? `\u001B[${SGR[color]}m${text}\u001B[39m` : text;
}

/**
 * Average points into at most `bins` buckets of equal x width (non-finite
 * y values are ignored within a bucket; a bucket of only those stays NaN, a
 * gap). Use it before charting a noisy series with more points than pixels.
 */
export function binPoints(points: readonly ChartPoint[], bins: number): ChartPoint[] {
  if (points.length <= bins || bins < 1) return points.slice();
  let lo = Infinity;
  let hi = -Infinity;
  for (const p of points) {
    if (!Number.isFinite(p.x)) continue;
    lo = Math.min(lo, p.x);
    hi = Math.max(hi, p.x);
  }
  if (lo > hi) return [];
  if (hi === lo) return points.slice(-bins);
  const sx = new Float64Array(bins);
  const sy = new Float64Array(bins);
  const n = new Uint32Array(bins);
  const ny = new Uint32Array(bins);
  for (const p of points) {
    if (!Number.isFinite(p.x)) continue;
    const b = Math.min(bins - 1, Math.floor(((p.x - lo) / (hi - lo)) * bins));
    sx[b]! += p.x;
    n[b]! += 1;
    if (Number.isFinite(p.y)) {
      sy[b]! += p.y;
      ny[b]! += 1;
    }
  }
  const out: ChartPoint[] = [];
  for (let b = 0; b < bins; b++) {
    if (n[b]! > 0) out.push({ x: sx[b]! / n[b]!, y: ny[b]! > 0 ? sy[b]! / ny[b]! : NaN });
  }
  return out;
}

interface Grid {
  w: number;
  h: number;
  bits: Uint8Array;
  owner: Int16Array;
  marks: (string | null)[];
  markOwner: Int16Array;
}

function setDot(g: Grid, px: number, py: number, s: number): void {
  if (px < 0 || py < 0 || px >= g.w * 2 || py >= g.h * 4) return;
  const cell = Math.floor(py / 4) * g.w + Math.floor(px / 2);
  g.bits[cell]! |= DOT[px % 2]![py % 4]!;
  g.owner[cell] = s;
}

function drawLine(g: Grid, x0: number, y0: number, x1: number, y1: number, s: number): void {
  const dx = Math.abs(x1 - x0);
  const dy = -Math.abs(y1 - y0);
  const sx = x0 < x1 ? 1 : -1;
  const sy = y0 < y1 ? 1 : -1;
  let err = dx + dy;
  for (;;) {
    setDot(g, x0, y0, s);
    if (x0 === x1 && y0 === y1) return;
    const e2 = 2 * err;
    if (e2 >= dy) {
      err += dy;
      x0 += sx;
    }
    if (e2 <= dx) {
      err += dx;
      y0 += sy;
    }
  }
}

/** The cell for a marker at (row, col): there, or the nearest free one beside it. */
function freeMarkCell(g: Grid, series: readonly ChartSeries[], self: number, row: number, col: number): number {
  const free = (c: number) => {
    const owner = g.markOwner[row * g.w + c]!;
    return owner < 0 || owner === self || series[owner]?.backdrop === true;
  };
  for (const d of [0, 1, -1, 2, -2, 3, -3]) {
    const c = col + d;
    if (c >= 0 && c < g.w && free(c)) return row * g.w + c;
  }
  return row * g.w + col;
}

export function renderLineChart(series: readonly ChartSeries[], options: LineChartOptions): string[] {
  const width = Math.max(0, Math.floor(options.width));
  const height = Math.max(0, Math.floor(options.height));
  if (height === 0) return [];
  const log = options.logScale === true;
  const colorOn = options.color === true;
  const colorOf = (i: number): ChartColor => series[i]?.color ?? PALETTE[i % PALETTE.length]!;
  const valid = (p: ChartPoint) => Number.isFinite(p.x) && Number.isFinite(p.y) && (!log || p.y > 0);
  const ty = (y: number) => (log ? Math.log10(y) : y);
  const untY = (t: number) => (log ? 10 ** t : t);

  // Rows: plot, x axis, x labels, legend; the least important go first when short.
  const showLegend = options.legend !== false && height >= 4;
  const showXLabels = height >= 3;
  const showXAxis = height >= 2;
  const plotH = height - (showLegend ? 1 : 0) - (showXLabels ? 1 : 0) - (showXAxis ? 1 : 0);

  // Data ranges.
  let xLo = Infinity, xHi = -Infinity, yLo = Infinity, yHi = -Infinity;
  for (const s of series) {
    for (const p of s.points) {
      if (!valid(p)) continue;
      xLo = Math.min(xLo, p.x);
      xHi = Math.max(xHi, p.x);
      yLo = Math.min(yLo, ty(p.y));
      yHi = Math.max(yHi, ty(p.y));
    }
  }
  const empty = xLo > xHi;
  if (empty) [xLo, xHi, yLo, yHi] = [0, 1, log ? -1 : 0, log ? 0 : 1];
  if (options.xMin !== undefined && Number.isFinite(options.xMin)) xLo = options.xMin;
  if (options.xMax !== undefined && Number.isFinite(options.xMax)) xHi = options.xMax;
  if (xHi < xLo) xHi = xLo;
  if (yLo === yHi) {
    const pad = log ? 0.5 : Math.abs(yLo) * 0.05 || 0.5;
    yLo -= pad;
    yHi += pad;
  }
  const xDegenerate = xLo === xHi;

  // Y labels decide the gutter width.
  const fmtY = options.formatY ?? (log ? formatLogLabel : linearFormatter(untY(yLo), untY(yHi), plotH));
  const labelRows = new Map<number, string>();
  const intervals = Math.max(1, Math.round((plotH - 1) / 4));
  for (let i = 0; i <= intervals && !empty; i++) {
    const r = Math.round((i * (plotH - 1)) / intervals);
    const t = r === 0 ? yHi : r === plotH - 1 ? yLo : yHi - ((4 * r + 1.5) / (4 * plotH - 1)) * (yHi - yLo);
    labelRows.set(r, fmtY(untY(t)));
  }
  let gutter = Math.max(0, ...[...labelRows.values()].map((l) => l.length));
  let plotW = width - gutter - 2;
  if (plotW < 2 || gutter === 0) {
    gutter = 0;
    labelRows.clear();
    plotW = width - 1;
  }
  if (plotW < 1) return Array.from({ length: height }, () => ' '.repeat(width));
  const left = gutter === 0 ? '' : ' '; // space between labels and axis
  const offset = gutter + left.length + 1;

  // Rasterise.
  const g: Grid = {
    w: plotW,
    h: Math.max(plotH, 0),
    bits: new Uint8Array(plotW * Math.max(plotH, 0)),
    owner: new Int16Array(plotW * Math.max(plotH, 0)).fill(-1),
    marks: new Array<string | null>(plotW * Math.max(plotH, 0)).fill(null),
    markOwner: new Int16Array(plotW * Math.max(plotH, 0)).fill(-1),
  };
  const pxOf = (x: number) =>
    xDegenerate ? Math.floor((2 * plotW - 1) / 2) : Math.round(((x - xLo) / (xHi - xLo)) * (2 * plotW - 1));
  const pyOf = (y: number) => Math.round(((yHi - ty(y)) / (yHi - yLo)) * (4 * plotH - 1));
  if (plotH > 0) {
    series.forEach((s, si) => {
      let prev: [number, number] | null = null;
      for (const p of s.points) {
        if (!valid(p)) {
          prev = null;
          continue;
        }
        const px = pxOf(p.x);
        const py = pyOf(p.y);
        if (s.marker !== undefined) {
          if (px < 0 || px >= 2 * plotW) continue;
          const cell = freeMarkCell(g, series, si, Math.floor(py / 4), Math.floor(px / 2));
          g.marks[cell] = s.marker;
          g.markOwner[cell] = si;
        } else if (prev) drawLine(g, prev[0], prev[1], px, py, si);
        else setDot(g, px, py, si);
        prev = [px, py];
      }
    });
  }

  const lines: string[] = [];
  const message = empty ? truncate(options.emptyMessage ?? 'no data yet', plotW) : '';
  const messageRow = Math.floor((plotH - 1) / 2);
  for (let r = 0; r < plotH; r++) {
    const label = labelRows.get(r);
    const axis = label !== undefined ? '┤' : '│';
    let row = '';
    let run = '';
    let runColor: ChartColor | undefined;
    const flush = () => {
      row += paint(run, runColor, colorOn);
      run = '';
    };
    for (let c = 0; c < plotW; c++) {
      const cell = r * plotW + c;
      let ch = ' ';
      let col: ChartColor | undefined;
      if (g.marks[cell] !== null) {
        ch = g.marks[cell]!;
        col = colorOf(g.markOwner[cell]!);
      } else if (g.bits[cell]! !== 0) {
        ch = String.fromCharCode(0x2800 + g.bits[cell]!);
        col = colorOf(g.owner[cell]!);
      }
      if (col !== runColor) {
        flush();
        runColor = col;
      }
      run += ch;
    }
    flush();
    if (empty && r === messageRow) {
      const start = Math.max(0, Math.floor((plotW - message.length) / 2));
      row = ' '.repeat(start) + message + ' '.repeat(Math.max(0, plotW - start - message.length));
    }
    lines.push((label ?? '').padStart(gutter) + left + axis + row);
  }

  // X axis: the two ends plus round values in between, each tick labelled.
  const fmtX = options.formatX ?? defaultFormatX;
  const ticks: { col: number; label: string; align: 'left' | 'center' | 'right' }[] = [];
  if (xDegenerate) {
    ticks.push({ col: Math.floor(pxOf(xLo) / 2), label: fmtX(xLo), align: 'center' });
  } else if (!(empty && options.xMin === undefined)) {
    // Ends first, so they win any collision with a round value.
    ticks.push({ col: 0, label: fmtX(xLo), align: 'left' }, { col: plotW - 1, label: fmtX(xHi), align: 'right' });
    const step = niceStep((xHi - xLo) / Math.max(1, Math.floor(plotW / 12)));
    const first = Math.ceil(xLo / step) * step;
    for (let v = first; step > 0 && v < xHi && v - first <= plotW * step; v += step) {
      if (v > xLo) ticks.push({ col: Math.floor(pxOf(v) / 2), label: fmtX(v), align: 'center' });
    }
  }
  const labelChars = Array.from({ length: width }, () => ' ');
  const tickCols = new Set<number>();
  const placed: { start: number; end: number; label: string }[] = [];
  for (const t of ticks) {
    const label = truncate(t.label, width);
    const at = offset + t.col;
    const want = t.align === 'left' ? at : t.align === 'right' ? at - label.length + 1 : at - Math.floor(label.length / 2);
    const start = Math.max(0, Math.min(width - label.length, want));
    const end = start + label.length - 1;
    // Keep a space between labels, and never print the same label twice.
    if (placed.some((p) => p.label === label || (start <= p.end + 1 && end >= p.start - 1))) continue;
    placed.push({ start, end, label });
    tickCols.add(t.col);
    for (let k = 0; k < label.length; k++) labelChars[start + k] = label[k]!;
  }
  if (showXAxis) {
    const axis = Array.from({ length: plotW }, (_, c) => (tickCols.has(c) ? '┬' : '─'));
    lines.push(' '.repeat(gutter) + left + '└' + axis.join(''));
  }
  if (showXLabels) lines.push(labelChars.join(''));
  if (showLegend) {
    const room = width - offset;
    const parts: string[] = [];
    let plain = options.title ? `${options.title}  ` : '';
    let painted = plain;
    series.forEach((s, si) => {
      const symbol = s.marker ?? LINE_SYMBOL;
      const entry = `${symbol} ${s.name}`;
      const sep = parts.length > 0 ? '  ' : '';
      if (displayWidth(plain + sep + entry) > room) return;
      parts.push(entry);
      plain += sep + entry;
      painted += sep + paint(symbol, colorOf(si), colorOn) + ` ${s.name}`;
    });
    if (displayWidth(plain) > room) painted = plain = truncate(plain, Math.max(0, room));
    lines.push(' '.repeat(offset) + painted + ' '.repeat(Math.max(0, room - displayWidth(plain))));
  }
  return lines;
}
