import { describe, expect, it } from 'vitest';
import { suffixArray } from '../../src/novelty/suffix-array.js';
import { Rng } from '../../src/util/rng.js';

/** Suffixes sorted by direct comparison. */
function naive(text: Int32Array): number[] {
  const compare = (a: number, b: number): number => {
    while (a < text.length && b < text.length) {
      if (text[a] !== text[b]) return text[a]! - text[b]!;
      a++;
      b++;
    }
    return a === text.length ? -1 : 1;
  };
  return Array.from({ length: text.length }, (_, i) => i).sort(compare);
}

/** Whether `sa` is a permutation of the positions with every neighbour pair in order (compared in full). */
function isSuffixArray(sa: Int32Array, text: ArrayLike<number>): boolean {
  const n = text.length;
  const seen = new Uint8Array(n);
  for (const p of sa) {
    if (p < 0 || p >= n || seen[p]) return false;
    seen[p] = 1;
  }
  for (let k = 0; k + 1 < n; k++) {
    let a = sa[k]!;
    let b = sa[k + 1]!;
    while (a < n && b < n && text[a] === text[b]) {
      a++;
      b++;
    }
    if (b === n || (a < n && text[a]! > text[b]!)) return false;
  }
  return true;
}

describe('suffixArray (SA-IS)', () => {
  it('orders the suffixes of small and degenerate texts', () => {
    for (const text of [[], [0], [1, 0], [0, 1], [0, 0], [2, 2, 2, 2, 2], [0, 1, 0, 1, 0, 1], [3, 2, 1, 0], [0, 1, 2, 3]]) {
      const t = Int32Array.from(text);
      expect(Array.from(suffixArray(t, 4))).toEqual(naive(t));
    }
    const banana = Int32Array.from('banana', (c) => c.charCodeAt(0) - 97);
    expect(Array.from(suffixArray(banana, 26))).toEqual([5, 3, 1, 0, 4, 2]);
  });

  it('agrees with direct sorting on random and repetitive texts', () => {
    const rng = new Rng(5);
    for (let trial = 0; trial < 300; trial++) {
      const alphabet = 1 + Math.floor(rng.next() * (trial % 3 === 0 ? 2 : 30));
      const length = Math.floor(rng.next() * 300);
      let t = Int32Array.from({ length }, () => Math.floor(rng.next() * alphabet));
      // Every third text repeats a short unit, which forces the recursion.
      if (trial % 3 === 1 && length > 0) {
        const unit = t.slice(0, 1 + Math.floor(rng.next() * 7));
        t = Int32Array.from({ length }, (_, i) => (rng.next() < 0.02 ? Math.floor(rng.next() * alphabet) : unit[i % unit.length]!));
      }
      expect(Array.from(suffixArray(t, alphabet))).toEqual(naive(t));
    }
  });

  it('sorts the ids as they come (Uint8Array, Uint16Array, Int32Array) and leaves them as they were', () => {
    const rng = new Rng(3);
    const words = ['the ', 'cat ', 'sat ', 'on ', 'mat ', 'and ', 'hat\n'];
    const text = Array.from({ length: 400 }, () => words[Math.floor(rng.next() * words.length)]!).join('');
    const codes = Array.from(text, (c) => c.charCodeAt(0));
    const expected = naive(Int32Array.from(codes));
    for (const ids of [Uint8Array.from(codes), Uint16Array.from(codes), Int32Array.from(codes)]) {
      const before = ids.slice();
      expect(Array.from(suffixArray(ids, 128)), ids.constructor.name).toEqual(expected);
      expect(ids).toEqual(before);
    }
  });

  it('sorts a text whose reduced string has more than 65,536 names (bucket sizes counted again, pointers in the free space)', () => {
    // Random blocks over a large alphabet, each written twice: most LMS substrings occur twice, so there are
    // about half as many names as LMS positions (> 65,536), and the reduced string is sorted recursively.
    const rng = new Rng(8);
    const parts: number[] = [];
    while (parts.length < 600_000) {
      const block = Array.from({ length: 40 }, () => Math.floor(rng.next() * 5000));
      parts.push(...block, ...block);
    }
    const text = Int32Array.from(parts);
    expect(isSuffixArray(suffixArray(text, 5000), text)).toBe(true);
    // And an alphabet larger than 65,536 at the top level.
    const wide = Int32Array.from({ length: 50_000 }, () => Math.floor(rng.next() * 100_000));
    expect(isSuffixArray(suffixArray(wide, 100_000), wide)).toBe(true);
  });
});
