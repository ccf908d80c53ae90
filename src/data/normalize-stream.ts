/**
 * Unicode normalisation of a text that arrives in pieces. Normalising each
 * piece on its own would be wrong where a piece ends inside a combining
 * sequence (an "e" at the end of one piece, its U+0301 at the start of the
 * next: NFC must make one "é"). So the tail from the last character that
 * starts a sequence is held back and normalised with the next piece.
 *
 * A character starts a sequence unless it is a combining mark (\p{M}) or a
 * Hangul vowel or final jamo (U+1160–U+11FF), the only other characters that
 * compose with what precedes them.
 */
/** The Unicode normalisation forms a corpus may be put in. */
export type UnicodeForm = 'NFC' | 'NFD';

const CONTINUES = /[\p{M}\u1160-\u11ff]/u;
/** The most text held back waiting for a boundary. */
const MAX_HELD = 1 << 22;

/** Index (in UTF-16 units) of the last character of `text` that starts a sequence, or -1. */
function lastBoundary(text: string): number {
  let i = text.length;
  while (i > 0) {
    let start = i - 1;
    const unit = text.charCodeAt(start);
    // A low surrogate: the character starts one unit earlier.
    if (unit >= 0xdc00 && unit <= 0xdfff && start > 0) start--;
    if (!CONTINUES.test(text.slice(start, i))) return start;
    i = start;
  }
  return -1;
}

export class StreamNormalizer {
  private held = '';

  /** @param form the Unicode form to apply; null passes the text through. */
  constructor(private readonly form: UnicodeForm | null) {}

  /** The normalised text that is final after `piece` (possibly empty). */
  push(piece: string): string {
    if (this.form === null) return piece;
    const text = this.held + piece;
    const cut = lastBoundary(text);
    if (cut <= 0) {
      // Nothing final yet; past MAX_HELD (millions of marks on one character) there is no better cut.
      if (text.length <= MAX_HELD) {
        this.held = text;
        return '';
      }
      this.held = '';
      return text.normalize(this.form);
    }
    this.held = text.slice(cut);
    return text.slice(0, cut).normalize(this.form);
  }

  /** The rest, at the end of the text. */
  flush(): string {
    const rest = this.held;
    this.held = '';
    return this.form === null ? rest : rest.normalize(this.form);
  }
}
