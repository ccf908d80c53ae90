/**
 * `charnn runs <run>…`: what a user looks at once training is over — each
 * named run's model, data and progress, the checkpoints it holds (best/,
 * latest/ and the latest-<step>/ snapshots of --keep, each with its step
 * and validation loss, each usable as `run@<step>`), and one chart of their
 * loss curves against steps, characters or time; `--csv` and `--json`
 * write the curves, one row per evaluation, for other tools. Every string
 * that comes from disk is printed escaped.
 */
import fs from 'node:fs';
import path from 'node:path';
import { lossCurve, timeOfRows, type CurvePoint } from '../checkpoint/curve.js';
import { META_FILE_NAME, readMeta, type CharnnMeta } from '../checkpoint/meta.js';
import { trainerOf } from '../checkpoint/run-lock.js';
import { runDirectoryOf } from '../checkpoint/load.js';
import { listRunCheckpoints, MAX_CHECKPOINTS, resolveReference, type SavedCheckpoint } from '../checkpoint/run-checkpoints.js';
import { snapshotStep } from '../checkpoint/snapshots.js';
import { describingCheckpoints, findRunDirectories, isRunDirectory } from '../checkpoint/runs.js';
import { colorFromEnv } from '../ui/shared/color.js';
import { formatAge, formatBpc, formatCount, formatDuration, formatLoss } from '../ui/shared/format.js';
import { renderLossChart, type RunCurve, type XAxis } from '../ui/runs/loss-chart.js';
import { CharnnError, usageError } from '../util/errors.js';
import { escapeControls, safeJson, shellWord } from '../util/escape.js';
import { displayWidth, padEnd } from '../util/text.js';
import { writeErr, writeOut } from './output.js';

interface RunDetailsOptions {
  json: boolean;
  csv: boolean;
  x: XAxis;
  /** Chart width in columns; null: the terminal's, else 80. */
  width: number | null;
  height: number;
  train: boolean;
}

/** Runs charted together, at most (each gets a letter when there is no colour). */
const MAX_CHARTED_RUNS = 26;

interface RunDetails {
  /** As shown: the directory's name, or the path given when two names are alike. */
  name: string;
  dir: string;
  /** The charnn.json the run is described by (latest/'s, else best/'s). */
  meta: CharnnMeta;
  checkpoints: SavedCheckpoint[];
  /** The run directory holds more checkpoints than were read (run-checkpoints.ts bounds the scan). */
  moreCheckpoints: boolean;
  curve: CurvePoint[];
  /** The pid of the trainer writing to the run now, or null (runs.ts RunSummary.trainingPid). */
  trainingPid: number | null;
}

/**
 * A run directory found from what the user named (`run@best`, `run/latest`)
 * written the way they named it: absolute after an absolute path, else
 * relative to the working directory, as `charnn runs run` prints it.
 */
function shownAs(dir: string, given: string): string {
  return path.isAbsolute(given) ? path.resolve(dir) : path.relative(process.cwd(), dir) || '.';
}

/** The run directory a command-line argument names: a run directory, or a checkpoint in one (run@<step> too). */
function runDirectoryNamed(given: string): string {
  let stats: fs.Stats;
  try {
    stats = fs.statSync(given);
  } catch {
    // run@<step>: the run of that checkpoint.
    const referenced = resolveReference(given);
    if (referenced !== null) return shownAs(runDirectoryOf(referenced), given);
    throw usageError(`${given} does not exist`, 'name a run directory written by charnn train; charnn runs lists them');
  }
  if (!stats.isDirectory()) throw usageError(`${given} is a file, not a run directory`, 'name a run directory written by charnn train; charnn runs lists them');
  if (isRunDirectory(given)) return given;
  if (fs.existsSync(path.join(given, META_FILE_NAME))) {
    const run = runDirectoryOf(path.resolve(given));
    if (run !== path.resolve(given) && isRunDirectory(run)) return shownAs(run, given);
    throw usageError(`${given} is a checkpoint, not a run directory`, `charnn info ${given} describes it`);
  }
  const runs = findRunDirectories(given).found;
  if (runs.length > 0) {
    throw usageError(`${given} is a directory of runs, not a run`, `name runs in it, e.g. ${path.join(given, runs[0]!.name)}, or list them all with charnn runs ${given}`);
  }
  throw usageError(`${given} holds no run (no best/ or latest/)`, 'name a run directory written by charnn train; charnn runs lists them');
}

