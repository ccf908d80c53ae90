/**
 * The graph cells by type. A Record over every CellType: a cell described
 * in src/model/cells/descriptors.ts does not compile until the ort engine
 * has it too.
 */
import type { CellType } from '../../../model/cells/descriptors.js';
import type { GraphCell } from './cell.js';
import { gruGraphCell } from './gru.js';
import { lstmGraphCell } from './lstm.js';
import { rnnGraphCell } from './rnn.js';

export type { GraphCell, GraphState } from './cell.js';

const GRAPH_CELLS: { readonly [K in CellType]: GraphCell } = { rnn: rnnGraphCell, lstm: lstmGraphCell, gru: gruGraphCell };

export function graphCellFor(type: CellType): GraphCell {
  return GRAPH_CELLS[type];
}
