/**
 * Tables and charts of the compare and gradients commands, as plain lines:
 * the Ink views draw them, and without a terminal they are printed as they
 * are. Pure functions of the results, so tests can read them.
 */
import type { CompareBudget, CompareRow } from '../../compare/compare.js';
import type { GradientSpan } from '../../compare/gradient-span.js';
import type { RecallRunResult } from '../../compare/recall.js';
import type { CellType } from '../../model/config.js';
import { formatCount, formatDuration, UNKNOWN } from '../shared/format.js';
import { escapeControls } from '../../util/escape.js';
import { displayWidth, flattenText, truncate } from '../../util/text.js';
import { renderLineChart, type ChartColor, type ChartSeries } from '../shared/line-chart.js';

const CELL_COLORS: Record<CellType, ChartColor> = { rnn: 'red', lstm: 'cyan', gru: 'yellow' };
/** Without colour the curves are told apart by letter markers instead. */
const CELL_MARKERS: Record<CellType, string> = { rnn: 'R', lstm: 'L', gru: 'G' };

function cellSeries(cell: CellType, points: ChartSeries['points'], color: boolean): ChartSeries {
  return color ? { name: cell, color: CELL_COLORS[cell], points } : { name: cell, marker: CELL_MARKERS[cell], points };
}

type Align = 'left' | 'right';

/** Columns padded to their widest entry, two spaces apart, header and rule first. */
function renderTable(headers: string[], rows: string[][], align: Align[]): string[] {
  const widths = headers.map((h, i) => Math.max(displayWidth(h), ...rows.map((r) => displayWidth(r[i] ?? ''))));
  const pad = (text: string, i: number) => {
    const room = widths[i]! - displayWidth(text);
    return align[i] === 'right' ? ' '.repeat(room) + text : text + ' '.repeat(room);
  };
  const line = (cells: string[]) => cells.map((c, i) => pad(c, i)).join('  ').trimEnd();
  return [line(headers), widths.map((w) => '─'.repeat(w)).join('  '), ...rows.map(line)];
}

const fixed = (v: number | null | undefined, digits: number) => (v === null || v === undefined || !Number.isFinite(v) ? UNKNOWN : v.toFixed(digits));

/** A figure of a row still being trained, or of a finished one. */
export interface CompareTableRow {
  cell: CellType;
  hidden: number;
  params: number;
  steps: number;
  msPerStep: number | null;
  charsPerSec: number | null;
  bestValLoss: number | null;
  elapsedMs: number | null;
  status?: 'waiting' | 'running' | 'done';
}

export function compareRowFromResult(r: CompareRow): CompareTableRow {
  return { ...r, status: 'done' };
}

export function compareTable(rows: readonly CompareTableRow[]): string[] {
  const marks = { waiting: ' ', running: '▸', done: ' ' } as const;
  return renderTable(
    [' cell', 'hidden', 'params', 'steps', 'ms/step', 'chars/s', 'best val (nats)', 'bpc', 'time'],
    rows.map((r) => [
      `${marks[r.status ?? 'done']}${r.cell}`,
      String(r.hidden),
      formatCount(r.params),
      r.status === 'waiting' ? UNKNOWN : formatCount(r.steps),
      fixed(r.msPerStep, 1),
      r.charsPerSec === null ? UNKNOWN : formatCount(r.charsPerSec),
      fixed(r.bestValLoss, 4),
      fixed(r.bestValLoss === null ? null : r.bestValLoss / Math.LN2, 3),
      r.elapsedMs === null || r.status === 'waiting' ? UNKNOWN : formatDuration(r.elapsedMs),
    ]),
    ['left', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'right'],
  );
}

/** One line per cell: its latest sample on one line, cut to `width` columns when given (the live view's FrameLines cuts). */
export function sampleLines(samples: readonly { cell: CellType; text: string | null }[], width = Infinity): string[] {
  return samples.map((s) => truncate(`${s.cell.padEnd(4)} │ ${s.text === null ? UNKNOWN : flattenText(s.text)}`, width));
}

export function budgetLine(b: CompareBudget, corpus: string, match: 'hidden' | 'params'): string {
  const limit = [b.maxSteps !== null ? `${formatCount(b.maxSteps)} steps` : null, b.maxTimeMs !== null ? formatDuration(b.maxTimeMs) : null]
    .filter(Boolean)
    .join(' or ');
  return (
    `${escapeControls(corpus)}: ${limit || 'no limit'} each on ${b.engine}, batch ${b.batchSize} × seq-len ${b.seqLen}, lr ${b.lr}, seed ${b.seed}, ` +
    `validation every ${b.evalEvery} steps on ${b.evalBatches === 0 ? 'the whole split' : `${b.evalBatches} batches`}` +
    (match === 'params' ? ', hidden sizes matched for equal parameters' : ', same hidden size')
  );
}

