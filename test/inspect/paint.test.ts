/** Painting text by a value per character: escapes, wrapping at the width, and the NO_COLOR twin. */
import { describe, expect, it } from 'vitest';
import { BARS, legend, level, paintedLines, paintedStrip, PALETTE, show } from '../../src/inspect/paint.js';
import { displayWidth, stripAnsi } from '../../src/util/text.js';

const TEXT = 'KING:\tNow is the winter of our discontent\r\nMade glorious summer — 한국어 😀 by this\u0007 sun\u202e of York.\u0085\nEnd';

describe('show', () => {
  it('escapes what would move the cursor or hide, and keeps the text as typed otherwise', () => {
    expect(show('\n', 3)).toEqual({ text: '↵', width: 1, lineBreak: true });
    expect(show('\t', 1)).toMatchObject({ text: '→  ', width: 3 });
    expect(show('\t', 4)).toMatchObject({ text: '→   ', width: 4 });
    expect(show('\r', 0)).toMatchObject({ text: '\\x0d', width: 4 });
    expect(show('\x1b', 0)).toMatchObject({ text: '\\x1b', width: 4 });
    expect(show('\x7f', 0)).toMatchObject({ text: '\\x7f', width: 4 });
    expect(show('\u0085', 0)).toMatchObject({ text: '\\x85', width: 4 });
    expect(show('\u202e', 0)).toMatchObject({ text: '\\u202e', width: 6 });
    expect(show('\u200b', 0)).toMatchObject({ text: '\\u200b', width: 6 });
    expect(show('한', 0)).toMatchObject({ text: '한', width: 2 });
    expect(show('😀', 0)).toMatchObject({ text: '😀', width: 2 });
  });

  it('maps values to the ramp, clamped', () => {
    expect([-5, -1, 0, 1, 5, Number.NaN].map((v) => level(v, PALETTE.length))).toEqual([0, 0, 5, 10, 10, 5]);
    expect(level(-1, BARS.length)).toBe(0);
    expect(level(1, BARS.length)).toBe(7);
  });
});

describe('paintedLines at 80 columns', () => {
  const chars = Array.from(TEXT.repeat(3));
  const values = chars.map((_, t) => Math.sin(t / 7));

  it('colour: every line fits, the text is all there, no escape of the text itself survives', () => {
    const lines = paintedLines(chars, values, 80, true);
    for (const line of lines) {
      expect(displayWidth(stripAnsi(line))).toBeLessThanOrEqual(80);
      if (line !== '') expect(line.endsWith('\x1b[0m')).toBe(true);
    }
    const plain = lines.map(stripAnsi).join('');
    expect(plain).toContain('KING:→   Now is the winter of our discontent\\x0d↵');
    expect(plain).toContain('\\x07');
    expect(plain).toContain('\\u202e');
    expect(plain).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202e]/);
    expect(lines.join('')).toContain('\x1b[48;5;');
  });

  it('NO_COLOR: each text line is followed by a bar line of the same width, and the text lines are the coloured lines without colour', () => {
    const mono = paintedLines(chars, values, 80, false);
    const colour = paintedLines(chars, values, 80, true);
    expect(mono.length).toBe(2 * colour.length);
    for (let k = 0; k < colour.length; k++) {
      const text = mono[2 * k]!;
      const bars = mono[2 * k + 1]!;
      expect(text).toBe(stripAnsi(colour[k]!));
      expect(text).not.toContain('\x1b');
      expect(displayWidth(bars)).toBe(displayWidth(text));
      expect(bars).toMatch(new RegExp(`^[${BARS}]*$`));
      expect(displayWidth(text)).toBeLessThanOrEqual(80);
    }
    // A wide character takes two bar cells.
    const i = mono.findIndex((l) => l.includes('한'));
    expect(displayWidth(mono[i + 1]!)).toBe(displayWidth(mono[i]!));
  });

  it('wraps long lines and breaks at line breaks', () => {
    const long = Array.from(`${'x'.repeat(200)}\ny`);
    const lines = paintedLines(long, long.map(() => 0), 80, false).filter((_, k) => k % 2 === 0);
    expect(lines).toEqual(['x'.repeat(80), 'x'.repeat(80), `${'x'.repeat(40)}↵`, 'y']);
  });

  it('a strip is one line of at most the width, line breaks shown inline', () => {
    const [text, bars] = paintedStrip(chars, values, 0, chars.length, 50, false);
    expect(displayWidth(text!)).toBeLessThanOrEqual(50);
    expect(text).toContain('↵');
    expect(displayWidth(bars!)).toBe(displayWidth(text!));
    expect(displayWidth(stripAnsi(paintedStrip(chars, values, 0, chars.length, 50, true)[0]!))).toBeLessThanOrEqual(50);
  });

  it('has a legend in both modes', () => {
    expect(stripAnsi(legend('−1', '0', '+1', true))).toMatch(/^−1 {24}\+1$/);
    expect(legend('−1', '0', '+1', false)).toBe('▁ −1 … ▄▅ 0 … █ +1');
  });
});
