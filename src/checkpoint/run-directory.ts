/**
 * Choosing the run directory of a training run so that no run ever
 * replaces another's checkpoints:
 * - without --out, a default directory that already holds a run is left
 *   alone and the next free `<name>-2`, `<name>-3`, … is used;
 * - an --out that holds a run is refused (naming --resume and --force);
 *   --force starts a new run there, first removing that run's checkpoints
 *   (only directories charnn wrote, recognised by their charnn.json, and
 *   only the files a checkpoint consists of: a checkpoint holding anything
 *   else is refused, even with --force, and nothing is removed);
 * - a resumed run writes to its own run directory.
 * The chosen directory is locked (run-lock.ts) and cleaned of temporaries
 * that crashed trainers left.
 */
import fs from 'node:fs';
import path from 'node:path';
import { usageError } from '../util/errors.js';
import { CHECKPOINT_FILES } from './checkpoint-files.js';
import { checkOwnedDirectory, checkWritableDirectory, PREVIOUS_SUFFIX, removeOwnedDirectory, removeStaleTemporaries } from './files.js';
import { MAX_META_BYTES } from './meta.js';
import { checkNotLocked, lockRunDirectory } from './run-lock.js';
import { BEST, LATEST } from './snapshots.js';

/** Directory names a run writes: best/, latest/, their .prev copies and latest-<step>/. */
const CHECKPOINT_NAME = new RegExp(`^(?:(?:${BEST}|${LATEST})(?:\\${PREVIOUS_SUFFIX})?|${LATEST}-\\d+)$`);

/** The step of the charnn checkpoint in `dir`, -1 when it is one but unreadable, null when it is no charnn checkpoint. */
function checkpointStep(dir: string): number | null {
  try {
    const file = path.join(dir, 'charnn.json');
    const stats = fs.lstatSync(file);
    if (!stats.isFile() || stats.size > MAX_META_BYTES) return null;
    const meta = JSON.parse(fs.readFileSync(file, 'utf8')) as { format?: unknown; progress?: { step?: unknown } };
    if (meta.format !== 'charnn-checkpoint') return null;
    const step = meta.progress?.step;
    return typeof step === 'number' && Number.isInteger(step) ? step : -1;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT' ? null : -1;
  }
}

interface RunFound {
  /** The newest step among the run's checkpoints (-1 when none could be read). */
  step: number;
  /** Its checkpoint directories. */
  checkpoints: string[];
}

/**
 * The run a directory holds, or null.
 * @throws CharnnError (usage) when a checkpoint name (best/, latest/, …) is taken by something charnn did not write.
 */
export function runIn(dir: string, shown = dir): RunFound | null {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return null;
  }
  const checkpoints: string[] = [];
  let step = -1;
  for (const entry of entries) {
    if (!CHECKPOINT_NAME.test(entry.name)) continue;
    const full = path.join(dir, entry.name);
    // A .prev copy may be half-removed after a crash: the name alone is charnn's.
    const found = entry.isDirectory() ? (checkpointStep(full) ?? (entry.name.endsWith(PREVIOUS_SUFFIX) ? -1 : null)) : null;
    if (found === null) {
      throw usageError(
        `${path.join(shown, entry.name)} exists and is not a charnn checkpoint; a run would replace it`,
        'move it away, or train into another --out',
      );
    }
    checkpoints.push(full);
    step = Math.max(step, found);
  }
  return checkpoints.length > 0 ? { step, checkpoints } : null;
}

const describeRun = (run: RunFound): string => (run.step >= 0 ? `a run (at step ${run.step.toLocaleString('en-US')})` : 'a run');

export interface RunDirectoryRequest {
  /** --out as given, or null. */
  given: string | null;
  /** Where a new run goes without --out (e.g. checkpoints/<corpus>-<cell>). */
  fallback: string;
  /** The run directory of the checkpoint being resumed, or null for a new run. */
  resuming: string | null;
  /** The checkpoint being resumed and its step (a resume from best/ or an older snapshot must not replace a newer latest/). */
  resumedFrom?: { dir: string; step: number };
  /** --force: a new run may replace the run in --out. */
  force: boolean;
}

export interface ClaimedRunDirectory {
  /** Absolute path. */
  dir: string;
  /** What the user should know (a fresh directory was picked, a run was replaced, a lock taken over). */
  notes: string[];
  release(): void;
}

/**
 * Decides, creates, locks and cleans the run directory of a training run.
 * @throws CharnnError (usage) when --out holds another run, the directory is locked by another trainer, or it cannot be written.
 */
