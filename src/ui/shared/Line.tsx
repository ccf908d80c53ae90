/**
 * One terminal row made of styled segments. The row builders choose what
 * fits the width (joinFit, fitFirst); whatever still overflows is cut by
 * Ink (`wrap="truncate-end"`, ending with `…`), so a row can never wrap.
 * Styles are dropped when colour is off (NO_COLOR), so the output then
 * carries no escape sequences at all — except for segments that carry an
 * explicit `mono` style (underline, inverse: no colour).
 */
import { Box, Text } from 'ink';
import { displayWidth } from '../../util/text.js';

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

/**
 * Join labelled parts with a separator, keeping only the parts that fit
 * (in order of importance; the first part always, cut by Ink if it alone is
 * too wide).
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
  return out;
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

/** A row in a box `width` columns wide; Ink cuts what overflows. */
export function Line({ row, width, color }: { row: Row; width: number; color: boolean }) {
  return (
    <Box width={width}>
      <Text wrap="truncate-end">
        {row.length === 0
          ? ' '
          : row.map((s, i) => {
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
