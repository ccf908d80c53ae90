/**
 * The one place that decides which characters may not reach a terminal
 * raw, and how text from a model or a file is made harmless there: control
 * characters (C0, DEL, C1) would let a checkpoint, a corpus or a model's
 * own text send escape sequences (OSC 52 clipboard writes, window titles,
 * clear screen), and bidirectional overrides and isolates would reorder
 * what is shown (Trojan Source). Two renderings of the same set:
 * - escapeControls: names, paths, messages (a corpus name, a path from
 *   charnn.json, an error quoting a file): every unsafe character as a
 *   visible escape (\x1b, \u202e), so nothing is lost;
 * - safeText: text (samples, corpus excerpts): line breaks and tabs stay
 *   what they are (or what one-line layouts make of them), every other
 *   unsafe character shows as U+FFFD, one column, as the sampler shows it.
 * JSON output goes through safeJson: still exact JSON, the same value.
 */

// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;
// Outside strings JSON.stringify escapes nothing, and inside them only C0: the rest of UNSAFE.
const UNSAFE_IN_JSON = /[\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;
// The same set, with a line break (CR LF, CR or LF) as one match: what safeText replaces.
// eslint-disable-next-line no-control-regex
const UNSAFE_TEXT = /\r\n?|[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;
// eslint-disable-next-line no-control-regex
const ANY_UNSAFE = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

/** What an unsafe character of a text shows as: the replacement character, one column wide. */
export const REPLACEMENT = '\ufffd';

const hex = (c: string, digits: number): string => c.codePointAt(0)!.toString(16).padStart(digits, '0');

/** `text` with every unsafe character written as \xNN (or \uNNNN above U+00FF). */
export function escapeControls(text: string): string {
  return text.replace(UNSAFE, (c) => (c.codePointAt(0)! <= 0xff ? `\\x${hex(c, 2)}` : `\\u${hex(c, 4)}`));
}

interface SafeTextOptions {
  /** What a line break (LF, CR LF or a lone CR) becomes; LF by default, `↵` on one line. */
  newline?: string;
  /** What a tab becomes; kept by default. */
  tab?: string;
  /** What every other unsafe character becomes; REPLACEMENT by default, '' drops it. */
  other?: string;
}

/**
 * Text (a sample, a corpus excerpt) made harmless for a terminal: line
 * breaks become `newline` (CR LF and a lone CR included, which would
 * otherwise move the cursor back over the line), tabs `tab`, every other
 * control character, DEL and bidi override `other`. Everything else is
 * kept as it is.
 */
export function safeText(text: string, options: SafeTextOptions = {}): string {
  if (!ANY_UNSAFE.test(text)) return text;
  const newline = options.newline ?? '\n';
  const tab = options.tab ?? '\t';
  const other = options.other ?? REPLACEMENT;
  return text.replace(UNSAFE_TEXT, (c) => (c === '\n' || c[0] === '\r' ? newline : c === '\t' ? tab : other));
}

/**
 * safeText for text written in pieces (a sample streamed as it is drawn):
 * a CR at the end of a piece is held back until the next one shows whether
 * it is half of a CR LF, so the result is the same as safeText of the whole.
 */
export class SafeTextStream {
  private pendingCr = false;

  constructor(private readonly options: SafeTextOptions = {}) {}

  push(text: string): string {
    if (text.length === 0) return '';
    let whole = this.pendingCr ? `\r${text}` : text;
    this.pendingCr = whole.endsWith('\r');
    if (this.pendingCr) whole = whole.slice(0, -1);
    return safeText(whole, this.options);
  }

  end(): string {
    const rest = this.pendingCr ? safeText('\r', this.options) : '';
    this.pendingCr = false;
    return rest;
  }
}

/** JSON.stringify whose output is also safe for a terminal (still valid JSON, same value). */
export function safeJson(value: unknown): string {
  return JSON.stringify(value).replace(UNSAFE_IN_JSON, (c) => `\\u${hex(c, 4)}`);
}

/** A path or argument as one shell word, quoted only when it needs to be (for commands shown to the user). */
export function shellWord(text: string): string {
  return /^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}
