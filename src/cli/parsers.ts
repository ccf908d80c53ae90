/**
 * Option parsers for commander. Each throws InvalidArgumentError with a
 * message that says what was expected, so bad flags get one clear line.
 */
import { InvalidArgumentError } from 'commander';
import { CELL_TYPES, type CellType } from '../model/config.js';
import { usageError } from '../util/errors.js';

export function positiveInt(value: string): number {
  const n = Number(value);
  if (!/^\s*\d+\s*$/.test(value) || !Number.isSafeInteger(n) || n <= 0) throw new InvalidArgumentError(`expected a positive whole number, got "${value}".`);
  return n;
}

/** A parser for positive whole numbers up to `max` (sizes that allocate memory or threads). */
export function positiveIntAtMost(max: number): (value: string) => number {
  return (value) => {
    const n = positiveInt(value);
    if (n > max) throw new InvalidArgumentError(`expected at most ${max.toLocaleString('en-US')}, got "${value}".`);
    return n;
  };
}

export function nonNegativeInt(value: string): number {
  const n = Number(value);
  if (!/^\s*\d+\s*$/.test(value) || !Number.isSafeInteger(n)) throw new InvalidArgumentError(`expected a whole number ≥ 0, got "${value}".`);
  return n;
}

export function integer(value: string): number {
  const n = Number(value);
  if (!/^\s*-?\d+\s*$/.test(value) || !Number.isSafeInteger(n)) throw new InvalidArgumentError(`expected a whole number, got "${value}".`);
  return n;
}

function finite(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n)) throw new InvalidArgumentError(`expected a number, got "${value}".`);
  return n;
}

export function positiveNumber(value: string): number {
  const n = finite(value);
  if (n <= 0) throw new InvalidArgumentError(`expected a number > 0, got "${value}".`);
  return n;
}

export function nonNegativeNumber(value: string): number {
  const n = finite(value);
  if (n < 0) throw new InvalidArgumentError(`expected a number ≥ 0, got "${value}".`);
  return n;
}

/** (0, 1) exclusive — for --val-frac. */
export function openFraction(value: string): number {
  const n = finite(value);
  if (!(n > 0 && n < 1)) throw new InvalidArgumentError(`expected a number between 0 and 1 (exclusive), got "${value}".`);
  return n;
}

/** [0, 1] — for shares such as --state-resets. */
export function fraction(value: string): number {
  const n = finite(value);
  if (!(n >= 0 && n <= 1)) throw new InvalidArgumentError(`expected a number from 0 to 1, got "${value}".`);
  return n;
}

/** [0, 1) — for --dropout. */
export function dropoutRate(value: string): number {
  const n = finite(value);
  if (!(n >= 0 && n < 1)) throw new InvalidArgumentError(`expected a rate in [0, 1), got "${value}".`);
  return n;
}

/** (0, 1] — for --top-p. */
export function probabilityMass(value: string): number {
  const n = finite(value);
  if (!(n > 0 && n <= 1)) throw new InvalidArgumentError(`expected a number in (0, 1], got "${value}".`);
  return n;
}

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Durations such as 90s, 20m, 1h30m, 2d, or plain seconds. */
export function duration(value: string): number {
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) {
    const ms = Number(text) * 1000;
    if (ms > 0) return ms;
  }
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h|d)/g)];
  const consumed = parts.map((p) => p[0]).join('');
  const ms = parts.reduce((sum, p) => sum + Number(p[1]) * UNIT_MS[p[2]!]!, 0);
  if (parts.length === 0 || consumed !== text || !(ms > 0)) {
    throw new InvalidArgumentError(`expected a duration such as 90s, 20m, 1h30m or 2d, got "${value}".`);
  }
  return ms;
}

/** A duration, or 0 (off). */
export function durationOrZero(value: string): number {
  return /^\s*0+(\.0*)?\s*$/.test(value) ? 0 : duration(value);
}

/** Comma-separated list with an element parser. */
export function listOf<T>(parse: (v: string) => T): (value: string) => T[] {
  return (value: string) => value.split(',').filter((v) => v.trim() !== '').map((v) => parse(v.trim()));
}

/** Repeatable string option (commander accumulator). */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

export function oneOf<T extends string>(choices: readonly T[], what: string): (value: string) => T {
  return (value: string) => {
    if (!(choices as readonly string[]).includes(value)) throw new InvalidArgumentError(`unknown ${what} "${value}"; expected one of ${choices.join(', ')}.`);
    return value as T;
  };
}


/** "rnn,gru" → the cells, each once, in the order given. */
export function cellList(value: string): CellType[] {
  const cells = listOf(oneOf(CELL_TYPES, 'cell'))(value);
  if (cells.length === 0) throw usageError('--cells needs at least one cell', `list some of ${CELL_TYPES.join(', ')}`);
  return [...new Set(cells)];
}