export function valLossChart(series: readonly { cell: CellType; val: readonly [number, number][] }[], width: number, height: number, color: boolean, maxSteps: number | null): string[] {
  const s: ChartSeries[] = series.map((c) => cellSeries(c.cell, c.val.map(([x, y]) => ({ x, y })), color));
  return renderLineChart(s, {
    width, height, color, title: 'validation loss (nats) by step', xMin: 0, xMax: maxSteps ?? undefined, emptyMessage: 'waiting for the first evaluation',
  });
}

/** Distances shown as columns of the gradients table. */
function gradientColumns(span: number): number[] {
  return [...new Set([1, 10, 20, 50, 100, span].filter((k) => k <= span))].sort((a, b) => a - b);
}

export function gradientTable(spans: readonly GradientSpan[]): string[] {
  const span = Math.max(...spans.map((s) => s.span));
  const ks = gradientColumns(span);
  const threshold = spans[0]?.threshold ?? 1e-3;
  return renderTable(
    ['cell', 'hidden', 'layers', ...ks.map((k) => (k === 1 ? '‖∂L/∂h‖ k=1' : `k=${k} (rel.)`)), `< ${threshold.toExponential(0)} at k`, 'last-char loss'],
    spans.map((s) => [
      s.cell,
      String(s.hidden),
      String(s.layers),
      ...ks.map((k) => (k > s.span ? UNKNOWN : k === 1 ? s.norms[1]!.toExponential(2) : s.relative[k]!.toExponential(1))),
      s.decayDistance === null ? `> ${s.span}` : String(s.decayDistance),
      s.meanLoss.toFixed(3),
    ]),
    ['left', 'right', 'right', ...ks.map((): Align => 'right'), 'right', 'right'],
  );
}

export function gradientChart(spans: readonly GradientSpan[], width: number, height: number, color: boolean): string[] {
  const series: ChartSeries[] = spans.map((s) => cellSeries(s.cell, s.relative.map((y, k) => ({ x: k, y })).filter((p) => p.x >= 1), color));
  return renderLineChart(series, { width, height, color, logScale: true, title: '‖∂L_T/∂h_{T−k}‖ / k=1 value, by distance k' });
}

/** One row per cell, one column per lag: held-out recall accuracy. */
export function recallTable(cells: readonly CellType[], lags: readonly number[], results: readonly RecallRunResult[], running?: { cell: CellType; lag: number; accuracy: number | null }): string[] {
  const find = (cell: CellType, lag: number) => results.find((r) => r.cell === cell && r.lag === lag);
  return renderTable(
    ['cell', 'hidden', 'params', ...lags.map((l) => `lag ${l}`)],
    cells.map((cell) => {
      const any = results.find((r) => r.cell === cell);
      return [
        cell,
        any ? String(any.hidden) : UNKNOWN,
        any ? formatCount(any.params) : UNKNOWN,
        ...lags.map((lag) => {
          const r = find(cell, lag);
          if (r) return r.accuracy.toFixed(2);
          if (running && running.cell === cell && running.lag === lag) return running.accuracy === null ? '…' : `(${running.accuracy.toFixed(2)})`;
          return UNKNOWN;
        }),
      ];
    }),
    ['left', 'right', 'right', ...lags.map((): Align => 'right')],
  );
}

export function recallChart(cells: readonly CellType[], results: readonly RecallRunResult[], chance: number, width: number, height: number, color: boolean): string[] {
  const series: ChartSeries[] = cells.map((cell) =>
    cellSeries(cell, results.filter((r) => r.cell === cell).sort((a, b) => a.lag - b.lag).map((r) => ({ x: r.lag, y: r.accuracy })), color),
  );
  const lags = results.map((r) => r.lag);
  if (lags.length > 0) {
    const lo = Math.min(...lags);
    const hi = Math.max(...lags);
    // First, so the cells' own points are drawn over it.
    series.unshift({ name: `chance ${chance.toFixed(2)}`, color: 'white', marker: '·', backdrop: true, points: Array.from({ length: 21 }, (_, i) => ({ x: lo + ((hi - lo) * i) / 20, y: chance })) });
  }
  return renderLineChart(series, { width, height, color, title: 'recall accuracy by lag', formatY: (y) => y.toFixed(2), emptyMessage: 'waiting for the first result' });
}
