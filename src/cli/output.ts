/**
 * stdout and stderr as every command uses them. A write error on either
 * (a full disk behind `> file`, EIO from a vanished terminal, a reader that
 * went away behind `| head`) never surfaces as a stack trace:
 * - by default the command ends at once: a reader that went away means exit
 *   0 and no message (as `| head` expects); any other failure means one line
 *   on stderr (when stderr still works) and exit 1;
 * - a long run that must save first (training) registers `whenOutputFails`:
 *   it is told once, stops and saves, and then ends with `outputFailureError`.
 * After a stream has failed, writes to it are dropped.
 */
import fs from 'node:fs';
import tty from 'node:tty';
import { CharnnError, runtimeError } from '../util/errors.js';
import { SafeTextStream } from '../util/escape.js';

type OutputStream = 'stdout' | 'stderr';

interface OutputFailure {
  stream: OutputStream;
  /** The error code, e.g. ENOSPC, EIO, EPIPE. */
  code: string;
  /** The reader went away (EPIPE, or the terminal closed): the output is not wanted any more, which is no error. */
  closed: boolean;
}

let failure: OutputFailure | null = null;
const failed = { stdout: false, stderr: false };
let handler: ((failure: OutputFailure) => void) | null = null;
let installed = false;
/** Which of fds 0, 1, 2 were terminals at start-up. */
let startedOnTerminal: boolean[] = [];
let terminalGone = false;

const REASONS: Record<string, string> = {
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
  EFBIG: 'file too large',
  EIO: 'input/output error (the terminal or device went away)',
  EBADF: 'the stream is not open',
  EPIPE: 'the reader closed it',
  ECONNRESET: 'the reader closed it',
  ERR_STREAM_DESTROYED: 'the reader closed it',
  EAGAIN: 'it would block',
};

function stream(name: OutputStream): NodeJS.WriteStream {
  return name === 'stdout' ? process.stdout : process.stderr;
}

/** "cannot write to stdout: no space left on device" */
function describeOutputFailure(f: OutputFailure): string {
  return `cannot write to ${f.stream}: ${REASONS[f.code] ?? f.code}`;
}

/** Exit code of a run that ended because of `f`: 0 when the reader simply went away. */
function outputFailureExitCode(f: OutputFailure): 0 | 1 {
  return f.closed ? 0 : 1;
}

function onError(name: OutputStream, error: NodeJS.ErrnoException): void {
  failed[name] = true;
  const code = error?.code ?? 'EIO';
  // EIO on a terminal: it was closed (a closed tmux or ssh session), like a reader going away.
  const hungUp = code === 'EIO' && startedOnTerminal[name === 'stdout' ? 1 : 2] === true;
  if (hungUp) terminalGone = true;
  if (failure) return;
  failure = { stream: name, code, closed: hungUp || code === 'EPIPE' || code === 'ECONNRESET' || code === 'ERR_STREAM_DESTROYED' };
  if (handler) {
    handler(failure);
    return;
  }
  if (!failure.closed && name === 'stdout') writeErr(`charnn: ${describeOutputFailure(failure)} (free disk space or send the output elsewhere)`);
  releaseDeadTerminal();
  process.exit(outputFailureExitCode(failure));
}

/** The terminal went away (SIGHUP, or EIO on a write). */
export function noteTerminalGone(): void {
  terminalGone = true;
}

/** Whether the terminal went away during this process (a SIGHUP, or EIO on a write). */
export function terminalWentAway(): boolean {
  return terminalGone;
}

/**
 * Node 20 aborts at exit with "Assertion failed … ResetStdio" when it
 * cannot restore the settings of a terminal that has gone away (fixed in
 * later Node versions, nodejs/node#58200). Pointing the terminal's file
 * descriptors at /dev/null first makes it leave them alone. Call right
 * before the process ends; nothing happens while the terminal is there.
 */
export function releaseDeadTerminal(): void {
  if (!terminalGone) return;
  for (let fd = 0; fd <= 2; fd++) {
    if (!startedOnTerminal[fd]) continue;
    try {
      fs.closeSync(fd);
      // The lowest free descriptor: fd itself.
      fs.openSync('/dev/null', fd === 0 ? 'r' : 'w');
    } catch {
      // Nothing more can be done for this descriptor.
    }
  }
}

