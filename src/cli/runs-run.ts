/**
 * `charnn runs [dir]`: one line per run — name, cell and size, step, best
 * validation loss (nats and bits per character), training time and when it
 * last changed — newest first; --json for scripts. Every string that comes
 * from disk is printed escaped.
 */
import fs from 'node:fs';
import path from 'node:path';
import { isRunDirectory, listRuns, type RunList, type RunSummary } from '../checkpoint/runs.js';
import { META_FILE_NAME } from '../checkpoint/meta.js';
import { formatBpc, formatCount, formatDuration, formatLoss } from '../ui/shared/format.js';
import { displayWidth, padEnd, truncate } from '../util/text.js';
import { usageError } from '../util/errors.js';
import { escapeControls, safeJson } from '../util/escape.js';
import { charnnCommand } from '../util/invocation.js';
import { writeErr, writeOut } from './output.js';

export interface RunsOptions {
  json: boolean;
}

/** `5m ago`, `3h ago`, `2d ago`, then the date. */
export function formatAge(changedMs: number | null, nowMs: number): string {
  if (changedMs === null) return '–';
  const s = Math.max(0, Math.round((nowMs - changedMs) / 1000));
  if (s < 60) return 'just now';
  if (s < 3600) return `${Math.floor(s / 60)}m ago`;
  if (s < 86_400) return `${Math.floor(s / 3600)}h ago`;
  if (s < 7 * 86_400) return `${Math.floor(s / 86_400)}d ago`;
  return new Date(changedMs).toISOString().slice(0, 10);
}

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
    formatAge(r.changedMs, nowMs),
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

export async function runRuns(dir: string, options: RunsOptions, isDefault: boolean): Promise<void> {
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

async function printRuns(dir: string, list: RunList, options: RunsOptions): Promise<void> {
  if (options.json) {
    await writeOut(`${safeJson({ dir, runs: list.runs, truncated: list.truncated })}\n`);
    return;
  }
  const width = process.stdout.isTTY ? process.stdout.columns || 80 : null;
  await writeOut(`${runsTable(list, Date.now(), width).join('\n')}\n`);
  if (list.truncated) writeErr(`runs: stopped after ${list.runs.length} runs; pass a smaller directory to see the rest`);
}

/**
 * `charnn info checkpoints/`: a directory that is neither a checkpoint nor a
 * run but holds runs gets the runs table (or its JSON), and a line on stderr
 * saying how to describe one. Returns false for anything else.
 */
export async function listRunsInstead(dir: string, options: RunsOptions): Promise<boolean> {
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
