/**
 * Suffix array construction by induced sorting (SA-IS: Nong, Zhang & Chan,
 * "Two Efficient Algorithms for Linear Time Suffix Array Construction",
 * 2011), linear in the text length, with no sentinel needed.
 *
 * Suffixes are classified S (smaller than the next suffix) or L (larger);
 * an LMS position is an S position right after an L one. Sorting the LMS
 * substrings by two induction passes, naming them, and sorting the reduced
 * string of names (recursively when names repeat) orders the LMS suffixes;
 * one more induction then orders every suffix.
 *
 * Memory: the text, the result, one word per character (symbols packed with
 * their types) and a few half-length arrays of work space at the top level.
 */

/**
 * The suffix array of `text`: the start positions of all suffixes in
 * lexicographic order (a shorter suffix before a longer one it prefixes).
 * @param text symbols in [0, alphabet)
 * @param alphabet one more than the largest symbol
 */
export function suffixArray(text: Int32Array, alphabet: number): Int32Array {
  const n = text.length;
  if (n === 0) return new Int32Array(0);
  if (n === 1) return Int32Array.of(0);
  if (n === 2) return text[0]! < text[1]! ? Int32Array.of(0, 1) : Int32Array.of(1, 0);
  return sais(text, alphabet - 1);
}

/** `top`: the largest symbol value. */
function sais(s: Int32Array, top: number): Int32Array {
  const n = s.length;
  const sa = new Int32Array(n);
  // st[i] = 2·s[i] + (1 if suffix i is S: smaller than suffix i + 1). Symbol and
  // type side by side cost one cache miss, not two, in the random reads of
  // the induction passes. The last suffix is L (nothing follows it).
  const st = new Int32Array(n);
  st[n - 1] = 2 * s[n - 1]!;
  for (let i = n - 2; i >= 0; i--) st[i] = 2 * s[i]! + (s[i] === s[i + 1] ? st[i + 1]! & 1 : s[i]! < s[i + 1]! ? 1 : 0);

  // Bucket c spans [bucketStart[c], bucketStart[c + 1]); its L suffixes come first, its S suffixes from sStart[c].
  const bucketStart = new Int32Array(top + 2);
  const sStart = new Int32Array(top + 1);
  for (let i = 0; i < n; i++) {
    const x = st[i]!;
    if (x & 1) bucketStart[(x >> 1) + 1]!++;
    else sStart[x >> 1]!++;
  }
  for (let c = 0; c <= top; c++) {
    sStart[c]! += bucketStart[c]!;
    bucketStart[c + 1]! += sStart[c]!;
  }
  const buf = new Int32Array(top + 2);

  /** Places the given LMS positions at their buckets' S ends in order, then induces L and S suffixes from them. */
  const induce = (lms: Int32Array, count: number): void => {
    sa.fill(-1);
    buf.set(sStart);
    for (let k = 0; k < count; k++) {
      const d = lms[k]!;
      sa[buf[st[d]! >> 1]!++] = d;
    }
    buf.set(bucketStart);
    sa[buf[st[n - 1]! >> 1]!++] = n - 1;
    for (let i = 0; i < n; i++) {
      const v = sa[i]! - 1;
      if (v < 0) continue;
      const x = st[v]!;
      if ((x & 1) === 0) sa[buf[x >> 1]!++] = v;
    }
    buf.set(bucketStart);
    for (let i = n - 1; i >= 0; i--) {
      const v = sa[i]! - 1;
      if (v < 0) continue;
      const x = st[v]!;
      if (x & 1) sa[--buf[(x >> 1) + 1]!] = v;
    }
  };

  /** Position p is LMS: S type, right after an L type. */
  const isLms = (p: number): boolean => p > 0 && (st[p]! & 1) === 1 && (st[p - 1]! & 1) === 0;

  // LMS positions in text order.
  let m = 0;
  for (let i = 1; i < n; i++) if (isLms(i)) m++;
  const lms = new Int32Array(m);
  for (let i = 1, k = 0; i < n; i++) if (isLms(i)) lms[k++] = i;

  induce(lms, m);
  if (m === 0) return sa;

  // The LMS positions in the order the induction put them (sorted by LMS
  // substring) move to sa[0, m). LMS positions are at least 2 apart, so each
  // one's name can be kept at sa[m + p/2] until the names are gathered.
  for (let i = 0, k = 0; i < n; i++) if (isLms(sa[i]!)) sa[k++] = sa[i]!;
  sa.fill(-1, m);

  /** Whether the LMS substrings at a and b (up to and including the next LMS position) are equal: symbols and types. */
  const sameSubstring = (a: number, b: number): boolean => {
    for (let d = 0; ; d++) {
      if (a + d === n || b + d === n) return false; // only one substring reaches the end
      if (st[a + d] !== st[b + d]) return false;
      if (d > 0) {
        const endA = isLms(a + d);
        const endB = isLms(b + d);
        if (endA || endB) return endA && endB;
      }
    }
  };

  // Name each LMS substring by its rank, equal substrings getting equal names.
  let name = -1;
  let previous = -1;
  for (let k = 0; k < m; k++) {
    const p = sa[k]!;
    if (previous < 0 || !sameSubstring(previous, p)) name++;
    previous = p;
    sa[m + (p >> 1)] = name;
  }
  // The names in text order: the reduced string.
  const reduced = new Int32Array(m);
  for (let i = m, k = 0; i < n; i++) if (sa[i]! >= 0) reduced[k++] = sa[i]!;
  name++;

  // Order the LMS suffixes: directly when every name is distinct, else recursively.
  let order: Int32Array;
  if (name === m) {
    order = new Int32Array(m);
    for (let k = 0; k < m; k++) order[reduced[k]!] = k;
  } else {
    order = suffixArray(reduced, name);
  }
  // The LMS positions in suffix order (reusing `order`), and the final induction from them.
  for (let k = 0; k < m; k++) order[k] = lms[order[k]!]!;
  induce(order, m);
  return sa;
}
