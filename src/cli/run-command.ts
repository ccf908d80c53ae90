/**
 * How every command ends: a CharnnError becomes one line on stderr
 * ("charnn: …" plus the hint) and its exit code, and so does running out of
 * file descriptors (EMFILE: it names ulimit -n); anything else is a bug,
 * reported with its stack only under --debug / CHARNN_DEBUG=1.
 */
import { CharnnError } from '../util/errors.js';
import { escapeControls } from '../util/escape.js';
import { isTooManyOpenFiles, tooManyOpenFiles } from '../util/process-limits.js';
import { writeErr } from './output.js';

function debugEnabled(): boolean {
  return process.env['CHARNN_DEBUG'] === '1' || process.argv.includes('--debug');
}

export function reportError(error: unknown): number {
  // Out of file descriptors (ulimit -n): anywhere — loading a module, opening a checkpoint, starting a thread.
  if (!(error instanceof CharnnError) && isTooManyOpenFiles(error)) return reportError(tooManyOpenFiles());
  if (error instanceof CharnnError) {
    // Messages name files and quote checkpoint contents: nothing in them may reach the terminal raw.
    writeErr(escapeControls(`charnn: ${error.message}${error.hint ? ` (${error.hint})` : ''}`));
    if (debugEnabled() && error.stack) writeErr(escapeStack(error.stack));
    return error.exitCode;
  }
  const e = error as NodeJS.ErrnoException;
  if (e?.code === 'EPIPE') return 0;
  const message = e?.message ?? String(error);
  writeErr(escapeControls(`charnn: internal error: ${message.split('\n')[0]} (run with --debug for details and please report it)`));
  if (debugEnabled() && e?.stack) writeErr(escapeStack(e.stack));
  return 1;
}

/** A stack trace (its first line is the message, which may quote a file) escaped line by line. */
function escapeStack(stack: string): string {
  return stack.split('\n').map(escapeControls).join('\n');
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
