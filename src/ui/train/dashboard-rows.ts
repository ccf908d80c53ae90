/**
 * The dashboard's rows as styled segments, one builder per section, each
 * laid out for the terminal width (parts that do not fit are left out; what
 * still overflows, Line cuts). Pure functions of DashboardState,
 * so the component only lays them out and the text can be tested on its own.
 */
import type { DashboardState } from './dashboard-state.js';
import { describeStopReason, displayPath, formatNextLine } from './event-lines.js';
import {
  formatBpc,
  formatCompact,
  formatCount,
  formatDuration,
  formatEpoch,
  formatGradNorm,
  formatLoss,
  formatLr,
  formatPercent,
  formatTemperature,
} from '../shared/format.js';
import path from 'node:path';
import { escapeControls } from '../../util/escape.js';
import { displayWidth, flattenText, truncate, truncateStart, wrapWords } from '../../util/text.js';
import { type Row, type Seg, fitFirst, joinFit, rowText, seg } from '../shared/Line.js';

const DIM = { dim: true } as const;
const BOLD = { bold: true } as const;
const SEP = seg(' · ', DIM);

const labelled = (label: string, value: string): Row => [seg(`${label} `, DIM), seg(value, BOLD)];

/** "ort, 2 threads" → "ort×2"; "tfjs wasm, 2 workers" → "tfjs". */
const compactEngine = (label: string): string => label.replace(/^ort, (\d+) threads?$/, 'ort×$1').replace(/^tfjs\b.*/, 'tfjs');

export function headerRow(s: DashboardState, width: number): Row {
  const info = s.info;
  if (!info) return [seg('charnn', { bold: true, color: 'cyan' }), seg('  waiting for training to start…', DIM)];
  const parts = (compact: boolean, withDir = false, why = false): Row[] => {
    const n = compact ? formatCompact : formatCount;
    const model: Row = [seg(`${info.cell.toUpperCase()} ${info.layers}×${info.hidden}`, BOLD)];
    // A model chosen for the run's budget says so (the notes say why at length), where it fits.
    if (why && info.chosenFor) model.push(seg(` ${info.chosenFor}`, DIM));
    const row: Row[] = [
      [seg(escapeControls(info.corpusName), { bold: true, color: 'cyan' })],
      [seg(`${n(info.corpusChars)} chars`)],
      ...(why && compact ? [] : [labelled('vocab', String(info.vocabSize))]),
      model,
      ...(why && compact ? [] : [[seg(`${n(info.params)} params`)]]),
      [seg(compact ? compactEngine(info.engine) : info.engine)],
    ];
    if (info.resumedFrom) row.push([seg(`resumed @${n(info.startStep)}`, DIM)]);
    // The run directory's name (the default one may have become <corpus>-<cell>-2), where it fits.
    if (withDir) row.push([seg(`→ ${escapeControls(path.basename(info.outDir))}`, DIM)]);
    return row;
  };
  return fitFirst(
    [
      ...(info.chosenFor ? [{ parts: parts(false, true, true), sep: SEP }, { parts: parts(false, false, true), sep: SEP }, { parts: parts(true, false, true), sep: SEP }] : []),
      { parts: parts(false, true), sep: SEP },
      { parts: parts(false), sep: SEP },
      { parts: parts(true), sep: SEP },
      { parts: parts(true), sep: seg('  ') },
    ],
    width,
  );
}

const EIGHTHS = ['', '▏', '▎', '▍', '▌', '▋', '▊', '▉'];

/** A progress bar of exactly `width` columns. */
function progressBar(fraction: number, width: number): { filled: string; rest: string } {
  const f = Number.isFinite(fraction) ? Math.max(0, Math.min(1, fraction)) : 0;
  const eighths = Math.round(f * width * 8);
  const full = Math.floor(eighths / 8);
  const part = full < width ? EIGHTHS[eighths % 8]! : '';
  return { filled: '█'.repeat(full) + part, rest: '░'.repeat(Math.max(0, width - full - (part ? 1 : 0))) };
}

export function progressRow(s: DashboardState, width: number): Row {
  const st = s.step;
  const done = s.status === 'done';
  // A run that reached its limit is complete; one stopped early is not.
  const fraction = done && s.done?.reason !== 'stopped' ? 1 : (st?.progress ?? 0);
  const tail: Row[] = [
    [seg(formatPercent(fraction), BOLD)],
    labelled('elapsed', formatDuration(s.done?.elapsedMs ?? st?.elapsedMs ?? null)),
  ];
  if (s.paused) tail.push([seg('paused', { bold: true, color: 'yellow' })]);
  else if (!done && s.status !== 'error') tail.push(labelled('eta', formatDuration(st?.etaMs ?? null)));
  let right = joinFit(tail, Math.max(0, width - 12), seg('  '));
  const barWidth = Math.max(0, width - displayWidth(rowText(right)) - 2);
  if (barWidth < 4) right = [];
  const bar = progressBar(fraction, barWidth < 4 ? width : barWidth);
  const color = s.status === 'error' ? 'red' : s.paused ? 'yellow' : 'green';
  return [seg(bar.filled, { color }), seg(bar.rest, DIM), ...(right.length ? [seg('  '), ...right] : [])];
}

