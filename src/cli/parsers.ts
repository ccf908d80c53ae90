/**
 * Option parsers for commander: the settings' kinds of value
 * (settings/values.ts) as parsers, and a few of the command line's own.
 * Each throws InvalidArgumentError with a message that says what was
 * expected, so bad flags get one clear line.
 */
import { InvalidArgumentError } from 'commander';
import { CELL_TYPES, type CellType } from '../model/config.js';
import { choice, showBound, ValueError, type ValueType } from '../settings/values.js';

/**
 * A parser of a kind of value, at most `max` (a number, or a list's length)
 * when given (shown as `shownMax`, e.g. "3650d"). A number out of range gets the whole range in its message
 * ("expected a positive whole number up to 4,096, got "10000"."), and
 * commander puts the flag before it.
 */
export function parser<T>(type: ValueType<T>, max?: number, shownMax?: string): (text: string) => T {
  const isList = type.what.startsWith('a comma-separated list');
  const range = max === undefined || isList ? type.what : `${type.what} up to ${shownMax ?? showBound(max)}`;
  return (text) => {
    let value: T;
    try {
      value = type.parse(text);
    } catch (error) {
      if (!(error instanceof ValueError)) throw error;
      // The type's generic line gains the range; its own advice (a duration's missing unit) stays as it is.
      throw new InvalidArgumentError(isList || max === undefined || !error.generic ? error.message : `expected ${range}, got "${text}".`);
    }
    if (max !== undefined && typeof value === 'number' && value > max) throw new InvalidArgumentError(`expected ${range}, got "${text}".`);
    if (max !== undefined && Array.isArray(value) && value.length > max) {
      throw new InvalidArgumentError(`expected at most ${showBound(max)} values, got ${value.length}.`);
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
