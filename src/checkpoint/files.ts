/**
 * Atomic directory replacement. A checkpoint is written completely into a
 * temporary sibling directory (files fsynced), then swapped in by renames;
 * a crash at any moment leaves either the old or the new checkpoint whole,
 * and the loader knows where to find the old one if the crash fell between
 * the two renames.
 */
import fs from 'node:fs';
import path from 'node:path';
import { runtimeError, usageError } from '../util/errors.js';

export const PREVIOUS_SUFFIX = '.prev';

function writeFileSynced(file: string, data: string | Uint8Array): void {
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

/**
 * `mkdir -p` that cannot loop: Node's recursive mkdirSync retries forever
 * where a file system refuses with ENOENT although the parent exists (under
 * /proc). Each missing component is created once; any refusal is thrown.
 */
export function makeDirectory(dir: string): void {
  const missing: string[] = [];
  let current = path.resolve(dir);
  while (!fs.existsSync(current)) {
    missing.push(current);
    const parent = path.dirname(current);
    if (parent === current) break;
    current = parent;
  }
  for (const component of missing.reverse()) {
    try {
      fs.mkdirSync(component);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
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
 * Temporaries live in a name space of their own: `.charnn-tmp-<pid>-<random>-<name>`.
 * Nobody else names files so, which is what lets start-up cleanup remove
 * them — unlike a pattern such as `*.tmp-*`, which a user's own folder
 * (`photos.tmp-2024-backup/`) can match. The name carries the proof from the
 * first instant to the last, so a crash at any moment leaves nothing
 * unrecognised.
 */
const TEMPORARY_PREFIX = '.charnn-tmp-';
const TEMPORARY = /^\.charnn-tmp-(\d+)-[0-9a-z]+-/;

/** Name of a temporary sibling of `target`; removeStaleTemporaries recognises it once its process is gone. */
export function temporaryName(target: string): string {
  const unique = `${Date.now().toString(36)}${Math.floor(Math.random() * 36 ** 4).toString(36)}`;
  return path.join(path.dirname(target), `${TEMPORARY_PREFIX}${process.pid}-${unique}-${path.basename(target)}`);
}

/** What charnn may find in a directory it wrote: regular files of these names, nothing else. */
export type OwnedFiles = ReadonlySet<string>;

/** Something in a directory that charnn did not write: the path (relative, '' for the directory itself) and what it is. */
interface ForeignEntry {
  name: string;
  what: string;
}

/** An entry's lstat, or null when it cannot be read at all (missing, no permission): for listings, which skip such entries. */
export function lstatIfReadable(p: string): fs.Stats | null {
  try {
    return fs.lstatSync(p);
  } catch {
    return null;
  }
}

function lstatOrNull(file: string): fs.Stats | null {
  try {
    return fs.lstatSync(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return null;
    throw error;
  }
}

function kindOf(stats: fs.Stats): string {
  if (stats.isDirectory()) return 'a directory';
  if (stats.isSymbolicLink()) return 'a symbolic link';
  if (stats.isFile()) return 'a file';
  return 'not a regular file';
}

/**
 * The first entry of `dir` that is not one of charnn's files (a regular file
 * named in `owned`), or null when every entry is — or `dir` is missing.
 * `dir` itself must be a real directory (not a link to one).
 */
export function foreignEntry(dir: string, owned: OwnedFiles): ForeignEntry | null {
  const stats = lstatOrNull(dir);
  if (stats === null) return null;
  if (!stats.isDirectory()) return { name: '', what: kindOf(stats) };
  for (const name of fs.readdirSync(dir).sort()) {
    const entry = lstatOrNull(path.join(dir, name));
    if (entry === null) continue;
    if (!entry.isFile()) return { name, what: kindOf(entry) };
    if (!owned.has(name)) return { name, what: 'a file' };
  }
  return null;
}

/**
 * Refuses (usage error, nothing touched) to go on when `dir` holds anything
 * charnn did not write: `consequence` says what would happen to it.
 */
export function checkOwnedDirectory(dir: string, owned: OwnedFiles, consequence: string, hint = 'move it away', shown = dir): void {
  const foreign = foreignEntry(dir, owned);
  if (foreign === null) return;
  const where = foreign.name === '' ? shown : path.join(shown, foreign.name);
  throw usageError(`${where} is ${foreign.what} charnn did not write; ${consequence}`, hint);
}

/**
 * Removes a directory charnn wrote, and only that: every entry must be a
 * regular file named in `owned` (checked first; anything else is refused
 * and nothing is removed). It is first renamed to a temporary name, so a
 * crash half-way never leaves a partial directory under its real name;
 * then its files are unlinked one by one (never `rm -r`), and should
 * something else have appeared in it meanwhile, the directory goes back
 * where it was, untouched.
 */
export function removeOwnedDirectory(dir: string, owned: OwnedFiles, shown = dir): void {
  if (lstatOrNull(dir) === null) return;
  checkOwnedDirectory(dir, owned, 'charnn would have to delete it', 'move it away', shown);
  const doomed = temporaryName(dir);
  fs.renameSync(dir, doomed);
  for (const name of fs.readdirSync(doomed)) {
    const file = path.join(doomed, name);
    if (owned.has(name) && lstatOrNull(file)?.isFile()) fs.unlinkSync(file);
  }
  try {
    fs.rmdirSync(doomed);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOTEMPTY' && code !== 'EEXIST') throw error;
    // Back under its name, or (that name taken meanwhile) under one no cleanup ever removes.
    let back = dir;
    try {
      fs.renameSync(doomed, dir);
    } catch {
      back = `${dir}.kept-${Date.now().toString(36)}`;
      fs.renameSync(doomed, back);
    }
    throw usageError(`${shown} received files charnn did not write while it was being removed; they are left in ${back}`, 'move them away and run again');
  }
}

/**
 * Writes `files` into the existing directory `dir`, which also holds files
 * that are not ours: all of them are first written completely (fsynced) into
 * a temporary sibling, then each is renamed into place. A full disk fails
 * before anything in `dir` changed. Only regular files are ever replaced:
 * a directory, a link or a device under one of the names is refused.
 */
export function replaceFilesInDirectory(dir: string, files: Record<string, string | Uint8Array>): void {
  const temporary = temporaryName(dir);
  fs.mkdirSync(temporary);
  try {
    for (const [name, data] of Object.entries(files)) writeFileSynced(path.join(temporary, name), data);
    fsyncDirectory(temporary);
    // A rename replaces whatever has the name: only ever a regular file (the caller's, from an earlier write).
    for (const name of Object.keys(files)) {
      const existing = lstatOrNull(path.join(dir, name));
      if (existing && !existing.isFile()) throw usageError(`${path.join(dir, name)} is ${kindOf(existing)} charnn did not write; writing ${name} would replace it`, 'move it away');
    }
    for (const name of Object.keys(files)) fs.renameSync(path.join(temporary, name), path.join(dir, name));
    fsyncDirectory(dir);
  } finally {
    fs.rmSync(temporary, { recursive: true, force: true });
  }
}

interface ReplaceOptions {
  /**
   * Called with the previous directory (renamed to `<target>.prev`) once the
   * new one is in place, instead of deleting it — e.g. to keep it as a
   * snapshot. It must move or remove it.
   */
  retirePrevious?: (previous: string) => void;
}

/**
 * Writes `files` (name → contents) as directory `target`, replacing any
 * previous one only once the new one is complete. The previous directory
 * (and a `<target>.prev` a crash left) may hold only files of the names
 * written now: anything else there is refused before anything is written,
 * never deleted.
 */
export function replaceDirectoryAtomically(target: string, files: Record<string, string | Uint8Array>, options: ReplaceOptions = {}): void {
  const parent = path.dirname(target);
  const owned: OwnedFiles = new Set(Object.keys(files));
  const previous = target + PREVIOUS_SUFFIX;
  for (const dir of [target, previous]) checkOwnedDirectory(dir, owned, `replacing ${target} would delete it`);
  makeDirectory(parent);
  const temporary = temporaryName(target);
  fs.mkdirSync(temporary);
  try {
    for (const [name, data] of Object.entries(files)) writeFileSynced(path.join(temporary, name), data);
    fsyncDirectory(temporary);
  } catch (error) {
    fs.rmSync(temporary, { recursive: true, force: true });
    throw error;
  }
  if (fs.existsSync(target)) {
    // A leftover .prev is only stale when the target itself is whole.
    removeOwnedDirectory(previous, owned);
    fs.renameSync(target, previous);
  }
  fs.renameSync(temporary, target);
  fsyncDirectory(parent);
  if (!fs.existsSync(previous)) return;
  if (options.retirePrevious) options.retirePrevious(previous);
  // Renamed away first: a reader that found the .prev (latest/ was missing for a
  // moment) then sees it vanish and looks again, never a half-deleted directory.
  else removeOwnedDirectory(previous, owned);
}

/** Removes the temporaries (files or directories) that charnn processes no longer running left in `dir`. */
export function removeStaleTemporaries(dir: string): void {
  if (!fs.existsSync(dir)) return;
  for (const entry of fs.readdirSync(dir)) {
    const match = TEMPORARY.exec(entry);
    if (!match) continue;
    const pid = Number(match[1]);
    if (pid !== process.pid && !isAlive(pid)) fs.rmSync(path.join(dir, entry), { recursive: true, force: true });
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

/** The nearest existing ancestor of `dir` (or `dir` itself). */
function nearestExisting(dir: string): string {
  let current = dir;
  while (!fs.existsSync(current) && path.dirname(current) !== current) current = path.dirname(current);
  return current;
}

/**
 * Makes sure checkpoints can be written under `dir` before any training
 * time is spent: creates it and writes (and removes) a small probe file.
 * A path blocked by a file, a read-only or forbidden location is a usage
 * error; a full disk a run-time one.
 */
export function checkWritableDirectory(dir: string, flag = '--out'): void {
  // A name of charnn's own (created exclusively): never a file of the user's.
  const probe = temporaryName(path.join(dir, 'write-test'));
  let created = false;
  try {
    makeDirectory(dir);
    const fd = fs.openSync(probe, 'wx');
    created = true;
    try {
      fs.writeSync(fd, 'charnn');
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.unlinkSync(probe);
  } catch (error) {
    try {
      if (created) fs.rmSync(probe, { force: true });
    } catch {
      // Nothing was written.
    }
    const code = (error as NodeJS.ErrnoException).code;
    const hint = `pass ${flag} with a directory you can write to`;
    if (code === 'ENOTDIR' || code === 'EEXIST') {
      throw usageError(`cannot write checkpoints to ${dir}: ${nearestExisting(dir)} is a file, not a directory`, hint);
    }
    if (code === 'EACCES' || code === 'EPERM') throw usageError(`cannot write checkpoints to ${dir}: permission denied`, hint);
    if (code === 'EROFS') throw usageError(`cannot write checkpoints to ${dir}: the file system is read-only`, hint);
    // Pseudo file systems such as /proc refuse to create anything (ENOENT although the parent exists).
    if (code === 'ENOENT') throw usageError(`cannot write checkpoints to ${dir}: no directory can be created in ${nearestExisting(dir)}`, hint);
    if (code === 'ENOSPC' || code === 'EFBIG' || code === 'EDQUOT') {
      throw runtimeError(`cannot write checkpoints to ${dir}: the disk is full`, `free disk space or ${hint}`);
    }
    throw usageError(`cannot write checkpoints to ${dir}: ${(error as Error).message}`, hint);
  }
}
