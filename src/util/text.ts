/**
 * Terminal text helpers: display width, truncation and wrapping by columns,
 * and corpus text for one line (flattenText) so it cannot move the cursor or break the layout.
 *
 * Widths are taken per grapheme cluster and are never less than what Ink or
 * a terminal draws. Ink measures with string-width, which counts an emoji
 * sequence as one two-column character; terminals disagree (tmux 3.3 draws
 * 👍🏽 in 4 columns, ❤️ in 1), so a cluster counts the larger of
 * string-width's figure for the whole and the sum over its code points.
 * That is why lines holding corpus or model text are cut here and not left
 * to Ink's `wrap="truncate"`: Ink would cut 👍🏽 text to 80 of its columns
 * and tmux would draw 82, wrapping the row and shifting the frame. Ink's
 * truncation stays as a guard (by its own measure these lines always fit).
 */
import stringWidth from 'string-width';
import { safeText } from './escape.js';

// eslint-disable-next-line no-control-regex
const ANSI_PATTERN = /\u001B\[[0-?]*[ -/]*[@-~]|\u001B\][^\u0007\u001B]*(?:\u0007|\u001B\\)|\u001B[@-Z\\-_]/g;

/** Remove ANSI escape sequences (colours, cursor movement, hyperlinks). */
export function stripAnsi(text: string): string {
  return text.replace(ANSI_PATTERN, '');
}

const segmenter = new Intl.Segmenter();

/** The grapheme clusters of a text, lazily: what a terminal draws as one character. */
function* graphemes(text: string): Generator<string> {
  for (const s of segmenter.segment(text)) yield s.segment;
}

const WIDTH_CACHE_SIZE = 4096;
const widths = new Map<string, number>();

/**
 * Columns one character (a code point or a grapheme cluster) occupies at
 * most: string-width's figure for the cluster or the sum over its code
 * points, whichever is larger; control characters none.
 */
export function charWidth(ch: string): number {
  if (ch.length === 1) {
    const c = ch.charCodeAt(0);
    if (c >= 0x20 && c < 0x7f) return 1;
  }
  let w = widths.get(ch);
  if (w === undefined) {
    w = stringWidth(ch);
    // A single code point is its own sum: only a cluster of several can measure more apart.
    const single = ch.length === 1 || (ch.length === 2 && ch.codePointAt(0)! > 0xffff);
    if (!single) {
      let apart = 0;
      for (const cp of ch) apart += stringWidth(cp);
      w = Math.max(w, apart);
    }
    // Full: start afresh rather than stop caching (a CJK text easily holds more distinct characters).
    if (widths.size >= WIDTH_CACHE_SIZE) widths.clear();
    widths.set(ch, w);
  }
  return w;
}

const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

/** Columns a string occupies on screen at most (ANSI sequences ignored). */
export function displayWidth(text: string): number {
  const plain = stripAnsi(text);
  if (PRINTABLE_ASCII.test(plain)) return plain.length;
  let w = 0;
  for (const ch of graphemes(plain)) w += charWidth(ch);
  return w;
}

/** Cut plain text to at most `width` columns, marking the cut with `…`. */
export function truncate(text: string, width: number, ellipsis = '…'): string {
  if (width <= 0) return '';
  if (displayWidth(text) <= width) return text;
  const room = width - displayWidth(ellipsis);
  if (room < 0) return '';
  // Printable ASCII is one column a character: cut by position.
  if (Number.isFinite(room) && PRINTABLE_ASCII.test(text)) return text.slice(0, Math.floor(room)) + ellipsis;
  let out = '';
  let w = 0;
  for (const ch of graphemes(text)) {
    const cw = charWidth(ch);
    if (w + cw > room) break;
    out += ch;
    w += cw;
  }
  return out + ellipsis;
}

/** Keep the end of plain text (paths), marking the cut with a leading `…`. */
export function truncateStart(text: string, width: number, ellipsis = '…'): string {
  if (width <= 0) return '';
  if (displayWidth(text) <= width) return text;
  const room = width - displayWidth(ellipsis);
  if (room < 0) return '';
  if (Number.isFinite(room) && PRINTABLE_ASCII.test(text)) return ellipsis + text.slice(text.length - Math.floor(room));
  const chars = Array.from(graphemes(text));
  let out = '';
  let w = 0;
  for (let i = chars.length - 1; i >= 0; i--) {
    const cw = charWidth(chars[i]!);
    if (w + cw > room) break;
    out = chars[i]! + out;
    w += cw;
  }
  return ellipsis + out;
}

/** Pad plain text with spaces on the right to exactly `width` columns (truncating if longer). */
export function padEnd(text: string, width: number): string {
  const t = truncate(text, width);
  return t + ' '.repeat(Math.max(0, width - displayWidth(t)));
}

/** Hard-wrap plain text (no newlines) into lines of at most `width` columns (a character wider than that alone on a line). */
export function wrapHard(text: string, width: number, maxLines = Infinity): string[] {
  if (width <= 0 || maxLines <= 0) return [];
  if (width >= 1 && PRINTABLE_ASCII.test(text)) return wrapAscii(text, Math.floor(width), maxLines);
  const lines: string[] = [];
  let line = '';
  let w = 0;
  for (const ch of graphemes(text)) {
    const cw = charWidth(ch);
    // A character wider than the whole width gets a line of its own, never an empty line before it
    // (wrapWords, which takes the first line at a time, would otherwise never get past it).
    if (w + cw > width && line !== '') {
      lines.push(line);
      if (lines.length >= maxLines) return lines;
      line = '';
      w = 0;
    }
    line += ch;
    w += cw;
  }
  if (line !== '' || lines.length === 0) lines.push(line);
  return lines.slice(0, maxLines);
}

/** wrapHard for printable ASCII (one column a character): the same lines, sliced `size` characters at a time. */
function wrapAscii(text: string, size: number, maxLines: number): string[] {
  const lines: string[] = [];
  let start = 0;
  while (text.length - start > size) {
    lines.push(text.slice(start, start + size));
    if (lines.length >= maxLines) return lines;
    start += size;
  }
  lines.push(text.slice(start));
  return lines.slice(0, maxLines);
}

/**
 * Wrap plain text (no newlines) at spaces into lines of at most `width`
 * columns; words longer than a line are broken. When the text needs more
 * than `maxLines`, the last line ends with `…`.
 */
export function wrapWords(text: string, width: number, maxLines = Infinity): string[] {
  if (width <= 0 || maxLines <= 0) return [];
  const lines: string[] = [];
  let rest = text;
  while (rest.length > 0 && lines.length < maxLines) {
    if (displayWidth(rest) <= width) {
      lines.push(rest);
      rest = '';
      break;
    }
    const hard = wrapHard(rest, width, 1)[0]!;
    const space = hard.lastIndexOf(' ');
    const line = space > 0 && rest[hard.length] !== ' ' ? hard.slice(0, space) : hard;
    lines.push(line.trimEnd());
    rest = rest.slice(line.length).trimStart();
  }
  if (rest.length > 0 && lines.length > 0) {
    const last = lines.length - 1;
    lines[last] = truncate(lines[last]! + ' ' + rest, width);
  }
  return lines.length > 0 ? lines : [''];
}

/**
 * Corpus or model text for one terminal line (util/escape.ts safeText):
 * line breaks shown as `↵`, tabs as a space, other control characters and
 * bidi overrides as U+FFFD.
 */
export function flattenText(text: string): string {
  return safeText(text, { newline: '↵', tab: ' ' });
}
