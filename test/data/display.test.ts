import { describe, expect, it } from 'vitest';
import { displayText, NfcStream } from '../../src/data/display.js';

const texts = ['한국어 텍스트입니다. 값이 없다!', 'Café — naïve résumé, Ångström', 'ᄀ가각 ᄒ하\n', '🙂 emoji 👍🏽 and 漢字', ''];

describe('display form', () => {
  it('composes the text of an NFD model and leaves the others alone', () => {
    const nfd = '한국어 café'.normalize('NFD');
    expect(displayText(nfd, 'nfd')).toBe('한국어 café');
    expect(displayText(nfd, 'nfd', true)).toBe(nfd);
    expect(displayText(nfd, 'none')).toBe(nfd);
    expect(displayText(nfd, 'nfc')).toBe(nfd);
  });

  it('streams the same NFC text as composing the whole, in any chunking, holding back only what may still compose', () => {
    for (const text of texts) {
      const nfd = text.normalize('NFD');
      for (const size of [1, 2, 3, 7]) {
        const stream = new NfcStream();
        let out = '';
        const chars = [...nfd];
        for (let i = 0; i < chars.length; i += size) out += stream.push(chars.slice(i, i + size).join(''));
        expect(out + stream.end()).toBe(nfd.normalize('NFC'));
      }
    }
    const stream = new NfcStream();
    expect(stream.push('한'.normalize('NFD'))).toBe(''); // ᄒ ᅡ ᆫ: the syllable may still take nothing more, but the next character decides
    expect(stream.push('ᄀ')).toBe('한');
    expect(stream.push('ᅡ')).toBe('');
    expect(stream.push(' ')).toBe('가');
    expect(stream.end()).toBe(' ');
  });
});
