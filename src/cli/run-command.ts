/**
 * How every command ends: a CharnnError becomes one line on stderr
 * ("charnn: …" plus the hint) and its exit code; anything else is a bug,
 * reported with its stack only under --debug / CHARNN_DEBUG=1.
 */
import { CharnnError } from '../util/errors.js';

export function debugEnabled(): boolean {
  return process.env['CHARNN_DEBUG'] === '1' || process.argv.includes('--debug');
}

export function reportError(error: unknown): number {
  if (error instanceof CharnnError) {
    process.stderr.write(`charnn: ${error.message}${error.hint ? ` (${error.hint})` : ''}\n`);
    if (debugEnabled() && error.stack) process.stderr.write(`${error.stack}\n`);
    return error.exitCode;
  }
  const e = error as NodeJS.ErrnoException;
  if (e?.code === 'EPIPE') return 0;
  const message = e?.message ?? String(error);
  process.stderr.write(`charnn: internal error: ${message.split('\n')[0]} (run with --debug for details and please report it)\n`);
  if (debugEnabled() && e?.stack) process.stderr.write(`${e.stack}\n`);
  return 1;
}

/** Wraps a command action so that errors exit cleanly. */
export function action<A extends unknown[]>(run: (...args: A) => Promise<void>): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      await run(...args);
    } catch (error) {
      process.exitCode = reportError(error);
    }
  };
}
