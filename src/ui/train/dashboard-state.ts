/**
 * Everything the training dashboard shows, folded from the event stream by a
 * pure reducer. Memory stays bounded however long the run: the per-step loss
 * history is bucketed (pairs are merged whenever it reaches
 * MAX_TRAIN_POINTS), validation points are thinned the same way, warnings,
 * later notes and samples keep only the latest few (the notes a run starts
 * with — where it writes, what --force replaced — always stay). Only `log` (finished evals,
 * checkpoints, warnings, errors for Ink's <Static>) grows with the run, by
 * one small object per such event.
 */
import type {
  CheckpointEvent,
  DoneEvent,
  ErrorEvent,
  EvalEvent,
  PhaseEvent,
  RunInfo,
  StepEvent,
  TrainEvent,
  WarningEvent,
} from '../../train/events.js';

export const MAX_TRAIN_POINTS = 2000;
const MAX_VAL_POINTS = 2000;
export const MAX_WARNINGS = 5;
const MAX_SAMPLES = 4;
/** Notes kept beyond those the run started with (which all stay). */
export const MAX_LATER_NOTES = 4;

type RunStatus = 'waiting' | 'running' | 'paused' | 'done' | 'error';

interface LossPoint {
  step: number;
  loss: number;
}

/** One history point stands for `count` consecutive steps. */
interface BucketPoint extends LossPoint {
  count: number;
}

interface Accumulator {
  stepSum: number;
  lossSum: number;
  /** Steps folded in, finite or not. */
  count: number;
  /** Steps whose loss was finite (only those enter lossSum). */
  finite: number;
}

export interface TrainLossHistory {
  points: BucketPoint[];
  /** Steps per completed point; doubles every time pairs are merged. */
  bucketSize: number;
  /** The bucket being filled; shown as the newest point. */
  pending: Accumulator | null;
}

interface SampleEntry {
  temperature: number;
  text: string;
  step: number;
}

/** Something the run decided that the user should know (where it writes, a smaller layout, a lock taken over…). */
interface NoteEntry {
  step: number;
  text: string;
  /** A note the run started with: kept however many come later. */
  start?: boolean;
  /** A later note of the same topic replaces this one. */
  topic?: string;
}

interface CheckpointEntry {
  kind: CheckpointEvent['kind'];
  path: string;
  step: number;
}

export type LogEntry = { id: number } & (
  | { kind: 'eval'; event: EvalEvent }
  | { kind: 'checkpoint'; event: CheckpointEvent }
  | { kind: 'warning'; event: WarningEvent }
  | { kind: 'note'; text: string }
  | { kind: 'error'; event: ErrorEvent }
);

export interface DashboardState {
  info: RunInfo | null;
  status: RunStatus;
  paused: boolean;
  /** Latest step figures. */
  step: StepEvent | null;
  trainHistory: TrainLossHistory;
  valHistory: LossPoint[];
  lastEval: EvalEvent | null;
  bestValLoss: number | null;
  bestValStep: number | null;
  /** Latest sample per temperature, ascending temperature. */
  samples: SampleEntry[];
  latestCheckpoint: CheckpointEntry | null;
  bestCheckpoint: CheckpointEntry | null;
  checkpointsWritten: number;
  /** Most recent last. */
  warnings: WarningEvent[];
  /** The run's notes: all those it started with (most important first), then the latest MAX_LATER_NOTES later ones, one per topic. */
  notes: NoteEntry[];
  /** The run stopped training and is finishing (final evaluation, saving); null while it trains. */
  phase: PhaseEvent | null;
  done: DoneEvent | null;
  error: ErrorEvent | null;
  /** Finished items, append-only (ids are indexes), for <Static>. */
  log: LogEntry[];
}

export function initialDashboardState(): DashboardState {
  return {
    info: null,
    status: 'waiting',
    paused: false,
    step: null,
    trainHistory: { points: [], bucketSize: 1, pending: null },
    valHistory: [],
    lastEval: null,
    bestValLoss: null,
    bestValStep: null,
    samples: [],
    latestCheckpoint: null,
    bestCheckpoint: null,
    checkpointsWritten: 0,
    warnings: [],
    notes: [],
    phase: null,
    done: null,
    error: null,
    log: [],
  };
}

function toPoint(acc: Accumulator): BucketPoint {
  return {
    step: acc.stepSum / acc.count,
    loss: acc.finite > 0 ? acc.lossSum / acc.finite : NaN,
    count: acc.count,
  };
}

function mergePairs(points: BucketPoint[]): BucketPoint[] {
  const out: BucketPoint[] = [];
  for (let i = 0; i < points.length; i += 2) {
    const a = points[i]!;
    const b = points[i + 1];
    if (!b) {
      out.push(a);
      continue;
    }
    const count = a.count + b.count;
    const fa = Number.isFinite(a.loss);
    const fb = Number.isFinite(b.loss);
    const loss =
      fa && fb ? (a.loss * a.count + b.loss * b.count) / count : fa ? a.loss : fb ? b.loss : NaN;
    out.push({ step: (a.step * a.count + b.step * b.count) / count, loss, count });
  }
  return out;
}

