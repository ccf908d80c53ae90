/**
 * `--keep N`: a run directory holds latest/ (always the newest snapshot),
 * up to N − 1 older ones as latest-<step>/ siblings, and best/. An older
 * snapshot is only renamed or removed after the new latest/ is complete on
 * disk, so a crash at any moment leaves at least the previous snapshot whole.
 */
import fs from 'node:fs';
import path from 'node:path';
import { CHECKPOINT_FILES } from './checkpoint-files.js';
import { foreignEntry, PREVIOUS_SUFFIX, removeOwnedDirectory } from './files.js';

export const LATEST = 'latest';
/** A run directory's checkpoint of its best validation so far. */
export const BEST = 'best';
const SNAPSHOT = /^latest-(\d+)$/;

interface Snapshot {
  step: number;
  dir: string;
}

/** The directory name of an older snapshot taken at `step`. */
export function snapshotName(step: number): string {
  return `${LATEST}-${step}`;
}

/** The step in an older snapshot's directory name (latest-<step>), or null for any other name. */
export function snapshotStep(name: string): number | null {
  const match = SNAPSHOT.exec(name);
  return match ? Number(match[1]) : null;
}

/** Older snapshots in a run directory (not latest/ itself), newest first. */
export function listSnapshots(runDir: string): Snapshot[] {
  if (!fs.existsSync(runDir)) return [];
  const found: Snapshot[] = [];
  for (const entry of fs.readdirSync(runDir, { withFileTypes: true })) {
    const match = SNAPSHOT.exec(entry.name);
    if (match && entry.isDirectory()) found.push({ step: Number(match[1]), dir: path.join(runDir, entry.name) });
  }
  return found.sort((a, b) => b.step - a.step);
}

/** The step a checkpoint directory was saved at, or null when its charnn.json cannot be read. */
function savedStep(dir: string): number | null {
  try {
    const step = (JSON.parse(fs.readFileSync(path.join(dir, 'charnn.json'), 'utf8')) as { progress?: { step?: unknown } }).progress?.step;
    return typeof step === 'number' && Number.isInteger(step) && step >= 0 ? step : null;
  } catch {
    return null;
  }
}

/**
 * Keeps the replaced latest/ (now at `previous`, i.e. latest.prev) as
 * latest-<step>/ when more than one snapshot is wanted, else removes it;
 * then prunes older snapshots to keep − 1.
 */
export function retirePreviousLatest(previous: string, keep: number): void {
  const runDir = path.dirname(previous);
  const step = keep > 1 ? savedStep(previous) : null;
  const name = step === null ? null : path.join(runDir, snapshotName(step));
  // A snapshot of the same step as the new latest/ (a save right after an eval) adds nothing;
  // nor can one be kept where a directory of the user's has its name.
  if (name === null || step === savedStep(path.join(runDir, LATEST)) || !isOwnCheckpoint(name)) {
    // Renamed away before it is deleted: a reader never sees it half gone.
    removeOwnedDirectory(previous, CHECKPOINT_FILES);
  } else {
    // A snapshot of this step left by an earlier run (resumed from an older one): the newer copy wins.
    removeOwnedDirectory(name, CHECKPOINT_FILES);
    fs.renameSync(previous, name);
  }
  pruneSnapshots(runDir, keep);
}

/** Whether `dir` is missing or holds nothing but a checkpoint's files (so charnn may replace or remove it). */
function isOwnCheckpoint(dir: string): boolean {
  return foreignEntry(dir, CHECKPOINT_FILES) === null;
}

/** Removes all but the newest keep − 1 latest-<step>/ directories (a directory of that name holding anything else is left alone). */
export function pruneSnapshots(runDir: string, keep: number): void {
  const own = listSnapshots(runDir).filter((snapshot) => isOwnCheckpoint(snapshot.dir));
  for (const old of own.slice(Math.max(0, keep - 1))) removeOwnedDirectory(old.dir, CHECKPOINT_FILES);
}

/** Whether a directory name is latest/, one of its snapshots, or latest.prev. */
export function isLatestName(name: string): boolean {
  return name === LATEST || name === LATEST + PREVIOUS_SUFFIX || SNAPSHOT.test(name);
}
