import type { CellType } from '../config.js';
import type { Cell } from './cell.js';
import { gruCell } from './gru.js';
import { lstmCell } from './lstm.js';
import { rnnCell } from './rnn.js';

export type { Cell, CellState } from './cell.js';

export function cellFor(type: CellType): Cell {
  return type === 'lstm' ? lstmCell : type === 'gru' ? gruCell : rnnCell;
}