export function claimRunDirectory(request: RunDirectoryRequest): ClaimedRunDirectory {
  const { given, fallback, resuming, force } = request;
  if (given === null && resuming === null) return claimFresh(fallback);
  const shown = given ?? resuming!;
  const dir = path.resolve(shown);
  const ownRun = resuming !== null && path.resolve(resuming) === dir;
  const notes: string[] = [];
  checkNotLocked(dir, shown);
  if (ownRun && request.resumedFrom) checkNotBehindLatest(dir, shown, request.resumedFrom, force);
  const before = ownRun ? null : runIn(dir, shown);
  if (before && !force) {
    throw usageError(
      `${shown} already holds ${describeRun(before)}`,
      `continue it with --resume ${shown}, or pass --force to start a new run there and replace its checkpoints`,
    );
  }
  checkWritableDirectory(dir);
  const lock = lockRunDirectory(dir, shown);
  try {
    if (lock.tookOver) notes.push(tookOverNote(shown, lock.tookOver.pid));
    removeStaleTemporaries(dir);
    // Checked again under the lock: a run may have been written there meanwhile.
    const run = ownRun ? null : runIn(dir, shown);
    if (run && !force) {
      throw usageError(`${shown} already holds ${describeRun(run)}`, `continue it with --resume ${shown}, or pass --force to start a new run there and replace its checkpoints`);
    }
    if (ownRun) checkOwnCheckpoints(dir, shown);
    if (run) {
      // All are checked before any is removed: a refusal leaves the run whole.
      for (const checkpoint of run.checkpoints) {
        checkOwnedDirectory(checkpoint, CHECKPOINT_FILES, '--force would delete it', 'move it away, or train into another --out', path.join(shown, path.basename(checkpoint)));
      }
      for (const checkpoint of run.checkpoints) removeOwnedDirectory(checkpoint, CHECKPOINT_FILES);
      notes.push(`--force: this new run replaces ${describeRun(run)} in ${shown}, whose checkpoints were removed`);
    }
  } catch (error) {
    lock.release();
    throw error;
  }
  return { dir, notes, release: lock.release };
}

/**
 * A resumed run replaces latest/ and best/ (and a .prev a crash left) at its
 * saves: anything in them that charnn did not write is refused now, before
 * training, rather than deleted then.
 */
function checkOwnCheckpoints(dir: string, shown: string): void {
  for (const name of [LATEST, BEST, LATEST + PREVIOUS_SUFFIX, BEST + PREVIOUS_SUFFIX]) {
    checkOwnedDirectory(path.join(dir, name), CHECKPOINT_FILES, 'the run would delete it when it saves', 'move it away, or resume into another --out', path.join(shown, name));
  }
}

/**
 * Resuming from best/ (or an older latest-<step>/) into the run's own
 * directory would replace a newer latest/ at its first save: the steps
 * after the resumed one would be lost. Refused unless --force.
 */
function checkNotBehindLatest(dir: string, shown: string, from: { dir: string; step: number }, force: boolean): void {
  const latest = path.join(dir, LATEST);
  if (force || path.resolve(from.dir) === latest || path.resolve(from.dir) === latest + PREVIOUS_SUFFIX) return;
  const step = checkpointStep(latest);
  if (step === null || step <= from.step) return;
  throw usageError(
    `${path.join(shown, LATEST)} is at step ${step.toLocaleString('en-US')}, newer than ${from.dir} (step ${from.step.toLocaleString('en-US')}); resuming there would replace it`,
    `resume the newest state with --resume ${shown}, write the continuation elsewhere with --out <dir>, or pass --force to replace it`,
  );
}

function tookOverNote(shown: string, pid: number): string {
  return `${shown} was locked by process ${pid}, which is no longer running; took the lock over`;
}

/** The default directory, or the first of `<name>-2`, `<name>-3`, … that holds no run and no other trainer. */
function claimFresh(fallback: string): ClaimedRunDirectory {
  let firstTaken: { shown: string; run: RunFound | null } | null = null;
  for (let n = 1; ; n++) {
    const shown = n === 1 ? fallback : `${fallback}-${n}`;
    const dir = path.resolve(shown);
    try {
      checkNotLocked(dir, shown);
    } catch {
      firstTaken ??= { shown, run: null };
      continue;
    }
    const run = runIn(dir, shown);
    if (run) {
      firstTaken ??= { shown, run };
      continue;
    }
    checkWritableDirectory(dir);
    let lock;
    try {
      lock = lockRunDirectory(dir, shown);
    } catch (error) {
      if (n > 1000) throw error;
      firstTaken ??= { shown, run: null };
      continue;
    }
    const now = runIn(dir, shown);
    if (now) {
      lock.release();
      firstTaken ??= { shown, run: now };
      continue;
    }
    const notes: string[] = [];
    if (lock.tookOver) notes.push(tookOverNote(shown, lock.tookOver.pid));
    removeStaleTemporaries(dir);
    if (firstTaken) {
      notes.push(
        firstTaken.run
          ? `${firstTaken.shown} holds ${describeRun(firstTaken.run)}; this run writes to ${shown} (continue that one with --resume ${firstTaken.shown})`
          : `${firstTaken.shown} is being trained by another charnn; this run writes to ${shown}`,
      );
    }
    return { dir, notes, release: lock.release };
  }
}
