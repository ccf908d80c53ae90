/**
 * Option parsers for commander beyond the settings' kinds of value
 * (settings/values.ts, e.g. `positiveInt.parse`). Each throws
 * InvalidArgumentError with a message that says what was expected, so bad
 * flags get one clear line.
 */
import { InvalidArgumentError } from 'commander';
import { CELL_TYPES, type CellType } from '../model/config.js';
import { choice } from '../settings/values.js';

const cellType = choice(CELL_TYPES);

/** Repeatable string option (commander accumulator). */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** "rnn,gru" → the cells, each once, in the order given. */
export function cellList(value: string): CellType[] {
  const cells = value.split(',').map((v) => v.trim()).filter((v) => v !== '');
  const unknown = cells.find((c) => !cellType.is(c));
  if (unknown !== undefined) throw new InvalidArgumentError(`unknown cell "${unknown}"; expected one of ${CELL_TYPES.join(', ')}.`);
  if (cells.length === 0) throw new InvalidArgumentError(`expected some of ${CELL_TYPES.join(', ')}, comma-separated.`);
  return [...new Set(cells as CellType[])];
}
