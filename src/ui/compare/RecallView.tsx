/**
 * `charnn compare --task recall` on a terminal: the accuracy table (cells ×
 * lags) and chart, and the run in progress, redrawn as it trains.
 */
import { useInput, useStdin } from 'ink';
import { FrameLines } from '../shared/FrameLines.js';
import type { RecallRunResult } from '../../compare/recall.js';
import type { CellType } from '../../model/config.js';
import { useTerminalSize } from '../shared/useTerminalSize.js';
import { recallChart, recallTable } from './tables.js';

export interface RecallViewProps {
  cells: readonly CellType[];
  lags: readonly number[];
  results: readonly RecallRunResult[];
  chance: number;
  running: { cell: CellType; lag: number; step: number; steps: number; loss: number | null; accuracy: number | null } | null;
  /** Budget and method, shown above the table. */
  notes: readonly string[];
  color: boolean;
  stopping?: boolean;
  onStop?: () => void;
}

export function recallFrame(p: RecallViewProps, width: number, height: number): string[] {
  const r = p.running;
  const status = r
    ? `training ${r.cell} at lag ${r.lag}: step ${r.step}/${r.steps}${r.loss === null ? '' : `, loss ${r.loss.toFixed(3)}`}${r.accuracy === null ? '' : `, held-out accuracy ${r.accuracy.toFixed(2)}`}${p.stopping ? ' · stopping…' : p.onStop ? ' · q: stop' : ''}`
    : 'done';
  const table = recallTable(p.cells, p.lags, p.results, r ? { cell: r.cell, lag: r.lag, accuracy: r.accuracy } : undefined);
  const fixed = 1 + table.length + p.notes.length + 1;
  const chartRows = Math.max(0, Math.min(14, height - fixed));
  const chart = chartRows >= 5 && p.lags.length > 1 ? recallChart(p.cells, p.results, p.chance, width, chartRows, p.color) : [];
  return [status, ...chart, ...table, ...p.notes];
}

export function RecallView(props: RecallViewProps) {
  const { columns, rows } = useTerminalSize();
  const { isRawModeSupported } = useStdin();
  useInput(
    (input, key) => {
      if (input === 'q' || (key.ctrl && input === 'c')) props.onStop?.();
    },
    { isActive: isRawModeSupported === true && props.onStop !== undefined && props.running !== null },
  );
  const lines = recallFrame(props, columns, Math.max(10, rows - 1));
  return <FrameLines lines={lines} width={columns} />;
}
