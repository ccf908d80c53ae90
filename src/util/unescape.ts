/**
 * The escape sequences users type in shells and in the sampler's input line
 * to mean characters that are hard to type there: \n, \r, \t, \\, \uXXXX
 * and \u{X…} (a code point). Anything else after a backslash is kept as typed.
 */
const ESCAPE = /\\(?:([nrt\\])|u([0-9a-fA-F]{4})|u\{([0-9a-fA-F]{1,6})\})/g;
const SIMPLE: Record<string, string> = { n: '\n', r: '\r', t: '\t', '\\': '\\' };

/** "a\\r\\n\\u00e9" → "a\r\né". */
export function unescapeText(value: string): string {
  return value.replace(ESCAPE, (match, simple: string | undefined, four: string | undefined, braced: string | undefined) => {
    if (simple !== undefined) return SIMPLE[simple]!;
    const cp = parseInt(four ?? braced!, 16);
    return cp <= 0x10ffff ? String.fromCodePoint(cp) : match;
  });
}
