/**
 * Suffix array construction by induced sorting (SA-IS: Nong, Zhang & Chan,
 * "Two Efficient Algorithms for Linear Time Suffix Array Construction",
 * 2011), linear in the text length, with no sentinel, over the text as it is
 * given (a corpus's typed array of ids: nothing is copied).
 *
 * Suffix i is S (smaller than suffix i + 1) or L (larger); the last suffix
 * is L (the empty suffix after it is the smallest). An LMS position is an S
 * position right after an L one; the LMS substring at p runs to the next LMS
 * position, inclusive (the last one into the end of the text).
 *
 *  1. The LMS positions go to the ends of their buckets; an L pass (left to
 *     right: each suffix j induces j − 1 when that is L) and an S pass (right
 *     to left: when j − 1 is S) sort them by LMS substring.
 *  2. Equal LMS substrings get equal names (the stage-1 passes record where
 *     the sorted prefixes change, so no substrings are compared); the names
 *     in text order are the reduced string, whose suffix array (recursively,
 *     when names repeat) orders the LMS suffixes.
 *  3. The sorted LMS suffixes at their buckets' ends, one more L pass and S
 *     pass order every suffix.
 *
 * No type array is kept: types are found by scanning right to left where
 * needed, and the induction passes carry what they need in the sign of each
 * entry (see induceL).
 *
 * Memory: the result (4 bytes per symbol), one bit per symbol of group flags
 * and, per level, bucket arrays of 4 bytes per alphabet symbol. The
 * recursion runs inside the result: the reduced string (m ≤ n/2 names) at
 * its end, its suffix array at its start, and a level's bucket pointers in
 * the space between when they fit, else allocated (fewer than n/2 entries,
 * and only for a level with more than 65,536 names).
 */

/** A text of symbols in [0, alphabet): a corpus's ids, or the names of the recursion. */
export type Symbols = Uint8Array | Uint16Array | Int32Array;

/** Longest text: positions are Int32. */
export const MAX_SUFFIX_ARRAY_LENGTH = 2 ** 31 - 1;

/** Alphabets up to this size keep their bucket sizes, larger ones count them again when needed. */
const KEEP_COUNTS = 1 << 16;

/**
 * The suffix array of `text`: the start positions of all suffixes in
 * lexicographic order (a shorter suffix before a longer one it prefixes).
 * @param text symbols in [0, alphabet); read only
 * @param alphabet one more than the largest symbol
 * @returns Int32Array of text.length positions
 */
export function suffixArray(text: Symbols, alphabet: number): Int32Array {
  const n = text.length;
  if (n > MAX_SUFFIX_ARRAY_LENGTH) throw new RangeError(`suffixArray: ${n} symbols, more than ${MAX_SUFFIX_ARRAY_LENGTH}`);
  const sa = new Int32Array(n);
  if (n === 1) sa[0] = 0;
  else if (n > 1) sais(text, sa, n, alphabet, new Int32Array((n >>> 5) + 2));
  return sa;
}

/**
 * Bucket bounds of a level: `counts` holds the bucket sizes (or is null, and
 * they are counted again into `pointers` each time).
 */
interface Buckets {
  counts: Int32Array | null;
  pointers: Int32Array;
}

/** Sets the pointers to the bucket starts (end = false) or ends (end = true). */
function resetBuckets(T: Symbols, n: number, b: Buckets, end: boolean): Int32Array {
  const { counts, pointers } = b;
  const k = pointers.length;
  if (counts === null) {
    pointers.fill(0);
    for (let i = 0; i < n; i++) pointers[T[i]!]!++;
  } else {
    pointers.set(counts);
  }
  let sum = 0;
  if (end) {
    for (let c = 0; c < k; c++) {
      sum += pointers[c]!;
      pointers[c] = sum;
    }
  } else {
    for (let c = 0; c < k; c++) {
      const size = pointers[c]!;
      pointers[c] = sum;
      sum += size;
    }
  }
  return pointers;
}

/** Calls `visit` with every LMS position, from right to left (types found on the way). */
function forEachLms(T: Symbols, n: number, visit: (p: number) => void): void {
  let next = T[n - 1]!;
  let nextS = false; // the last suffix is L
  for (let i = n - 2; i >= 0; i--) {
    const c = T[i]!;
    const s: boolean = c < next || (c === next && nextS);
    if (nextS && !s) visit(i + 1);
    nextS = s;
    next = c;
  }
}

/** Group flags: one bit per slot of SA (and one past its end). */
const flagged = (flags: Int32Array, i: number): number => (flags[i >>> 5]! >>> (i & 31)) & 1;
const setFlag = (flags: Int32Array, i: number): void => void (flags[i >>> 5]! |= 1 << (i & 31));
const clearFlag = (flags: Int32Array, i: number): void => void (flags[i >>> 5]! &= ~(1 << (i & 31)));

/**
 * Flags, in each bucket, the slot its pointer is at when that lies before
 * the bucket's end: after the LMS suffixes are placed, the first of them;
 * after the L pass, the first S slot. (`scratch` receives the pointers.)
 */
