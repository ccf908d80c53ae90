/**
 * One terminal row made of styled segments. The row builders choose what
 * fits the width (joinFit, fitFirst); whatever still overflows is cut here,
 * ending with `…`, by charnn's measure of widths, which never falls short
 * of what the terminal draws (util/text.ts says why Ink's does for emoji).
 * Ink's `wrap="truncate-end"` stays as a guard: a row can never wrap.
 * Styles are dropped when colour is off (NO_COLOR), so the output then
 * carries no escape sequences at all — except for segments that carry an
 * explicit `mono` style (underline, inverse: no colour).
 */
import { Box, Text } from 'ink';
import { displayWidth, truncate } from '../../util/text.js';

export interface SegStyle {
  color?: 'red' | 'green' | 'yellow' | 'blue' | 'magenta' | 'cyan' | 'white' | 'gray' | 'black';
  /** Background, an xterm 256-colour index. */
  bg?: number;
  bold?: boolean;
  dim?: boolean;
  inverse?: boolean;
  underline?: boolean;
}

export interface Seg {
  text: string;
  style?: SegStyle;
  /**
   * Style used instead when colour is off (NO_COLOR). Absent: plain text.
   * Only for information that would otherwise be lost, such as the
   * sampler's probability heat map.
   */
  mono?: SegStyle;
}

export type Row = Seg[];

export const seg = (text: string, style?: SegStyle): Seg => ({ text, style });

/** Plain text of a row. */
export function rowText(row: Row): string {
  return row.map((s) => s.text).join('');
}

/** Cut a row to `width` columns, ending with `…` when something was cut. */
export function fitRow(row: Row, width: number): Row {
  if (displayWidth(rowText(row)) <= width) return row;
  if (width <= 0) return [];
  const out: Row = [];
  let used = 0;
  for (const s of row) {
    const w = displayWidth(s.text);
    if (used + w < width) {
      out.push(s);
      used += w;
      continue;
    }
    // The segment that reaches the edge keeps what fits before the `…`, even when it would fit itself exactly.
    out.push({ ...s, text: truncate(s.text, width - used - 1, '') + '…' });
    break;
  }
  return out;
}

/**
 * Join labelled parts with a separator, keeping only the parts that fit
 * (in order of importance; the first part always, cut to fit if it alone
 * is too wide).
 */
export function joinFit(parts: Row[], width: number, sep: Seg = seg('  ')): Row {
  const out: Row = [];
  let used = 0;
  for (const part of parts) {
    const w = displayWidth(rowText(part));
    const extra = out.length > 0 ? displayWidth(sep.text) : 0;
    if (out.length > 0 && used + extra + w > width) continue;
    if (out.length > 0) out.push(sep);
    out.push(...part);
    used += extra + w;
  }
  return fitRow(out, width);
}

/**
 * The first layout whose parts all fit in `width` (e.g. full, then compact
 * numbers, then tighter separators); otherwise the parts of the last one
 * that fit.
 */
export function fitFirst(variants: { parts: Row[]; sep: Seg }[], width: number): Row {
  for (const v of variants) {
    const all = v.parts.flatMap((part, i) => (i === 0 ? part : [v.sep, ...part]));
    if (displayWidth(rowText(all)) <= width) return all;
  }
  const last = variants.at(-1);
  return last ? joinFit(last.parts, width, last.sep) : [];
}

/** A row cut to `width` columns, in a box that wide. */
export function Line({ row, width, color }: { row: Row; width: number; color: boolean }) {
  const fitted = fitRow(row, width);
  return (
    <Box width={width}>
      <Text wrap="truncate-end">
        {fitted.length === 0
          ? ' '
          : fitted.map((s, i) => {
              const style = color ? s.style : s.mono;
              return style ? (
                <Text
                  key={i}
                  color={color ? style.color : undefined}
                  backgroundColor={color && style.bg !== undefined ? `ansi256(${style.bg})` : undefined}
                  bold={style.bold}
                  dimColor={style.dim}
                  inverse={style.inverse}
                  underline={style.underline}
                >
                  {s.text}
                </Text>
              ) : (
                s.text
              );
            })}
      </Text>
    </Box>
  );
}
