/**
 * `charnn eval`'s progress on stderr: on a terminal one line redrawn in
 * place (at most every 100 ms); otherwise (a log, a CI job) a line every
 * 5 s, so a long evaluation is seen to move. CHARNN_EVAL_PROGRESS_MS sets
 * that interval (0 = a line at every update), for logs that want more or
 * fewer lines and for tests, which cannot wait on a clock.
 */
import type { CorpusProgress } from '../eval/evaluate-corpus.js';
import { formatDuration } from '../ui/shared/format.js';
import { escapeControls } from '../util/escape.js';
import { usageError } from '../util/errors.js';
import { writeErr, writeErrText } from './output.js';

/** How often a progress line is written when stderr is not a terminal, unless the environment says otherwise. */
export const PLAIN_PROGRESS_MS = 5000;
/** How often the line on a terminal is redrawn. */
const TERMINAL_PROGRESS_MS = 100;
const PROGRESS_ENV = 'CHARNN_EVAL_PROGRESS_MS';

/** The interval off a terminal: PLAIN_PROGRESS_MS, or the environment's whole number of ms. */
export function plainProgressMs(env: NodeJS.ProcessEnv = process.env): number {
  const given = env[PROGRESS_ENV];
  if (given === undefined || given === '') return PLAIN_PROGRESS_MS;
  if (!/^\d{1,9}$/.test(given.trim())) throw usageError(`${PROGRESS_ENV} must be a whole number of milliseconds, not "${escapeControls(given)}"`, `unset it or set e.g. ${PROGRESS_ENV}=60000`);
  return Number(given.trim());
}

interface ProgressReporter {
  update(p: CorpusProgress): void;
  /** Clears the terminal line, if one was drawn. */
  end(): void;
}

/** Progress of evaluating `file`; `now` is the clock (ms). */
export function progressReporter(file: string, terminal: boolean, intervalMs: number, now: () => number = Date.now): ProgressReporter {
  const started = now();
  let last = terminal ? -Infinity : started;
  let drawn = false;
  const line = (p: CorpusProgress): string => {
    const seconds = Math.max(0.001, (now() - started) / 1000);
    const fraction = p.totalBytes > 0 ? Math.min(1, p.bytes / p.totalBytes) : 1;
    const eta = fraction > 0 && fraction < 1 ? `, ${formatDuration((seconds * 1000 * (1 - fraction)) / fraction)} left` : '';
    return escapeControls(`${file}: ${(100 * fraction).toFixed(0)}%, ${p.chars.toLocaleString('en-US')} characters (${Math.round(p.chars / seconds).toLocaleString('en-US')} chars/s${eta})`);
  };
  return {
    update(p) {
      const time = now();
      if (time - last < (terminal ? TERMINAL_PROGRESS_MS : intervalMs)) return;
      last = time;
      if (terminal) {
        writeErrText(`\r\x1b[K${line(p)}`);
        drawn = true;
      } else writeErr(`eval: ${line(p)}`);
    },
    end() {
      if (drawn) writeErrText('\r\x1b[K');
    },
  };
}
