/**
 * `charnn gradients` on a terminal: the decay curves on a log scale and the
 * table, redrawn as each cell's measurement finishes.
 */
import { FrameLines } from '../shared/FrameLines.js';
import type { GradientSpan } from '../../compare/gradient-span.js';
import { useTerminalSize } from '../shared/useTerminalSize.js';
import { gradientChart, gradientTable } from './tables.js';

export interface GradientsViewProps {
  spans: readonly GradientSpan[];
  /** What is being measured now ('' when done). */
  status: string;
  /** Lines under the table: what was measured, on which text. */
  notes: readonly string[];
  color: boolean;
}

function gradientsFrame(p: GradientsViewProps, width: number, height: number): string[] {
  const table = p.spans.length > 0 ? gradientTable(p.spans) : [];
  const fixed = 1 + table.length + p.notes.length + 1;
  const chartRows = Math.max(0, Math.min(20, height - fixed));
  const chart = chartRows >= 5 ? gradientChart(p.spans, width, chartRows, p.color) : [];
  return [p.status || 'gradient of the last position\'s loss with respect to the top layer\'s hidden state k steps back', ...chart, ...table, ...p.notes];
}

export function GradientsView(props: GradientsViewProps) {
  const { columns, rows } = useTerminalSize();
  const lines = gradientsFrame(props, columns, Math.max(10, rows - 1));
  return <FrameLines lines={lines} width={columns} />;
}
