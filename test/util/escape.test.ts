/**
 * The one sanitiser for text that reaches a terminal (src/util/escape.ts):
 * which characters are unsafe, how names (escapeControls), text (safeText,
 * also in pieces) and JSON (safeJson) are made harmless, and that nothing
 * else changes.
 */
import { describe, expect, it } from 'vitest';
import { escapeControls, REPLACEMENT, safeJson, safeText, SafeTextStream } from '../../src/util/escape.js';

/** Every character the sanitiser must keep off a terminal: C0, DEL, C1, bidi embeddings, overrides and isolates. */
const UNSAFE_CHARS = [
  ...Array.from({ length: 0x20 }, (_, i) => String.fromCharCode(i)),
  ...Array.from({ length: 0x21 }, (_, i) => String.fromCharCode(0x7f + i)),
  ...Array.from({ length: 5 }, (_, i) => String.fromCharCode(0x202a + i)),
  ...Array.from({ length: 4 }, (_, i) => String.fromCharCode(0x2066 + i)),
];
// eslint-disable-next-line no-control-regex
const RAW = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
// eslint-disable-next-line no-control-regex
const RAW_BUT_LINES = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

const HOSTILE = 'title\u001b]0;PWNED\u0007 clip\u001b]52;c;aGk=\u001b\\ csi\u009b2J nel\u0085 del\u007f \u202eevil\u202c \u2066iso\u2069 cr\rlf\r\nend\ttab';
/** Text that must come through untouched: letters, marks, wide and astral characters, emoji, LRM/RLM (marks, not overrides). */
const SAFE = 'Hello, wörld — 日本語 한국어 e\u0301 👍🏽 \u200e\u200f \u00a0 \u2028 ~';

describe('escapeControls (names, paths, messages)', () => {
  it('writes every unsafe character (C0, DEL, C1, bidi embeddings, overrides, isolates) as a visible escape and keeps the rest', () => {
    for (const c of UNSAFE_CHARS) expect(escapeControls(c), `U+${c.charCodeAt(0).toString(16)}`).toMatch(/^\\(x[0-9a-f]{2}|u[0-9a-f]{4})$/);
    expect(escapeControls('\u2029\u200b\ufffd')).toBe('\u2029\u200b\ufffd');
    expect(escapeControls('a\u001b]0;x\u0007b')).toBe('a\\x1b]0;x\\x07b');
    expect(escapeControls('\u0085\u009b\u007f\u202e\u2069\n\t')).toBe('\\x85\\x9b\\x7f\\u202e\\u2069\\x0a\\x09');
    expect(escapeControls(SAFE)).toBe(SAFE);
    for (const c of UNSAFE_CHARS) expect(escapeControls(c)).not.toMatch(RAW);
  });
});

describe('safeText (samples, corpus text)', () => {
  it('keeps line breaks and tabs, writes every other unsafe character as U+FFFD, and keeps the rest', () => {
    const out = safeText(HOSTILE);
    expect(out).not.toMatch(RAW_BUT_LINES);
    expect(out).toBe(
      `title${REPLACEMENT}]0;PWNED${REPLACEMENT} clip${REPLACEMENT}]52;c;aGk=${REPLACEMENT}\\ csi${REPLACEMENT}2J nel${REPLACEMENT} del${REPLACEMENT} ` +
        `${REPLACEMENT}evil${REPLACEMENT} ${REPLACEMENT}iso${REPLACEMENT} cr\nlf\nend\ttab`,
    );
    expect(safeText(SAFE)).toBe(SAFE);
    for (const c of UNSAFE_CHARS) {
      const expected = c === '\n' || c === '\r' ? '\n' : c === '\t' ? '\t' : REPLACEMENT;
      expect(safeText(c)).toBe(expected);
    }
  });

  it('lays text out on one line when asked, and can drop what it would replace', () => {
    expect(safeText('a\r\nb\rc\nd\te\u001b', { newline: '↵', tab: ' ' })).toBe(`a↵b↵c↵d e${REPLACEMENT}`);
    expect(safeText('a\nb\u001b[1m\u202ec', { newline: '\\n', other: '' })).toBe('a\\nb[1mc');
  });

  it('gives the same text written in pieces, wherever the pieces are cut (a CR LF across two pieces is one break)', () => {
    const whole = safeText(HOSTILE);
    const chars = Array.from(HOSTILE);
    for (let cut = 0; cut <= chars.length; cut++) {
      for (const size of [1, 2, 3]) {
        const stream = new SafeTextStream();
        let out = stream.push(chars.slice(0, cut).join(''));
        for (let i = cut; i < chars.length; i += size) out += stream.push(chars.slice(i, i + size).join(''));
        out += stream.end();
        expect(out).toBe(whole);
      }
    }
    const ending = new SafeTextStream();
    expect(ending.push('a\r') + ending.end()).toBe('a\n');
  });
});

describe('safeJson', () => {
  it('is JSON of the same value, with no unsafe character raw', () => {
    const value = { text: HOSTILE, safe: SAFE, list: UNSAFE_CHARS, n: 1.5, nothing: null };
    const json = safeJson(value);
    expect(json).not.toMatch(RAW);
    expect(JSON.parse(json)).toEqual(value);
  });
});
