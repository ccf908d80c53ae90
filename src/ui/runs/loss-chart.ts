/**
 * The loss curves of finished runs as plain lines for `charnn runs <run>…`:
 * each run's validation loss as a braille line and its training loss as
 * dots, in the run's colour, against steps, characters or time (in
 * seconds, minutes or hours, whichever suits the runs' length), with a
 * title naming the y axis and the curves, the x axis named under its labels, and a legend
 * line per run. Without colour several runs are told apart by letters
 * instead (validation upper case, training lower case).
 */
import { binPoints, renderLineChart, type ChartColor, type ChartPoint, type ChartSeries } from '../shared/line-chart.js';
import { defaultFormatX } from '../shared/chart-scale.js';
import { formatCompact } from '../shared/format.js';
import { displayWidth, padEnd, truncate } from '../../util/text.js';

export type XAxis = 'steps' | 'chars' | 'time';
export const X_AXES: readonly XAxis[] = ['steps', 'chars', 'time'];

/** What one run contributes: its name (already safe for the terminal), its points and a summary for its legend line. */
export interface RunCurve {
  name: string;
  /** x in the axis's unit (steps, characters, minutes: the chart picks the unit time is shown in); a null loss is not drawn. */
  points: readonly { x: number; train: number | null; val: number | null }[];
  /** E.g. `best 1.2345 at step 2,000 · last 1.2500 at 3,000` (safe for the terminal). */
  summary: string;
}

interface LossChartOptions {
  width: number;
  /** Rows of the chart itself (plot, x axis and its labels); the title, axis name and legend add 2 + one per run. */
  height: number;
  color: boolean;
  x: XAxis;
  /** Draw the training losses too. */
  train: boolean;
}

const COLORS: ChartColor[] = ['cyan', 'yellow', 'magenta', 'green', 'red', 'blue'];
const SGR: Record<ChartColor, number> = { red: 31, green: 32, yellow: 33, blue: 34, magenta: 35, cyan: 36, white: 37 };
const LINE = '⠒⠒';
const DOT = '·';
const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';

const X_TITLES: Record<Exclude<XAxis, 'time'>, string> = { steps: 'steps', chars: 'characters trained on' };

type TimeUnit = 'seconds' | 'minutes' | 'hours';

/**
 * The unit a time axis reaching `maxMinutes` is labelled in, so its labels
 * are whole-ish numbers: seconds under 2 minutes, minutes under 2 hours,
 * hours beyond; `perMinute` converts minutes to it.
 */
export function timeUnit(maxMinutes: number): { unit: TimeUnit; perMinute: number } {
  if (maxMinutes < 2) return { unit: 'seconds', perMinute: 60 };
  if (maxMinutes < 120) return { unit: 'minutes', perMinute: 1 };
  return { unit: 'hours', perMinute: 1 / 60 };
}

/** A time label: `0`, `0.5`, `12`, `1.2k`. */
export function formatTime(v: number): string {
  if (Math.abs(v) >= 100) return defaultFormatX(v);
  return String(Number(v.toFixed(Math.abs(v) >= 10 ? 0 : 2)));
}

function paint(text: string, color: ChartColor, on: boolean): string {
  return on ? `\u001B[${SGR[color]}m${text}\u001B[39m` : text;
}

/** How run `i` is drawn: its colour, and the symbols of its two curves. */
function styleOf(i: number, runs: number, color: boolean): { color: ChartColor; val: string | null; train: string } {
  const c = COLORS[i % COLORS.length]!;
  if (color || runs === 1) return { color: c, val: null, train: DOT };
  const letter = LETTERS[i % LETTERS.length]!;
  return { color: c, val: letter, train: letter.toLowerCase() };
}

/** The title, the chart, the x axis's name and one legend line per run; every line at most `width` columns. */
export function renderLossChart(runs: readonly RunCurve[], options: LossChartOptions): string[] {
  const { width, color, x } = options;
  // Time comes in minutes; shown in the unit that suits the longest run.
  const time = x === 'time' ? timeUnit(Math.max(0, ...runs.flatMap((r) => r.points.map((p) => p.x)))) : null;
  const toAxis = (v: number): number => (time === null ? v : v * time.perMinute);
  // Later series are drawn over earlier ones: the validation curves, the point of the chart, last.
  const trainSeries: ChartSeries[] = [];
  const valSeries: ChartSeries[] = [];
  runs.forEach((run, i) => {
    const style = styleOf(i, runs.length, color);
    const of = (key: 'train' | 'val'): ChartPoint[] => run.points.flatMap((p) => (p[key] === null ? [] : [{ x: toAxis(p.x), y: p[key]! }]));
    // More points than the chart has dots are averaged into as many buckets, which keeps the shape.
    if (options.train) trainSeries.push({ name: `${run.name} train`, points: binPoints(of('train'), width), marker: style.train, color: style.color });
    const val = of('val');
    valSeries.push(
      style.val === null
        ? { name: run.name, points: binPoints(val, 2 * width), color: style.color }
        : { name: run.name, points: binPoints(val, width), marker: style.val, color: style.color },
    );
  });
  const letters = runs.length > 1 && !color;
  const title = truncate(
    options.train ? `loss (nats/char): ${letters ? 'A, B, … validation  a, b, … training' : `${LINE} validation  ${DOT} training`}` : 'validation loss (nats/char)',
    width,
  );
  const chart = renderLineChart([...trainSeries, ...valSeries], {
    width, height: options.height, color, legend: false,
    formatX: x === 'time' ? formatTime : x === 'chars' ? formatCompact : defaultFormatX,
    emptyMessage: 'no evaluation recorded yet',
  });
  const xTitle = time === null ? X_TITLES[x as Exclude<XAxis, 'time'>] : `${time.unit} of training`;
  const axisName = displayWidth(xTitle) <= width ? ' '.repeat(width - displayWidth(xTitle)) + xTitle : truncate(xTitle, width);
  const nameWidth = Math.max(...runs.map((r) => displayWidth(r.name)));
  const legend = runs.map((run, i) => {
    const style = styleOf(i, runs.length, color);
    const symbols = (style.val === null ? paint(LINE, style.color, color) : paint(style.val, style.color, color)) + (options.train ? ` ${paint(style.train, style.color, color)}` : '');
    const plainSymbols = (style.val === null ? LINE : style.val) + (options.train ? ` ${style.train}` : '');
    const text = `${padEnd(run.name, nameWidth)}  ${run.summary}`;
    // Too narrow for the symbols and a letter of the name: plain text, cut to the width.
    if (width < displayWidth(plainSymbols) + 3) return truncate(`${plainSymbols}  ${text}`, width).trimEnd();
    return `${symbols}  ${truncate(text, width - displayWidth(plainSymbols) - 2)}`.trimEnd();
  });
  return [title, ...chart.map((line) => line.trimEnd()), axisName, ...legend];
}