export function statsRow(s: DashboardState, width: number): Row {
  const st = s.step;
  const max = s.info?.maxSteps ?? null;
  const step = st ? formatCount(st.step) + (max !== null ? `/${formatCount(max)}` : '') : '--';
  const maxEpochs = s.info?.maxEpochs ?? null;
  const epoch = formatEpoch(st?.epoch ?? null) + (maxEpochs !== null ? `/${maxEpochs}` : '');
  const parts = [
    labelled('step', step),
    labelled('epoch', epoch),
    [seg(formatCount(st?.charsPerSec ?? null), BOLD), seg(' chars/s', DIM)],
    labelled('lr', formatLr(st?.lr ?? null)),
    labelled('|g|', formatGradNorm(st?.gradNorm ?? null)),
  ];
  return fitFirst([{ parts, sep: seg('   ') }, { parts, sep: seg('  ') }], width);
}

function lossPart(label: string, nats: number | null, color: Seg['style']): Row {
  return [
    seg(`${label} `, DIM),
    seg(formatLoss(nats), { ...color, bold: true }),
    seg(' nats ', DIM),
    seg(`(${formatBpc(nats)} bpc)`),
  ];
}

export function lossRow(s: DashboardState, width: number): Row {
  return joinFit(
    [
      lossPart('train', s.step?.loss ?? null, { color: 'cyan' }),
      lossPart('val', s.lastEval?.valLoss ?? null, { color: 'yellow' }),
    ],
    width,
    seg('   '),
  );
}

/**
 * Samples, `linesPer` rows each (text hard-wrapped, newlines shown as ↵),
 * each labelled with its temperature and the step it was drawn at
 * (`▸T=0.8 @1,200`): `g` refreshes only the selected temperature, so rows
 * can come from different steps. Rows older than the newest are dimmed;
 * the temperature `g` samples at is marked with ▸.
 */
export function sampleRows(s: DashboardState, width: number, linesPer: number, selected: number | undefined): Row[] {
  if (s.samples.length === 0) {
    const t = selected !== undefined ? ` at T=${formatTemperature(selected)}` : '';
    return [joinFit([[seg('samples', DIM)], [seg(`none yet — press g to sample${t}`, DIM)]], width, seg('  '))];
  }
  const temps = s.samples.map((e) => `T=${formatTemperature(e.temperature)}`);
  const stepText = width < 60 ? formatCompact : formatCount;
  const steps = s.samples.map((e) => `@${stepText(e.step)}`);
  const tWidth = Math.max(...temps.map((l) => l.length));
  const stepWidth = Math.max(...steps.map((l) => l.length));
  const newest = Math.max(...s.samples.map((e) => e.step));
  const rows: Row[] = [];
  s.samples.forEach((e, i) => {
    const chosen = e.temperature === selected;
    const stale = e.step < newest;
    const head = `${chosen ? '▸' : ' '}${temps[i]!.padEnd(tWidth)} `;
    const step = `${steps[i]!.padEnd(stepWidth)} `;
    const prefixWidth = head.length + step.length;
    const textWidth = Math.max(1, width - prefixWidth);
    const lines = wrapWords(flattenText(e.text), textWidth, linesPer);
    lines.forEach((line, j) => {
      rows.push(
        j === 0
          ? [seg(head, chosen ? { bold: true, color: 'magenta' } : DIM), seg(step, stale ? DIM : {}), seg(line, stale ? DIM : {})]
          : [seg(' '.repeat(prefixWidth)), seg(line, stale ? DIM : {})],
      );
    });
  });
  return rows;
}

