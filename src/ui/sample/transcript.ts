/**
 * The sampler's conversation as data, and its rendering into terminal rows.
 *
 * A transcript is a list of blocks: text blocks (what the user typed and
 * what the model generated, character by character, each generated one with
 * its probability) and note blocks (help, "context reset"). Text wraps by
 * columns; only the rows that fit are built, from the end, so a long session
 * costs no more per frame than a short one.
 *
 * Heat map (generated characters by the model's probability p):
 *   colour:  green p ≥ 0.5, yellow p ≥ 0.2, red below;
 *   NO_COLOR: plain p ≥ 0.5, underlined p ≥ 0.2, inverse below.
 * With the heat map on, a generated line break shows as ↵ so its
 * probability is visible too.
 *
 * /unit (generated characters by a unit's value v, h or tanh(c)): the
 * background runs blue (−1) – white (0) – red (+1); NO_COLOR: inverse
 * v > 0.5, underlined v < −0.5. It takes precedence over the heat map.
 */
import { joins } from '../../data/display.js';
import { level, PALETTE } from '../../inspect/paint.js';
import { safeText } from '../../util/escape.js';
import { charWidth, wrapWords } from '../../util/text.js';
import type { Row, Seg, SegStyle } from '../shared/Line.js';

export interface Cell {
  ch: string;
  kind: 'user' | 'gen';
  /** Model probability of a generated character. */
  prob?: number;
  /** The watched unit's value after this character (/unit), scaled to [−1, 1]. */
  unit?: number;
}

export type Block =
  | { kind: 'text'; cells: Cell[] }
  | { kind: 'note'; text: string; tone?: 'info' | 'help' };

/** Cells kept in memory; older text scrolls away for good. */
export const MAX_CELLS = 50_000;

const HEAT_HIGH = 0.5;
const HEAT_MID = 0.2;

type HeatLevel = 'high' | 'mid' | 'low';

export function heatLevel(prob: number): HeatLevel {
  return prob >= HEAT_HIGH ? 'high' : prob >= HEAT_MID ? 'mid' : 'low';
}

const HEAT_STYLE: Record<HeatLevel, { style: SegStyle; mono?: SegStyle }> = {
  high: { style: { color: 'green' } },
  mid: { style: { color: 'yellow' }, mono: { underline: true } },
  low: { style: { color: 'red' }, mono: { inverse: true } },
};

const USER_STYLE: { style: SegStyle; mono?: SegStyle } = { style: { color: 'cyan', bold: true }, mono: { bold: true } };
const PLAIN: { style?: SegStyle; mono?: SegStyle } = {};

/** Legend segments for the heat map, in the current colour mode. */
export function heatLegend(color: boolean): Seg[] {
  const swatch = (level: HeatLevel, label: string): Seg => ({ text: label, ...HEAT_STYLE[level] });
  return color
    ? [swatch('high', '≥50%'), { text: ' ' }, swatch('mid', '≥20%'), { text: ' ' }, swatch('low', '<20%')]
    : [swatch('high', 'plain≥50%'), { text: ' ' }, swatch('mid', 'under≥20%'), { text: ' ' }, swatch('low', 'inv<20%')];
}

/** Appends characters to the transcript (mutating it), starting a text block after a note. */
export function appendCells(blocks: Block[], cells: Cell[]): void {
  if (cells.length === 0) return;
  const last = blocks.at(-1);
  if (last?.kind === 'text') last.cells.push(...cells);
  else blocks.push({ kind: 'text', cells: [...cells] });
  trim(blocks);
}

export function appendNote(blocks: Block[], text: string, tone: 'info' | 'help' = 'info'): void {
  blocks.push({ kind: 'note', text, tone });
  trim(blocks);
}

/** Cells of typed text. */
export const userCells = (text: string): Cell[] => Array.from(text, (ch) => ({ ch, kind: 'user' as const }));

function trim(blocks: Block[]): void {
  let total = 0;
  for (const b of blocks) total += b.kind === 'text' ? b.cells.length : 1;
  while (total > MAX_CELLS && blocks.length > 1) {
    const first = blocks[0]!;
    if (first.kind === 'text' && first.cells.length > total - MAX_CELLS) {
      first.cells.splice(0, total - MAX_CELLS);
      return;
    }
    total -= first.kind === 'text' ? first.cells.length : 1;
    blocks.shift();
  }
  const only = blocks[0];
  if (only?.kind === 'text' && only.cells.length > MAX_CELLS) only.cells.splice(0, only.cells.length - MAX_CELLS);
}

/**
 * What a character (a cell, maybe a cluster) looks like on screen: tab →
 * space, CR → nothing (the line feed after it breaks the line, and a line
 * feed of its own cell never gets here), other control characters and bidi
 * overrides → � (util/escape.ts safeText).
 */
function shown(ch: string): string {
  return safeText(ch, { tab: ' ', newline: '' });
}

interface Shown {
  text: string;
  width: number;
  look: { style?: SegStyle; mono?: SegStyle };
}

