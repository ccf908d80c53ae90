/**
 * The sampler's fixed rows (header, top-5 candidates, message, status,
 * keys) as styled segments laid out for the terminal width, in the
 * dashboard's style. Pure functions, so their text can be tested on its own.
 */
import { showChar } from '../../data/vocabulary.js';
import type { Candidate } from '../../sample/session.js';
import { formatCount, formatTemperature } from '../shared/format.js';
import { displayWidth, flattenText, padEnd, truncate, wrapWords } from '../../util/text.js';
import { fitFirst, joinFit, seg, type Row, type SegStyle } from '../shared/Line.js';
import { describeSeed, describeTopK, describeTopP, describeUnit, type SamplerSettings } from './settings.js';
import { heatLegend } from './transcript.js';

const DIM = { dim: true } as const;
const BOLD = { bold: true } as const;
const KEY: SegStyle = { bold: true, color: 'cyan' };

const labelled = (label: string, value: string, style: SegStyle = BOLD): Row => [seg(`${label} `, DIM), seg(value, style)];

export interface HeaderInfo {
  /** Checkpoint name, e.g. tinyshakespeare-lstm/best. */
  name: string;
  /** e.g. LSTM 2×256. */
  model?: string;
  vocabSize?: number;
  /** e.g. "step 2,000 · val 1.52". */
  detail?: string;
  backend?: string;
}

export function headerRow(h: HeaderInfo, position: number, width: number): Row {
  // In order of importance: what does not fit is left out.
  const parts: Row[] = [[seg('charnn sample', { bold: true, color: 'cyan' })], [seg(flattenText(h.name), BOLD)]];
  if (h.model) parts.push([seg(h.model, BOLD)]);
  parts.push(position === 0 ? [seg('fresh state', DIM)] : labelled('context', `${formatCount(position)} chars`, {}));
  if (h.vocabSize !== undefined) parts.push(labelled('vocab', String(h.vocabSize)));
  if (h.detail) parts.push([seg(h.detail, DIM)]);
  if (h.backend) parts.push([seg(h.backend, DIM)]);
  return joinFit(parts, width, seg(' · ', DIM));
}

/** The 5 (or k) most likely next characters with their probabilities. */
export function candidatesRow(candidates: readonly Candidate[], width: number): Row {
  const parts: Row[] = [[seg('next', DIM)]];
  for (const c of candidates) {
    const pct = c.prob >= 0.995 ? '100%' : c.prob >= 0.1 ? `${Math.round(c.prob * 100)}%` : `${(c.prob * 100).toFixed(1)}%`;
    parts.push([seg(showChar(c.char), BOLD), seg(` ${pct}`)]);
  }
  return joinFit(parts, width, seg('   '));
}

export type MessageTone = 'info' | 'error';

/** A message under the transcript, wrapped at word boundaries (never cut) over up to `maxRows` rows. */
export function messageRows(text: string, tone: MessageTone, width: number, maxRows = MAX_MESSAGE_ROWS): Row[] {
  const style: SegStyle = tone === 'error' ? { color: 'red', bold: true } : { color: 'green' };
  const lines = wrapWords(flattenText(text), Math.max(1, width - 2), Math.max(1, maxRows));
  return lines.map((line, i) => [seg(i === 0 ? (tone === 'error' ? '✗ ' : '✓ ') : '  ', style), seg(line, tone === 'error' ? { color: 'red' } : {})]);
}

/** Rows a message may take. */
const MAX_MESSAGE_ROWS = 3;

const BOX: SegStyle = { color: 'gray' };

/** The /help box's lines wrapped to its inside (`width` − 4 columns), command lines with a hanging indent. */
export function helpBody(lines: readonly string[], width: number): string[] {
  const inner = Math.max(1, width - 4);
  const body: string[] = [];
  for (const line of lines) {
    const hang = /^( {2}\/\S+(?: \S+)? +)/.exec(line)?.[1]?.length ?? 0;
    const indent = hang > 0 && hang < inner / 2 ? hang : 0;
    const [first, ...rest] = wrapWords(line.slice(indent), inner - indent);
    body.push(line.slice(0, indent) + (first ?? ''), ...rest.map((r) => ' '.repeat(indent) + r));
  }
  return body;
}

/** The /help box laid out: its rows, and how far it can scroll. */
interface HelpBox {
  rows: Row[];
  /** The first body line shown (the asked-for scroll, kept within 0…maxScroll). */
  scroll: number;
  /** 0 when the whole help fits. */
  maxScroll: number;
  /** Lines PgUp/PgDn move: a box less one line, so a line of context stays. */
  page: number;
}

/**
 * The /help box: its lines wrapped inside a frame, at most `maxRows` rows,
 * the body scrolled down by `scroll` lines. When it does not all fit, the
 * bottom edge says which lines are shown and which keys scroll (↑↓ a line,
 * PgUp/PgDn a page); it always says how to close it.
 */
