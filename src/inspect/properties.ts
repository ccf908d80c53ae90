/**
 * Simple, named properties of a text, one value per character, computed
 * from the text alone — what Karpathy, Johnson & Fei-Fei (2015) found single
 * LSTM cells tracking. Each value describes the text up to and including
 * that character (what the model has read when its activation is taken),
 * except that telling an apostrophe from a single quote looks at the line.
 */

export interface Property {
  key: string;
  name: string;
  /** Whether the property is on/off (1/0) rather than a count. */
  binary: boolean;
  /** Whether it is meant for source code (shown only when the text has it). */
  code?: boolean;
  values(chars: readonly string[]): Float64Array;
}

const isLetter = (ch: string | undefined): boolean => ch !== undefined && /\p{L}/u.test(ch);
const isWordChar = (ch: string | undefined): boolean => ch !== undefined && /[\p{L}\p{N}_]/u.test(ch);
const isSpace = (ch: string | undefined): boolean => ch === undefined || /\s/u.test(ch);

const OPENING_DOUBLE: Record<string, string> = { '“': '”', '«': '»', '„': '“' };

/**
 * 1 inside quotes: "…" (straight quotes toggle, across lines), “…”, «…», „…“,
 * and '…' when the closing quote is on the same line; an apostrophe (a ' with
 * a letter on each side, or one that never closes) is not a quote. The opening
 * quote itself counts as inside, the closing one as outside.
 */
function insideQuotes(chars: readonly string[]): Float64Array {
  const out = new Float64Array(chars.length);
  const singles = singleQuoteSpans(chars);
  let double: string | null = null; // the closing character awaited
  for (let t = 0; t < chars.length; t++) {
    const ch = chars[t]!;
    if (double !== null && ch === double) double = null;
    else if (double === null && ch === '"') double = '"';
    else if (double === null && OPENING_DOUBLE[ch] !== undefined) double = OPENING_DOUBLE[ch]!;
    out[t] = double !== null || singles[t] === 1 ? 1 : 0;
  }
  return out;
}

/** 1 from an opening single quote up to (not including) its closing quote on the same line. */
function singleQuoteSpans(chars: readonly string[]): Uint8Array {
  const out = new Uint8Array(chars.length);
  let open = -1;
  for (let t = 0; t < chars.length; t++) {
    const ch = chars[t]!;
    if (ch === '\n') {
      open = -1;
      continue;
    }
    if (ch !== "'" && ch !== '‘' && ch !== '’') continue;
    const before = chars[t - 1];
    const after = chars[t + 1];
    if (isLetter(before) && isLetter(after)) continue; // o'er, don't
    if (open < 0 && ch !== '’' && !isWordChar(before) && !isSpace(after)) open = t;
    else if (open >= 0 && ch !== '‘' && !isSpace(before) && !isWordChar(after)) {
      out.fill(1, open, t);
      open = -1;
    }
  }
  return out;
}

const OPEN = new Set(['(', '[', '{']);
const CLOSE = new Set([')', ']', '}']);

function bracketDepth(chars: readonly string[]): Float64Array {
  const out = new Float64Array(chars.length);
  let depth = 0;
  for (let t = 0; t < chars.length; t++) {
    if (OPEN.has(chars[t]!)) depth++;
    else if (CLOSE.has(chars[t]!)) depth = Math.max(0, depth - 1);
    out[t] = depth;
  }
  return out;
}

/** Characters since the last line break (the line break itself ends its line: its column counts on). */
function column(chars: readonly string[]): Float64Array {
  const out = new Float64Array(chars.length);
  let col = 0;
  for (let t = 0; t < chars.length; t++) {
    out[t] = col;
    col = chars[t] === '\n' ? 0 : col + 1;
  }
  return out;
}

function wordStart(chars: readonly string[]): Float64Array {
  return Float64Array.from(chars, (ch, t) => (isWordChar(ch) && !isWordChar(chars[t - 1]) ? 1 : 0));
}

function upperCase(chars: readonly string[]): Float64Array {
  return Float64Array.from(chars, (ch) => (/\p{Lu}/u.test(ch) ? 1 : 0));
}

function digit(chars: readonly string[]): Float64Array {
  return Float64Array.from(chars, (ch) => (/\p{Nd}/u.test(ch) ? 1 : 0));
}

/** Leading whitespace of the current line read so far, in columns (a tab counts 4). */
function indentation(chars: readonly string[]): Float64Array {
  const out = new Float64Array(chars.length);
  let indent = 0;
  let leading = true;
  for (let t = 0; t < chars.length; t++) {
    const ch = chars[t]!;
    if (ch === '\n') {
      out[t] = indent;
      indent = 0;
      leading = true;
      continue;
    }
    if (leading && (ch === ' ' || ch === '\t')) indent += ch === '\t' ? 4 : 1;
    else leading = false;
    out[t] = indent;
  }
  return out;
}

export const PROPERTIES: readonly Property[] = [
  { key: 'quotes', name: 'inside quotes', binary: true, values: insideQuotes },
  { key: 'brackets', name: 'bracket depth', binary: false, values: bracketDepth },
  { key: 'column', name: 'position in line', binary: false, values: column },
  { key: 'word-start', name: 'start of a word', binary: true, values: wordStart },
  { key: 'upper', name: 'upper case', binary: true, values: upperCase },
  { key: 'digit', name: 'digit', binary: true, values: digit },
  { key: 'indent', name: 'indentation depth', binary: false, code: true, values: indentation },
];