function flagFirsts(T: Symbols, n: number, buckets: Buckets, flags: Int32Array, scratch: Int32Array): void {
  scratch.set(buckets.pointers);
  const ends = resetBuckets(T, n, buckets, true);
  for (let c = 0; c < ends.length; c++) if (scratch[c]! < ends[c]!) setFlag(flags, scratch[c]!);
}

/**
 * Sorts the suffixes of T[0, n) into SA[0, n), n ≥ 2. SA may be longer:
 * SA[n, …) is free work space (a level's bucket array lives there when it fits).
 * @param k the alphabet size (symbols in [0, k))
 */
function sais(T: Symbols, SA: Int32Array, n: number, k: number, flags: Int32Array): void {
  const total = SA.length;
  let counts: Int32Array | null = null;
  let pointers: Int32Array;
  if (k <= KEEP_COUNTS) {
    counts = new Int32Array(k);
    for (let i = 0; i < n; i++) counts[T[i]!]!++;
    pointers = new Int32Array(k);
  } else {
    pointers = k <= total - n ? SA.subarray(n, n + k) : new Int32Array(k);
  }
  const buckets: Buckets = { counts, pointers };

  // 1. The LMS positions at their buckets' ends.
  SA.fill(0, 0, n);
  const B = resetBuckets(T, n, buckets, true);
  let m = 0;
  let first = 0;
  forEachLms(T, n, (p) => {
    SA[--B[T[p]!]!] = first = p;
    m++;
  });

  if (m > 1) {
    // Sorted by LMS substring, to SA[0, m) (the S pass left them marked ~p,
    // alone), and named on the way: `flags` marks the slots whose entry's
    // LMS-prefix differs from the one before it (see sortLmsL).
    flags.fill(0, 0, (n >>> 5) + 2);
    const last = new Int32Array(pointers.length);
    // A bucket's LMS suffixes are one group (their prefix is the symbol alone).
    flagFirsts(T, n, buckets, flags, last);
    sortLmsL(T, SA, n, buckets, flags, last);
    // A bucket's S suffixes start a new group after its L suffixes.
    flagFirsts(T, n, buckets, flags, last);
    sortLmsS(T, SA, n, buckets, flags, last);
    // The LMS suffixes in order to SA[0, m), each that starts a new name marked ~p.
    let found = 0;
    let group = 0;
    let named = -1;
    for (let i = 0; i < n; i++) {
      group += flagged(flags, i);
      const v = SA[i]!;
      if (v < 0) {
        SA[found++] = group === named ? ~v : v;
        named = group;
      }
    }

    // 2. Names (from 1) at SA[m + p/2]: LMS positions are at least 2 apart and
    // m ≤ (n − 1)/2, so these slots are distinct and below n.
    SA.fill(0, m, n);
    let names = 0;
    for (let r = 0; r < m; r++) {
      let p = SA[r]!;
      if (p < 0) {
        p = ~p;
        names++;
      }
      SA[r] = p;
      SA[m + (p >> 1)] = names;
    }
    // The reduced string, names from 0 in text order, to the end of SA.
    let j = total - 1;
    for (let i = m + ((n - 1) >> 1); i >= m; i--) {
      const v = SA[i]!;
      if (v !== 0) SA[j--] = v - 1;
    }
    const reduced = SA.subarray(total - m, total);
    if (names < m) {
      sais(reduced, SA.subarray(0, total - m), m, names, flags);
    } else {
      for (let r = 0; r < m; r++) SA[reduced[r]!] = r;
    }

    // 3. The LMS positions in text order replace the reduced string, and the
    // reduced suffix array becomes the LMS positions in suffix order.
    j = m - 1;
    forEachLms(T, n, (p) => void (reduced[j--] = p));
    for (let r = 0; r < m; r++) SA[r] = reduced[SA[r]!]!;
    SA.fill(0, m, n);
  } else if (m === 1) {
    SA.fill(0, 0, n);
    SA[0] = first;
  }

  // The sorted LMS suffixes to their buckets' ends (each moves right, so from
  // the largest down nothing is overwritten), then every suffix by induction.
  placeLms(T, SA, n, m, buckets);
  induceL(T, SA, n, buckets);
  induceS(T, SA, n, buckets);
}

/**
 * Moves the m sorted LMS positions in SA[0, m) (SA[m, n) is clear) to the
 * ends of their buckets, in order. With bucket sizes at hand, the LMS count
 * of each bucket says which run of the sorted list goes where (no symbol
 * looked up at random); otherwise each position's first symbol is read.
 */
