import type { CellType } from '../../../model/config.js';
import type { GraphCell } from './cell.js';
import { gruGraphCell } from './gru.js';
import { lstmGraphCell } from './lstm.js';
import { rnnGraphCell } from './rnn.js';

export type { GraphCell, GraphState } from './cell.js';

export function graphCellFor(type: CellType): GraphCell {
  return type === 'lstm' ? lstmGraphCell : type === 'gru' ? gruGraphCell : rnnGraphCell;
}
