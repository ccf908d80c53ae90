/**
 * How much of a text is copied verbatim from a corpus, answered from the
 * corpus's suffix array.
 *
 * For every position i of the sample, the matching statistic m(i) is the
 * length of the longest prefix of sample[i…] that occurs somewhere in the
 * corpus. The end e(i) = i + m(i) never decreases (a match minus its first
 * character is still a match), so each position starts from the previous
 * end: one binary search for the range of suffixes that begin with
 * sample[i…e), then one narrowing per character the match grows by. The
 * longest copied substring is the largest m(i); a character is "in a copied
 * run" when some [i, e(i)) with m(i) ≥ the run length covers it.
 */
import type { Vocabulary } from '../data/vocabulary.js';
import { suffixArray, type Symbols } from './suffix-array.js';

/** Copied runs shorter than this do not count towards the copied share (torch-rnn's novel_substrings uses the same idea). */
export const MIN_COPIED_RUN = 20;

/**
 * A corpus ready for queries: its text as the ids the data layer read it
 * into (never a string: a corpus may be larger than the longest JS string)
 * and their suffix array. Suffixes are ordered by id, not by code point:
 * any fixed order serves for finding matches.
 */
export class CorpusIndex {
  /**
   * @param text the corpus as ids in `vocab` (a checkpoint's vocabulary, plus
   *   any characters the corpus adds), in any typed array (see narrowIds)
   * @param vocab the vocabulary of `text`
   * @param sa the suffix array of `text`
   */
  constructor(
    readonly text: Symbols,
    readonly vocab: Vocabulary,
    readonly sa: Int32Array,
  ) {}

  /** Builds the index of a corpus's ids (their suffix array by SA-IS). */
  static build(text: Symbols, vocab: Vocabulary): CorpusIndex {
    return new CorpusIndex(text, vocab, suffixArray(text, vocab.size));
  }

  /** Ids of a sample's code points; −1 for a character the vocabulary lacks (it matches nothing). */
  encode(sample: string): Int32Array {
    const out = new Int32Array(sample.length);
    let n = 0;
    for (const ch of sample) out[n++] = this.vocab.id(ch);
    return out.subarray(0, n);
  }

  /** Symbol at offset k of the suffix starting at p; −1 past the end (sorts first). */
  private at(p: number, k: number): number {
    const q = p + k;
    return q < this.text.length ? this.text[q]! : -1;
  }

  /**
   * Within [lo, hi), whose suffixes all share the first k symbols, the
   * sub-range whose symbol k is `c` (empty: lo === hi).
   */
  narrow(lo: number, hi: number, k: number, c: number): [number, number] {
    const { sa } = this;
    let a = lo;
    let b = hi;
    while (a < b) {
      const mid = (a + b) >>> 1;
      if (this.at(sa[mid]!, k) < c) a = mid + 1;
      else b = mid;
    }
    const start = a;
    b = hi;
    while (a < b) {
      const mid = (a + b) >>> 1;
      if (this.at(sa[mid]!, k) <= c) a = mid + 1;
      else b = mid;
    }
    return [start, a];
  }

  /**
   * Compares pattern[from…from+len) with the suffix at p, skipping the first
   * `skip` symbols (known equal). Returns the common prefix length and the
   * sign of pattern − suffix (0 when the suffix starts with the pattern).
   */
  private compare(pattern: Int32Array, from: number, len: number, p: number, skip: number): [number, number] {
    const { text } = this;
    let k = skip;
    while (k < len) {
      const q = p + k;
      if (q >= text.length) return [k, 1];
      const d = pattern[from + k]! - text[q]!;
      if (d !== 0) return [k, d];
      k++;
    }
    return [k, 0];
  }

  /**
   * The range [lo, hi) of suffixes that start with pattern[from…from+len),
   * by binary search; the part both bounds are known to share is not
   * compared again.
   */
  range(pattern: Int32Array, from: number, len: number): [number, number] {
    const { sa } = this;
    const n = sa.length;
    // First suffix ≥ pattern.
    let lo = 0;
    let hi = n;
    let lcpLo = 0;
    let lcpHi = 0;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const [lcp, sign] = this.compare(pattern, from, len, sa[mid]!, Math.min(lcpLo, lcpHi));
      if (sign > 0) {
        lo = mid + 1;
        lcpLo = lcp;
      } else {
        hi = mid;
        lcpHi = lcp;
      }
    }
    const start = lo;
    // First suffix that does not start with the pattern and is greater.
    hi = n;
    lcpLo = 0;
    lcpHi = 0;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const [lcp, sign] = this.compare(pattern, from, len, sa[mid]!, Math.min(lcpLo, lcpHi));
      if (sign >= 0) {
        lo = mid + 1;
        lcpLo = lcp;
      } else {
        hi = mid;
        lcpHi = lcp;
      }
    }
    return [start, lo];
  }

  /**
   * Matching statistics of a sample: m[i] = the length of the longest
   * prefix of sample[i…] found in the corpus, and for each i a corpus
   * position where that prefix occurs (−1 when m[i] = 0).
   */
  matchingStatistics(sample: string): { lengths: Int32Array; positions: Int32Array } {
    const pattern = this.encode(sample);
    const L = pattern.length;
    const lengths = new Int32Array(L);
    const positions = new Int32Array(L).fill(-1);
    const n = this.sa.length;
    let end = 0;
    for (let i = 0; i < L; i++) {
      if (end < i) end = i;
      let [lo, hi] = end > i ? this.range(pattern, i, end - i) : [0, n];
      let k = end - i;
      while (i + k < L && pattern[i + k]! >= 0) {
        const [a, b] = this.narrow(lo, hi, k, pattern[i + k]!);
        if (a === b) break;
        lo = a;
        hi = b;
        k++;
      }
      lengths[i] = k;
      if (k > 0) positions[i] = this.sa[lo]!;
      end = i + k;
    }
    return { lengths, positions };
  }

  /** What of `sample` is copied from the corpus (see NoveltyReport). */
  novelty(sample: string, minRun = MIN_COPIED_RUN): NoveltyReport {
    const chars = Array.from(sample);
    const { lengths, positions } = this.matchingStatistics(sample);
    let best = 0;
    for (let i = 1; i < lengths.length; i++) if (lengths[i]! > lengths[best]!) best = i;
    const longest = lengths.length > 0 ? lengths[best]! : 0;
    // Union of the copied runs [i, i + m(i)) with m(i) ≥ minRun; their ends never decrease.
    let covered = 0;
    let reach = 0;
    for (let i = 0; i < lengths.length; i++) {
      if (lengths[i]! < minRun) continue;
      const end = i + lengths[i]!;
      covered += end - Math.max(reach, i);
      reach = end;
    }
    return {
      chars: chars.length,
      longest,
      longestText: chars.slice(best, best + longest).join(''),
      longestAt: longest > 0 ? positions[best]! : null,
      copiedChars: covered,
      copiedShare: chars.length > 0 ? covered / chars.length : 0,
      minRun,
    };
  }
}

export interface NoveltyReport {
  /** Characters (code points) in the sample. */
  chars: number;
  /** Length of the longest substring of the sample found verbatim in the corpus. */
  longest: number;
  longestText: string;
  /** Where in the corpus (code point offset) that substring occurs; null when nothing matched. */
  longestAt: number | null;
  /** Characters of the sample inside copied runs of at least minRun characters. */
  copiedChars: number;
  /** copiedChars / chars (0 for an empty sample). */
  copiedShare: number;
  minRun: number;
}
