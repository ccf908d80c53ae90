/**
 * `charnn eval`'s progress on stderr (src/cli/eval-progress.ts), on a clock
 * the test moves: off a terminal a line every 5 s, or every
 * CHARNN_EVAL_PROGRESS_MS; on a terminal one line redrawn in place and
 * cleared at the end.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { plainProgressMs, progressReporter, PLAIN_PROGRESS_MS } from '../../src/cli/eval-progress.js';
import type { CorpusProgress } from '../../src/eval/evaluate-corpus.js';

const at = (chars: number): CorpusProgress => ({ bytes: chars, totalBytes: 10_000, chars });

function capture(): string[] {
  const written: string[] = [];
  vi.spyOn(process.stderr, 'write').mockImplementation(((text: string) => {
    written.push(text);
    return true;
  }) as typeof process.stderr.write);
  return written;
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('eval progress', () => {
  it('off a terminal: a line once every interval, none before the first has passed', () => {
    const written = capture();
    let now = 1_000_000;
    const progress = progressReporter('text.txt', false, PLAIN_PROGRESS_MS, () => now);
    for (const [ms, chars] of [[0, 10], [1000, 100], [4999, 900]] as const) {
      now = 1_000_000 + ms;
      progress.update(at(chars));
    }
    expect(written).toEqual([]);
    now = 1_005_000;
    progress.update(at(1000));
    now = 1_009_999;
    progress.update(at(1900));
    now = 1_010_000;
    progress.update(at(2000));
    progress.end();
    expect(written).toEqual([
      'eval: text.txt: 10%, 1,000 characters (200 chars/s, 45s left)\n',
      'eval: text.txt: 20%, 2,000 characters (200 chars/s, 40s left)\n',
    ]);
  });

  it('on a terminal: one line redrawn in place at most every 100 ms, cleared at the end', () => {
    const written = capture();
    let now = 0;
    const progress = progressReporter('text.txt', true, PLAIN_PROGRESS_MS, () => now);
    progress.update(at(0));
    now = 50;
    progress.update(at(10));
    now = 1000;
    progress.update(at(10_000));
    progress.end();
    expect(written).toEqual(['\r\x1b[Ktext.txt: 0%, 0 characters (0 chars/s)', '\r\x1b[Ktext.txt: 100%, 10,000 characters (10,000 chars/s)', '\r\x1b[K']);
  });

  it('CHARNN_EVAL_PROGRESS_MS sets the interval off a terminal; 0 = every update', () => {
    expect(plainProgressMs({})).toBe(5000);
    expect(plainProgressMs({ CHARNN_EVAL_PROGRESS_MS: '' })).toBe(5000);
    expect(plainProgressMs({ CHARNN_EVAL_PROGRESS_MS: '60000' })).toBe(60_000);
    expect(plainProgressMs({ CHARNN_EVAL_PROGRESS_MS: '0' })).toBe(0);
    expect(() => plainProgressMs({ CHARNN_EVAL_PROGRESS_MS: '5s' })).toThrow(/CHARNN_EVAL_PROGRESS_MS must be a whole number of milliseconds, not "5s"/);
    const written = capture();
    let now = 0;
    const progress = progressReporter('t', false, 0, () => now);
    progress.update(at(1));
    progress.update(at(2));
    now = 1;
    progress.update(at(3));
    expect(written).toHaveLength(3);
  });
});
