/**
 * One trainer per run directory. While a trainer writes to a run directory
 * it holds `.charnn-lock` there (holding its pid, host and start time); a
 * second trainer is refused. A lock whose process is gone (killed, crashed,
 * the machine rebooted) is taken over, and the caller says so.
 *
 * Every step is atomic, so of any number of trainers starting at once
 * exactly one holds the lock:
 * - a lock appears whole: its contents are written to a temporary file that
 *   is then hard-linked to `.charnn-lock` (link fails if the name exists), so
 *   nobody ever reads a half-written lock and takes it for a dead one;
 * - a dead lock is taken over through a claim: `.charnn-lock.takeover-<id>-<n>`,
 *   where <id> names that very lock file (device, inode, contents), created
 *   exclusively. Only the creator of the claim may replace the dead lock, and
 *   only after checking it is still that same lock; it then renames its own
 *   lock over it. A taker that crashes holding a claim cannot wedge the
 *   directory: the others see the claim's process gone (or the claim older
 *   than a minute, should its pid have been reused) and race for claim
 *   <n + 1> of the same lock, again with exactly one winner.
 * Whoever holds the lock removes the claims (all of them name locks that no
 * longer exist, so a late taker's check fails and it starts over).
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { usageError } from '../util/errors.js';
import { temporaryName } from './files.js';

export const LOCK_FILE = '.charnn-lock';
const CLAIM_PREFIX = `${LOCK_FILE}.takeover-`;
/** Largest lock or claim file read. */
const MAX_LOCK_BYTES = 4096;
/** How long a taker waits for another live taker to finish (it has a few system calls to make). */
const WAIT_MS = 20_000;
/** A lock or claim that cannot be parsed is taken for one being written (non-atomic file systems) this long. */
const WRITING_MS = 5_000;
/**
 * A claim is held for a few system calls; one older than this is abandoned
 * even if a process of its pid runs (the pid reused after a crash or reboot).
 */
const CLAIM_MS = 60_000;

interface LockInfo {
  pid: number;
  host: string;
  startedAt: string;
}

interface RunLock {
  /** The lock this one replaced, when its process had died. */
  tookOver: LockInfo | null;
  /** Removes the lock (once; later calls do nothing). */
  release(): void;
}

/** A lock (or claim) file as read: what it says, and what identifies this very file. */
interface ReadLock {
  info: LockInfo | null;
  /** Not a regular file (a directory, a link): nothing charnn wrote, never replaced. */
  foreign: boolean;
  /** Device, inode and a hash of the contents: a replaced lock never has the id of the one it replaced. */
  id: string;
  mtimeMs: number;
}

function parseLock(text: string): LockInfo | null {
  try {
    const info = JSON.parse(text) as Partial<LockInfo>;
    if (typeof info.pid !== 'number' || !Number.isInteger(info.pid) || info.pid <= 0) return null;
    return { pid: info.pid, host: typeof info.host === 'string' ? info.host : '', startedAt: typeof info.startedAt === 'string' ? info.startedAt : '' };
  } catch {
    return null;
  }
}

/** Reads a lock or claim file (a regular file, bounded), or null when there is none. */
function readLockFile(file: string): ReadLock | null {
  let fd: number;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | (fs.constants.O_NOFOLLOW ?? 0) | (fs.constants.O_NONBLOCK ?? 0));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return null;
    return { info: null, foreign: true, id: `unreadable-${code ?? 'error'}`, mtimeMs: 0 };
  }
  try {
    const stats = fs.fstatSync(fd);
    if (!stats.isFile()) return { info: null, foreign: true, id: 'foreign', mtimeMs: 0 };
    const bytes = Buffer.alloc(Math.min(stats.size, MAX_LOCK_BYTES));
    const got = bytes.length > 0 ? fs.readSync(fd, bytes, 0, bytes.length, 0) : 0;
    const text = bytes.subarray(0, got).toString('utf8');
    const id = crypto.createHash('sha256').update(`${stats.dev}:${stats.ino}:${text}`).digest('hex').slice(0, 24);
    return { info: parseLock(text), foreign: false, id, mtimeMs: stats.mtimeMs };
  } finally {
    fs.closeSync(fd);
  }
}

function readLock(file: string): LockInfo | null {
  return readLockFile(file)?.info ?? null;
}

