import { describe, expect, it } from 'vitest';
import { rowText } from '../../src/ui/shared/Line.js';
import { displayWidth } from '../../src/util/text.js';
import {
  browse,
  deleteBack,
  deleteWordBack,
  editFrom,
  editText,
  emptyHistory,
  inputRow,
  insert,
  moveTo,
  remember,
  typedSteps,
} from '../../src/ui/sample/line-editor.js';
import { samplerRows } from '../../src/ui/sample/SamplerApp.js';
import { candidatesRow, headerRow, helpBody, helpBox, keysRow, statusRow } from '../../src/ui/sample/sampler-rows.js';
import type { SamplerView } from '../../src/ui/sample/useSampler.js';
import { DEFAULT_SAMPLER_SETTINGS, helpLines, interpretInput, unescapeInput } from '../../src/ui/sample/settings.js';
import { appendCells, appendNote, heatLevel, MAX_CELLS, transcriptRows, userCells, type Block, type Cell } from '../../src/ui/sample/transcript.js';

const S = DEFAULT_SAMPLER_SETTINGS;
const gen = (text: string, prob = 0.9): Cell[] => Array.from(text, (ch) => ({ ch, kind: 'gen' as const, prob }));

describe('slash commands', () => {
  it('change settings', () => {
    const cases: [string, Partial<typeof S>][] = [
      ['/temp 0.3', { temperature: 0.3 }],
      ['/temperature 0', { temperature: 0 }],
      ['/topk 40', { topK: 40 }],
      ['/topk off', { topK: 0 }],
      ['/topp 0.9', { topP: 0.9 }],
      ['/len 300', { length: 300 }],
      ['/seed 42', { seed: 42 }],
      ['/seed random', { seed: null }],
      ['/heat', { heat: true }],
      ['/heat off', { heat: false }],
      ['/top', { top: true }],
      ['/TEMP   1.5', { temperature: 1.5 }],
    ];
    for (const [line, patch] of cases) {
      const a = interpretInput(line, S);
      expect(a.kind, line).toBe('settings');
      if (a.kind === 'settings') expect(a.settings).toEqual({ ...S, ...patch });
    }
  });

  it('reject bad values with a message, never throwing', () => {
    for (const line of ['/temp -1', '/temp abc', '/temp 1e9', '/topk 1.5', '/topk -3', '/topp 0', '/topp 1.01', '/len 0', '/len 1000001', '/seed -1', '/seed 1e3', '/heat maybe', '/nope', '/']) {
      const a = interpretInput(line, S);
      expect(a.kind, line).toBe('error');
      if (a.kind === 'error') expect(a.message.length).toBeGreaterThan(5);
    }
    // Without a value: the current one, and how to change it.
    const a = interpretInput('/temp', S);
    expect(a).toEqual({ kind: 'error', message: expect.stringContaining('temperature is 0.8') });
  });

  it('tell text from commands; // escapes a leading slash', () => {
    expect(interpretInput('hello', S)).toEqual({ kind: 'text', text: 'hello' });
    expect(interpretInput('', S)).toEqual({ kind: 'text', text: '' });
    expect(interpretInput('//etc', S)).toEqual({ kind: 'text', text: '/etc' });
    expect(interpretInput('/reset', S)).toEqual({ kind: 'reset' });
    expect(interpretInput('/help', S)).toEqual({ kind: 'help' });
    expect(interpretInput('/quit', S)).toEqual({ kind: 'quit' });
    expect(unescapeInput('a\\nb\\tc\\\\n')).toBe('a\nb\tc\\n');
  });
});

