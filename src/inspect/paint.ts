/**
 * Text painted by a value per character, for the terminal: each character's
 * background comes from a diverging palette (blue −1, white 0, red +1, in
 * xterm's 256 colours), or — without colour (NO_COLOR) — a second line under
 * the text gives each character's value as a bar (▁ −1 … █ +1).
 *
 * Text is shown as typed: line breaks break the line (drawn as ↵ so their
 * own value shows), tabs advance to the next multiple of 4 columns (→ then
 * blanks), control and invisible format characters are escaped (\x07, \x85,
 * \u202e, \u200b), wide characters take two columns, and lines longer than
 * the width wrap.
 */
import { charWidth } from '../util/text.js';
import { escapeControls } from '../util/escape.js';

/** The diverging ramp, −1 → +1 in 11 steps (xterm 256-colour indices). */
export const PALETTE = [21, 27, 33, 75, 153, 231, 224, 217, 210, 203, 196] as const;
export const BARS = '▁▂▃▄▅▆▇█';
const RESET = '\x1b[0m';

/** Index into PALETTE / BARS-like ramps of a value in [−1, 1] (clamped; NaN counts as 0). */
export function level(v: number, steps: number): number {
  const x = Number.isFinite(v) ? Math.max(-1, Math.min(1, v)) : 0;
  return Math.min(steps - 1, Math.round(((x + 1) / 2) * (steps - 1)));
}

/** Colour codes for a value's level: the ramp colour behind, white text on the dark ends, black on the light middle. */
function colours(k: number): string {
  const fg = k <= 2 || k >= 9 ? 231 : 16;
  return `\x1b[48;5;${PALETTE[k]}m\x1b[38;5;${fg}m`;
}

/** Builds one painted line; a colour code is written only where the level changes. */
class Painter {
  private out = '';
  private last = -1;

  add(text: string, v: number): void {
    const k = level(v, PALETTE.length);
    if (k !== this.last) this.out += colours(k);
    this.last = k;
    this.out += text;
  }

  /** The line, reset at its end; the painter starts afresh. */
  take(): string {
    const line = this.out === '' ? '' : this.out + RESET;
    this.out = '';
    this.last = -1;
    return line;
  }
}

const bar = (v: number): string => BARS[level(v, BARS.length)]!;

/** One character as shown: its text and columns. A line break is '↵' and ends the line. */
export interface Shown {
  text: string;
  width: number;
  lineBreak: boolean;
}

const TAB = 4;

/** How a character looks at column `col` (tabs depend on it). */
export function show(ch: string, col: number): Shown {
  if (ch === '\n') return { text: '↵', width: 1, lineBreak: true };
  if (ch === '\t') {
    const width = TAB - (col % TAB);
    return { text: '→' + ' '.repeat(width - 1), width, lineBreak: false };
  }
  // Control characters and bidi overrides as charnn escapes them everywhere (\x07, \u202e) …
  const escaped = escapeControls(ch);
  if (escaped !== ch) return { text: escaped, width: escaped.length, lineBreak: false };
  // … and, since each character here needs a visible cell, other invisible ones too (zero-width joiners, BOM, separators).
  const cp = ch.codePointAt(0) ?? 0;
  if (/[\p{Cf}\p{Zl}\p{Zp}]/u.test(ch) || (cp >= 0xd800 && cp <= 0xdfff)) {
    const text = `\\u${cp.toString(16).padStart(4, '0')}`;
    return { text, width: text.length, lineBreak: false };
  }
  return { text: ch, width: charWidth(ch), lineBreak: false };
}

/**
 * The text wrapped at `width` columns, each character painted by its value
 * (v[t] in [−1, 1]); without colour every text line is followed by its bar line.
 */
export function paintedLines(chars: readonly string[], v: ArrayLike<number>, width: number, color: boolean): string[] {
  const out: string[] = [];
  const painter = new Painter();
  let text = '';
  let bars = '';
  let col = 0;
  const flush = () => {
    out.push(color ? painter.take() : text);
    if (!color) out.push(bars);
    text = '';
    bars = '';
    col = 0;
  };
  for (let t = 0; t < chars.length; t++) {
    let s = show(chars[t]!, col);
    if (col > 0 && col + s.width > width) {
      flush();
      s = show(chars[t]!, 0);
    }
    if (color) painter.add(s.text, v[t]!);
    else {
      text += s.text;
      bars += bar(v[t]!).repeat(s.width);
    }
    col += s.width;
    if (s.lineBreak) flush();
  }
  if (col > 0 || out.length === 0) flush();
  return out;
}

/**
 * One line of at most `width` columns showing chars[start…end): line breaks
 * as ↵ without breaking. Returns the line and, without colour, its bar line.
 */
export function paintedStrip(chars: readonly string[], v: ArrayLike<number>, start: number, end: number, width: number, color: boolean): string[] {
  const painter = new Painter();
  let text = '';
  let bars = '';
  let col = 0;
  for (let t = start; t < end; t++) {
    const s = show(chars[t]!, col);
    if (col + s.width > width) break;
    if (color) painter.add(s.text, v[t]!);
    else {
      text += s.text;
      bars += bar(v[t]!).repeat(s.width);
    }
    col += s.width;
  }
  return color ? [painter.take()] : [text, bars];
}

/** The legend: the ramp between its end labels ("−1", "+1"), in colour or as bars. */
export function legend(low: string, middle: string, high: string, color: boolean): string {
  if (color) return `${low} ${PALETTE.map((_, k) => `\x1b[48;5;${PALETTE[k]}m  `).join('')}${RESET} ${high}`;
  return `${BARS[0]} ${low} … ${BARS[3]}${BARS[4]} ${middle} … ${BARS[7]} ${high}`;
}