/** Whether the process that wrote `lock` may still be running (another host cannot be checked: yes). */
function isHeld(lock: LockInfo): boolean {
  if (lock.host !== '' && lock.host !== os.hostname()) return true;
  if (lock.pid === process.pid) return true;
  try {
    process.kill(lock.pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Whether a lock or claim file may belong to a live process (one that cannot be parsed counts while it may be being written). */
function isLive(read: ReadLock): boolean {
  if (read.info) return isHeld(read.info);
  return Date.now() - read.mtimeMs < WRITING_MS;
}

function lockedError(shown: string, held: LockInfo) {
  const where = held.host && held.host !== os.hostname() ? ` on ${held.host}` : '';
  const since = held.startedAt ? ` since ${held.startedAt}` : '';
  return usageError(
    `${shown} is being trained by another charnn (process ${held.pid}${where}${since})`,
    'wait for it to finish or stop it, or train into another --out',
  );
}

/** The live trainer holding `runDir`'s lock (a run being trained now), or null. Reads one bounded file, follows no link. */
export function trainerOf(runDir: string): LockInfo | null {
  const held = readLock(path.join(runDir, LOCK_FILE));
  return held && isHeld(held) ? held : null;
}

/**
 * Refuses a run directory another live trainer holds, before anything else
 * about it is looked at (its checkpoints may be half-way through a swap).
 */
export function checkNotLocked(runDir: string, shown = runDir): void {
  const held = readLock(path.join(runDir, LOCK_FILE));
  if (held && isHeld(held)) throw lockedError(shown, held);
}

/**
 * Creates `file` holding `text`, whole, only if no such name exists: a hard
 * link to a complete temporary file (where a file system has no hard links,
 * an exclusive create and a write, which readers tolerate for WRITING_MS).
 * @returns false when the name exists
 */
function createWhole(file: string, text: string): boolean {
  const temporary = temporaryName(file);
  fs.writeFileSync(temporary, text, { flag: 'wx' });
  try {
    fs.linkSync(temporary, file);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'ENOSYS' && code !== 'EXDEV') throw error;
  } finally {
    fs.rmSync(temporary, { force: true });
  }
  try {
    fs.writeFileSync(file, text, { flag: 'wx' });
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Removes the takeover claims in `runDir` (those of other locks than the one now held). */
function removeClaims(runDir: string): void {
  let entries: string[];
  try {
    entries = fs.readdirSync(runDir);
  } catch {
    return;
  }
  for (const entry of entries) {
    if (!entry.startsWith(CLAIM_PREFIX)) continue;
    try {
      fs.unlinkSync(path.join(runDir, entry));
    } catch {
      // Gone already, or not a file: nothing of a lock's.
    }
  }
}

/**
 * Tries to replace the dead lock `stale` (as read) with `mine`.
 * @returns 'won', or 'again' when the lock changed or another live taker is at work (the caller looks afresh)
 */
function takeOver(file: string, stale: ReadLock, mine: string): 'won' | 'again' {
  for (let n = 0; n < 1000; n++) {
    const claim = `${file}.takeover-${stale.id}-${n}`;
    if (!createWhole(claim, mine)) {
      const owner = readLockFile(claim);
      // Its owner is alive (at work) or it was removed by a lock holder: look afresh.
      if (owner === null || (isLive(owner) && Date.now() - owner.mtimeMs < CLAIM_MS)) return 'again';
      continue; // Its taker died holding it: race for the next claim.
    }
    // The claim is ours alone: replace the lock if it is still the dead one.
    const now = readLockFile(file);
    if (now === null || now.id !== stale.id) {
      fs.rmSync(claim, { force: true });
      return 'again';
    }
    const fresh = temporaryName(file);
    fs.writeFileSync(fresh, mine, { flag: 'wx' });
    try {
      fs.renameSync(fresh, file);
    } catch (error) {
      fs.rmSync(fresh, { force: true });
      throw error;
    }
    return 'won';
  }
  return 'again';
}

/**
 * Takes the lock of `runDir` (which must exist).
 * @throws CharnnError (usage) naming the process that holds it.
 */
export function lockRunDirectory(runDir: string, shown = runDir): RunLock {
  const file = path.join(runDir, LOCK_FILE);
  const info: LockInfo = { pid: process.pid, host: os.hostname(), startedAt: new Date().toISOString() };
  const mine = `${JSON.stringify({ ...info, nonce: crypto.randomBytes(8).toString('hex') })}\n`;
  let tookOver: LockInfo | null = null;
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    if (createWhole(file, mine)) break;
    const held = readLockFile(file);
    if (held === null) {
      // Released meanwhile: try again.
    } else if (held.info && isHeld(held.info)) {
      throw lockedError(shown, held.info);
    } else if (held.foreign) {
      throw usageError(`${path.join(shown, LOCK_FILE)} is not a lock charnn can read (a directory, a link or an unreadable file)`, 'move it away, or train into another --out');
    } else if (!held.info && isLive(held)) {
      // Being written on a file system without hard links.
    } else if (takeOver(file, held, mine) === 'won') {
      tookOver = held.info ?? { pid: 0, host: '', startedAt: '' };
      break;
    }
    if (Date.now() > deadline) {
      throw usageError(`${shown}: could not take the lock ${LOCK_FILE} (another charnn is taking it over)`, 'try again, or train into another --out');
    }
    sleep(5 + Math.random() * 20);
  }
  removeClaims(runDir);
  let released = false;
  const release = (): void => {
    if (released) return;
    released = true;
    process.off('exit', release);
    // Only our own lock: never one a later process took over.
    const now = readLock(file);
    if (now?.pid === process.pid && now.startedAt === info.startedAt) fs.rmSync(file, { force: true });
  };
  process.on('exit', release);
  return { tookOver, release };
}
