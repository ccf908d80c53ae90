import { describe, expect, it } from 'vitest';
import { codePoints, normalizeText } from '../../src/data/corpus.js';
import { Vocabulary, showChar } from '../../src/data/vocabulary.js';
import { CharnnError } from '../../src/util/errors.js';

describe('code points', () => {
  it('counts an astral character as one symbol', () => {
    expect(codePoints('a😀b')).toEqual(['a', '😀', 'b']);
    expect(codePoints('👍🏽')).toEqual(['👍', '🏽']);
    expect(codePoints('')).toEqual([]);
  });

  it('round-trips emoji exactly', () => {
    const text = 'hi 😀👍🏽 ok 😀';
    const v = Vocabulary.fromText(text);
    expect(v.size).toBe(new Set(codePoints(text)).size);
    const ids = v.encode(text);
    expect(ids.length).toBe(codePoints(text).length);
    expect(v.decode(ids)).toBe(text);
  });

  it('round-trips Hangul exactly', () => {
    const text = '한국어 텍스트';
    const v = Vocabulary.fromText(text);
    expect(v.size).toBe(7); // 6 distinct syllables + space
    expect(v.decode(v.encode(text))).toBe(text);
  });

  it('nfd splits syllables into fewer jamo, and nfc restores them', () => {
    const syllables: string[] = [];
    for (let cp = 0xac00; cp < 0xac00 + 400; cp += 3) syllables.push(String.fromCodePoint(cp));
    const text = syllables.join('');
    const nfd = normalizeText(text, 'nfd');
    const composed = Vocabulary.fromText(text);
    const decomposed = Vocabulary.fromText(nfd);
    expect(decomposed.size).toBeLessThan(composed.size);
    expect(decomposed.chars.every((ch) => /[\u1100-\u11ff]/.test(ch))).toBe(true);
    const back = decomposed.decode(decomposed.encode(nfd));
    expect(normalizeText(back, 'nfc')).toBe(text);
    expect(normalizeText(text, 'none')).toBe(text);
  });
});

describe('Vocabulary', () => {
  it('sorts by code point value, not UTF-16 order', () => {
    // U+FF5E is a higher UTF-16 unit than the surrogates of 😀 (U+1F600) but a lower code point.
    const v = Vocabulary.fromText('😀～ba😀');
    expect(v.chars).toEqual(['a', 'b', '～', '😀']);
    expect(v.id('😀')).toBe(3);
    expect(v.id('z')).toBe(-1);
    expect(v.id('ab')).toBe(-1);
  });

  it('is stable: same text gives the same ids, and toJSON restores it', () => {
    const a = Vocabulary.fromText('the cat sat');
    const b = Vocabulary.fromText('tas eht');
    expect(a.chars).toEqual(b.chars.concat(['c']).sort());
    const c = new Vocabulary(a.toJSON());
    expect(c.chars).toEqual(a.chars);
    expect(Array.from(c.encode('cat'))).toEqual(Array.from(a.encode('cat')));
  });

  it('keeps the order it was given', () => {
    const v = new Vocabulary(['z', '😀', 'a']);
    expect(Array.from(v.encode('a😀z'))).toEqual([2, 1, 0]);
  });

  it('rejects entries that are not one code point, and duplicates', () => {
    expect(() => new Vocabulary(['a', 'bc'])).toThrow(/entry 1 is not a single character/);
    expect(() => new Vocabulary(['a', ''])).toThrow(CharnnError);
    expect(() => new Vocabulary(['👍🏽'])).toThrow(/not a single character/);
    expect(() => new Vocabulary(['a', 'b', 'a'])).toThrow(/lists "a" twice/);
  });

  it('names missing characters when encoding', () => {
    const v = Vocabulary.fromText('abc');
    expect(v.missingChars('axbyx\u0000😀')).toEqual(['x', 'y', '\u0000', '😀']);
    let err: unknown;
    try {
      v.encode('axbyx\u0000😀');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(CharnnError);
    const e = err as CharnnError;
    expect(e.message).toBe('text has 4 characters not in the vocabulary: "x", "y", "\\u0000", "😀"');
    expect(e.hint).toMatch(/training corpus/);
    expect(e.exitCode).toBe(2);
  });

  it('summarises a long list of missing characters', () => {
    const v = Vocabulary.fromText('a');
    expect(() => v.encode('bcdefghijklm')).toThrow(/12 characters not in the vocabulary: "b", .* and 4 more$/);
  });

  it('shows invisible characters visibly', () => {
    expect(showChar('\u00a0')).toBe('U+00A0');
    expect(showChar('\u200b')).toBe('U+200B');
    expect(showChar('\n')).toBe('"\\n"');
    expect(showChar('é')).toBe('"é"');
  });

  it('encodeLossy drops and counts unknown characters', () => {
    const v = Vocabulary.fromText('ab');
    const { ids, skipped } = v.encodeLossy('a?b😀!a');
    expect(Array.from(ids)).toEqual([0, 1, 0]);
    expect(skipped).toBe(3);
    expect(v.encodeLossy('').ids.length).toBe(0);
  });

  it('decode rejects ids outside the vocabulary as a bug', () => {
    const v = Vocabulary.fromText('ab');
    expect(v.decode([1, 0, 1])).toBe('bab');
    expect(() => v.decode([2])).toThrow(/outside vocabulary/);
    expect(() => v.decode([2])).not.toThrow(CharnnError);
  });

  it('encodes a megabyte of mixed text (emoji are one id each)', () => {
    // Its speed is the benchmark's to measure, not a unit test's: a quadratic
    // encoder would still fail here, by the test's time-out.
    const base = 'The quick brown fox jumps over the lazy dog.\nÆble 😀 ';
    const text = base.repeat(Math.ceil(1_100_000 / base.length));
    const v = Vocabulary.fromText(text);
    const ids = v.encode(text);
    expect(ids.length).toBe(text.length - (text.match(/😀/gu)?.length ?? 0));
    expect(v.decode(ids)).toBe(text);
  });
});
