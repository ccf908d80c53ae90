/**
 * One trainer per run directory. While a trainer writes to a run directory
 * it holds `.charnn-lock` there (created exclusively, holding its pid, host
 * and start time); a second trainer is refused. A lock whose process is gone
 * (killed, crashed, the machine rebooted) is taken over, and the caller says
 * so.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { usageError } from '../util/errors.js';

export const LOCK_FILE = '.charnn-lock';

interface LockInfo {
  pid: number;
  host: string;
  startedAt: string;
}

export interface RunLock {
  /** The lock this one replaced, when its process had died. */
  tookOver: LockInfo | null;
  /** Removes the lock (once; later calls do nothing). */
  release(): void;
}

function readLock(file: string): LockInfo | null {
  try {
    const text = fs.readFileSync(file, 'utf8');
    const info = JSON.parse(text) as Partial<LockInfo>;
    if (typeof info.pid !== 'number' || !Number.isInteger(info.pid) || info.pid <= 0) return null;
    return { pid: info.pid, host: typeof info.host === 'string' ? info.host : '', startedAt: typeof info.startedAt === 'string' ? info.startedAt : '' };
  } catch {
    return null;
  }
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

function lockedError(shown: string, held: LockInfo) {
  const where = held.host && held.host !== os.hostname() ? ` on ${held.host}` : '';
  const since = held.startedAt ? ` since ${held.startedAt}` : '';
  return usageError(
    `${shown} is being trained by another charnn (process ${held.pid}${where}${since})`,
    'wait for it to finish or stop it, or train into another --out',
  );
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
 * Takes the lock of `runDir` (which must exist).
 * @throws CharnnError (usage) naming the process that holds it.
 */
export function lockRunDirectory(runDir: string, shown = runDir): RunLock {
  const file = path.join(runDir, LOCK_FILE);
  const mine: LockInfo = { pid: process.pid, host: os.hostname(), startedAt: new Date().toISOString() };
  let tookOver: LockInfo | null = null;
  for (let attempt = 0; ; attempt++) {
    try {
      const fd = fs.openSync(file, 'wx');
      try {
        fs.writeSync(fd, `${JSON.stringify(mine)}\n`);
      } finally {
        fs.closeSync(fd);
      }
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt >= 3) throw error;
    }
    const held = readLock(file);
    if (held && isHeld(held)) throw lockedError(shown, held);
    // A dead owner (or an unreadable lock): move it aside under a unique name — of two
    // processes taking over at once only one rename succeeds — then try again.
    tookOver = held ?? { pid: 0, host: '', startedAt: '' };
    try {
      const aside = `${file}.stale-${process.pid}`;
      fs.renameSync(file, aside);
      fs.rmSync(aside, { force: true });
    } catch {
      // Someone else took it over first: the next attempt sees their lock.
    }
  }
  let released = false;
  const release = (): void => {
    if (released) return;
    released = true;
    process.off('exit', release);
    // Only our own lock: never one a later process took over.
    if (readLock(file)?.pid === process.pid) fs.rmSync(file, { force: true });
  };
  process.on('exit', release);
  return { tookOver, release };
}
