/**
 * A setting, declared once: its flag, kind of value, bound, default, help,
 * what an old checkpoint without it means, and whether a resumed or
 * fine-tuned run may change it. From a table of them come the command's
 * options (cli/setting-options.ts), the check of a checkpoint's stored
 * config and its limits, and the refusals of a resume or fine-tune that
 * would change what cannot change.
 */
import { usageError } from '../util/errors.js';
import type { ValueType } from './values.js';

export interface Setting<T> {
  /** The flag and its argument, e.g. "--seq-len <n>"; absent for settings charnn decides itself. */
  readonly flag?: string;
  readonly type: ValueType<T>;
  readonly default: T;
  /**
   * How help shows the default, when not as the value itself ("5s" for
   * 5000 ms); null: the flag has no default (charnn decides it, or help
   * says it).
   */
  readonly shownDefault?: string | null;
  readonly help?: string;
  /**
   * Upper bound of a number, or of a list's length: settings that size
   * allocations or threads, checked for flags and for stored configs alike.
   */
  readonly max?: number;
  /** How messages show `max` when not as the number itself ("3650d" for a duration stored in ms). */
  readonly shownMax?: string;
  /**
   * What a checkpoint written before this setting existed gets when it
   * lacks it: the default, or the value those runs had; absent: a
   * checkpoint must have it.
   */
  readonly whenAbsent?: 'default' | { readonly value: T };
  /** Why a resumed run (--resume) cannot change it; absent: it can. */
  readonly fixedOnResume?: string;
  /** Why a fine-tune (--init-from) cannot set it; absent: it can. */
  readonly fixedOnInitFrom?: string;
}

/** One Setting per field of a config. */
export type SettingsTable<C> = { readonly [K in keyof C]-?: Setting<C[K]> };

type Entry = readonly [string, Setting<unknown>];

function entries<C>(table: SettingsTable<C>): Entry[] {
  return Object.entries(table) as Entry[];
}

const copy = <T>(value: T): T => (Array.isArray(value) ? ([...value] as T) : value);

/** The config of the defaults (lists copied: callers may keep them). */
export function defaultsOf<C>(table: SettingsTable<C>): C {
  return Object.fromEntries(entries(table).map(([key, s]) => [key, copy(s.default)])) as C;
}

/** "--seq-len <n>" → "--seq-len". */
export function flagName(setting: Setting<unknown>): string | undefined {
  return setting.flag?.split(' ')[0];
}

/** A value as a flag would be typed ("0.002", "0.5,0.8,1"). */
export function showValue(value: unknown): string {
  if (Array.isArray(value)) return value.join(',');
  return typeof value === 'string' || typeof value === 'number' ? String(value) : JSON.stringify(value);
}

/**
 * Checks a stored config in place (`group` names it in messages:
 * "training.lr must be a number > 0"; '' for top-level fields), giving absent settings of older
 * checkpoints their value. Returns the first problem, or null.
 */
export function storedProblem<C>(group: string, table: SettingsTable<C>, stored: Record<string, unknown>): string | null {
  for (const [key, s] of entries(table)) {
    if (stored[key] === undefined && s.whenAbsent !== undefined) {
      stored[key] = copy(s.whenAbsent === 'default' ? s.default : s.whenAbsent.value);
    } else if (!s.type.is(stored[key])) {
      return `${group === '' ? '' : `${group}.`}${key} must be ${s.type.stored ?? s.type.what}`;
    }
  }
  return null;
}

/** What exceeds a setting's bound ("seqLen 10,000 exceeds the limit of 4,096"), or null. */
export function limitProblem<C>(table: SettingsTable<C>, config: C): string | null {
  for (const [key, s] of entries(table)) {
    const value = (config as Record<string, unknown>)[key];
    if (s.max === undefined) continue;
    if (typeof value === 'number' && value > s.max) return `${key} ${value} exceeds the limit of ${s.max.toLocaleString('en-US')}`;
    if (Array.isArray(value) && value.length > s.max) return `${key} has ${value.length} entries, more than the limit of ${s.max.toLocaleString('en-US')}`;
  }
  return null;
}

const same = (a: unknown, b: unknown): boolean => a === b || (Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => x === b[i]));

/**
 * Refuses settings a resume was given that differ from the checkpoint's
 * and that a resumed run cannot change (a usage error naming the flag).
 */
export function checkResume<C>(table: SettingsTable<C>, given: Partial<C>, saved: C): void {
  for (const [key, s] of entries(table)) {
    const value = (given as Record<string, unknown>)[key];
    const was = (saved as Record<string, unknown>)[key];
    if (s.fixedOnResume === undefined || value === undefined || same(value, was)) continue;
    const flag = flagName(s) ?? key;
    throw usageError(
      `${flag} ${showValue(value)} conflicts with the checkpoint, which was trained with ${flag} ${showValue(was)}`,
      `drop ${flag} when resuming: ${s.fixedOnResume}; or start a new run without --resume`,
    );
  }
}

/** Refuses settings a fine-tune (--init-from) was given that it cannot set. */
export function checkInitFrom<C>(table: SettingsTable<C>, given: Partial<C>): void {
  for (const [key, s] of entries(table)) {
    if (s.fixedOnInitFrom === undefined || (given as Record<string, unknown>)[key] === undefined) continue;
    const flag = flagName(s) ?? key;
    throw usageError(`${flag} cannot be used with --init-from: ${s.fixedOnInitFrom}`, `drop ${flag}, or train a new model without --init-from`);
  }
}