/** Attaches the error handlers to stdout and stderr (once, at start-up). */
export function installOutputGuards(): void {
  if (installed) return;
  installed = true;
  startedOnTerminal = [0, 1, 2].map((fd) => tty.isatty(fd));
  process.stdout.on('error', (error: NodeJS.ErrnoException) => onError('stdout', error));
  process.stderr.on('error', (error: NodeJS.ErrnoException) => onError('stderr', error));
}

/**
 * Instead of ending the process, the next output failure calls `stop`
 * (e.g. "save latest/ and stop"); returns the function that removes it.
 * A failure that happened before is reported at once.
 */
export function whenOutputFails(stop: (failure: OutputFailure) => void): () => void {
  installOutputGuards();
  handler = stop;
  if (failure) stop(failure);
  return () => {
    if (handler === stop) handler = null;
  };
}

/** The output failure so far, if any. */
export function outputFailure(): OutputFailure | null {
  return failure;
}

/**
 * The error a long run ends with after an output failure it survived to
 * save (`saved` says what was saved), or null when a reader simply went
 * away: that run ends normally, with exit code 0.
 */
export function outputFailureError(f: OutputFailure, saved: string): CharnnError | null {
  if (f.closed) return null;
  return runtimeError(`${describeOutputFailure(f)}; ${saved}`, 'free disk space or send the output elsewhere');
}

/** Whether writes to `name` are still attempted. */
function outputOpen(name: OutputStream): boolean {
  return !failed[name] && !stream(name).destroyed;
}

/**
 * Resolves once stdout and stderr have written what they hold (at most
 * `limitMs`): before a process.exit, which would drop what is still queued.
 */
export async function flushedOutput(limitMs: number): Promise<void> {
  const flushed = (name: OutputStream): Promise<void> => new Promise((resolve) => {
    if (!outputOpen(name)) return resolve();
    stream(name).write('', () => resolve());
  });
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    Promise.all([flushed('stdout'), flushed('stderr')]),
    new Promise<void>((resolve) => (timer = setTimeout(resolve, limitMs))),
  ]);
  clearTimeout(timer);
}

/** Writes to stdout, waiting while the pipe is full; nothing once stdout has failed. */
export async function writeOut(text: string): Promise<void> {
  if (text.length === 0 || !outputOpen('stdout')) return;
  const out = process.stdout;
  if (out.write(text)) return;
  await new Promise<void>((resolve) => {
    const done = (): void => {
      out.off('drain', done);
      out.off('error', done);
      out.off('close', done);
      resolve();
    };
    out.on('drain', done);
    out.on('error', done);
    out.on('close', done);
  });
}

/** Product text written to stdout piece by piece (see textOut). */
export interface TextOut {
  write(text: string): Promise<void>;
  /** Writes what was held back (a CR that may have started a CR LF); call once, after the last piece. */
  end(): Promise<void>;
}

/**
 * stdout for text a model wrote (charnn generate): a pipe or a file gets
 * the exact bytes, as the text is the product there; a terminal gets it
 * made harmless (util/escape.ts safeText: line breaks and tabs kept,
 * escape sequences, other control characters and bidi overrides shown as
 * U+FFFD), so a model cannot set the window title or write the clipboard.
 */
export function textOut(terminal = process.stdout.isTTY === true): TextOut {
  if (!terminal) return { write: writeOut, end: async () => {} };
  const safe = new SafeTextStream();
  return { write: (text) => writeOut(safe.push(text)), end: () => writeOut(safe.end()) };
}

/** Writes one line to stderr; nothing (and no exception) once stderr has failed. */
export function writeErr(line: string): void {
  writeErrText(line.endsWith('\n') ? line : `${line}\n`);
}

/** Writes text to stderr as it is (a progress line redrawn with \r); nothing once stderr has failed. */
export function writeErrText(text: string): void {
  if (!outputOpen('stderr')) return;
  try {
    process.stderr.write(text);
  } catch (error) {
    onError('stderr', error as NodeJS.ErrnoException);
  }
}

/** Writes a line to stdout synchronously (reporters); nothing once stdout has failed. */
export function writeOutLine(line: string): void {
  if (!outputOpen('stdout')) return;
  try {
    process.stdout.write(line.endsWith('\n') ? line : `${line}\n`);
  } catch (error) {
    onError('stdout', error as NodeJS.ErrnoException);
  }
}