describe('transcript', () => {
  it('wraps at the width and keeps the last rows', () => {
    const blocks: Block[] = [];
    appendCells(blocks, userCells('ROMEO:'));
    appendCells(blocks, gen(' abcdefghij'.repeat(3)));
    const rows = transcriptRows(blocks, 10, 3, false).map(rowText);
    expect(rows).toEqual(['defghij ab', 'cdefghij a', 'bcdefghij']);
    for (const r of transcriptRows(blocks, 10, 100, false)) expect(displayWidth(rowText(r))).toBeLessThanOrEqual(10);
  });

  it('breaks lines at newlines; with the heat map a generated newline shows as ↵', () => {
    const blocks: Block[] = [];
    appendCells(blocks, [...userCells('a\nb'), ...gen('c\nd')]);
    expect(transcriptRows(blocks, 20, 10, false).map(rowText)).toEqual(['a', 'bc', 'd']);
    expect(transcriptRows(blocks, 20, 10, true).map(rowText)).toEqual(['a', 'bc↵', 'd']);
  });

  it('styles user text apart from generated text, and generated text by probability', () => {
    const blocks: Block[] = [];
    appendCells(blocks, [...userCells('u'), ...gen('h', 0.9), ...gen('m', 0.3), ...gen('l', 0.01)]);
    const [row] = transcriptRows(blocks, 20, 1, true);
    expect(row!.map((s) => s.text)).toEqual(['u', 'h', 'm', 'l']);
    expect(row![0]!.style).toMatchObject({ bold: true });
    expect(row!.slice(1).map((s) => s.style?.color)).toEqual(['green', 'yellow', 'red']);
    expect(row!.slice(1).map((s) => s.mono)).toEqual([undefined, { underline: true }, { inverse: true }]);
    expect([heatLevel(0.5), heatLevel(0.2), heatLevel(0.19)]).toEqual(['high', 'mid', 'low']);
    // Heat map off: generated text is plain.
    const [plain] = transcriptRows(blocks, 20, 1, false);
    expect(plain!.map((s) => s.text)).toEqual(['u', 'hml']);
  });

  it('puts notes on their own lines, word-wrapped, and wide characters take two columns', () => {
    const blocks: Block[] = [];
    appendCells(blocks, gen('日本語テキスト'));
    appendNote(blocks, 'context reset here');
    appendCells(blocks, gen('x'));
    expect(transcriptRows(blocks, 8, 10, false).map(rowText)).toEqual(['日本語テ', 'キスト', 'context', 'reset', 'here', 'x']);
  });

  it('keeps a bounded number of cells, and gives the rows that show', () => {
    const blocks: Block[] = [];
    for (let i = 0; i < 30; i++) appendCells(blocks, gen('abcdefghij'.repeat(500)));
    expect(blocks.reduce((n, b) => n + (b.kind === 'text' ? b.cells.length : 1), 0)).toBeLessThanOrEqual(MAX_CELLS);
    const rows = transcriptRows(blocks, 80, 20, true);
    expect(rows).toHaveLength(20);
    // The last rows of the text, in order.
    const shown = rows.map(rowText).join('');
    expect(shown.length).toBeGreaterThan(19 * 40);
    expect('abcdefghij'.repeat(500).endsWith(shown)).toBe(true);
  });
});

describe('line editor', () => {
  it('edits at the cursor', () => {
    let s = editFrom('helo');
    s = moveTo(s, 3);
    s = insert(s, 'l');
    expect(editText(s)).toBe('hello');
    s = moveTo(s, 99);
    s = insert(s, ' big world');
    s = deleteWordBack(s);
    expect(editText(s)).toBe('hello big ');
    s = deleteBack(deleteBack(s));
    expect(editText(s)).toBe('hello bi');
    // Pasted line breaks and tabs are kept as one line.
    expect(editText(insert(editFrom(''), 'a\r\nb\tc\u0007'))).toBe('a\\nb c');
  });

  it('recalls history with ↑/↓, keeping the draft', () => {
    let h = remember(remember(emptyHistory(), 'one'), 'two');
    const up1 = browse(h, 'draft', -1)!;
    expect(up1.text).toBe('two');
    const up2 = browse(up1.history, up1.text, -1)!;
    expect(up2.text).toBe('one');
    expect(browse(up2.history, up2.text, -1)).toBeNull();
    const down = browse(browse(up2.history, 'one', 1)!.history, 'two', 1)!;
    expect(down.text).toBe('draft');
    h = remember(h, 'two');
    expect(h.entries).toEqual(['one', 'two']);
  });

  it('scrolls a long line so the cursor stays visible', () => {
    const s = editFrom('x'.repeat(200) + 'END');
    const row = inputRow(s, 40, { prompt: '› ', active: true });
    expect(displayWidth(rowText(row))).toBeLessThanOrEqual(40);
    expect(rowText(row)).toMatch(/^› …x+END $/);
    expect(row.at(-1)).toMatchObject({ text: ' ', style: { inverse: true }, mono: { inverse: true } });
  });
});

