/**
 * The live training dashboard: a pure render of DashboardState into exactly
 * the rows it is given (never more than `height`, never wider than
 * `width`). The run's notes (where it writes, a smaller layout, a lock
 * taken over…) keep a row whenever there are any; spare rows go to the loss
 * chart first, then to two more note rows, a roomier checkpoint section,
 * longer samples, more warnings and more notes.
 */
import { Box, Text } from 'ink';
import { trainLossPoints, type DashboardState } from './dashboard-state.js';
import {
  checkpointRows,
  footerRows,
  headerRow,
  lossRow,
  noteLines,
  noteRows,
  progressRow,
  sampleRows,
  statsRow,
  warningRows,
  type PendingKeys,
} from './dashboard-rows.js';
import { binPoints, renderLineChart } from '../shared/line-chart.js';
import { Line, type Row } from '../shared/Line.js';
import { formatCompact } from '../shared/format.js';
import { stripAnsi } from '../../util/text.js';

interface DashboardProps {
  state: DashboardState;
  /** Columns available; every row is at most this wide. */
  width: number;
  /** Rows available; the dashboard never renders more. */
  height: number;
  /** ANSI colours and styles; false for NO_COLOR / --no-color. */
  color: boolean;
  /** Temperature `g` samples at: marked in the samples, shown in the footer. */
  temperature?: number;
  /** The user asked to stop and the trainer is saving latest/. */
  stopping?: boolean;
  /** Keys pressed and not yet confirmed by the trainer. */
  pending?: PendingKeys;
  /** The first note shown when they do not all fit (the `n` key moves it). */
  notesOffset?: number;
  /** `n` no longer answers (the app is leaving): the frame left on screen does not offer it. */
  keysGone?: boolean;
}

interface DashboardPlan {
  chartRows: number;
  sampleCount: number;
  sampleLines: number;
  warningRows: number;
  noteRows: number;
  checkpointRows: 1 | 2;
  footerRows: number;
}

const TOP_ROWS = 4; // header, progress, stats, loss
const MIN_CHART = 6;
const COMFORT_CHART = 12;
const ROOMY_CHART = 24;
/** Rows the notes take at most (the `n` key shows the others). */
const MAX_NOTE_ROWS = 8;

/** How many rows each section gets for a terminal of `width` × `height`. */
export function planDashboard(s: DashboardState, width: number, height: number, temperature?: number): DashboardPlan {
  const p: DashboardPlan = {
    chartRows: 0,
    sampleCount: Math.max(1, s.samples.length),
    sampleLines: 1,
    warningRows: Math.min(1, s.warnings.length),
    noteRows: Math.min(1, s.notes.length),
    checkpointRows: 1,
    footerRows: s.status === 'error' ? 3 : s.status === 'done' ? 2 : 1,
  };
  // Rows the samples really take (short texts do not use every allowed line).
  const sampleHeight = () =>
    s.samples.length === 0 ? 1 : sampleRows(pickSamples(s, p.sampleCount, temperature), width, p.sampleLines, temperature).length;
  const rest = () => height - TOP_ROWS - p.footerRows - p.checkpointRows - sampleHeight() - p.warningRows - p.noteRows;
  if (rest() < MIN_CHART) p.footerRows = 1;
  if (rest() < MIN_CHART) p.warningRows = 0;
  if (rest() < MIN_CHART) p.sampleCount = 1;
  const grow = (apply: () => void, undo: () => void, keep: number) => {
    apply();
    if (rest() < keep) undo();
  };
  // Notes matter more than a roomier layout: up to three rows (a long note whole) before anything else grows.
  const notesNeed = s.notes.length > 0 ? noteLines(s, width) : 0;
  for (let lines = 2; lines <= 3 && lines <= notesNeed && p.noteRows === lines - 1; lines++) {
    grow(() => (p.noteRows = lines), () => (p.noteRows = lines - 1), COMFORT_CHART - 2);
  }
  if (s.bestCheckpoint && s.latestCheckpoint && width < 120) {
    grow(() => (p.checkpointRows = 2), () => (p.checkpointRows = 1), COMFORT_CHART);
  }
  if (s.samples.length > 0) grow(() => (p.sampleLines = 2), () => (p.sampleLines = 1), COMFORT_CHART);
  if (s.warnings.length > 1) {
    const before = p.warningRows;
    grow(() => (p.warningRows = Math.min(3, s.warnings.length)), () => (p.warningRows = before), COMFORT_CHART);
  }
  for (let lines = p.noteRows + 1; lines <= MAX_NOTE_ROWS && lines <= notesNeed && p.noteRows === lines - 1; lines++) {
    grow(() => (p.noteRows = lines), () => (p.noteRows = lines - 1), COMFORT_CHART);
  }
  for (let lines = 3; lines <= 8 && s.samples.length > 0; lines++) {
    const before = p.sampleLines;
    grow(() => (p.sampleLines = lines), () => (p.sampleLines = before), lines === 3 ? COMFORT_CHART + 4 : ROOMY_CHART);
    if (p.sampleLines !== lines) break;
  }
  const chart = rest();
  p.chartRows = chart >= 4 ? chart : 0;
  return p;
}

