/**
 * The kinds of value a setting takes. Each says once what a value must be
 * ("a positive whole number"), which a flag's error ("expected …") and a
 * charnn.json check ("… must be …") both use; tests a value read from JSON;
 * and parses a flag's text, throwing a ValueError that says what was
 * expected (cli/parsers.ts turns it into commander's InvalidArgumentError,
 * so a bad flag gets one clear line; nothing here imports commander).
 */

/** A flag's text that is not a value of its kind: "expected a positive whole number, got "x"." */
export class ValueError extends Error {
  override name = 'ValueError';
  /**
   * @param generic whether the message only restates what was expected (a bound may extend it
   *   with its range); false for a kind's own advice, e.g. a duration's missing unit, kept as it is
   */
  constructor(message: string, readonly generic = false) {
    super(message);
  }
}

export interface ValueType<T> {
  /** What a value must be, e.g. "a positive whole number". */
  readonly what: string;
  /** What the stored (JSON) form must be, when it differs from what is typed (durations are stored in ms). */
  readonly stored?: string;
  /** The allowed words of a choice (commander lists them in help and in its error). */
  readonly choices?: readonly string[];
  /** Whether a value read from JSON is one. */
  is(x: unknown): x is T;
  /** The value of a flag's text; throws ValueError. */
  parse(text: string): T;
}

function invalid(what: string, text: string): never {
  throw new ValueError(`expected ${what}, got "${text}".`, true);
}

const isNumber = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);
const isWhole = (x: unknown): x is number => typeof x === 'number' && Number.isSafeInteger(x);

/** A whole number in [min, ∞) (min 0 or 1) or any (min null). */
function whole(what: string, min: number | null): ValueType<number> {
  const pattern = min === null ? /^\s*-?\d+\s*$/ : /^\s*\d+\s*$/;
  const is = (x: unknown): x is number => isWhole(x) && (min === null || x >= min);
  return {
    what,
    is,
    parse(text) {
      const n = Number(text);
      if (!pattern.test(text) || !is(n)) invalid(what, text);
      return n;
    },
  };
}

/** A finite number passing `ok`. */
function number(what: string, ok: (n: number) => boolean): ValueType<number> {
  const is = (x: unknown): x is number => isNumber(x) && ok(x);
  return {
    what,
    is,
    parse(text) {
      const n = Number(text);
      if (text.trim() === '' || !Number.isFinite(n)) invalid('a number', text);
      if (!ok(n)) invalid(what, text);
      return n;
    },
  };
}

export const positiveInt = whole('a positive whole number', 1);
export const count = whole('a whole number ≥ 0', 0);
export const integer = whole('a whole number', null);
export const positiveNumber = number('a number > 0', (n) => n > 0);
export const nonNegativeNumber = number('a number ≥ 0', (n) => n >= 0);
/** (0, 1) — for --val-frac. */
export const openFraction = number('a number between 0 and 1 (exclusive)', (n) => n > 0 && n < 1);
/** [0, 1] — for shares such as --state-resets. */
export const fraction = number('a number from 0 to 1', (n) => n >= 0 && n <= 1);
/** [0, 1) — for --dropout. */
export const dropoutRate = number('a rate in [0, 1)', (n) => n >= 0 && n < 1);
/** (0, 1] — for --top-p. */
export const probabilityMass = number('a number in (0, 1]', (n) => n > 0 && n <= 1);

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const DURATION = 'a duration such as 90s, 20m, 1h30m or 2d';

/** Milliseconds of a duration such as 90s, 20m, 1h30m or 2d; NaN if it is none. */
function durationMs(value: string): number {
  const text = value.trim();
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h|d)/g)];
  const consumed = parts.map((p) => p[0]).join('');
  if (parts.length === 0 || consumed !== text) return NaN;
  return parts.reduce((sum, p) => sum + Number(p[1]) * UNIT_MS[p[2]!]!, 0);
}

/**
 * A duration > 0, typed with its unit as 90s, 20m, 1h30m or 2d; its value is
 * in milliseconds. A bare number is refused: "--max-time 5" could mean five
 * seconds, minutes or hours, and guessing wrong wastes a run.
 */
export const duration: ValueType<number> = {
  what: DURATION,
  stored: 'a number of milliseconds > 0',
  is: (x): x is number => isNumber(x) && x > 0,
  parse(text) {
    const bare = text.trim();
    if (/^\d+(\.\d+)?$/.test(bare)) throw new ValueError(`expected a duration with a unit, e.g. ${bare}s, ${bare}m or ${bare}h, got "${text}".`);
    const ms = durationMs(text);
    if (!(ms > 0 && Number.isFinite(ms))) invalid(DURATION, text);
    return ms;
  },
};

/** A duration, or 0 (off). */
export const durationOrZero: ValueType<number> = {
  what: `${DURATION}, or 0 (off)`,
  stored: 'a number of milliseconds ≥ 0',
  is: (x): x is number => isNumber(x) && x >= 0,
  parse: (text) => (/^\s*0+(\.0*)?\s*$/.test(text) ? 0 : duration.parse(text)),
};

/** One of a few words; commander checks a flag's choice itself, and lists them in help. */
export function choice<T extends string>(choices: readonly T[]): ValueType<T> {
  const what = `one of ${choices.join(', ')}`;
  const is = (x: unknown): x is T => typeof x === 'string' && (choices as readonly string[]).includes(x);
  return {
    what,
    choices,
    is,
    parse(text) {
      if (!is(text)) invalid(what, text);
      return text;
    },
  };
}

/** A comma-separated list ("0.5,0.8,1"), stored as a JSON array. */
export function listOf<T>(element: ValueType<T>, plural: string): ValueType<T[]> {
  return {
    what: `a comma-separated list of ${plural}`,
    stored: `a list of ${plural}`,
    is: (x): x is T[] => Array.isArray(x) && x.every((e) => element.is(e)),
    parse: (text) => text.split(',').filter((v) => v.trim() !== '').map((v) => element.parse(v.trim())),
  };
}

/** "4,096": bounds in messages and help. */
export const showBound = (n: number): string => n.toLocaleString('en-US');

/** A number kind bounded above ("a positive whole number up to 4,092"): for list elements, whose bound a Setting's max (the list's length) cannot give. */
export function atMost(type: ValueType<number>, max: number): ValueType<number> {
  const what = `${type.what} up to ${showBound(max)}`;
  const is = (x: unknown): x is number => type.is(x) && x <= max;
  return {
    what,
    is,
    parse(text) {
      let n: number;
      try {
        n = type.parse(text);
      } catch (error) {
        // A type's own advice (a duration's missing unit) is kept; its generic line gains the bound.
        if (error instanceof ValueError && !error.generic) throw error;
        invalid(what, text);
      }
      if (n > max) invalid(what, text);
      return n;
    },
  };
}

/** A value or null (stored only: null is "not set", which a flag says by being absent). */
export function orNull<T>(type: ValueType<T>): ValueType<T | null> {
  return {
    what: type.what,
    stored: `${type.stored ?? type.what} or null`,
    is: (x): x is T | null => x === null || type.is(x),
    parse: (text) => type.parse(text),
  };
}
