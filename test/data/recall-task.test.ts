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

  it('draws each lag from minLag … lag, padding the front with fillers so every episode keeps its length', () => {
    const lag = 8;
    const task = makeRecallTask({ lag, episodes: 400, seed: 5, minLag: 2 });
    const again = makeRecallTask({ lag, episodes: 400, seed: 5, minLag: 2 });
    expect(again.text).toBe(task.text);
    const episodes = task.text.split('\n').slice(0, -1);
    const seen = new Set<number>();
    const chars = codePoints(task.text);
    episodes.forEach((ep, e) => {
      expect(ep).toHaveLength(lag + 3);
      const match = new RegExp(`^([${DEFAULT_FILLERS}]*)([${DEFAULT_MARKERS}])([${DEFAULT_FILLERS}]*)=([${DEFAULT_MARKERS}])$`).exec(ep);
      expect(match, ep).not.toBeNull();
      const [, padding, marker, fillers, recalled] = match!;
      expect(recalled).toBe(marker);
      expect(padding!.length + fillers!.length).toBe(lag);
      seen.add(fillers!.length);
      const p = task.recallPositions[e]!;
      expect(p).toBe(e * (lag + 4) + lag + 2);
      expect(chars[p]).toBe(marker);
    });
    expect([...seen].sort((a, b) => a - b)).toEqual([2, 3, 4, 5, 6, 7, 8]);
    // minLag equal to lag is the fixed-lag task, draw for draw
    expect(makeRecallTask({ lag, episodes: 50, seed: 5, minLag: lag }).text).toBe(makeRecallTask({ lag, episodes: 50, seed: 5 }).text);
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
      [{ ...ok, minLag: 0 }, /minLag must be an integer of at least 1/],
      [{ ...ok, minLag: 4 }, /minLag 4 exceeds lag 3/],
    ];
    for (const [options, message] of cases) {
      expect(() => makeRecallTask(options as never)).toThrow(message);
      expect(() => makeRecallTask(options as never)).toThrow(CharnnError);
    }
  });
});
