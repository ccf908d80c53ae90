/**
 * One terminal row made of styled segments, cut to a column budget so it can
 * never wrap. Styles are dropped when colour is off (NO_COLOR), so the
 * output then carries no escape sequences at all — except for segments that
 * carry an explicit `mono` style (underline, inverse: no colour).
 */
import { Text } from 'ink';
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
  const total = displayWidth(rowText(row));
  if (total <= width) return row;
  const out: Row = [];
  let used = 0;
  for (const s of row) {
    const w = displayWidth(s.text);
    if (used + w < width) {
      out.push(s);
      used += w;
      continue;
    }
    out.push({ ...s, text: truncate(s.text, width - used) });
    break;
  }
  return out;
}

/**
 * Join labelled parts with a separator, keeping only the parts that fit
 * (in order of importance, the first part always, truncated if need be).
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
 * numbers, then tighter separators); the last one, cut to fit, otherwise.
 */
export function fitFirst(variants: { parts: Row[]; sep: Seg }[], width: number): Row {
  for (const v of variants) {
    const all = v.parts.flatMap((part, i) => (i === 0 ? part : [v.sep, ...part]));
    if (displayWidth(rowText(all)) <= width) return all;
  }
  const last = variants.at(-1);
  return last ? joinFit(last.parts, width, last.sep) : [];
}

export function Line({ row, width, color }: { row: Row; width: number; color: boolean }) {
  const fitted = fitRow(row, width);
  return (
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
  );
}
