/**
 * One-line human descriptions of training events, shared by the plain
 * reporter and the dashboard's scroll-back log so both read the same.
 * Output is plain text: no ANSI; text from the run (samples, messages, names,
 * paths) passes through util/escape.ts, so no control character or bidi
 * override gets through.
 */
import type {
  CheckpointEvent,
  DoneEvent,
  ErrorEvent,
  EvalEvent,
  PhaseEvent,
  RunInfo,
  SampleEvent,
  StateEvent,
  StepEvent,
  StopReason,
  WarningEvent,
} from '../../train/events.js';
import {
  formatBpc,
  formatCount,
  formatDuration,
  formatEpoch,
  formatGradNorm,
  formatLoss,
  formatLr,
  formatTemperature,
} from '../shared/format.js';
import path from 'node:path';
import { describeRegularisation } from '../../model/dropout.js';
import { escapeControls, safeText, shellWord } from '../../util/escape.js';
import { charnnCommand } from '../../util/invocation.js';
import { flattenText } from '../../util/text.js';

export function describeStopReason(reason: StopReason): string {
  switch (reason) {
    case 'max-steps':
      return 'reached max steps';
    case 'max-epochs':
      return 'reached max epochs';
    case 'max-time':
      return 'reached time limit';
    case 'stopped':
      return 'stopped';
  }
}

/** `lstm 2×256` */
function describeModel(info: RunInfo): string {
  return `${info.cell} ${info.layers}×${info.hidden}`;
}

/** The first limit that applies, e.g. `2,000 steps`, or null when unbounded. */
function describeLimit(info: RunInfo): string | null {
  const parts: string[] = [];
  if (info.maxSteps !== null) parts.push(`${formatCount(info.maxSteps)} steps`);
  if (info.maxEpochs !== null) parts.push(`${formatCount(info.maxEpochs)} epochs`);
  if (info.maxTimeMs !== null) parts.push(formatDuration(info.maxTimeMs));
  return parts.length > 0 ? parts.join(' / ') : null;
}

export function formatRunHeader(info: RunInfo): string {
  const parts = [
    `run ${escapeControls(info.corpusName)}`,
    `${formatCount(info.corpusChars)} chars`,
    `vocab ${info.vocabSize}`,
    `${describeModel(info)} (${[`emb ${info.embedding}`, describeRegularisation(info)].filter((p) => p !== '').join(', ')})`,
    `${formatCount(info.params)} params`,
    `engine ${info.engine}`,
    `batch ${info.batchSize}×${info.seqLen}`,
  ];
  const limit = describeLimit(info);
  if (limit) parts.push(`limit ${limit}`);
  if (info.resumedFrom) parts.push(`resumed from ${escapeControls(info.resumedFrom)} at step ${info.startStep}`);
  parts.push(`→ ${escapeControls(displayPath(info.outDir))}`);
  return parts.join(' · ');
}

/** A path relative to the working directory when it lies below it (checkpoints/x-lstm), else absolute. */
export function displayPath(p: string, cwd = process.cwd()): string {
  const relative = path.relative(cwd, p);
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : p;
}

export function formatStepLine(e: StepEvent, info: RunInfo | null): string {
  const step = info?.maxSteps != null ? `${e.step}/${info.maxSteps}` : String(e.step);
  const parts = [
    `step ${step}`,
    `epoch ${formatEpoch(e.epoch)}`,
    `loss ${formatLoss(e.loss)} (${formatBpc(e.loss)} bpc)`,
    `lr ${formatLr(e.lr)}`,
    `|g| ${formatGradNorm(e.gradNorm)}`,
    `${formatCount(e.charsPerSec)} chars/s`,
  ];
  if (e.etaMs !== null && Number.isFinite(e.etaMs)) parts.push(`eta ${formatDuration(e.etaMs)}`);
  return parts.join('  ');
}

