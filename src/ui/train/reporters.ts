/**
 * Reporters for when there is no interactive terminal (stdout piped, CI,
 * --no-ui, --json): the same events as the dashboard, written as lines.
 */
import type { RunInfo, TrainEvent } from '../../train/events.js';
import {
  formatCheckpointLine,
  formatDoneLine,
  formatErrorLine,
  formatEvalLine,
  formatNextLine,
  formatNoteLine,
  formatPhaseLine,
  formatRunHeader,
  formatSampleLines,
  formatStateLine,
  formatStepLine,
  formatWarningLine,
} from './event-lines.js';
import { safeJson } from '../../util/escape.js';

interface PlainReporterOptions {
  /** Print a step line at most every this many steps (default 10)… */
  everySteps?: number;
  /** …and at most every this many ms of training time (default 2000); both must have passed. */
  everyMs?: number;
}

/**
 * Human-readable lines without ANSI. Step lines are throttled (the first one
 * always prints); everything else prints as it happens. Time is taken from
 * the events' `elapsedMs`, so the output is deterministic for a given stream.
 */
export function createPlainReporter(
  write: (line: string) => void,
  options: PlainReporterOptions = {},
): (e: TrainEvent) => void {
  const everySteps = options.everySteps ?? 10;
  const everyMs = options.everyMs ?? 2000;
  let info: RunInfo | null = null;
  let lastStep: number | null = null;
  let lastMs = 0;

  return (e) => {
    switch (e.type) {
      case 'start':
        info = e.info;
        lastStep = null;
        write(formatRunHeader(e.info));
        for (const note of e.info.notes) write(formatNoteLine(note));
        return;
      case 'step': {
        const due =
          lastStep === null ||
          e.step < lastStep ||
          e.elapsedMs < lastMs ||
          (e.step - lastStep >= everySteps && e.elapsedMs - lastMs >= everyMs);
        if (!due) return;
        lastStep = e.step;
        lastMs = e.elapsedMs;
        write(formatStepLine(e, info));
        return;
      }
      case 'eval':
        write(formatEvalLine(e));
        return;
      case 'sample':
        for (const line of formatSampleLines(e)) write(line);
        return;
      case 'checkpoint':
        write(formatCheckpointLine(e));
        return;
      case 'warning':
        write(formatWarningLine(e));
        return;
      case 'note':
        write(formatNoteLine(e.message));
        return;
      case 'phase':
        write(formatPhaseLine(e));
        return;
      case 'paused':
      case 'resumed':
        write(formatStateLine(e));
        return;
      case 'done': {
        write(formatDoneLine(e));
        const next = formatNextLine(e);
        if (next) write(next);
        return;
      }
      case 'error':
        write(formatErrorLine(e));
        return;
    }
  };
}

/**
 * One JSON object per line for every event, exactly as emitted. Non-finite
 * numbers (a diverged loss) become null, as JSON has no NaN; control
 * characters and bidi overrides in strings (a sample, a message) are \u
 * escapes (safeJson), so the stream is safe on a terminal and decodes to the
 * same values.
 */
export function createJsonReporter(write: (line: string) => void): (e: TrainEvent) => void {
  return (e) => write(safeJson(e));
}