/** Reads a run: the newest readable charnn.json describes it. */
function readRun(dir: string, name: string): RunDetails {
  let problem: CharnnError | null = null;
  for (const checkpoint of describingCheckpoints(dir)) {
    try {
      const meta = readMeta(checkpoint);
      const { checkpoints, truncated } = listRunCheckpoints(dir);
      return { name, dir, meta, checkpoints, moreCheckpoints: truncated, curve: lossCurve(meta), trainingPid: trainerOf(dir)?.pid ?? null };
    } catch (error) {
      if (!(error instanceof CharnnError)) throw error;
      problem ??= error;
    }
  }
  throw problem ?? usageError(`${name} holds no run (no best/ or latest/)`, 'name a run directory written by charnn train');
}

/** Display names: each directory's own name, or the paths as given where two are alike. */
function runNames(given: readonly string[], dirs: readonly string[]): string[] {
  const bases = dirs.map((d) => path.basename(path.resolve(d)));
  const unique = new Set(bases).size === bases.length;
  return unique ? bases : given.map((g) => (g.length > 1 ? g.replace(/[\\/]+$/, '') : g));
}

const optional = (n: number | null, show: (n: number) => string): string => (n === null ? '–' : show(n));

/** The lines describing one run: model, data, progress, then its checkpoints. */
function runDetailLines(run: RunDetails, nowMs: number): string[] {
  const { meta } = run;
  const m = meta.model;
  const t = meta.training;
  const p = meta.progress;
  const perStep = t.batchSize * t.seqLen;
  const lines = [
    `${escapeControls(run.name)}${path.resolve(run.dir) === path.resolve(run.name) ? '' : `  (${escapeControls(run.dir)})`}`,
    `  model     ${m.cell} ${m.layers}×${m.hidden}, embedding ${m.embedding}; batch ${t.batchSize} × ${t.seqLen} characters`,
    `  corpus    ${escapeControls(meta.corpus.name)} (${formatCount(meta.corpus.chars)} characters)`,
    `  trained   ${formatCount(p.step)} steps, ${formatCount(p.step * perStep)} characters, ${formatDuration(p.elapsedMs)}`,
    `  best val  ${p.bestValLoss === null ? '– (no evaluation yet)' : `${formatLoss(p.bestValLoss)} (${formatBpc(p.bestValLoss)} bpc) at step ${optional(p.bestStep, formatCount)}`}`,
  ];
  if (meta.initFrom) lines.push(`  from      ${escapeControls(meta.initFrom.path)} at step ${formatCount(meta.initFrom.step)}`);
  if (run.trainingPid !== null) lines.push(`  now       being trained (process ${run.trainingPid}): these are the figures of its last save`);
  lines.push(...checkpointTable(run, nowMs).map((l) => `  ${l}`));
  if (run.moreCheckpoints) lines.push(`  … and more than listed here (at most ${formatCount(MAX_CHECKPOINTS)} checkpoints are read)`);
  return lines;
}

function checkpointTable(run: RunDetails, nowMs: number): string[] {
  const rows = run.checkpoints.map((c) =>
    c.problem !== null
      ? [`${c.name}/`, `unreadable: ${escapeControls(c.problem)}`]
      : [`${escapeControls(c.name)}/`, optional(c.step, formatCount), optional(c.valLoss, formatLoss), optional(c.valLoss, formatBpc), formatAge(c.changedMs, nowMs)],
  );
  const head = ['checkpoint', 'step', 'val loss', 'bpc', 'saved'];
  const full = rows.filter((r) => r.length === head.length);
  const widths = head.map((h, i) => Math.max(displayWidth(h), ...(i === 0 ? rows : full).map((r) => displayWidth(r[i]!))));
  const line = (r: string[]): string =>
    r.length < head.length
      ? `${padEnd(r[0]!, widths[0]!)}  ${r[1]}`
      : r.map((c, i) => (i === 0 || i === 4 ? padEnd(c, widths[i]!) : ' '.repeat(widths[i]! - displayWidth(c)) + c)).join('  ').trimEnd();
  return [line(head), ...rows.map(line)];
}

