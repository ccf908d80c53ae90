/** Terminal text widths (string-width's, as Ink's), truncation and wrapping by columns, and flattening. */
import { describe, expect, it } from 'vitest';
import stringWidth from 'string-width';
import { charWidth, displayWidth, flattenText, truncate, truncateStart, wrapHard, wrapWords } from '../../src/util/text.js';

describe('text', () => {
  it('measures wide and combining characters', () => {
    expect(displayWidth('abc')).toBe(3);
    expect(displayWidth('日本')).toBe(4);
    expect(displayWidth('e\u0301')).toBe(1);
    expect(displayWidth('\u001B[31mred\u001B[39m')).toBe(3);
  });

  it('never measures less than Ink (string-width) or a terminal that draws an emoji sequence apart (tmux 3.3)', () => {
    const samples = ['🚀', '👍🏽', '👨‍👩‍👧', '🇰🇷', '❤️', '한국어', 'ｶﾞ', '\u200b', 'é', 'e\u0301', '…─▸⠒', 'tab\there', '\u1100\u1161'];
    for (const t of samples) expect(displayWidth(t), t).toBeGreaterThanOrEqual(stringWidth(t));
    // As tmux 3.3a draws them (cursor positions measured there): 👍🏽 4 columns, ❤️ 1, 🚀 2.
    expect(displayWidth('👍🏽')).toBe(4);
    expect(displayWidth('❤️')).toBe(2);
    expect(displayWidth('🚀 x')).toBe(4);
    expect(displayWidth('👨‍👩‍👧')).toBe(6);
    expect(displayWidth('e\u0301')).toBe(1);
    expect(charWidth('🚀')).toBe(2);
    expect(charWidth('\u0301')).toBe(0);
    expect(charWidth('\u0007')).toBe(0);
  });

  it('never cuts inside a character', () => {
    expect(truncate('ab🚀cd', 5)).toBe('ab🚀…');
    expect(truncate('ab👨‍👩‍👧cd', 9)).toBe('ab👨‍👩‍👧…');
    expect(truncate('ab👨‍👩‍👧cd', 5)).toBe('ab…');
    expect(truncate('cafe\u0301 noir', 5)).toBe('cafe\u0301…');
    expect(truncateStart('x/🇰🇷/y', 5)).toBe('…🇰🇷/y');
    expect(wrapHard('a👍🏽b🚀', 5)).toEqual(['a👍🏽', 'b🚀']);
  });

  it('wraps hard and flattens control characters', () => {
    expect(wrapHard('abcdefgh', 3)).toEqual(['abc', 'def', 'gh']);
    expect(wrapHard('abcdefgh', 3, 2)).toEqual(['abc', 'def']);
    expect(flattenText('a\nb\tc\u001B[2Jd')).toBe('a↵b c\uFFFD[2Jd');
  });

  it('puts a character wider than the width on a line of its own, so word wrapping always gets past it', () => {
    expect(wrapHard('日本', 1)).toEqual(['日', '本']);
    expect(wrapHard('a日b', 1)).toEqual(['a', '日', 'b']);
    // A sampler squeezed to one column used to hang here: the first line was empty, and nothing got shorter.
    expect(wrapWords('日本 語', 1)).toEqual(['日', '本', '語']);
    expect(wrapWords('ab', 0.5)).toEqual(['a', 'b']);
  });
});