/** Latest and best checkpoint on one row, or two when `rows` is 2. */
export function checkpointRows(s: DashboardState, width: number, rows: 1 | 2): Row[] {
  const best = s.bestCheckpoint;
  const latest = s.latestCheckpoint;
  const bestVal = s.bestValLoss !== null ? ` val ${formatLoss(s.bestValLoss)}` : '';
  if (!best && !latest) {
    const parts: Row[] = [[seg('checkpoints', DIM)], [seg('none yet', DIM)]];
    if (s.bestValLoss !== null) parts.push(labelled('best val', formatLoss(s.bestValLoss)));
    return [joinFit(parts, width, seg('  '))];
  }
  const part = (label: string, at: number, path: string, extra: string, room: number): Row => {
    const fixed = `${label} @${formatCompact(at)}${extra} → `;
    return [
      seg(`${label} `, DIM),
      seg(`@${formatCompact(at)}`),
      seg(extra, { color: 'green' }),
      seg(' → ', DIM),
      // Cut here, not by Ink: the path is one segment inside the row, and its end (the run) is what matters.
      seg(truncateStart(escapeControls(displayPath(path)), Math.max(4, room - displayWidth(fixed)))),
    ];
  };
  const items: Row[] = [];
  if (best) items.push(part('best', best.step, best.path, bestVal, rows === 2 || !latest ? width : Math.floor((width - 3) / 2)));
  if (latest) items.push(part('latest', latest.step, latest.path, '', rows === 2 || !best ? width : Math.floor((width - 3) / 2)));
  if (rows === 2) return items.map((r) => joinFit([r], width));
  return [joinFit(items, width, seg('   '))];
}

export function warningRows(s: DashboardState, width: number, count: number): Row[] {
  if (count <= 0) return [];
  return s.warnings.slice(-count).map((w) =>
    joinFit([[seg('⚠ ', { color: 'yellow', bold: true }), seg(`step ${formatCount(w.step)}: ${flattenText(w.message)}`, { color: 'yellow' })]], width),
  );
}

/** The text of a note as it is shown: one line, control and bidi characters escaped. */
const noteText = (text: string): string => escapeControls(text.replace(/[\r\n\t]+/g, ' '));

/** Rows `notes` would take at `width` if each were wrapped in full. */
export function noteLines(s: DashboardState, width: number): number {
  return s.notes.reduce((n, note) => n + wrapWords(noteText(note.text), Math.max(1, width - 2)).length, 0);
}

/** The notes section: its rows, and which notes it shows when it cannot show them all (e.g. `1–2 of 4`), else null. */
interface NoteSection {
  rows: Row[];
  paging: string | null;
}

/**
 * The run's notes in at most `maxRows` rows, each wrapped in full while
 * rows are left (a note that does not fit is cut with `…`). When not all
 * are shown whole, the window starts at note `offset` (the `n` key moves
 * it on, from the last back to the first) and `paging` says which are
 * shown, for the footer.
 */
export function noteRows(s: DashboardState, width: number, maxRows: number, offset = 0): NoteSection {
  const total = s.notes.length;
  if (total === 0 || maxRows <= 0 || width <= 2) return { rows: [], paging: null };
  // All of them whole, wherever the window was: nothing to page through.
  const first = noteLines(s, width) <= maxRows ? 0 : ((Math.trunc(offset) % total) + total) % total;
  const rows: Row[] = [];
  let shown = 0;
  let whole = true;
  for (let i = first; i < total && rows.length < maxRows; i++) {
    const text = noteText(s.notes[i]!.text);
    const all = wrapWords(text, width - 2);
    whole = all.length <= maxRows - rows.length;
    const lines = whole ? all : wrapWords(text, width - 2, maxRows - rows.length);
    lines.forEach((line, j) => rows.push([seg(j === 0 ? '• ' : '  ', { color: 'cyan', bold: true }), seg(line)]));
    shown++;
  }
  if (shown === total && whole) return { rows, paging: null };
  const range = shown === 1 ? `${first + 1}` : `${first + 1}–${first + shown}`;
  return { rows, paging: `${range} of ${total}` };
}

export interface PendingKeys {
  /** `p` was pressed: the paused state asked for. */
  pause?: boolean;
  save?: boolean;
  sample?: boolean;
}

interface FooterOptions {
  temperature?: number;
  stopping?: boolean;
  /** Keys pressed whose effect the trainer has not confirmed yet (it answers between steps). */
  pending?: PendingKeys;
  /** Rows available to an error message. */
  maxRows?: number;
  /** Which notes the dashboard shows when not all (`1–2 of 4`): `n` then shows the next. */
  notesPaging?: string | null;
}

const keyHint = (k: string, what: string): Row => [seg(k, { bold: true, color: 'cyan' }), seg(` ${what}`)];

/** The `n` key while notes are paged, short (`n notes 1–2/4`): it works until the app exits, the run's end included. */
const notesHint = (paging: string | null | undefined): Row[] => (paging ? [keyHint('n', `notes ${paging.replace(' of ', '/')}`)] : []);

