/**
 * The cells by type, each written once for both engines. A Record over
 * every CellType: a cell described in ./descriptors.ts does not compile
 * until it has an implementation here.
 */
import type { CellType } from './descriptors.js';
import type { Cell } from './cell.js';
import { gruCell } from './gru.js';
import { lstmCell } from './lstm.js';
import { rnnCell } from './rnn.js';

export type { Cell, CellState, SequenceGradients, SequenceResult } from './cell.js';

const CELLS: { readonly [K in CellType]: Cell } = { rnn: rnnCell, lstm: lstmCell, gru: gruCell };

export function cellFor(type: CellType): Cell {
  return CELLS[type];
}