/** The samples shown when only `count` fit: the selected temperature first. */
function pickSamples(s: DashboardState, count: number, temperature?: number): DashboardState {
  if (count >= s.samples.length) return s;
  const chosen = s.samples.find((e) => e.temperature === temperature) ?? s.samples.at(-1)!;
  return { ...s, samples: [chosen] };
}

function chartLines(s: DashboardState, width: number, rows: number, color: boolean): string[] {
  if (rows <= 0) return [];
  const train = trainLossPoints(s.trainHistory).map((p) => ({ x: p.step, y: p.loss }));
  const val = s.valHistory.map((p) => ({ x: p.step, y: p.loss }));
  const first = train[0]?.x ?? val[0]?.x;
  const last = Math.max(s.step?.step ?? -Infinity, train.at(-1)?.x ?? -Infinity, val.at(-1)?.x ?? -Infinity);
  return renderLineChart(
    [
      { name: 'train', points: binPoints(train, width * 2), color: 'cyan' },
      { name: 'val', points: val, marker: '◆', color: 'yellow' },
    ],
    {
      width,
      height: rows,
      color,
      title: 'loss (nats)',
      xMin: first !== undefined ? Math.min(first, s.info?.startStep ?? first) : undefined,
      xMax: Number.isFinite(last) ? last : undefined,
      formatX: (x) => formatCompact(Math.round(x)),
      emptyMessage: s.status === 'waiting' ? 'waiting for the first step…' : 'no loss yet',
    },
  );
}

/** The rows of the dashboard, top to bottom, cut to `height`. */
function dashboardRows(props: DashboardProps): (Row | string)[] {
  const { state: s, width, height } = props;
  const plan = planDashboard(s, width, height, props.temperature);
  const notes = noteRows(s, width, plan.noteRows, props.notesOffset);
  const body: (Row | string)[] = [
    headerRow(s, width),
    progressRow(s, width),
    statsRow(s, width),
    lossRow(s, width),
    ...chartLines(s, width, plan.chartRows, props.color),
    ...sampleRows(pickSamples(s, plan.sampleCount, props.temperature), width, plan.sampleLines, props.temperature),
    ...checkpointRows(s, width, plan.checkpointRows),
    ...warningRows(s, width, plan.warningRows),
    ...notes.rows,
  ];
  const footer = footerRows(s, width, {
    notesPaging: props.keysGone ? null : notes.paging,
    temperature: props.temperature,
    stopping: props.stopping,
    pending: props.pending,
    maxRows: plan.footerRows,
  });
  return [...body.slice(0, Math.max(0, height - footer.length)), ...footer].slice(0, Math.max(0, height));
}

export function Dashboard(props: DashboardProps) {
  const rows = dashboardRows(props);
  return (
    <Box flexDirection="column" width={props.width}>
      {rows.map((row, i) =>
        typeof row === 'string' ? (
          <Text key={i} wrap="truncate-end">
            {props.color ? row : stripAnsi(row)}
          </Text>
        ) : (
          <Line key={i} row={row} width={props.width} color={props.color} />
        ),
      )}
    </Box>
  );
}
