/**
 * Errors meant for the person at the terminal. The CLI prints `message` (and
 * `hint`) on one line and exits with `exitCode`; anything else is a bug and is
 * reported as one.
 */
export class CharnnError extends Error {
  /** 2 for wrong usage (bad flags, bad input files), 1 for failures at run time. */
  readonly exitCode: 1 | 2;
  /** What the user can do about it. */
  readonly hint?: string;

  constructor(message: string, options: { hint?: string; exitCode?: 1 | 2; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'CharnnError';
    this.exitCode = options.exitCode ?? 2;
    this.hint = options.hint;
  }
}

/** Wrong usage: bad flags, unreadable or unsuitable input. Exit code 2. */
export function usageError(message: string, hint?: string): CharnnError {
  return new CharnnError(message, { hint, exitCode: 2 });
}

/** A failure at run time (disk full, training diverged). Exit code 1. */
export function runtimeError(message: string, hint?: string, cause?: unknown): CharnnError {
  return new CharnnError(message, { hint, exitCode: 1, cause });
}
