/**
 * `charnn runs [dir]`: one line per run — name, cell and size, step, best
 * validation loss (nats and bits per character), training time and when it
 * last changed — newest first; --json for scripts. Named run directories
 * are handed to runs-details.ts (checkpoints and loss curves). Every string
 * that comes from disk is printed escaped.
 */
import fs from 'node:fs';
import path from 'node:path';
import { isRunDirectory, listRuns, type RunList, type RunSummary } from '../checkpoint/runs.js';
import { META_FILE_NAME } from '../checkpoint/meta.js';
import { formatAge, formatBpc, formatCount, formatDuration, formatLoss } from '../ui/shared/format.js';
import { displayWidth, padEnd, truncate } from '../util/text.js';
import { usageError } from '../util/errors.js';
import { escapeControls, safeJson } from '../util/escape.js';
import { charnnCommand } from '../util/invocation.js';
import { writeErr, writeOut } from './output.js';
import { RUNS_DIR } from '../settings/runs-dir.js';
import type { XAxis } from '../ui/runs/loss-chart.js';

const HEADINGS = ['run', 'model', 'step', 'best val', 'bpc', 'trained', 'changed'] as const;
/** Columns aligned right (numbers). */
const RIGHT = new Set([2, 3, 4, 5]);

function cells(r: RunSummary, nowMs: number): string[] {
  const name = escapeControls(r.name);
  if (r.problem !== null) return [name, `unreadable: ${escapeControls(r.problem)}`];
  return [
    name,
    r.cell === null ? '–' : `${r.cell} ${r.layers}×${r.hidden}`,
    formatCount(r.step),
    r.bestValLoss === null ? '–' : formatLoss(r.bestValLoss),
    r.bestValLoss === null ? '–' : formatBpc(r.bestValLoss),
    formatDuration(r.elapsedMs),
    r.trainingPid !== null ? `training now` : formatAge(r.changedMs, nowMs),
  ];
}

/** The table, fitted to `width` columns by shortening run names (null: no limit). */
export function runsTable(list: RunList, nowMs: number, width: number | null): string[] {
  const rows = list.runs.map((r) => cells(r, nowMs));
  const full = rows.filter((r) => r.length === HEADINGS.length);
  const widths = HEADINGS.map((h, i) => Math.max(displayWidth(h), ...(i === 0 ? rows : full).map((r) => displayWidth(r[i]!))));
  if (width !== null) {
    const rest = widths.slice(1).reduce((a, b) => a + b, 0) + 2 * (HEADINGS.length - 1);
    widths[0] = Math.max(8, Math.min(widths[0]!, width - rest));
  }
  const line = (r: string[]): string => {
    if (r.length < HEADINGS.length) {
      const text = `${padEnd(truncate(r[0]!, widths[0]!), widths[0]!)}  ${r[1]}`;
      return width === null ? text : truncate(text, width);
    }
    return r
      .map((c, i) => {
        const cell = i === 0 ? truncate(c, widths[0]!) : c;
        return RIGHT.has(i) ? ' '.repeat(Math.max(0, widths[i]! - displayWidth(cell))) + cell : padEnd(cell, widths[i]!);
      })
      .join('  ')
      .trimEnd();
  };
  return [line([...HEADINGS]), ...rows.map(line)];
}

export interface RunsCommandOptions {
  json: boolean;
  csv: boolean;
  x: XAxis;
  width?: number;
  height: number;
  train: boolean;
}

/**
 * `charnn runs [dir]` lists the runs in a directory (checkpoints/ by
 * default); one or more run directories (or checkpoints in them) get their
 * details and the chart of their curves (runs-details.ts).
 */
export async function runRuns(given: string[], options: RunsCommandOptions): Promise<void> {
  if (given.length === 1 && isDirectoryOfRuns(given[0]!)) return listIn(given[0]!, options, false);
  if (given.length === 0) return listIn(RUNS_DIR, options, true);
  const { runDetails } = await import('./runs-details.js');
  await runDetails(given, { ...options, width: options.width ?? null });
}

/** A directory that is neither a run nor a checkpoint: its runs are listed. */
function isDirectoryOfRuns(dir: string): boolean {
  try {
    return fs.statSync(dir).isDirectory() && !isRunDirectory(dir) && !fs.existsSync(path.join(dir, META_FILE_NAME));
  } catch {
    return false;
  }
}

async function listIn(dir: string, options: RunsCommandOptions, isDefault: boolean): Promise<void> {
  if (options.csv) throw usageError('--csv writes the loss curves of runs you name', `name them: charnn runs ${isDefault ? `${RUNS_DIR}/<run>` : `${dir}/<run>`}… --csv`);
  let stats: fs.Stats | null = null;
  try {
    stats = fs.statSync(dir);
  } catch {
    if (isDefault) {
      writeErr(`no runs yet: there is no ${escapeControls(dir)}/ here (${escapeControls(charnnCommand())} train my.txt starts one)`);
      if (options.json) await writeOut(`${safeJson({ dir, runs: [] })}\n`);
      return;
    }
    throw usageError(`${dir} does not exist`, 'pass a directory that holds run directories, e.g. checkpoints');
  }
  if (!stats.isDirectory()) throw usageError(`${dir} is a file, not a directory of runs`, 'pass a directory that holds run directories, e.g. checkpoints');
  const list = listRuns(dir);
  if (list.runs.length === 0 && !options.json) {
    writeErr(`no runs in ${escapeControls(dir)} (a run directory holds latest/ and best/; ${escapeControls(charnnCommand())} train my.txt --out ${escapeControls(dir)}/mine starts one)`);
    return;
  }
  await printRuns(dir, list, options);
}

async function printRuns(dir: string, list: RunList, options: { json: boolean; width?: number }): Promise<void> {
  if (options.json) {
    await writeOut(`${safeJson({ dir, runs: list.runs, truncated: list.truncated })}\n`);
    return;
  }
  const width = options.width ?? (process.stdout.isTTY ? process.stdout.columns || 80 : null);
  await writeOut(`${runsTable(list, Date.now(), width).join('\n')}\n`);
  if (list.truncated) writeErr(`runs: stopped after ${list.runs.length} runs; pass a smaller directory to see the rest`);
}

/**
 * `charnn info checkpoints/`: a directory that is neither a checkpoint nor a
 * run but holds runs gets the runs table (or its JSON), and a line on stderr
 * saying how to describe one. Returns false for anything else.
 */
export async function listRunsInstead(dir: string, options: { json: boolean }): Promise<boolean> {
  try {
    if (!fs.statSync(dir).isDirectory() || fs.existsSync(path.join(dir, META_FILE_NAME)) || isRunDirectory(dir)) return false;
  } catch {
    return false;
  }
  const list = listRuns(dir);
  if (list.runs.length === 0) return false;
  await printRuns(dir, list, options);
  const example = path.join(dir, list.runs[0]!.name);
  writeErr(`${escapeControls(dir)} holds ${list.runs.length === 1 ? 'one run' : `${list.runs.length} runs`}; charnn info ${escapeControls(example)} describes one`);
  return true;
}
