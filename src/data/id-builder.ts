/**
 * Turning text that arrives in pieces into one array of code-point ids,
 * never holding the text itself: 2 bytes per character (Uint16Array) while
 * the vocabulary has at most 65,536 entries, 4 (Int32Array) beyond. A
 * corpus larger than the longest JS string trains this way.
 *
 * New characters get provisional ids in order of first appearance; at the
 * end they are sorted by code point (the vocabulary order of
 * Vocabulary.fromText) and the ids remapped in place. Characters of a given
 * base vocabulary keep their ids.
 */
import { Vocabulary } from './vocabulary.js';

/** Code-point ids of a text: Uint16Array when the vocabulary allows, else Int32Array. */
export type TokenIds = Uint16Array | Int32Array;

const CODE_POINTS = 0x110000;
const UINT16_IDS = 0x10000;

interface BuiltIds {
  ids: TokenIds;
  vocab: Vocabulary;
  /** Characters left out ('skip'): how many, and the distinct ones in order of first appearance. */
  skipped: number;
  missing: string[];
}

export class IdBuilder {
  /** Code point → id, −1 when not (yet) in the vocabulary. */
  private readonly idOf = new Int32Array(CODE_POINTS).fill(-1);
  private readonly fixed: number;
  /** Code points of the characters added, in order of first appearance. */
  private readonly added: number[] = [];
  private ids: TokenIds;
  private length = 0;
  private skipped = 0;
  private readonly missing = new Set<number>();

  /**
   * @param base characters whose ids are fixed (a checkpoint's vocabulary), or null.
   * @param unknown 'add' characters not in `base` to the vocabulary, or 'skip' them (counted).
   * @param capacity expected number of characters (the array grows if the text has more).
   */
  constructor(private readonly base: Vocabulary | null, private readonly unknown: 'add' | 'skip', capacity: number) {
    const chars = base?.chars ?? [];
    chars.forEach((ch, id) => (this.idOf[ch.codePointAt(0)!] = id));
    this.fixed = chars.length;
    this.ids = this.fixed > UINT16_IDS ? new Int32Array(Math.max(16, capacity)) : new Uint16Array(Math.max(16, capacity));
  }

  /** Appends the ids of `text`. */
  push(text: string): void {
    const { idOf } = this;
    let ids = this.ids;
    let n = this.length;
    // A string of k units holds at most k code points.
    if (n + text.length > ids.length) ids = this.grow(n + text.length);
    for (let i = 0; i < text.length; i++) {
      let cp = text.charCodeAt(i);
      if (cp >= 0xd800 && cp <= 0xdbff && i + 1 < text.length) {
        const low = text.charCodeAt(i + 1);
        if (low >= 0xdc00 && low <= 0xdfff) {
          cp = 0x10000 + ((cp - 0xd800) << 10) + (low - 0xdc00);
          i++;
        }
      }
      let id = idOf[cp]!;
      if (id < 0) {
        if (this.unknown === 'skip') {
          this.skipped++;
          this.missing.add(cp);
          continue;
        }
        id = this.fixed + this.added.length;
        this.added.push(cp);
        idOf[cp] = id;
        if (id >= UINT16_IDS && !(ids instanceof Int32Array)) ids = this.widen(n);
      }
      ids[n++] = id;
    }
    this.length = n;
  }

  /** Characters so far. */
  get count(): number {
    return this.length;
  }

  private grow(needed: number): TokenIds {
    const capacity = Math.max(needed, Math.ceil(this.ids.length * 1.25));
    const grown = this.ids instanceof Int32Array ? new Int32Array(capacity) : new Uint16Array(capacity);
    grown.set(this.ids.subarray(0, this.length));
    return (this.ids = grown);
  }

  /** The ids as Int32Array from now on (the first `n` copied). */
  private widen(n: number): Int32Array {
    const wide = new Int32Array(this.ids.length);
    wide.set(this.ids.subarray(0, n));
    this.ids = wide;
    return wide;
  }

  /** The ids (a view of the first `count` entries) and the vocabulary: base, then added characters by code point. */
  finish(): BuiltIds {
    const base = this.base;
    const ids = this.ids.subarray(0, this.length) as TokenIds;
    const order = this.added.map((cp, k) => ({ cp, id: this.fixed + k })).sort((a, b) => a.cp - b.cp);
    const remap = new Int32Array(this.fixed + order.length);
    for (let id = 0; id < this.fixed; id++) remap[id] = id;
    let identity = true;
    order.forEach(({ id }, rank) => {
      remap[id] = this.fixed + rank;
      if (id !== this.fixed + rank) identity = false;
    });
    if (!identity) for (let i = 0; i < ids.length; i++) ids[i] = remap[ids[i]!]!;
    const chars = [...(base?.chars ?? []), ...order.map(({ cp }) => String.fromCodePoint(cp))];
    return {
      ids,
      vocab: base && order.length === 0 ? base : new Vocabulary(chars),
      skipped: this.skipped,
      missing: [...this.missing].map((cp) => String.fromCodePoint(cp)),
    };
  }
}
