/**
 * The checkpoints a run directory holds — best/, latest/ and the older
 * latest-<step>/ snapshots `--keep N` leaves — and the `run@step` way of
 * naming one (`run@2000`, `run@best`, `run@latest`) that every command
 * taking a checkpoint accepts. Only real directories with charnn's names
 * count: a symbolic link is never followed out of a run directory.
 */
import fs from 'node:fs';
import path from 'node:path';
import { CharnnError, usageError } from '../util/errors.js';
import { lstatIfReadable, PREVIOUS_SUFFIX } from './files.js';
import { META_FILE_NAME, readMeta } from './meta.js';
import { BEST, LATEST, snapshotName, snapshotStep } from './snapshots.js';

/** Checkpoints of one run described, at most (newest first). */
export const MAX_CHECKPOINTS = 1_000;
/** Entries of a run directory looked at, at most. */
const MAX_SCANNED_ENTRIES = 10_000;

export interface SavedCheckpoint {
  /** Its directory name in the run: best, latest, latest-<step>, or a .prev copy an interrupted save left. */
  name: string;
  dir: string;
  step: number | null;
  /** The validation loss measured at its step, or null (saved without an evaluation there). */
  valLoss: number | null;
  /** When its charnn.json was written (ms since the epoch). */
  changedMs: number | null;
  /** Why it could not be read, or null. */
  problem: string | null;
}

/** Whether a directory name is one a run writes for a checkpoint. */
function isCheckpointName(name: string): boolean {
  const base = name.endsWith(PREVIOUS_SUFFIX) ? name.slice(0, -PREVIOUS_SUFFIX.length) : name;
  return base === BEST || base === LATEST || (snapshotStep(name) !== null);
}

/** Reads one checkpoint's step and the validation loss at that step. */
function describeCheckpoint(dir: string): SavedCheckpoint {
  const found: SavedCheckpoint = { name: path.basename(dir), dir, step: null, valLoss: null, changedMs: null, problem: null };
  try {
    const meta = readMeta(dir);
    found.step = meta.progress.step;
    const last = meta.history.val.at(-1);
    found.valLoss = last !== undefined && last[0] === meta.progress.step && Number.isFinite(last[1]) ? last[1] : null;
    found.changedMs = lstatIfReadable(path.join(dir, META_FILE_NAME))?.mtimeMs ?? null;
  } catch (error) {
    if (!(error instanceof CharnnError)) throw error;
    found.problem = error.message;
  }
  return found;
}

/** Checkpoint directories of a run: [name, full path], real directories only, latest-<step>/ newest first. */
function checkpointDirs(runDir: string): { dirs: [string, string][]; truncated: boolean } {
  const names: string[] = [];
  let scanned = 0;
  let scanStopped = false;
  let opened: fs.Dir | null = null;
  try {
    opened = fs.opendirSync(runDir);
    for (let entry = opened.readSync(); entry !== null; entry = opened.readSync()) {
      if (++scanned > MAX_SCANNED_ENTRIES) {
        scanStopped = true;
        break;
      }
      if (isCheckpointName(entry.name)) names.push(entry.name);
    }
  } catch {
    return { dirs: [], truncated: false };
  } finally {
    opened?.closeSync();
  }
  const rank = (name: string): number => (name.startsWith(LATEST) && snapshotStep(name) === null ? 0 : name.startsWith(BEST) ? 1 : 2);
  names.sort((a, b) => rank(a) - rank(b) || (snapshotStep(b) ?? 0) - (snapshotStep(a) ?? 0) || (a < b ? -1 : 1));
  const dirs = names.filter((name) => lstatIfReadable(path.join(runDir, name))?.isDirectory()).map((name): [string, string] => [name, path.join(runDir, name)]);
  return { dirs: dirs.slice(0, MAX_CHECKPOINTS), truncated: scanStopped || dirs.length > MAX_CHECKPOINTS };
}

/**
 * Every checkpoint of a run with its step and validation loss: latest/,
 * best/, then the older snapshots newest first (each charnn.json read with
 * the loader's bounds and checks; an unreadable one says why).
 */
export function listRunCheckpoints(runDir: string): { checkpoints: SavedCheckpoint[]; truncated: boolean } {
  const { dirs, truncated } = checkpointDirs(runDir);
  return { checkpoints: dirs.map(([, dir]) => describeCheckpoint(dir)), truncated };
}

/** What `run@…` names: a step, or best/ or latest/. */
type CheckpointReference = number | 'best' | 'latest';

