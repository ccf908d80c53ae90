/**
 * Strings that come from files (a checkpoint's corpus name and path, its
 * dates and versions, a directory name) printed safely: control characters
 * (C0, DEL, C1) and bidirectional overrides become visible escapes, so a
 * file cannot send terminal escape sequences (OSC 52 clipboard writes,
 * window titles, clear screen) or reorder what is shown.
 */

// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;
// Outside strings JSON.stringify escapes nothing, and inside them only C0: the rest of UNSAFE.
const UNSAFE_IN_JSON = /[\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

const hex = (c: string, digits: number): string => c.codePointAt(0)!.toString(16).padStart(digits, '0');

/** `text` with every unsafe character written as \xNN (or \uNNNN above U+00FF). */
export function escapeControls(text: string): string {
  return text.replace(UNSAFE, (c) => (c.codePointAt(0)! <= 0xff ? `\\x${hex(c, 2)}` : `\\u${hex(c, 4)}`));
}

/** JSON.stringify whose output is also safe for a terminal (still valid JSON, same value). */
export function safeJson(value: unknown): string {
  return JSON.stringify(value).replace(UNSAFE_IN_JSON, (c) => `\\u${hex(c, 4)}`);
}

/** A path or argument as one shell word, quoted only when it needs to be (for commands shown to the user). */
export function shellWord(text: string): string {
  return /^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}
