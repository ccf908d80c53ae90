/**
 * Atomic directory replacement. A checkpoint is written completely into a
 * temporary sibling directory (files fsynced), then swapped in by renames;
 * a crash at any moment leaves either the old or the new checkpoint whole,
 * and the loader knows where to find the old one if the crash fell between
 * the two renames.
 */
import fs from 'node:fs';
import path from 'node:path';

export const PREVIOUS_SUFFIX = '.prev';

export function writeFileSynced(file: string, data: string | Uint8Array): void {
  const fd = fs.openSync(file, 'w');
  try {
    let offset = 0;
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    while (offset < bytes.length) offset += fs.writeSync(fd, bytes, offset, bytes.length - offset);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

function fsyncDirectory(dir: string): void {
  try {
    const fd = fs.openSync(dir, 'r');
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    // Some filesystems refuse fsync on directories; the renames are still atomic.
  }
}

/**
 * Writes `files` (name → contents) as directory `target`, replacing any
 * previous one only once the new one is complete.
 */
export function replaceDirectoryAtomically(target: string, files: Record<string, string | Uint8Array>): void {
  const parent = path.dirname(target);
  fs.mkdirSync(parent, { recursive: true });
  const temporary = `${target}.tmp-${process.pid}-${Date.now().toString(36)}`;
  fs.mkdirSync(temporary);
  try {
    for (const [name, data] of Object.entries(files)) writeFileSynced(path.join(temporary, name), data);
    fsyncDirectory(temporary);
  } catch (error) {
    fs.rmSync(temporary, { recursive: true, force: true });
    throw error;
  }
  const previous = target + PREVIOUS_SUFFIX;
  if (fs.existsSync(target)) {
    // A leftover .prev is only stale when the target itself is whole.
    fs.rmSync(previous, { recursive: true, force: true });
    fs.renameSync(target, previous);
  }
  fs.renameSync(temporary, target);
  fsyncDirectory(parent);
  fs.rmSync(previous, { recursive: true, force: true });
}

/** Removes temporary directories left by a crash mid-write. */
export function removeStaleTemporaries(runDir: string): void {
  if (!fs.existsSync(runDir)) return;
  for (const entry of fs.readdirSync(runDir)) {
    if (/\.tmp-\d+-[0-9a-z]+$/.test(entry)) {
      const pid = Number(entry.split('.tmp-')[1]!.split('-')[0]);
      if (pid !== process.pid && !isAlive(pid)) fs.rmSync(path.join(runDir, entry), { recursive: true, force: true });
    }
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