/**
 * /unit: the background by the unit's value (the diverging ramp of charnn
 * neurons), one look per level so runs merge; without colour, inverse for
 * values above 0.5, underline below −0.5.
 */
const UNIT_LOOKS = PALETTE.map((bg, k): { style: SegStyle; mono?: SegStyle } => ({
  style: { bg, color: k <= 2 || k >= 9 ? 'white' : 'black' },
  mono: k >= 8 ? { inverse: true } : k <= 2 ? { underline: true } : undefined,
}));

function lookOf(cell: Cell, heat: boolean, unit = false): { style?: SegStyle; mono?: SegStyle } {
  if (cell.kind === 'user') return USER_STYLE;
  if (unit && cell.unit !== undefined) return UNIT_LOOKS[level(cell.unit, PALETTE.length)]!;
  if (!heat || cell.prob === undefined) return PLAIN;
  return HEAT_STYLE[heatLevel(cell.prob)];
}

/**
 * Characters that compose into one (a Hangul syllable written as jamo by a
 * model trained with --normalize nfd, a letter and its accents) as one cell
 * of their NFC form, shown with the look of the least likely of them (and
 * the watched unit's value after the last).
 */
export function composeCells(cells: readonly Cell[]): Cell[] {
  const out: Cell[] = [];
  let raw = '';
  for (const cell of cells) {
    const last = out.at(-1);
    if (last && last.kind === cell.kind && cell.ch !== '\n' && raw !== '\n' && joins(raw, cell.ch)) {
      raw += cell.ch;
      last.ch = raw.normalize('NFC');
      if (cell.prob !== undefined) last.prob = Math.min(last.prob ?? 1, cell.prob);
      // The unit's value once the whole character has been read.
      if (cell.unit !== undefined) last.unit = cell.unit;
      continue;
    }
    raw = cell.ch;
    out.push({ ...cell });
  }
  return out;
}

/** Wrap cells into display lines of at most `width` columns. */
function wrapCells(cells: readonly Cell[], width: number, heat: boolean, unit = false): Shown[][] {
  const lines: Shown[][] = [];
  let line: Shown[] = [];
  let used = 0;
  const put = (s: Shown) => {
    if (used + s.width > width && line.length > 0) {
      lines.push(line);
      line = [];
      used = 0;
    }
    line.push(s);
    used += s.width;
  };
  for (const cell of composeCells(cells)) {
    const look = lookOf(cell, heat, unit);
    if (cell.ch === '\n') {
      if ((heat || unit) && cell.kind === 'gen') put({ text: '↵', width: 1, look });
      lines.push(line);
      line = [];
      used = 0;
      continue;
    }
    const text = shown(cell.ch);
    if (text === '') continue;
    put({ text, width: charWidth(text), look });
  }
  lines.push(line);
  return lines;
}

function sameLook(a: Shown['look'], b: Shown['look']): boolean {
  return a === b;
}

/** One display line as a row, runs of the same look merged into one segment. */
function lineRow(line: Shown[]): Row {
  const row: Row = [];
  let run: Shown | null = null;
  let text = '';
  const flush = () => {
    if (run && text !== '') row.push({ text, style: run.look.style, mono: run.look.mono });
    text = '';
  };
  for (const s of line) {
    if (!run || !sameLook(run.look, s.look)) {
      flush();
      run = s;
    }
    text += s.text;
  }
  flush();
  return row;
}

/** The display lines of the end of a text block: enough cells for `rows` lines, started at a line break when one is near. */
function tailLines(cells: readonly Cell[], width: number, rows: number, heat: boolean, unit: boolean): Shown[][] {
  let start = Math.max(0, cells.length - rows * Math.max(1, width) * 2 - 1);
  if (start > 0) {
    const limit = Math.max(0, start - 20_000);
    let i = start - 1;
    while (i >= limit && cells[i]!.ch !== '\n') i--;
    if (i >= limit) start = i + 1;
  }
  const lines = wrapCells(start === 0 ? cells : cells.slice(start), width, heat, unit);
  return lines.slice(-rows);
}

const NOTE_STYLE: Record<'info' | 'help', SegStyle> = { info: { dim: true }, help: { color: 'gray' } };

/** The last `rows` rows of the transcript at `width` columns (fewer when it is short). */
export function transcriptRows(blocks: readonly Block[], width: number, rows: number, heat: boolean, unit = false): Row[] {
  if (rows <= 0 || width <= 0) return [];
  const out: Row[] = [];
  for (let b = blocks.length - 1; b >= 0 && out.length < rows; b--) {
    const block = blocks[b]!;
    const need = rows - out.length;
    if (block.kind === 'note') {
      const lines = wrapWords(block.text, width).slice(-need);
      out.unshift(...lines.map((text): Row => [{ text, style: NOTE_STYLE[block.tone ?? 'info'] }]));
    } else {
      out.unshift(...tailLines(block.cells, width, need, heat, unit).map(lineRow));
    }
  }
  return out.slice(-rows);
}