describe('a chunk of input read at once', () => {
  it('is the steps its keys typed one by one would be: editing keys act, text is inserted, other controls dropped', () => {
    expect(typedSteps('\u0015text', false)).toEqual([{ key: 'kill-line' }, { text: 'text' }]);
    expect(typedSteps('one two\u0017three\u007fX\rnext', false)).toEqual([
      { text: 'one two' },
      { key: 'kill-word' },
      { text: 'three' },
      { key: 'backspace' },
      { text: 'X' },
      { key: 'enter' },
      { text: 'next' },
    ]);
    expect(typedSteps('a\u0001b\u0005c\u001bd\u0003\te', false)).toEqual([
      { text: 'a' },
      { key: 'home' },
      { text: 'b' },
      { key: 'end' },
      { text: 'c' },
      { key: 'escape' },
      { text: 'd' },
      { key: 'interrupt' },
      { key: 'tab' },
      { text: 'e' },
    ]);
    // Controls with no key of their own (Ctrl-B, NUL, a bidi override) never reach the line raw.
    expect(typedSteps('x\u0002\u0000y\u202ez', false)).toEqual([{ text: 'xyz' }]);
  });

  it('in a paste keeps line breaks and tabs as text, but editing keys still act', () => {
    expect(typedSteps('line one\r\nline\ttwo\u0015new', true)).toEqual([{ text: 'line one\\nline two' }, { key: 'kill-line' }, { text: 'new' }]);
  });

  it('replayed on the line editor ends where typing the keys one by one ends', () => {
    let s = editFrom('old text');
    for (const step of typedSteps('\u0015hello wor\u0017world\u007fD', false)) {
      if ('text' in step) s = insert(s, step.text);
      else if (step.key === 'kill-line') s = editFrom('');
      else if (step.key === 'kill-word') s = deleteWordBack(s);
      else if (step.key === 'backspace') s = deleteBack(s);
    }
    expect(editText(s)).toBe('hello worlD');
  });
});

describe('sampler rows at 80 columns', () => {
  it('fit, and keep the essentials', () => {
    const busy = { generating: { done: 99_999, total: 100_000 }, lastSeed: 123_456_789, color: true };
    const settings = { ...S, length: 100_000, heat: true, top: true, topK: 40, topP: 0.95 };
    const rows = [
      headerRow({ name: 'tinyshakespeare-lstm/best', model: 'LSTM 2×256', vocabSize: 65, detail: 'step 2,000 · val 1.523', backend: 'wasm' }, 12_345, 80),
      statusRow(settings, 80, busy),
      statusRow(settings, 80, { ...busy, generating: null }),
      keysRow(80, true),
      keysRow(80, false, true),
      candidatesRow(
        [
          { char: 'e', id: 0, prob: 0.31 },
          { char: '\n', id: 1, prob: 0.2 },
          { char: ' ', id: 2, prob: 0.05 },
          { char: 'a', id: 3, prob: 0.049 },
          { char: 'é', id: 4, prob: 0.001 },
        ],
        80,
      ),
    ].map(rowText);
    for (const r of rows) expect(displayWidth(r)).toBeLessThanOrEqual(80);
    expect(rows[0]).toMatch(/^charnn sample · tinyshakespeare-lstm\/best · LSTM 2×256 · context 12,345 chars/);
    expect(rows[1]).toMatch(/^ GENERATING 99999\/100000 .*T 0\.8/);
    expect(rows[2]).toMatch(/^ READY .*T 0\.8.*k 40.*p 0\.95.*len 100000/);
    expect(rows[3]).toContain('Esc stop');
    expect(rows[4]).toContain('/seed N|random');
    expect(rows[5]).toBe('next   "e" 31%   "\\n" 20%   " " 5.0%   "a" 4.9%   "é" 0.1%');
  });
});

