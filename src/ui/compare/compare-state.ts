/**
 * What the live compare view shows, folded from CompareEvents: per cell its
 * size, progress and validation curve, and the finished rows.
 */
import type { CompareBudget, CompareEvent, CompareRow, MatchMode } from '../../compare/compare.js';
import type { CellType } from '../../model/config.js';

export interface CellProgress {
  cell: CellType;
  hidden: number;
  params: number;
  status: 'waiting' | 'running' | 'done';
  step: number;
  /** 0..1 towards the run's limit. */
  progress: number;
  /** Latest training loss (nats). */
  loss: number | null;
  charsPerSec: number | null;
  /** [step, validation loss]. */
  val: [number, number][];
  row: CompareRow | null;
  sample: string | null;
}

export interface CompareViewState {
  corpus: string;
  match: MatchMode;
  budget: CompareBudget | null;
  cells: CellProgress[];
  /** Index of the running cell, or null. */
  current: number | null;
  status: 'starting' | 'running' | 'done';
  stopped: boolean;
  warnings: string[];
}

export function initialCompareState(): CompareViewState {
  return { corpus: '', match: 'hidden', budget: null, cells: [], current: null, status: 'starting', stopped: false, warnings: [] };
}

function updateCell(state: CompareViewState, index: number, change: (c: CellProgress) => CellProgress): CompareViewState {
  const cells = state.cells.slice();
  if (!cells[index]) return state;
  cells[index] = change(cells[index]!);
  return { ...state, cells };
}

export function reduceCompare(state: CompareViewState, event: CompareEvent): CompareViewState {
  switch (event.type) {
    case 'plan':
      return {
        ...state,
        corpus: event.corpus,
        match: event.match,
        budget: event.budget,
        status: 'running',
        cells: event.runs.map((r) => ({
          cell: r.cell, hidden: r.hidden, params: r.params, status: 'waiting', step: 0, progress: 0, loss: null, charsPerSec: null, val: [], row: null, sample: null,
        })),
      };
    case 'train': {
      const e = event.event;
      const next = { ...state, current: event.index };
      switch (e.type) {
        case 'start':
          return updateCell(next, event.index, (c) => ({ ...c, status: 'running', params: e.info.params }));
        case 'step':
          return updateCell(next, event.index, (c) => ({ ...c, step: e.step, progress: e.progress, loss: e.loss, charsPerSec: e.charsPerSec }));
        case 'eval':
          return updateCell(next, event.index, (c) => ({ ...c, val: [...c.val, [e.step, e.valLoss]] }));
        case 'sample':
          return updateCell(next, event.index, (c) => ({ ...c, sample: e.samples[0]?.text ?? c.sample }));
        case 'warning':
          return { ...next, warnings: [...state.warnings, `${event.cell}: ${e.message}`].slice(-3) };
        default:
          return next;
      }
    }
    case 'result':
      return updateCell({ ...state, current: null }, event.index, (c) => ({ ...c, status: 'done', row: event.row, progress: 1 }));
    case 'done':
      return { ...state, status: 'done', current: null, stopped: event.stopped };
  }
}