export function formatEvalLine(e: EvalEvent): string {
  if (e.quick?.cut) {
    return (
      `eval step ${e.step}: val ${formatLoss(e.valLoss)} nats (${formatLoss(e.valBpc, 3)} bpc), ` +
      `train ${formatLoss(e.trainLoss)} — cut short at the time limit (${e.quick.batches} of ${e.quick.of} validation batches)` +
      // Compared with nothing: it only gives a run with no best/ yet its first.
      (e.improved ? ', the first best/' : `, best/ kept (best ${formatLoss(e.bestValLoss)})`)
    );
  }
  if (e.quick?.timed) {
    // A look that did not beat a best/ of the whole split is not comparable with it when lower.
    const verdict = e.improved ? ', best so far' : e.valLoss < e.bestValLoss ? '' : `, best ${formatLoss(e.bestValLoss)}`;
    return (
      `eval step ${e.step}: val ${formatLoss(e.valLoss)} nats (${formatLoss(e.valBpc, 3)} bpc), ` +
      `train ${formatLoss(e.trainLoss)} — a look by the clock (${e.quick.batches} of ${e.quick.of} validation batches)${verdict}`
    );
  }
  if (e.quick) {
    return (
      `eval step ${e.step}: val ${formatLoss(e.valLoss)} nats (${formatLoss(e.valBpc, 3)} bpc), ` +
      `train ${formatLoss(e.trainLoss)} — a ${e.quick.last ? 'last' : 'first'} look (${e.quick.batches} of ${e.quick.of} validation batches)` +
      (e.quick.last ? (e.improved ? ', better than the looks before it: best so far' : `, best ${formatLoss(e.bestValLoss)}`) : e.improved ? ', best so far' : '')
    );
  }
  const verdict = e.improved ? 'best so far' : `best ${formatLoss(e.bestValLoss)}`;
  return (
    `eval step ${e.step}: val ${formatLoss(e.valLoss)} nats (${formatLoss(e.valBpc, 3)} bpc), ` +
    `train ${formatLoss(e.trainLoss)} — ${verdict}`
  );
}

export function formatCheckpointLine(e: CheckpointEvent): string {
  return `checkpoint ${e.kind} → ${escapeControls(e.path)}`;
}

export function formatNoteLine(note: string): string {
  return `note: ${flattenText(note)}`;
}

export function formatWarningLine(e: WarningEvent): string {
  return `warning at step ${e.step}: ${flattenText(e.message)}`;
}

/** "reached time limit at step 1,200: final evaluation…", "saving latest/ at step 1,200…". */
export function formatPhaseLine(e: PhaseEvent): string {
  return e.phase === 'evaluating' ? `${describeStopReason(e.reason)} at step ${formatCount(e.step)}: final evaluation…` : `saving at step ${formatCount(e.step)}…`;
}

export function formatStateLine(e: StateEvent): string {
  return `${e.type} at step ${e.step}`;
}

/** ` (3h10m in all)` when the run was resumed and has trained longer than this session. */
function resumedTotal(e: DoneEvent): string {
  return e.elapsedMs - e.sessionMs >= 1000 ? ` (${formatDuration(e.elapsedMs)} in all)` : '';
}

export function formatDoneLine(e: DoneEvent): string {
  const parts = [`done at step ${e.step}: ${describeStopReason(e.reason)} after ${formatDuration(e.sessionMs)}${resumedTotal(e)}`];
  if (e.bestValLoss !== null) {
    parts.push(`best val ${formatLoss(e.bestValLoss)} nats (${formatBpc(e.bestValLoss)} bpc)`);
  }
  if (e.latestPath) parts.push(`latest → ${escapeControls(e.latestPath)}`);
  if (e.bestPath) parts.push(`best → ${escapeControls(e.bestPath)}`);
  return parts.join(' · ');
}

/**
 * What to do with the finished run: `next: charnn sample checkpoints/x-lstm`
 * (the run directory, relative to the working directory when inside it), with
 * the command that runs charnn where the user is (util/invocation.ts).
 */
export function formatNextLine(e: DoneEvent, cwd = process.cwd(), command = charnnCommand(cwd)): string | null {
  if (!e.latestPath) return null;
  return `next: ${escapeControls(command)} sample ${escapeControls(shellWord(displayPath(path.dirname(e.latestPath), cwd)))}`;
}

export function formatErrorLine(e: ErrorEvent): string {
  return `error at step ${e.step}: ${flattenText(e.message)}`;
}

/** A sample as a heading plus the text, indented, line by line. */
export function formatSampleLines(e: SampleEvent): string[] {
  const lines: string[] = [];
  for (const s of e.samples) {
    lines.push(`sample step ${e.step} T=${formatTemperature(s.temperature)}:`);
    for (const line of safeText(s.text, { tab: ' ' }).split('\n')) lines.push(`  │ ${line}`);
  }
  return lines;
}