/** The x value of each point in the axis's unit (minutes for time); notes what was estimated. */
function xValues(run: RunDetails, x: XAxis): { values: number[]; estimated: number } {
  if (x === 'steps') return { values: run.curve.map((p) => p.step), estimated: 0 };
  if (x === 'chars') return { values: run.curve.map((p) => p.chars), estimated: 0 };
  const { elapsedMs, estimated } = timeOfRows(run.curve, run.meta.progress);
  return { values: elapsedMs.map((ms) => ms / 60_000), estimated };
}

/** `the time of 3 of 40 evaluations was not recorded (…)`. */
function unrecorded(missing: number, all: number): string {
  const which = missing === all ? (all === 1 ? 'the evaluation' : `all ${formatCount(all)} evaluations`) : `${formatCount(missing)} of ${formatCount(all)} evaluations`;
  return `the time of ${which} was not recorded (trained by an earlier charnn)`;
}

/** The legend's summary of a run: its best and its last validation (whether it still improves). */
function summary(run: RunDetails): string {
  const p = run.meta.progress;
  const last = [...run.curve].reverse().find((c) => c.valLoss !== null);
  if (p.bestValLoss === null && !last) return 'no evaluation yet';
  const best = p.bestValLoss === null ? '' : `best ${formatLoss(p.bestValLoss)} at step ${optional(p.bestStep, formatCount)}`;
  // Still improving: the best is the last evaluation.
  if (best !== '' && last && last.step === p.bestStep && last.valLoss === p.bestValLoss) return `${best}, the last evaluation`;
  const lastText = last ? `last ${formatLoss(last.valLoss)} at step ${formatCount(last.step)}` : '';
  return [best, lastText].filter((s) => s !== '').join(' · ');
}

/** The run has a loss to draw: a validation, or (with `train`) a training loss. */
function hasCurve(run: RunDetails, train: boolean): boolean {
  return run.curve.some((c) => c.valLoss !== null || (train && c.trainLoss !== null));
}

/** The chart of every run's curves (see ui/runs/loss-chart.ts) and a note per run whose minutes are estimated. */
function runsChart(runs: readonly RunDetails[], options: RunDetailsOptions & { width: number; color: boolean }): { lines: string[]; notes: string[] } {
  const notes: string[] = [];
  const curves: RunCurve[] = runs.map((run) => {
    const { values, estimated } = xValues(run, options.x);
    if (estimated > 0) {
      notes.push(`${escapeControls(run.name)}: ${unrecorded(estimated, run.curve.length)}; --x time estimates ${estimated === 1 ? 'it' : 'them'} from the run's pace`);
    }
    return {
      name: escapeControls(run.name),
      points: run.curve.map((c, i) => ({ x: values[i]!, train: c.trainLoss, val: c.valLoss })),
      summary: summary(run),
    };
  });
  return { lines: renderLossChart(curves, options), notes };
}

