/**
 * A terminal screen (the text `tmux capture-pane -e -p` prints: one line per
 * row, SGR colour sequences in it) drawn as an SVG, cell by cell: each run
 * of one style is a <tspan> placed at its column, backgrounds are
 * rectangles, wide characters take two columns. For the README's picture
 * of the dashboard (scripts/dashboard-picture.ts).
 */
import { charWidth } from '../src/util/text.js';

interface Style {
  fg: string | null;
  bg: string | null;
  bold: boolean;
  dim: boolean;
  italic: boolean;
  underline: boolean;
  inverse: boolean;
}

const PLAIN: Style = { fg: null, bg: null, bold: false, dim: false, italic: false, underline: false, inverse: false };

/** The 16 ANSI colours (a dark theme, as VS Code's terminal draws them). */
const ANSI16 = [
  '#000000', '#cd3131', '#0dbc79', '#e5e510', '#2472c8', '#bc3fbc', '#11a8cd', '#e5e5e5',
  '#666666', '#f14c4c', '#23d18b', '#f5f543', '#3b8eea', '#d670d6', '#29b8db', '#ffffff',
];
export const BACKGROUND = '#1e1e1e';
export const FOREGROUND = '#cccccc';

/** xterm's 256-colour palette. */
function color256(n: number): string {
  if (n < 16) return ANSI16[n]!;
  if (n >= 232) {
    const v = 8 + 10 * (n - 232);
    return rgb(v, v, v);
  }
  const i = n - 16;
  const level = (x: number): number => (x === 0 ? 0 : 55 + 40 * x);
  return rgb(level(Math.floor(i / 36)), level(Math.floor(i / 6) % 6), level(i % 6));
}

const rgb = (r: number, g: number, b: number): string => `#${[r, g, b].map((x) => Math.max(0, Math.min(255, x)).toString(16).padStart(2, '0')).join('')}`;

/** Applies the parameters of one SGR sequence (ESC [ … m). */
function applySgr(style: Style, params: number[]): Style {
  const s = { ...style };
  if (params.length === 0) params = [0];
  for (let i = 0; i < params.length; i++) {
    const p = params[i]!;
    if (p === 0) Object.assign(s, PLAIN);
    else if (p === 1) s.bold = true;
    else if (p === 2) s.dim = true;
    else if (p === 3) s.italic = true;
    else if (p === 4) s.underline = true;
    else if (p === 7) s.inverse = true;
    else if (p === 22) s.bold = s.dim = false;
    else if (p === 23) s.italic = false;
    else if (p === 24) s.underline = false;
    else if (p === 27) s.inverse = false;
    else if (p >= 30 && p <= 37) s.fg = ANSI16[p - 30]!;
    else if (p === 39) s.fg = null;
    else if (p >= 40 && p <= 47) s.bg = ANSI16[p - 40]!;
    else if (p === 49) s.bg = null;
    else if (p >= 90 && p <= 97) s.fg = ANSI16[p - 90 + 8]!;
    else if (p >= 100 && p <= 107) s.bg = ANSI16[p - 100 + 8]!;
    else if (p === 38 || p === 48) {
      let value: string | null = null;
      if (params[i + 1] === 5 && params[i + 2] !== undefined) {
        value = color256(params[i + 2]!);
        i += 2;
      } else if (params[i + 1] === 2 && params[i + 4] !== undefined) {
        value = rgb(params[i + 2]!, params[i + 3]!, params[i + 4]!);
        i += 4;
      }
      if (p === 38) s.fg = value;
      else s.bg = value;
    }
  }
  return s;
}

export interface Cell {
  ch: string;
  width: number;
  style: Style;
}