export function helpBox(title: string, lines: readonly string[], width: number, maxRows: number, scroll = 0): HelpBox {
  if (width < 8 || maxRows < 3) return { rows: [], scroll: 0, maxScroll: 0, page: 1 };
  const inner = width - 4;
  const body = helpBody(lines, width);
  const room = maxRows - 2;
  const maxScroll = Math.max(0, body.length - room);
  const top = Math.max(0, Math.min(Math.trunc(scroll) || 0, maxScroll));
  const shown = body.slice(top, top + room);
  const edge = (left: string, label: string, right: string): Row => {
    const text = truncate(label, width - 4);
    return [seg(`${left}─ `, BOX), seg(text, BOLD), seg(` ${'─'.repeat(Math.max(0, width - 5 - displayWidth(text)))}${right}`, BOX)];
  };
  let bottom = 'Esc closes';
  if (maxScroll > 0) {
    const labels = (range: string) => [
      `lines ${range} of ${body.length} · ↑↓ PgUp PgDn scroll · Esc closes`,
      `${range}/${body.length} · ↑↓ PgUp PgDn · Esc closes`,
      `${range}/${body.length} ↑↓ PgUp PgDn · Esc`,
      `${range}/${body.length} ↑↓ · Esc`,
    ];
    // The form is chosen for the widest range, so it stays the same while the box scrolls.
    const widest = labels(`${body.length}–${body.length}`);
    const fits = widest.findIndex((l) => displayWidth(l) <= width - 6);
    bottom = labels(`${top + 1}–${top + shown.length}`)[fits < 0 ? widest.length - 1 : fits]!;
  }
  return {
    rows: [
      edge('┌', title, '┐'),
      ...shown.map((line): Row => [seg('│ ', BOX), seg(padEnd(line, inner)), seg(' │', BOX)]),
      edge('└', bottom, '┘'),
    ],
    scroll: top,
    maxScroll,
    page: Math.max(1, room - 1),
  };
}

interface StatusOptions {
  generating: { done: number; total: number } | null;
  /** The seed of the last generation, shown when seeds are random. */
  lastSeed: number | null;
  color: boolean;
}

export function statusRow(s: SamplerSettings, width: number, o: StatusOptions): Row {
  const badge = (short: boolean): Row =>
    o.generating
      ? [seg(short ? ` ▶ ${o.generating.done}/${o.generating.total} ` : ` GENERATING ${o.generating.done}/${o.generating.total} `, { inverse: true, color: 'green', bold: true })]
      : [seg(short ? ' ✎ ' : ' READY ', { inverse: true, bold: true })];
  const seed = s.seed === null && o.lastSeed !== null ? `random (${o.lastSeed})` : describeSeed(s.seed);
  const onOff = (v: boolean) => (v ? 'on' : 'off');
  const heat: Row = s.heat ? [seg('heat ', DIM), ...heatLegend(o.color)] : labelled('heat', 'off');
  // The watched unit shows only while one is watched, after the heat map.
  const unit: Row[] = s.unit ? [labelled('unit', describeUnit(s.unit))] : [];
  const long = (b: boolean): Row[] => [
    badge(b),
    labelled('T', formatTemperature(s.temperature)),
    labelled('top-k', describeTopK(s.topK)),
    labelled('top-p', describeTopP(s.topP)),
    labelled('len', String(s.length)),
    labelled('seed', seed),
    heat,
    ...unit,
    labelled('top5', onOff(s.top)),
  ];
  const shortSeed = s.seed === null ? 'rnd' : String(s.seed);
  const short: Row[] = [
    badge(true),
    labelled('T', formatTemperature(s.temperature)),
    labelled('k', describeTopK(s.topK)),
    labelled('p', describeTopP(s.topP)),
    labelled('len', String(s.length)),
    labelled('seed', shortSeed),
    heat,
    ...unit,
    labelled('top5', onOff(s.top)),
  ];
  const tiny: Row[] = short.map((part, i) => (i === 6 && s.heat ? labelled('heat', 'on') : part));
  // The state badge keeps its words longest; the settings shorten first.
  return fitFirst(
    [
      { parts: long(false), sep: seg('  ') },
      { parts: [badge(false), ...short.slice(1)], sep: seg('  ') },
      { parts: [badge(false), ...tiny.slice(1)], sep: seg(' ') },
      { parts: short, sep: seg('  ') },
      { parts: tiny, sep: seg(' ') },
    ],
    width,
  );
}

export function keysRow(width: number, generating: boolean, typingCommand = false): Row {
  const key = (k: string, what: string, style: SegStyle = KEY): Row => [seg(k, style), ...(what ? [seg(` ${what}`)] : [])];
  if (typingCommand) {
    // While a slash command is being typed, list them all.
    const names = ['/temp X', '/topk N', '/topp X', '/len N', '/seed N|random', '/reset', '/heat', '/top', '/unit L:N|off', '/help', '/quit'];
    return joinFit(
      names.map((n) => [seg(n.split(' ')[0]!, KEY), ...(n.includes(' ') ? [seg(n.slice(n.indexOf(' ')), DIM)] : [])]),
      width,
      seg(' '),
    );
  }
  const esc = generating ? key('Esc', 'stop', { bold: true, color: 'yellow', inverse: true }) : key('Esc', 'stop');
  const full: Row[] = [
    key('Enter', 'send (empty: continue)'),
    esc,
    key('Tab', 'heat'),
    key('⇧Tab', 'top5'),
    key('/help', 'commands'),
    key('^C', 'quit'),
  ];
  const short: Row[] = [key('⏎', 'send'), esc, key('Tab', 'heat'), key('⇧Tab', 'top5'), key('/help', 'cmds'), key('^C', 'quit')];
  return fitFirst(
    [
      { parts: full, sep: seg('  ') },
      { parts: short, sep: seg('  ') },
      { parts: short, sep: seg(' ') },
    ],
    width,
  );
}