/** Splits `run@2000` (or `run@best`, `run@latest`) at its last @; null when `given` has no @ after a non-empty path. */
export function splitReference(given: string): { run: string; reference: string } | null {
  const trimmed = given.length > 1 ? given.replace(/[\\/]+$/, '') : given;
  const at = trimmed.lastIndexOf('@');
  if (at <= 0 || at === trimmed.length - 1) return null;
  return { run: trimmed.slice(0, at), reference: trimmed.slice(at + 1) };
}

function parseReference(text: string): CheckpointReference | null {
  if (text === BEST || text === LATEST) return text;
  return /^\d{1,15}$/.test(text) ? Number(text) : null;
}

const count = (n: number): string => n.toLocaleString('en-US');

/** The steps on disk for the error of a missing one: `3,000 (latest, best), 2,000, 1,500`. */
function stepsOnDisk(runDir: string): string {
  const labels = new Map<number, string[]>();
  for (const [name, dir] of checkpointDirs(runDir).dirs) {
    const step = snapshotStep(name) ?? describeCheckpoint(dir).step;
    if (step === null) continue;
    const list = labels.get(step) ?? [];
    if (snapshotStep(name) === null) list.push(name);
    labels.set(step, list);
  }
  const steps = [...labels].sort((a, b) => b[0] - a[0]).map(([step, names]) => `${count(step)}${names.length > 0 ? ` (${names.join(', ')})` : ''}`);
  return steps.length > 0 ? steps.join(', ') : 'none readable';
}

/** `name` in the run directory (or its .prev copy) when it is a real directory holding charnn.json. */
function existingCheckpoint(runDir: string, name: string, given: string): string | null {
  for (const candidate of [name, name + PREVIOUS_SUFFIX]) {
    const full = path.join(runDir, candidate);
    const stats = lstatIfReadable(full);
    if (stats?.isSymbolicLink()) {
      throw usageError(`run directory ${given} is damaged: ${candidate} is a symbolic link`, 'pass the checkpoint directory itself, or use another run directory');
    }
    if (stats?.isDirectory() && fs.existsSync(path.join(full, META_FILE_NAME))) return full;
  }
  return null;
}

/**
 * The checkpoint directory `given` names with `run@step`, `run@best` or
 * `run@latest`, or null when `given` is not of that form (the caller has
 * already found that no file or directory is called `given`: an existing
 * path always wins over the @ syntax).
 * @throws CharnnError (usage) when the run or the step is not there, naming the steps that are.
 */
export function resolveReference(given: string): string | null {
  const split = splitReference(given);
  if (split === null) return null;
  const runStats = (() => {
    try {
      return fs.statSync(split.run);
    } catch {
      return null;
    }
  })();
  if (runStats === null) return null;
  const reference = parseReference(split.reference);
  if (!runStats.isDirectory()) throw usageError(`${split.run} is a file, not a run directory (in ${given})`, 'name a run directory written by charnn train before the @');
  if (reference === null) {
    throw usageError(`${given} does not exist, and "${split.reference}" after the @ is no step`, `name a checkpoint of the run as ${split.run}@<step>, ${split.run}@best or ${split.run}@latest`);
  }
  const runDir = split.run;
  if (checkpointDirs(runDir).dirs.length === 0) {
    throw usageError(`${split.run} holds no run (no best/ or latest/), so ${given} names no checkpoint`, 'name a run directory written by charnn train before the @; charnn runs lists them');
  }
  // A save renames latest/ away and the new one in, then the old one to latest-<step>/: a look
  // that fell between two renames looks again.
  const found = findReferenced(runDir, reference, split.run) ?? findReferenced(runDir, reference, split.run);
  if (found) return path.resolve(found);
  if (reference === BEST || reference === LATEST) {
    throw usageError(
      `${split.run} has no ${reference}/${reference === BEST ? ' (no evaluation has finished yet)' : ''}; its checkpoints are at steps ${stepsOnDisk(runDir)}`,
      `name one of them as ${split.run}@<step>`,
    );
  }
  throw usageError(
    `${split.run} has no checkpoint of step ${count(reference)}; the steps on disk: ${stepsOnDisk(runDir)}`,
    `name one of them as ${split.run}@<step>; train with --keep N to keep more snapshots`,
  );
}

function findReferenced(runDir: string, reference: CheckpointReference, shown: string): string | null {
  if (reference === BEST || reference === LATEST) return existingCheckpoint(runDir, reference, shown);
  const snapshot = existingCheckpoint(runDir, snapshotName(reference), shown);
  if (snapshot) return snapshot;
  for (const name of [LATEST, LATEST + PREVIOUS_SUFFIX, BEST, BEST + PREVIOUS_SUFFIX]) {
    const dir = path.join(runDir, name);
    if (lstatIfReadable(dir)?.isDirectory() && describeCheckpoint(dir).step === reference) return dir;
  }
  return null;
}