function placeLms(T: Symbols, SA: Int32Array, n: number, m: number, buckets: Buckets): void {
  if (m === 0) return;
  if (buckets.counts !== null) {
    const k = buckets.pointers.length;
    const lmsCount = new Int32Array(k);
    forEachLms(T, n, (p) => void lmsCount[T[p]!]!++);
    const B = resetBuckets(T, n, buckets, true);
    let r = m - 1;
    for (let c = k - 1; r >= 0; c--) {
      let end = B[c]!;
      for (let left = lmsCount[c]!; left > 0; left--) {
        const p = SA[r]!;
        SA[r--] = 0;
        SA[--end] = p;
      }
    }
  } else {
    const B = resetBuckets(T, n, buckets, true);
    for (let r = m - 1; r >= 0; r--) {
      const p = SA[r]!;
      SA[r] = 0;
      SA[--B[T[p]!]!] = p;
    }
  }
}

/*
 * The induction passes. An entry v > 0 stands for suffix v whose predecessor
 * v − 1 the current pass is to induce; ~v for one whose predecessor it is not
 * to induce; 0 for an empty slot or suffix 0 (nothing precedes it). Writing
 * suffix j, a pass tells which from T[j − 1], next to the T[j] it has just
 * read: in the L pass j is L, so j − 1 is L iff T[j − 1] ≥ T[j]; in the S
 * pass j is S, so j − 1 is S iff T[j − 1] ≤ T[j]. So the text is read only
 * at the entries that induce.
 */

/**
 * Stage 1's L pass: an entry that has induced is cleared; the others (L
 * suffixes after an S) turn positive for the S pass. Groups: scanning left
 * to right, `group` counts the flagged slots passed, so two entries are in
 * the same group (equal LMS-prefixes) exactly when no flag lies between
 * them. Suffix j, induced by v into bucket c, has the prefix T[j] + v's; it
 * equals the prefix of the entry before it in bucket c exactly when that
 * one's inducer was in v's group (`last[c]`), else its slot is flagged.
 */
function sortLmsL(T: Symbols, SA: Int32Array, n: number, buckets: Buckets, flags: Int32Array, last: Int32Array): void {
  const B = resetBuckets(T, n, buckets, false);
  last.fill(-1);
  const end = n - 1;
  // The last suffix, induced by the empty one: a group of its own (0).
  const c0 = T[end]!;
  const x0 = B[c0]!++;
  SA[x0] = T[end - 1]! < c0 ? ~end : end;
  setFlag(flags, x0);
  last[c0] = 0;
  let group = 0;
  for (let i = 0; i < n; i++) {
    group += flagged(flags, i);
    const v = SA[i]!;
    if (v > 0) {
      const j = v - 1;
      const c = T[j]!;
      const x = B[c]!++;
      SA[x] = j > 0 && T[j - 1]! < c ? ~j : j;
      if (last[c] !== group) {
        setFlag(flags, x);
        last[c] = group;
      }
      SA[i] = 0;
    } else if (v < 0) {
      SA[i] = ~v;
    }
  }
}

/**
 * Stage 1's S pass: an entry that has induced is cleared; an LMS suffix is
 * written ~p and stays: only the LMS suffixes remain, in order. Groups as in
 * the L pass, right to left: a bucket's entries are written from its end, so
 * writing slot x decides the flag of slot x + 1 (x + 1's prefix against x's),
 * before the scan needs it.
 */
function sortLmsS(T: Symbols, SA: Int32Array, n: number, buckets: Buckets, flags: Int32Array, last: Int32Array): void {
  const B = resetBuckets(T, n, buckets, true);
  last.fill(-1);
  let group = 0;
  for (let i = n - 1; i >= 0; i--) {
    group += flagged(flags, i + 1);
    const v = SA[i]!;
    if (v > 0) {
      const j = v - 1;
      const c = T[j]!;
      const x = --B[c]!;
      SA[x] = j > 0 && T[j - 1]! > c ? ~j : j;
      if (last[c] !== group) {
        setFlag(flags, x + 1);
        last[c] = group;
      } else {
        clearFlag(flags, x + 1);
      }
      SA[i] = 0;
    }
  }
}

/**
 * The final L pass: the last suffix first (the empty suffix after it would
 * induce it), then left to right. Every entry read flips its sign, so the S
 * pass sees positive exactly the L suffixes that follow an S suffix.
 */
function induceL(T: Symbols, SA: Int32Array, n: number, buckets: Buckets): void {
  const B = resetBuckets(T, n, buckets, false);
  const last = n - 1;
  SA[B[T[last]!]!++] = T[last - 1]! < T[last]! ? ~last : last;
  for (let i = 0; i < n; i++) {
    const v = SA[i]!;
    SA[i] = ~v;
    if (v > 0) {
      const j = v - 1;
      const c = T[j]!;
      SA[B[c]!++] = j > 0 && T[j - 1]! < c ? ~j : j;
    }
  }
}

/** The final S pass, right to left; every negative entry turns back into its position. */
function induceS(T: Symbols, SA: Int32Array, n: number, buckets: Buckets): void {
  const B = resetBuckets(T, n, buckets, true);
  for (let i = n - 1; i >= 0; i--) {
    const v = SA[i]!;
    if (v > 0) {
      const j = v - 1;
      const c = T[j]!;
      SA[--B[c]!] = j > 0 && T[j - 1]! <= c ? j : ~j;
    } else {
      SA[i] = ~v;
    }
  }
}