describe('the sampler screen', () => {
  it('is a pure function of the view: header, transcript, help box over its end, fixed rows, exactly the height', () => {
    const blocks: Block[] = [];
    appendCells(blocks, [...userCells('ROMEO:\n'), ...gen('But soft, what light through yonder window breaks?\n'.repeat(6))]);
    const view: SamplerView = {
      blocks, settings: { ...S, top: true }, edit: editFrom('/te'), message: { text: 'context reset', tone: 'info' }, help: false, helpScroll: 0,
      generating: null, lastSeed: 7, position: 319, candidates: [{ char: 'e', id: 0, prob: 0.31 }],
    };
    const screen = (v: SamplerView, width: number, height: number) =>
      samplerRows({ view: v, header: { name: 'run/best', model: 'LSTM 1×128' }, width, height, color: false }).map(rowText);
    const rows = screen(view, 40, 16);
    expect(rows).toHaveLength(16);
    expect(rows[0]).toMatch(/^charnn sample · run\/best · LSTM 1×128/);
    expect(rows.slice(-5)).toEqual(['next   "e" 31%', '✓ context reset', '› /te ', ' ✎  T 0.8 k off p off len 200 seed rnd', '/temp X /topk N /topp X /len N /reset']);
    // The transcript's end fills the rows between (wrapped by columns; the last line break leaves an empty row).
    expect(rows.slice(1, 4)).toEqual(['ow breaks?', 'But soft, what light through yonder wind', 'ow breaks?']);
    expect(rows[10]).toBe('');
    expect(screen(view, 40, 16)).toEqual(rows);
    const help = screen({ ...view, help: true }, 40, 16);
    expect(help[1]).toMatch(/^┌─ charnn sample: keys and commands ─+┐$/);
    // 40×16 leaves 8 of its lines room: the bottom edge says which and how to scroll.
    expect(help[10]).toMatch(/^└─ 1–8\/\d+ ↑↓ PgUp PgDn · Esc ─+┘$/);
    expect(screen({ ...view, help: true, helpScroll: 8 }, 40, 16)[10]).toMatch(/^└─ 9–16\/\d+ ↑↓ PgUp PgDn · Esc ─+┘$/);
    expect(screen({ ...view, help: true }, 40, 6)).toHaveLength(6);
  });
});

describe('the /help box', () => {
  /** The body lines a box shows, without its frame. */
  const inside = (rows: string[]) => rows.slice(1, -1).map((r) => r.replace(/^│ /, '').replace(/ │$/, '').trimEnd());

  it('scrolls where it does not fit, so every line can be read at 80×24, and says how', () => {
    const body = helpBody(helpLines(true), 80).map((l) => l.trimEnd());
    // At 80×24 the help has more lines than the room above the sampler's fixed rows.
    const room = 24 - 1 - 1 - 3;
    expect(body.length).toBeGreaterThan(room - 2);
    const seen = new Set<number>();
    let scroll = 0;
    for (let guard = 0; guard < 20; guard++) {
      const box = helpBox('help', helpLines(true), 80, room, scroll);
      const rows = box.rows.map(rowText);
      expect(rows).toHaveLength(room);
      for (const r of rows) expect(displayWidth(r)).toBe(80);
      expect(inside(rows)).toEqual(body.slice(box.scroll, box.scroll + room - 2));
      for (let i = box.scroll; i < box.scroll + room - 2; i++) seen.add(i);
      expect(rows.at(-1)).toMatch(new RegExp(`^└─ lines ${box.scroll + 1}–${box.scroll + room - 2} of ${body.length} · ↑↓ PgUp PgDn scroll · Esc closes ─+┘$`));
      if (box.scroll === box.maxScroll) break;
      scroll += box.page;
    }
    expect(seen.size).toBe(body.length);
    // Past either end it stops there.
    expect(helpBox('help', helpLines(true), 80, room, 1000).scroll).toBe(body.length - (room - 2));
    expect(helpBox('help', helpLines(true), 80, room, -5).scroll).toBe(0);
  });

  it('says only how to close it when it all fits, and shortens its keys on a narrow terminal', () => {
    const tall = helpBox('help', helpLines(true), 80, 60);
    expect(tall.maxScroll).toBe(0);
    expect(rowText(tall.rows.at(-1)!)).toMatch(/^└─ Esc closes ─+┘$/);
    const narrow = helpBox('help', helpLines(true), 40, 12, 3).rows.map(rowText);
    expect(narrow.at(-1)).toMatch(/^└─ 4–13\/\d+ ↑↓ PgUp PgDn · Esc ─+┘$/);
    for (const r of narrow) expect(displayWidth(r)).toBe(40);
    expect(helpBox('help', helpLines(true), 20, 5).rows.map(rowText).at(-1)).toMatch(/^└─ 1–3\/\d+ ↑↓ · Esc ─*┘$/);
  });
});