/** Fold one step's loss into the bounded history. Exported for tests. */
export function pushTrainLoss(h: TrainLossHistory, step: number, loss: number): TrainLossHistory {
  const finite = Number.isFinite(loss);
  const prev = h.pending ?? { stepSum: 0, lossSum: 0, count: 0, finite: 0 };
  const pending: Accumulator = {
    stepSum: prev.stepSum + step,
    lossSum: prev.lossSum + (finite ? loss : 0),
    count: prev.count + 1,
    finite: prev.finite + (finite ? 1 : 0),
  };
  if (pending.count < h.bucketSize) return { ...h, pending };
  let points = [...h.points, toPoint(pending)];
  let bucketSize = h.bucketSize;
  if (points.length >= MAX_TRAIN_POINTS) {
    points = mergePairs(points);
    bucketSize *= 2;
  }
  return { points, bucketSize, pending: null };
}

/** Completed points plus the partial bucket, for the chart. */
export function trainLossPoints(h: TrainLossHistory): LossPoint[] {
  return h.pending && h.pending.count > 0 ? [...h.points, toPoint(h.pending)] : h.points;
}

function pushVal(points: LossPoint[], p: LossPoint): LossPoint[] {
  const next = [...points, p];
  // Thin to every other point, always keeping the newest.
  return next.length > MAX_VAL_POINTS ? next.filter((_, i) => (next.length - 1 - i) % 2 === 0) : next;
}

function mergeSamples(prev: SampleEntry[], step: number, samples: { temperature: number; text: string }[]): SampleEntry[] {
  const byT = new Map<number, SampleEntry>();
  for (const s of prev) byT.set(s.temperature, s);
  for (const s of samples) byT.set(s.temperature, { temperature: s.temperature, text: s.text, step });
  let all = [...byT.values()];
  if (all.length > MAX_SAMPLES) {
    all = all.sort((a, b) => b.step - a.step).slice(0, MAX_SAMPLES);
  }
  return all.sort((a, b) => a.temperature - b.temperature);
}

type NewLogEntry = LogEntry extends infer E ? (E extends LogEntry ? Omit<E, 'id'> : never) : never;

/** `notes` and then `note`: it replaces a later note of its topic; later notes beyond MAX_LATER_NOTES go, the oldest first. */
function addNote(notes: NoteEntry[], note: NoteEntry): NoteEntry[] {
  const start = notes.filter((n) => n.start);
  const later = notes.filter((n) => !n.start && (note.topic === undefined || n.topic !== note.topic));
  return [...start, ...[...later, note].slice(-MAX_LATER_NOTES)];
}

function appendLog(log: LogEntry[], entry: NewLogEntry): LogEntry[] {
  return [...log, { ...entry, id: log.length } as LogEntry];
}

const finished = (s: DashboardState) => s.status === 'done' || s.status === 'error';

export function reduceDashboard(state: DashboardState, event: TrainEvent): DashboardState {
  switch (event.type) {
    case 'start':
      // A new run: forget the old figures but keep the append-only log.
      return {
        ...initialDashboardState(), info: event.info, status: 'running',
        notes: event.info.notes.map((text) => ({ step: event.info.startStep, text, start: true })),
        log: event.info.notes.reduce((log, text) => appendLog(log, { kind: 'note', text }), state.log),
      };
    case 'step':
      return {
        ...state,
        step: event,
        status: state.status === 'waiting' ? 'running' : state.status,
        trainHistory: pushTrainLoss(state.trainHistory, event.step, event.loss),
      };
    case 'eval': {
      const best = Number.isFinite(event.bestValLoss) ? event.bestValLoss : state.bestValLoss;
      return {
        ...state,
        lastEval: event,
        valHistory: pushVal(state.valHistory, { step: event.step, loss: event.valLoss }),
        bestValLoss: best,
        bestValStep: event.improved || state.bestValStep === null ? event.step : state.bestValStep,
        log: appendLog(state.log, { kind: 'eval', event }),
      };
    }
    case 'sample':
      return { ...state, samples: mergeSamples(state.samples, event.step, event.samples) };
    case 'checkpoint': {
      const entry: CheckpointEntry = { kind: event.kind, path: event.path, step: event.step };
      return {
        ...state,
        latestCheckpoint: event.kind === 'latest' ? entry : state.latestCheckpoint,
        bestCheckpoint: event.kind === 'best' ? entry : state.bestCheckpoint,
        checkpointsWritten: state.checkpointsWritten + 1,
        log: appendLog(state.log, { kind: 'checkpoint', event }),
      };
    }
    case 'note':
      return {
        ...state,
        notes: addNote(state.notes, { step: event.step, text: event.message, ...(event.topic !== undefined ? { topic: event.topic } : {}) }),
        log: appendLog(state.log, { kind: 'note', text: event.message }),
      };
    case 'warning':
      return {
        ...state,
        warnings: [...state.warnings, event].slice(-MAX_WARNINGS),
        log: appendLog(state.log, { kind: 'warning', event }),
      };
    case 'phase':
      return { ...state, phase: event };
    case 'paused':
      return { ...state, paused: true, status: finished(state) ? state.status : 'paused' };
    case 'resumed':
      return { ...state, paused: false, status: finished(state) ? state.status : 'running' };
    case 'done':
      return {
        ...state,
        done: event,
        status: 'done',
        paused: false,
        bestValLoss: event.bestValLoss ?? state.bestValLoss,
      };
    case 'error':
      return {
        ...state,
        error: event,
        status: 'error',
        paused: false,
        log: appendLog(state.log, { kind: 'error', event }),
      };
    default:
      return state;
  }
}
