import { describe, expect, it } from 'vitest';
import { codePoints } from '../../src/data/corpus.js';
import { DEFAULT_FILLERS, DEFAULT_MARKERS, makeRecallTask } from '../../src/data/recall-task.js';
import { CharnnError } from '../../src/util/errors.js';

describe('makeRecallTask', () => {
  it('is deterministic by seed', () => {
    const a = makeRecallTask({ lag: 5, episodes: 50, seed: 7 });
    const b = makeRecallTask({ lag: 5, episodes: 50, seed: 7 });
    const c = makeRecallTask({ lag: 5, episodes: 50, seed: 8 });
    expect(a.text).toBe(b.text);
    expect(Array.from(a.recallPositions)).toEqual(Array.from(b.recallPositions));
    expect(c.text).not.toBe(a.text);
  });

  it('builds well-formed episodes with recall positions on the repeated marker', () => {
    const lag = 6;
    const task = makeRecallTask({ lag, episodes: 200, seed: 1 });
    expect(task.markers).toBe(DEFAULT_MARKERS);
    expect(task.lag).toBe(lag);
    expect(task.chanceAccuracy).toBe(0.25);
    expect(task.recallPositions.length).toBe(200);
    const episodes = task.text.split('\n');
    expect(episodes.pop()).toBe(''); // text ends with a newline
    expect(episodes.length).toBe(200);
    const pattern = new RegExp(`^[${DEFAULT_MARKERS}][${DEFAULT_FILLERS}]{${lag}}=[${DEFAULT_MARKERS}]$`);
    const chars = codePoints(task.text);
    episodes.forEach((ep, e) => {
      expect(ep).toMatch(pattern);
      expect(ep[lag + 2]).toBe(ep[0]);
      const p = task.recallPositions[e]!;
      expect(p).toBe(e * (lag + 4) + lag + 2);
      expect(chars[p - 1]).toBe('=');
      expect(chars[p]).toBe(chars[p - lag - 2]);
      expect(chars[p - lag - 2]).toBe(ep[0]);
    });
    // every marker and filler gets used
    expect(new Set(codePoints(task.text))).toEqual(new Set(codePoints(DEFAULT_MARKERS + DEFAULT_FILLERS + '=\n')));
    expect(task.vocabulary.chars).toEqual(['\n', '=', 'A', 'B', 'C', 'D', ...'abcdefghij']);
    expect(task.vocabulary.decode(task.vocabulary.encode(task.text))).toBe(task.text);
  });

  it('uses code point indices with astral markers', () => {
    const task = makeRecallTask({ lag: 3, episodes: 20, seed: 3, markers: '😀👍', fillers: 'xy' });
    expect(task.chanceAccuracy).toBe(0.5);
    const chars = codePoints(task.text);
    expect(chars.length).toBe(20 * 7);
    for (const p of task.recallPositions) {
      expect(['😀', '👍']).toContain(chars[p]);
      expect(chars[p]).toBe(chars[p - 5]);
    }
    expect(task.vocabulary.size).toBe(6);
  });

  it('validates options', () => {
    const ok = { lag: 3, episodes: 2, seed: 1 };
    const cases: [object, RegExp][] = [
      [{ ...ok, lag: 0 }, /lag must be an integer of at least 1/],
      [{ ...ok, lag: 2.5 }, /lag must be an integer/],
      [{ ...ok, episodes: 0 }, /episodes must be an integer/],
      [{ ...ok, markers: '' }, /markers are empty/],
      [{ ...ok, fillers: '' }, /fillers are empty/],
      [{ ...ok, markers: 'AB', fillers: 'abB' }, /markers and fillers share "B"/],
      [{ ...ok, markers: 'A=' }, /markers must not contain '='/],
      [{ ...ok, fillers: 'a\n' }, /fillers must not contain '=' or a newline/],
      [{ ...ok, markers: 'ABA' }, /markers repeat "A"/],
      [{ ...ok, seed: Number.NaN }, /seed must be a number/],
    ];
    for (const [options, message] of cases) {
      expect(() => makeRecallTask(options as never)).toThrow(message);
      expect(() => makeRecallTask(options as never)).toThrow(CharnnError);
    }
  });
});
