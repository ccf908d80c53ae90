/**
 * Option parsers for commander: the settings' kinds of value
 * (settings/values.ts) as parsers, and a few of the command line's own.
 * Each throws InvalidArgumentError with a message that says what was
 * expected, so bad flags get one clear line.
 */
import { InvalidArgumentError } from 'commander';
import { CELL_TYPES, type CellType } from '../model/config.js';
import { choice, ValueError, type ValueType } from '../settings/values.js';

/** A parser of a kind of value, at most `max` (a number, or a list's length) when given. */
export function parser<T>(type: ValueType<T>, max?: number): (text: string) => T {
  return (text) => {
    let value: T;
    try {
      value = type.parse(text);
    } catch (error) {
      if (error instanceof ValueError) throw new InvalidArgumentError(error.message);
      throw error;
    }
    if (max !== undefined && typeof value === 'number' && value > max) throw new InvalidArgumentError(`expected at most ${max.toLocaleString('en-US')}, got "${text}".`);
    if (max !== undefined && Array.isArray(value) && value.length > max) {
      throw new InvalidArgumentError(`expected at most ${max.toLocaleString('en-US')} values, got ${value.length}.`);
    }
    return value;
  };
}

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