/** Status and keys; the final state (done or error) replaces the keys. */
export function footerRows(s: DashboardState, width: number, o: FooterOptions = {}): Row[] {
  if (s.status === 'done' && s.done) {
    const d = s.done;
    const head: Row = [
      seg(' DONE ', { inverse: true, color: 'green', bold: true }),
      seg(` ${describeStopReason(d.reason)} at step ${formatCount(d.step)}`, BOLD),
    ];
    const after = labelled('after', formatDuration(d.sessionMs));
    const best = d.bestValLoss;
    const variants = [
      best !== null ? [head, after, labelled('best val', `${formatLoss(best)} (${formatBpc(best)} bpc)`)] : [head, after],
      best !== null ? [head, after, labelled('best val', formatLoss(best))] : [head, after],
    ];
    // With notes paged, the `n` hint first, then without it where it does not fit.
    const hinted = o.notesPaging ? variants.map((parts) => [...parts, ...notesHint(o.notesPaging)]) : [];
    const rows = [fitFirst([...hinted, ...variants].map((parts) => ({ parts, sep: seg('  ') })), width)];
    const next = formatNextLine(d);
    // The command keeps its end (the run directory); Ink would cut that off.
    if (next && (o.maxRows ?? 1) > 1) rows.push([seg(truncateStart(next, width), { color: 'cyan' })]);
    return rows;
  }
  if (s.status === 'error' && s.error) {
    const head = ` ERROR at step ${formatCount(s.error.step)} `;
    const text = `${head} ${flattenText(s.error.message)}`;
    const lines = wrapWords(text, width, Math.max(1, o.maxRows ?? 1));
    return lines.map((line, i) =>
      i === 0 && line.startsWith(head)
        ? [seg(head, { inverse: true, color: 'red', bold: true }), seg(line.slice(head.length), { color: 'red' })]
        : [seg(line, { color: 'red' })],
    );
  }
  if (s.phase) {
    // Training is over; the final evaluation and the save are what the wait is for.
    const evaluating = s.phase.phase === 'evaluating';
    return [
      joinFit(
        [
          [seg(evaluating ? ' EVALUATING ' : ' SAVING ', { inverse: true, color: 'cyan', bold: true }), seg(evaluating ? ' final evaluation…' : ' saving latest/…', BOLD)],
          [seg(`${describeStopReason(s.phase.reason)} at step ${formatCount(s.phase.step)}`, DIM)],
          ...(o.stopping ? [[seg('Ctrl-C again to quit now', DIM)]] : []),
          ...notesHint(o.notesPaging),
        ],
        width,
        seg('  '),
      ),
    ];
  }
  if (o.stopping) {
    return [
      joinFit(
        [
          [seg(' STOPPING ', { inverse: true, color: 'yellow', bold: true }), seg(' saving latest/ and exiting…', BOLD)],
          [seg('Ctrl-C again to quit now', DIM)],
          ...notesHint(o.notesPaging),
        ],
        width,
        seg('  '),
      ),
    ];
  }
  const pausing = o.pending?.pause !== undefined && o.pending.pause !== s.paused ? o.pending.pause : null;
  const badge = (short: boolean): Row =>
    pausing !== null
      ? [seg(short ? ' … ' : pausing ? ' PAUSING… ' : ' RESUMING… ', { inverse: true, color: pausing ? 'yellow' : 'green', bold: true })]
      : s.paused
      ? [seg(short ? ' ❚❚ ' : ' ❚❚ PAUSED ', { inverse: true, color: 'yellow', bold: true })]
      : s.status === 'waiting'
        ? [seg(short ? ' … ' : ' STARTING ', { inverse: true, bold: true })]
        : [seg(short ? ' ▶ ' : ' TRAINING ', { inverse: true, color: 'green', bold: true })];
  const key = keyHint;
  const t = o.temperature !== undefined ? formatTemperature(o.temperature) : null;
  const pause = (pausing ?? s.paused) ? 'resume' : 'pause';
  const save = o.pending?.save ? 'saving…' : 'save';
  const sample = o.pending?.sample ? 'sampling…' : 'sample';
  const full: Row[] = [
    key('p', pause),
    key('s', save),
    key('g', t && !o.pending?.sample ? `sample T=${t}` : sample),
    key('t', 'temperature'),
    key('q', 'save & quit'),
  ];
  const short: Row[] = [key('p', pause), key('s', save), key('g', sample), key('t', t ? `T=${t}` : 'temp'), key('q', 'quit')];
  if (o.notesPaging) {
    full.push(key('n', `next note (${o.notesPaging})`));
    short.push(...notesHint(o.notesPaging));
  }
  return [
    fitFirst(
      [
        { parts: [badge(false), ...full], sep: seg('  ') },
        { parts: [badge(false), ...short], sep: seg('  ') },
        { parts: [badge(true), ...short], sep: seg(' ') },
      ],
      width,
    ),
  ];
}
