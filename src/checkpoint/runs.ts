/**
 * Finding the runs under a directory (`charnn runs`, and the hint when a
 * command is given a directory of runs instead of one). A run directory is
 * one that holds latest/ or best/ (or the .prev copy an interrupted save
 * leaves); `charnn compare` groups its runs one level deeper. Each run is
 * described from one charnn.json — latest/'s, the newest — read with the
 * same bounds and checks as any checkpoint. Nothing but directory entries
 * and that one file is read, no symbolic link is followed, and the scan
 * stops after a bounded number of entries.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { CellType } from '../model/config.js';
import { CharnnError } from '../util/errors.js';
import { lstatIfReadable, PREVIOUS_SUFFIX } from './files.js';
import { META_FILE_NAME, readMeta } from './meta.js';
import { trainerOf } from './run-lock.js';
import { BEST, LATEST } from './snapshots.js';

/** Directory entries looked at, in all, before the scan stops. */
export const MAX_SCANNED_ENTRIES = 10_000;
/** Runs described, at most. */
const MAX_RUNS = 1_000;

export interface RunSummary {
  /** The run directory, as found under the scanned one. */
  dir: string;
  /** Its path relative to the scanned directory (its name, or group/name). */
  name: string;
  cell: CellType | null;
  layers: number | null;
  hidden: number | null;
  step: number | null;
  bestValLoss: number | null;
  bestStep: number | null;
  /** Training time over all sessions. */
  elapsedMs: number | null;
  corpus: string | null;
  /** The checkpoint a fine-tuned run started from. */
  initFrom: string | null;
  /** When the described checkpoint was last written (ms since the epoch). */
  changedMs: number | null;
  /** Why the run could not be described, or null. */
  problem: string | null;
  /** The pid of the trainer writing to it now (it holds the run's lock), or null: its figures are those of its last save. */
  trainingPid: number | null;
}

export interface RunList {
  runs: RunSummary[];
  /** The scan stopped at MAX_SCANNED_ENTRIES or MAX_RUNS. */
  truncated: boolean;
}

const CHECKPOINT_NAMES = [LATEST, BEST, LATEST + PREVIOUS_SUFFIX, BEST + PREVIOUS_SUFFIX];

/** The checkpoint directories that can describe a run, best first: latest/ (newest), best/, then their .prev copies. */
export function describingCheckpoints(dir: string): string[] {
  return CHECKPOINT_NAMES.map((name) => path.join(dir, name)).filter((p) => lstatIfReadable(p)?.isDirectory());
}

/** The checkpoint directory that describes a run best, or null. */
function describingCheckpoint(dir: string): string | null {
  return describingCheckpoints(dir)[0] ?? null;
}

/** Whether `dir` is a run directory (holds latest/ or best/ or their .prev copies, as real directories). */
export function isRunDirectory(dir: string): boolean {
  return describingCheckpoint(dir) !== null;
}

function describe(dir: string, name: string): RunSummary {
  const summary: RunSummary = {
    dir, name, cell: null, layers: null, hidden: null, step: null, bestValLoss: null, bestStep: null, elapsedMs: null, corpus: null,
    initFrom: null, changedMs: null, problem: null, trainingPid: trainerOf(dir)?.pid ?? null,
  };
  const checkpoint = describingCheckpoint(dir)!;
  try {
    const meta = readMeta(checkpoint);
    summary.cell = meta.model.cell;
    summary.layers = meta.model.layers;
    summary.hidden = meta.model.hidden;
    summary.step = meta.progress.step;
    summary.bestValLoss = meta.progress.bestValLoss;
    summary.bestStep = meta.progress.bestStep;
    summary.elapsedMs = meta.progress.elapsedMs;
    summary.corpus = meta.corpus.name;
    summary.initFrom = meta.initFrom?.path ?? null;
    summary.changedMs = lstatIfReadable(path.join(checkpoint, META_FILE_NAME))?.mtimeMs ?? null;
  } catch (error) {
    if (!(error instanceof CharnnError)) throw error;
    summary.problem = error.message;
    summary.changedMs = lstatIfReadable(checkpoint)?.mtimeMs ?? null;
  }
  return summary;
}

/**
 * The run directories in `dir` (not `dir` itself) and one level down
 * (compare's groups), in name order, without reading any file.
 */
export function findRunDirectories(dir: string): { found: { dir: string; name: string }[]; truncated: boolean } {
  const found: { dir: string; name: string }[] = [];
  let scanned = 0;
  let truncated = false;
  const visit = (current: string, prefix: string, depth: number): void => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(current, { withFileTypes: true });
    } catch {
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      if (++scanned > MAX_SCANNED_ENTRIES || found.length >= MAX_RUNS) {
        truncated = true;
        return;
      }
      // Real directories only: a symbolic link could lead anywhere.
      if (!entry.isDirectory() || entry.name.startsWith('.')) continue;
      const child = path.join(current, entry.name);
      const name = prefix ? `${prefix}/${entry.name}` : entry.name;
      if (isRunDirectory(child)) found.push({ dir: child, name });
      else if (depth < 1) visit(child, name, depth + 1);
    }
  };
  visit(dir, '', 0);
  return { found, truncated };
}

/**
 * The runs in `dir`: `dir` itself when it is a run directory, else its
 * run subdirectories and theirs one level down (compare's groups), newest
 * change first. Unreadable runs are listed with their problem.
 */
export function listRuns(dir: string): RunList {
  const { found, truncated } = isRunDirectory(dir)
    ? { found: [{ dir, name: path.basename(path.resolve(dir)) }], truncated: false }
    : findRunDirectories(dir);
  const runs = found.map((r) => describe(r.dir, r.name));
  runs.sort((a, b) => (b.changedMs ?? 0) - (a.changedMs ?? 0) || (a.name < b.name ? -1 : 1));
  return { runs, truncated };
}
