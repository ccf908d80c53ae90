import { describe, expect, it } from 'vitest';
import { unescapeText } from '../../src/util/unescape.js';

describe('unescapeText', () => {
  it('understands \\n, \\r, \\t, \\\\ and \\uXXXX / \\u{X…}', () => {
    expect(unescapeText('a\\nb\\tc')).toBe('a\nb\tc');
    expect(unescapeText('\\r\\n\\r\\n')).toBe('\r\n\r\n');
    expect(unescapeText('caf\\u00e9 \\u00C9')).toBe('café É');
    expect(unescapeText('\\uD55C\\uAD6D')).toBe('한국');
    expect(unescapeText('\\ud83d\\ude00 \\u{1F600}')).toBe('😀 😀');
    expect(unescapeText('C:\\\\new')).toBe('C:\\new');
    expect(unescapeText('\\\\n')).toBe('\\n');
  });

  it('keeps anything else as typed', () => {
    expect(unescapeText('\\x41 \\u12 \\uXYZW \\u{110000} \\q \\')).toBe('\\x41 \\u12 \\uXYZW \\u{110000} \\q \\');
    expect(unescapeText('plain')).toBe('plain');
  });
});
