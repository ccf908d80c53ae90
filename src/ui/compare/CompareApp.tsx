/**
 * The live compare view: the validation-loss curves of every cell on one
 * chart, the table (the running cell's row updates as it trains) and each
 * cell's latest sample. q or Ctrl-C stops the running cell (it saves) and
 * skips the rest. Exits once the comparison is done, leaving the last frame.
 */
import { useState } from 'react';
import { useInput, useStdin } from 'ink';
import { useCoalescedEvents, useExitWhenFinished, useSecondInterruptExits } from '../shared/app-hooks.js';
import { FrameLines } from '../shared/FrameLines.js';
import type { CompareEvent } from '../../compare/compare.js';
import { formatPercent } from '../shared/format.js';
import { flattenText } from '../../util/text.js';
import { useTerminalSize } from '../shared/useTerminalSize.js';
import { initialCompareState, reduceCompare, type CellProgress, type CompareViewState } from './compare-state.js';
import { budgetLine, compareTable, sampleLines, valLossChart, type CompareTableRow } from './tables.js';

export interface CompareSession {
  subscribe(listener: (e: CompareEvent) => void): () => void;
  stop(): void;
}

interface CompareAppProps {
  session: CompareSession;
  color: boolean;
  flushIntervalMs?: number;
  onForceExit?: () => void;
}

const isTrainStep = (e: CompareEvent): boolean => e.type === 'train' && e.event.type === 'step';

function liveRow(c: CellProgress, charsPerStep: number): CompareTableRow {
  if (c.row) return { ...c.row, status: 'done' };
  const best = c.val.length > 0 ? Math.min(...c.val.map(([, v]) => v)) : null;
  return {
    cell: c.cell, hidden: c.hidden, params: c.params, steps: c.step, status: c.status,
    msPerStep: c.charsPerSec ? (charsPerStep * 1000) / c.charsPerSec : null, charsPerSec: c.charsPerSec, bestValLoss: best, elapsedMs: null,
  };
}

/** Every line of a frame, for a terminal of width × height (chart rows exactly `width` wide; FrameLines cuts the others). */
export function compareFrame(state: CompareViewState, width: number, height: number, color: boolean, stopping: boolean): string[] {
  const b = state.budget;
  const header = b ? `charnn compare · ${budgetLine(b, state.corpus, state.match)}` : 'charnn compare · reading the corpus…';
  const running = state.current !== null ? state.cells[state.current] : undefined;
  const status =
    state.status === 'done'
      ? state.stopped ? 'stopped' : 'done'
      : running
        ? `training ${running.cell} (${state.current! + 1}/${state.cells.length}) step ${running.step} · ${formatPercent(running.progress)}${stopping ? ' · stopping…' : ' · q: stop'}`
        : 'starting…';
  const charsPerStep = b ? b.batchSize * b.seqLen : 1;
  const table = compareTable(state.cells.map((c) => liveRow(c, charsPerStep)));
  const samples = sampleLines(state.cells.map((c) => ({ cell: c.cell, text: c.row?.sample ?? c.sample })));
  const warnings = state.warnings.map((w) => `! ${flattenText(w)}`);
  const fixedRows = 2 + table.length + 1 + samples.length + warnings.length;
  const chartRows = Math.max(0, Math.min(16, height - fixedRows - 1));
  const curves = state.cells.map((c) => ({ cell: c.cell, val: c.row?.val ?? c.val }));
  const chart = chartRows >= 5 ? valLossChart(curves, width, chartRows, color, b?.maxSteps ?? null) : [];
  return [header, status, ...chart, ...table, 'samples:', ...samples, ...warnings];
}

export function CompareApp(props: CompareAppProps) {
  const { session, color } = props;
  const state = useCoalescedEvents(session, reduceCompare, initialCompareState, isTrainStep, props.flushIntervalMs ?? 100);
  const { columns, rows } = useTerminalSize();
  const { isRawModeSupported } = useStdin();
  const [stopping, setStopping] = useState(false);
  const secondInterrupt = useSecondInterruptExits(props.onForceExit);

  const finished = state.status === 'done';
  useInput(
    (input, key) => {
      if (key.ctrl && input === 'c') {
        if (secondInterrupt()) return;
      } else if (input !== 'q') return;
      session.stop();
      setStopping(true);
    },
    { isActive: isRawModeSupported === true && !finished },
  );

  useExitWhenFinished(finished);

  const lines = compareFrame(state, columns, Math.max(8, rows - 1), color, stopping && !finished);
  return <FrameLines lines={lines} width={columns} />;
}
