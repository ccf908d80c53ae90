/**
 * The character set of a model: a fixed, ordered list of Unicode code points.
 * Ids are positions in that list, so the order is part of a checkpoint and must
 * never depend on anything but the list itself.
 */
import { usageError } from '../util/errors.js';

/** How many missing characters an error message lists before summarising. */
const SHOW_MISSING = 8;

/** A bijection between single code points and ids 0..size-1. */
export class Vocabulary {
  /** The characters, id order. */
  readonly chars: readonly string[];
  // Keyed by code point number, not string: avoids building a string per character while encoding.
  private readonly ids: Map<number, number>;
  // Dense id table for BMP code points up to the largest one in the vocabulary (-1 = absent):
  // an array index is several times cheaper than a Map lookup in the per-character loop.
  private readonly bmp: Int32Array;

  /**
   * @param chars one code point per entry, no duplicates; the order given becomes the id order.
   * @throws CharnnError (usage) if an entry is not exactly one code point or appears twice.
   */
  constructor(chars: readonly string[]) {
    const ids = new Map<number, number>();
    chars.forEach((ch, i) => {
      if (typeof ch !== 'string' || !isOneCodePoint(ch)) {
        throw usageError(
          `vocabulary entry ${i} is not a single character: ${JSON.stringify(ch)}`,
          'the vocabulary (e.g. in a checkpoint) must list one Unicode code point per entry',
        );
      }
      const cp = ch.codePointAt(0)!;
      if (ids.has(cp)) {
        throw usageError(
          `vocabulary lists ${showChar(ch)} twice (entries ${ids.get(cp)} and ${i})`,
          'the vocabulary (e.g. in a checkpoint) must not repeat characters',
        );
      }
      ids.set(cp, i);
    });
    this.chars = Object.freeze([...chars]);
    this.ids = ids;
    let maxBmp = -1;
    for (const cp of ids.keys()) if (cp <= 0xffff && cp > maxBmp) maxBmp = cp;
    this.bmp = new Int32Array(maxBmp + 1).fill(-1);
    for (const [cp, id] of ids) if (cp <= 0xffff) this.bmp[cp] = id;
  }

  /** The distinct code points of `text`, sorted by code point value (so astral characters sort after U+FFFF). */
  static fromText(text: string): Vocabulary {
    const seen = new Set<number>();
    for (let i = 0; i < text.length; ) {
      const cp = text.codePointAt(i)!;
      seen.add(cp);
      i += cp > 0xffff ? 2 : 1;
    }
    const sorted = [...seen].sort((a, b) => a - b);
    return new Vocabulary(sorted.map((cp) => String.fromCodePoint(cp)));
  }

  /** Number of characters. */
  get size(): number {
    return this.chars.length;
  }

  /** The id of a single character, or -1 if it is not in the vocabulary. */
  id(ch: string): number {
    if (!isOneCodePoint(ch)) return -1;
    return this.ids.get(ch.codePointAt(0)!) ?? -1;
  }

  /**
   * Ids of every code point of `text`.
   * @throws CharnnError (usage) naming the characters that are not in the vocabulary.
   */
  encode(text: string): Int32Array {
    const { ids, skipped } = this.encodeLossy(text);
    if (skipped > 0) throw this.missingError(text);
    return ids;
  }

  /** Distinct characters of `text` that are not in the vocabulary, in order of first appearance. */
  missingChars(text: string): string[] {
    const missing = new Set<number>();
    for (let i = 0; i < text.length; ) {
      const cp = text.codePointAt(i)!;
      if (!this.ids.has(cp)) missing.add(cp);
      i += cp > 0xffff ? 2 : 1;
    }
    return [...missing].map((cp) => String.fromCodePoint(cp));
  }

  /** Like encode, but drops characters that are not in the vocabulary and counts them. */
  encodeLossy(text: string): { ids: Int32Array; skipped: number } {
    // text.length bounds the code point count; astral pairs and skips only shorten it.
    const out = new Int32Array(text.length);
    const { bmp, ids: map } = this;
    let n = 0;
    let skipped = 0;
    for (let i = 0; i < text.length; ) {
      const cp = text.codePointAt(i)!;
      let id: number;
      if (cp <= 0xffff) {
        id = cp < bmp.length ? bmp[cp]! : -1;
        i++;
      } else {
        id = map.get(cp) ?? -1;
        i += 2;
      }
      if (id < 0) skipped++;
      else out[n++] = id;
    }
    return { ids: n === out.length ? out : out.slice(0, n), skipped };
  }

  /**
   * The text for a sequence of ids.
   * @throws Error if an id is out of range: ids come from code, so that is a bug.
   */
  decode(ids: ArrayLike<number>): string {
    const parts = new Array<string>(ids.length);
    for (let i = 0; i < ids.length; i++) {
      const ch = this.chars[ids[i]!];
      if (ch === undefined) throw new Error(`decode: id ${ids[i]} at position ${i} is outside vocabulary of size ${this.size}`);
      parts[i] = ch;
    }
    return parts.join('');
  }

  /** The characters in id order, for checkpoints; `new Vocabulary(v.toJSON())` restores it. */
  toJSON(): string[] {
    return [...this.chars];
  }

  private missingError(text: string) {
    const missing = this.missingChars(text);
    const shown = missing.slice(0, SHOW_MISSING).map(showChar).join(', ');
    const more = missing.length > SHOW_MISSING ? ` and ${missing.length - SHOW_MISSING} more` : '';
    const noun = missing.length === 1 ? 'character' : 'characters';
    return usageError(
      `text has ${missing.length} ${noun} not in the vocabulary: ${shown}${more}`,
      'use only characters that occur in the training corpus, or retrain on a corpus that contains them',
    );
  }
}

function isOneCodePoint(ch: string): boolean {
  if (ch.length === 0 || ch.length > 2) return false;
  return String.fromCodePoint(ch.codePointAt(0)!).length === ch.length;
}

/**
 * A character as it should appear in a one-line message: quoted if it is
 * visible, otherwise escaped, so invisible or control characters are not lost.
 */
export function showChar(ch: string): string {
  const json = JSON.stringify(ch);
  if (json.length > ch.length + 2) return json; // JSON already escaped it (\n, \t, \u0000, lone surrogates)
  if (/^[\p{L}\p{N}\p{P}\p{S}]$/u.test(ch) || ch === ' ') return json;
  const cp = ch.codePointAt(0)!;
  return `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;
}