/** The screen as rows of cells (other escape sequences are dropped). */
export function parseScreen(text: string): Cell[][] {
  const rows: Cell[][] = [];
  let style = PLAIN;
  for (const line of text.replace(/\n$/, '').split('\n')) {
    const row: Cell[] = [];
    for (let i = 0; i < line.length; ) {
      if (line[i] === '\u001b') {
        const sgr = /^\u001b\[([\d;:]*)m/.exec(line.slice(i, i + 64));
        if (sgr) {
          style = applySgr(style, sgr[1] === '' ? [] : sgr[1]!.split(/[;:]/).map(Number));
          i += sgr[0].length;
          continue;
        }
        const other = /^\u001b(\[[\d;?]*[ -/]*[@-~]|\][^\u0007]*\u0007|.)/.exec(line.slice(i));
        i += other ? other[0].length : 1;
        continue;
      }
      const ch = String.fromCodePoint(line.codePointAt(i)!);
      i += ch.length;
      const width = charWidth(ch);
      if (width === 0 && row.length > 0) {
        row[row.length - 1]!.ch += ch;
        continue;
      }
      row.push({ ch, width: Math.max(1, width), style });
    }
    rows.push(row);
  }
  return rows;
}

const escapeXml = (s: string): string => s.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!);

export interface SvgOptions {
  columns: number;
  rows: number;
  /** Font size in px; a cell is 0.6 × that wide and 1.25 × that tall. */
  fontSize?: number;
  title?: string;
}

/** The screen as a self-contained SVG document. */
export function screenToSvg(text: string, o: SvgOptions): string {
  const size = o.fontSize ?? 14;
  const cw = size * 0.6;
  const lh = Math.round(size * 1.25);
  const pad = 12;
  const width = Math.ceil(o.columns * cw + 2 * pad);
  const height = o.rows * lh + 2 * pad;
  const screen = parseScreen(text).slice(0, o.rows);
  const rects: string[] = [];
  const lines: string[] = [];
  screen.forEach((row, r) => {
    const y = pad + r * lh;
    const spans: string[] = [];
    let col = 0;
    let i = 0;
    while (i < row.length && col < o.columns) {
      const start = col;
      const style = row[i]!.style;
      const fg = (style.inverse ? style.bg ?? BACKGROUND : style.fg) ?? FOREGROUND;
      const bg = style.inverse ? style.fg ?? FOREGROUND : style.bg;
      const attrs: string[] = [];
      if (fg !== FOREGROUND) attrs.push(`fill="${fg}"`);
      if (style.bold) attrs.push('font-weight="bold"');
      if (style.dim) attrs.push('fill-opacity="0.6"');
      if (style.italic) attrs.push('font-style="italic"');
      if (style.underline) attrs.push('text-decoration="underline"');
      // Words of the run, each placed at its own column: no viewer's whitespace handling can shift the grid.
      let word = '';
      let wordCol = col;
      const flush = (): void => {
        if (word !== '') spans.push(`<tspan ${[`x="${(pad + wordCol * cw).toFixed(1)}"`, ...attrs].join(' ')}>${escapeXml(word)}</tspan>`);
        word = '';
      };
      while (i < row.length && row[i]!.style === style && col < o.columns) {
        const cell = row[i]!;
        if (cell.ch === ' ') flush();
        else {
          if (word === '') wordCol = col;
          word += cell.ch;
        }
        col += cell.width;
        i++;
      }
      flush();
      if (bg) rects.push(`<rect x="${(pad + start * cw).toFixed(1)}" y="${y}" width="${((col - start) * cw).toFixed(1)}" height="${lh}" fill="${bg}"/>`);
    }
    if (spans.length > 0) lines.push(`<text y="${(y + size).toFixed(1)}">${spans.join('')}</text>`);
  });
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img"${o.title ? ` aria-label="${escapeXml(o.title)}"` : ''}>`,
    o.title ? `<title>${escapeXml(o.title)}</title>` : '',
    `<rect width="100%" height="100%" rx="6" fill="${BACKGROUND}"/>`,
    ...rects,
    `<g font-family="'DejaVu Sans Mono', Menlo, Consolas, 'Liberation Mono', monospace" font-size="${size}" fill="${FOREGROUND}" xml:space="preserve" style="white-space:pre">`,
    ...lines,
    '</g>',
    '</svg>',
    '',
  ].filter((l) => l !== '').join('\n');
}