/** RFC 4180 field: quoted when it holds a comma, quote or line break; control characters escaped. */
function csvField(text: string): string {
  const safe = escapeControls(text);
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

const number = (n: number | null): string => (n === null ? '' : String(n));

/** One row per evaluation of every run: run, step, chars, elapsed_ms, train_loss, val_loss (an unknown value is empty). */
function curvesCsv(runs: readonly RunDetails[]): string {
  const rows = ['run,step,chars,elapsed_ms,train_loss,val_loss'];
  for (const run of runs) {
    const name = csvField(run.name);
    for (const c of run.curve) {
      rows.push([name, c.step, c.chars, number(c.elapsedMs === null ? null : Math.round(c.elapsedMs)), number(c.trainLoss), number(c.valLoss)].join(','));
    }
  }
  return `${rows.join('\n')}\n`;
}

/** The runs (their details and checkpoints) and their curves, one object per evaluation, as one JSON document. */
function curvesJson(runs: readonly RunDetails[]): string {
  return `${safeJson({
    runs: runs.map((r) => ({
      name: r.name, dir: r.dir, cell: r.meta.model.cell, layers: r.meta.model.layers, hidden: r.meta.model.hidden, embedding: r.meta.model.embedding,
      batchSize: r.meta.training.batchSize, seqLen: r.meta.training.seqLen, corpus: r.meta.corpus.name,
      step: r.meta.progress.step, elapsedMs: r.meta.progress.elapsedMs, bestValLoss: r.meta.progress.bestValLoss, bestStep: r.meta.progress.bestStep,
      initFrom: r.meta.initFrom?.path ?? null, trainingPid: r.trainingPid,
      checkpoints: r.checkpoints.map((c) => ({ name: c.name, dir: c.dir, step: c.step, valLoss: c.valLoss, changedMs: c.changedMs, problem: c.problem })),
    })),
    points: runs.flatMap((r) => r.curve.map((c) => ({
      run: r.name, step: c.step, chars: c.chars, elapsedMs: c.elapsedMs === null ? null : Math.round(c.elapsedMs), trainLoss: c.trainLoss, valLoss: c.valLoss,
    }))),
  })}\n`;
}

/** `charnn runs <run>…`: details and chart, or the curves as CSV or JSON. */
export async function runDetails(given: readonly string[], options: RunDetailsOptions): Promise<void> {
  if (options.csv && options.json) throw usageError('--csv and --json both ask for the curves', 'pass one of them');
  const dirs: string[] = [];
  const shown: string[] = [];
  for (const g of given) {
    const dir = runDirectoryNamed(g);
    if (dirs.some((d) => path.resolve(d) === path.resolve(dir))) continue;
    dirs.push(dir);
    shown.push(g);
  }
  if (dirs.length > MAX_CHARTED_RUNS) throw usageError(`${dirs.length} runs named; at most ${MAX_CHARTED_RUNS} are charted together`, 'name fewer runs');
  const names = runNames(shown, dirs);
  const runs = dirs.map((dir, i) => readRun(dir, names[i]!));
  if (options.csv || options.json) {
    await writeOut(options.csv ? curvesCsv(runs) : curvesJson(runs));
    for (const run of runs) {
      const missing = run.curve.filter((c) => c.elapsedMs === null).length;
      if (missing > 0) writeErr(`${escapeControls(run.name)}: ${unrecorded(missing, run.curve.length)}; its elapsed time is left empty`);
    }
    return;
  }
  const width = options.width ?? (process.stdout.isTTY ? process.stdout.columns || 80 : 80);
  const color = process.stdout.isTTY === true && colorFromEnv();
  const now = Date.now();
  const blocks = runs.map((run) => runDetailLines(run, now).join('\n'));
  if (!runs.some((run) => hasCurve(run, options.train))) {
    // Nothing to draw: one line, not an empty frame.
    await writeOut(`${blocks.join('\n\n')}\n`);
    writeErr(`no evaluation yet: ${runs.length === 1 ? 'its loss curve is' : 'their loss curves are'} charted from the first validation on (charnn train --first-eval says when it comes)`);
  } else {
    const chart = runsChart(runs, { ...options, width, color });
    await writeOut(`${blocks.join('\n\n')}\n\n${chart.lines.join('\n')}\n`);
    for (const note of chart.notes) writeErr(note);
  }
  // How to use an older snapshot, once, with a step that is on disk.
  const withSnapshot = runs.findIndex((r) => r.checkpoints.some((c) => c.problem === null && snapshotStep(c.name) !== null));
  if (withSnapshot >= 0) {
    const snapshot = runs[withSnapshot]!.checkpoints.find((c) => c.problem === null && snapshotStep(c.name) !== null)!;
    const run = runs[withSnapshot]!.dir.replace(/(.)[\\/]+$/, '$1');
    writeErr(`any of these checkpoints can be named by its step, e.g. charnn generate ${escapeControls(shellWord(`${run}@${snapshot.step}`))}`);
  }
}
