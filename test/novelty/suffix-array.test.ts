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
});
