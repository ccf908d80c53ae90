/**
 * Reading the files of a checkpoint, which may come from anyone (a
 * download, a colleague): only regular files directly inside the checkpoint
 * directory are opened — a symbolic link, a device or a FIFO is refused
 * without reading from it — and a file's size is checked against what it
 * must be (or may at most be) before a byte is read or allocated.
 */
import fs from 'node:fs';
import path from 'node:path';
import { usageError } from '../util/errors.js';

/** Where to turn instead of the damaged checkpoint `dir` (a damaged latest/ cannot send the user to latest/). */
export function anotherCheckpoint(dir: string): string {
  const run = path.dirname(path.resolve(dir));
  return path.basename(path.resolve(dir)) === 'latest'
    ? `use another checkpoint of the run: its best/ or a latest-<step>/ snapshot (charnn runs ${run} lists them)`
    : 'use another checkpoint (e.g. the run directory\'s latest/)';
}

/** The one-line error for a damaged checkpoint. */
export function damaged(dir: string, what: string): never {
  throw usageError(`checkpoint ${dir} is damaged: ${what}`, anotherCheckpoint(dir));
}

/** An opened checkpoint file whose size is known and bounded. */
export interface OpenedFile {
  name: string;
  fd: number;
  size: number;
}

const OPEN_FLAGS = fs.constants.O_RDONLY | (fs.constants.O_NOFOLLOW ?? 0) | (fs.constants.O_NONBLOCK ?? 0);

/**
 * Opens `name` inside `dir` after checking that it is a regular file (not a
 * symbolic link, device, FIFO or directory).
 * @param what how the file is named in messages, e.g. 'weight file'.
 */
export function openCheckpointFile(dir: string, name: string, what: string): OpenedFile {
  const file = path.join(dir, name);
  let stats: fs.Stats;
  try {
    stats = fs.lstatSync(file);
  } catch {
    damaged(dir, `${what} ${name} is missing or unreadable`);
  }
  if (stats.isSymbolicLink()) damaged(dir, `${what} ${name} is a symbolic link (a checkpoint holds only regular files)`);
  if (!stats.isFile()) damaged(dir, `${what} ${name} is not a regular file`);
  let fd: number;
  try {
    // O_NOFOLLOW and O_NONBLOCK: a file swapped for a link or a FIFO after the check neither follows nor hangs.
    fd = fs.openSync(file, OPEN_FLAGS);
  } catch {
    damaged(dir, `${what} ${name} is missing or unreadable`);
  }
  const opened = fs.fstatSync(fd);
  if (!opened.isFile()) {
    fs.closeSync(fd);
    damaged(dir, `${what} ${name} is not a regular file`);
  }
  return { name, fd, size: opened.size };
}

/** Closes files opened by openCheckpointFile. */
export function closeFiles(files: OpenedFile[]): void {
  for (const f of files) {
    try {
      fs.closeSync(f.fd);
    } catch {
      // Already closed.
    }
  }
}

/**
 * Reads an opened file's `size` bytes into `into` at `offset`; a file that
 * changed size since it was opened is damaged.
 */
export function readOpened(dir: string, file: OpenedFile, into: Uint8Array, offset = 0): void {
  let done = 0;
  while (done < file.size) {
    const n = fs.readSync(file.fd, into, offset + done, file.size - done, null);
    if (n === 0) damaged(dir, `${file.name} became shorter while it was read`);
    done += n;
  }
  if (fs.readSync(file.fd, new Uint8Array(1), 0, 1, null) !== 0) damaged(dir, `${file.name} grew while it was read`);
}

/**
 * A whole small file (JSON), refused above `maxBytes` before reading.
 */
export function readBoundedFile(dir: string, name: string, what: string, maxBytes: number): Buffer {
  const file = openCheckpointFile(dir, name, what);
  try {
    if (file.size > maxBytes) {
      damaged(dir, `${what} ${name} is ${file.size.toLocaleString('en-US')} bytes, more than the ${maxBytes.toLocaleString('en-US')} it can be`);
    }
    const data = Buffer.alloc(file.size);
    readOpened(dir, file, data);
    return data;
  } finally {
    closeFiles([file]);
  }
}
