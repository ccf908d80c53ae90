/**
 * A one-line text editor as pure functions over code points: insert (typed
 * or pasted), delete, cursor movement, kill line / word, history recall.
 * Pasted line breaks become the two characters \n, which the sampler reads
 * back as a line break, so a pasted paragraph stays one editable line.
 */
import type { Row, SegStyle } from '../shared/Line.js';
import { safeText } from '../../util/escape.js';
import { charWidth } from '../../util/text.js';

export interface EditState {
  /** Code points. */
  chars: string[];
  /** 0 … chars.length. */
  cursor: number;
}

export const emptyEdit = (): EditState => ({ chars: [], cursor: 0 });

export const editText = (s: EditState): string => s.chars.join('');

export function editFrom(text: string): EditState {
  const chars = Array.from(text);
  return { chars, cursor: chars.length };
}

/**
 * Typed or pasted input made safe for one line: a pasted line break becomes
 * the `\n` escape that prompts understand, a tab a space; other control
 * characters and bidi overrides are dropped (typed, they are keys; pasted,
 * noise). `\u202e` typed as an escape still reaches the model.
 */
export function sanitizeInput(input: string): string {
  return safeText(input, { newline: '\\n', tab: ' ', other: '' });
}

/** A key the sampler acts on, whether it came alone or inside a chunk. */
export type EditKey = 'enter' | 'backspace' | 'kill-line' | 'kill-word' | 'home' | 'end' | 'escape' | 'interrupt' | 'tab';

/** One step of a chunk read at once: text to insert, or a key to act on. */
type TypedStep = { text: string } | { key: EditKey };

/** The control characters a terminal sends for the sampler's keys. */
const CONTROL_KEYS: Readonly<Record<string, EditKey>> = {
  '\r': 'enter',
  '\n': 'enter',
  '\x7f': 'backspace',
  '\b': 'backspace',
  '\x15': 'kill-line', // Ctrl-U
  '\x17': 'kill-word', // Ctrl-W
  '\x01': 'home', // Ctrl-A
  '\x05': 'end', // Ctrl-E
  '\x1b': 'escape',
  '\x03': 'interrupt', // Ctrl-C
  '\t': 'tab',
};

/**
 * A chunk of input read at once (keys typed ahead, a paste, tmux send-keys)
 * as the steps its keys typed one by one would be: runs of text, and the
 * editing keys in their places. Other control characters are dropped, as
 * they are when typed alone. In a paste, line breaks and tabs are text (a
 * line break becomes \n on the line, a tab a space) so a pasted paragraph
 * stays one prompt; editing keys inside a paste still act.
 */
export function typedSteps(chunk: string, pasting: boolean): TypedStep[] {
  const steps: TypedStep[] = [];
  let text = '';
  const flush = () => {
    if (text !== '') steps.push({ text });
    text = '';
  };
  for (const ch of chunk.replace(/\r\n/g, '\r')) {
    const key = CONTROL_KEYS[ch];
    if (key !== undefined && !(pasting && (key === 'enter' || key === 'tab'))) {
      flush();
      steps.push({ key });
    } else text += key === 'enter' ? '\n' : ch;
  }
  flush();
  return steps.map((s) => ('text' in s ? { text: sanitizeInput(s.text) } : s)).filter((s) => !('text' in s) || s.text !== '');
}

export function insert(s: EditState, input: string): EditState {
  const add = Array.from(sanitizeInput(input));
  if (add.length === 0) return s;
  return { chars: [...s.chars.slice(0, s.cursor), ...add, ...s.chars.slice(s.cursor)], cursor: s.cursor + add.length };
}

export function deleteBack(s: EditState): EditState {
  if (s.cursor === 0) return s;
  return { chars: [...s.chars.slice(0, s.cursor - 1), ...s.chars.slice(s.cursor)], cursor: s.cursor - 1 };
}

export function deleteWordBack(s: EditState): EditState {
  let i = s.cursor;
  while (i > 0 && s.chars[i - 1] === ' ') i--;
  while (i > 0 && s.chars[i - 1] !== ' ') i--;
  return { chars: [...s.chars.slice(0, i), ...s.chars.slice(s.cursor)], cursor: i };
}

export const moveTo = (s: EditState, cursor: number): EditState => ({ ...s, cursor: Math.max(0, Math.min(s.chars.length, cursor)) });

/** Prompt history with ↑/↓; the line being typed is kept while browsing. */
export interface History {
  entries: string[];
  /** Index being shown; entries.length = the draft. */
  index: number;
  draft: string;
}

export const emptyHistory = (): History => ({ entries: [], index: 0, draft: '' });

export function remember(h: History, line: string): History {
  const entries = line === '' || h.entries.at(-1) === line ? h.entries : [...h.entries, line].slice(-200);
  return { entries, index: entries.length, draft: '' };
}

export function browse(h: History, current: string, direction: -1 | 1): { history: History; text: string } | null {
  const index = h.index + direction;
  if (index < 0 || index > h.entries.length) return null;
  const draft = h.index === h.entries.length ? current : h.draft;
  return { history: { ...h, index, draft }, text: index === h.entries.length ? draft : h.entries[index]! };
}

const CURSOR: SegStyle = { inverse: true };

/**
 * The input line: prompt, text scrolled so the cursor is visible, the cursor
 * as an inverse cell (visible without colour too), or a dim placeholder.
 */
export function inputRow(s: EditState, width: number, o: { prompt: string; placeholder?: string; active: boolean }): Row {
  const promptSeg = { text: o.prompt, style: { bold: true, color: 'cyan' } as SegStyle, mono: { bold: true } as SegStyle };
  const room = Math.max(1, width - o.prompt.length);
  if (s.chars.length === 0) {
    const cursor = o.active ? [{ text: ' ', style: CURSOR, mono: CURSOR }] : [];
    const hint = o.placeholder ? [{ text: o.placeholder, style: { dim: true } as SegStyle }] : [];
    return [promptSeg, ...cursor, ...hint];
  }
  const w = (i: number) => charWidth(s.chars[i] ?? ' ') || 1;
  // First visible character: the cursor cell and everything before it must fit.
  let start = 0;
  let used = 0;
  for (let i = s.cursor; i >= 0; i--) {
    if (used + w(i) > room) {
      start = i + 1;
      break;
    }
    used += w(i);
  }
  const before: string[] = [];
  let width0 = 0;
  for (let i = start; i < s.cursor; i++) {
    before.push(s.chars[i]!);
    width0 += w(i);
  }
  const at = s.chars[s.cursor] ?? ' ';
  width0 += w(s.cursor);
  const after: string[] = [];
  for (let i = s.cursor + 1; i < s.chars.length && width0 + w(i) <= room; i++) {
    after.push(s.chars[i]!);
    width0 += w(i);
  }
  let head = before.join('');
  if (start > 0 && head.length > 0) head = '…' + Array.from(head).slice(1).join('');
  const row: Row = [promptSeg, { text: head }];
  if (o.active) row.push({ text: at, style: CURSOR, mono: CURSOR });
  else row.push({ text: at });
  row.push({ text: after.join('') });
  return row.filter((seg) => seg.text !== '');
}
