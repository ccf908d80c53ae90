/**
 * How a model's text is shown. A model trained with --normalize nfd writes
 * decomposed text (Hangul as separate jamo, accents as combining marks),
 * which terminals and editors show badly and people do not type: it is
 * printed composed (NFC) unless asked otherwise. Other models' text is
 * printed as it is.
 */
import type { Normalization } from './corpus.js';

/** Whether text written by a model of this normalisation is composed before printing. */
export function composesOutput(normalization: Normalization, keepNfd = false): boolean {
  return normalization === 'nfd' && !keepNfd;
}

/** The whole-text form: NFC for an NFD model (unless keepNfd), the text itself otherwise. */
export function displayText(text: string, normalization: Normalization, keepNfd = false): string {
  return composesOutput(normalization, keepNfd) ? text.normalize('NFC') : text;
}

/**
 * NFC for text that arrives in pieces (a sample streamed as it is drawn):
 * push() returns the composed text that can no longer change, holding back
 * the tail a later character could still compose with (a Hangul syllable
 * waiting for its vowel or final consonant, a letter waiting for its
 * accents); end() returns the rest.
 */
export class NfcStream {
  private pending = '';

  push(text: string): string {
    let out = '';
    for (const ch of text) {
      if (this.pending === '' || joins(this.pending, ch)) {
        this.pending += ch;
      } else {
        out += this.pending.normalize('NFC');
        this.pending = ch;
      }
    }
    return out;
  }

  end(): string {
    const out = this.pending.normalize('NFC');
    this.pending = '';
    return out;
  }
}

/** Whether ch belongs to the cluster before it: a mark, or a character that composes with it (Hangul jamo). */
export function joins(before: string, ch: string): boolean {
  if (/\p{M}/u.test(ch)) return true;
  return (before + ch).normalize('NFC') !== before.normalize('NFC') + ch.normalize('NFC');
}
