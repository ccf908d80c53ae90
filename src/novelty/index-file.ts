/**
 * The novelty index on disk: a corpus's suffix array, cached beside the run
 * so that a large corpus is sorted once, not on every `generate --novelty`.
 *
 * Layout: the 8-byte magic "CHNOVSA1", a little-endian uint32 header length,
 * a JSON header { format, version, sha256, symbols, index }, then `symbols`
 * int32 little-endian suffix positions. The corpus itself is not stored: it
 * is read anyway, and the header's hash of its ids (`sha256`) ties the array
 * to that very sequence of ids (which is all a suffix array depends on);
 * `index` is the SHA-256 of the array's bytes.
 *
 * The file is untrusted like any other: it is read only when it is a regular
 * file of exactly the size the corpus implies, its header must match the
 * corpus's hash, its bytes their checksum (a damaged file), and — since
 * whoever can write the file can also write a checksum — the array is then
 * proved to be the suffix array of these ids, in linear time (Burkhardt and
 * Kärkkäinen's check). Anything else is reported as stale or damaged, and the
 * caller rebuilds it: a wrong index never yields figures. Writes are atomic
 * (temporary file, fsync, rename) and never replace a file that is not a
 * novelty index.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import { temporaryName } from '../checkpoint/files.js';
import type { Symbols } from './suffix-array.js';

const MAGIC = 'CHNOVSA1';
const FORMAT = 'charnn-novelty-index';
const VERSION = 3;
const MAX_HEADER = 4096;
/** Bytes hashed per update call. */
const HASH_PIECE = 1 << 26;

/**
 * SHA-256 of a corpus's ids (hex): their bytes as they lie in memory, after
 * a tag for the element size and byte order (an index made elsewhere is then
 * stale, never misread).
 */
export function idsHash(ids: Symbols): string {
  const hash = crypto.createHash('sha256').update(`ids${8 * ids.BYTES_PER_ELEMENT}${os.endianness()}:`);
  const bytes = new Uint8Array(ids.buffer, ids.byteOffset, ids.byteLength);
  for (let at = 0; at < bytes.length; at += HASH_PIECE) hash.update(bytes.subarray(at, at + HASH_PIECE));
  return hash.digest('hex');
}

type LoadResult = { ok: true; sa: Int32Array } | { ok: false; reason: string };

/**
 * Reads a cached suffix array for `text` (the corpus's ids) whose idsHash is
 * `hash`. With `checkable` false (its check would not fit in memory) an
 * existing file is not read: reported as one that cannot be checked.
 */
export function readIndexFile(file: string, text: Symbols, hash: string, checkable = true): LoadResult {
  let fd: number;
  try {
    // Never follows a link, nor waits on a fifo.
    fd = fs.openSync(file, fs.constants.O_RDONLY | (fs.constants.O_NOFOLLOW ?? 0) | (fs.constants.O_NONBLOCK ?? 0));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { ok: false, reason: 'missing' };
    // O_NOFOLLOW on a link: ELOOP on Linux, EMLINK on FreeBSD, EFTYPE on macOS.
    if (code === 'ELOOP' || code === 'EMLINK' || code === 'EFTYPE') return { ok: false, reason: 'a symbolic link, which is never followed' };
    return { ok: false, reason: `unreadable (${code ?? (error as Error).message})` };
  }
  try {
    const stat = fs.fstatSync(fd);
    if (!stat.isFile()) return { ok: false, reason: 'not a regular file' };
    if (!checkable) return { ok: false, reason: "too large to be checked in this machine's memory" };
    const head = Buffer.alloc(12);
    if (fs.readSync(fd, head, 0, 12, 0) !== 12 || head.toString('latin1', 0, 8) !== MAGIC) return { ok: false, reason: 'not a charnn novelty index' };
    const headerLength = head.readUInt32LE(8);
    if (headerLength > MAX_HEADER) return { ok: false, reason: 'damaged (header too long)' };
    const headerBytes = Buffer.alloc(headerLength);
    if (fs.readSync(fd, headerBytes, 0, headerLength, 12) !== headerLength) return { ok: false, reason: 'damaged (truncated header)' };
    let header: { format?: unknown; version?: unknown; sha256?: unknown; symbols?: unknown; index?: unknown };
    try {
      header = JSON.parse(headerBytes.toString('utf8'));
    } catch {
      return { ok: false, reason: 'damaged (header is not JSON)' };
    }
    if (header?.format !== FORMAT || header.version !== VERSION) return { ok: false, reason: 'written by another version' };
    if (header.sha256 !== hash || header.symbols !== text.length) return { ok: false, reason: 'stale (the corpus has changed)' };
    const n = text.length;
    const start = 12 + headerLength;
    if (stat.size !== start + 4 * n) return { ok: false, reason: `damaged (${stat.size} bytes, expected ${start + 4 * n})` };
    const sa = new Int32Array(n);
    const bytes = new Uint8Array(sa.buffer);
    const checksum = crypto.createHash('sha256');
    let done = 0;
    while (done < bytes.length) {
      const got = fs.readSync(fd, bytes, done, Math.min(bytes.length - done, HASH_PIECE), start + done);
      if (got <= 0) return { ok: false, reason: 'damaged (truncated)' };
      checksum.update(bytes.subarray(done, done + got));
      done += got;
    }
    if (typeof header.index !== 'string' || checksum.digest('hex') !== header.index) return { ok: false, reason: 'damaged (its contents do not match their checksum)' };
    if (os.endianness() === 'BE') {
      const view = new DataView(sa.buffer);
      for (let i = 0; i < n; i++) sa[i] = view.getInt32(4 * i, true);
    }
    const problem = checkSuffixArray(sa, text);
    return problem === null ? { ok: true, sa } : { ok: false, reason: `damaged (${problem})` };
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Null when `sa` is the suffix array of `text`; else what is wrong. Linear
 * time, 4 bytes per position (the inverse array): `sa` is a permutation of
 * the positions, and each pair of neighbours is ordered by its first symbol
 * and, where that is equal, by the rank `sa` gives the suffixes one further
 * on (the empty suffix first). By induction on the suffix length, an array
 * with both properties orders all suffixes as the text does (Burkhardt and
 * Kärkkäinen, "Fast lightweight suffix array construction and checking", 2003).
 */
function checkSuffixArray(sa: Int32Array, text: Symbols): string | null {
  const n = text.length;
  if (sa.length !== n) return 'wrong length';
  const rank = new Int32Array(n).fill(-1);
  for (let i = 0; i < n; i++) {
    const p = sa[i]!;
    if (!(p >= 0 && p < n) || rank[p] !== -1) return 'not a permutation of the corpus positions';
    rank[p] = i;
  }
  for (let i = 0; i + 1 < n; i++) {
    const a = sa[i]!;
    const b = sa[i + 1]!;
    const d = text[a]! - text[b]!;
    if (d > 0) return `suffixes ${i} and ${i + 1} out of order`;
    if (d === 0 && (a + 1 < n ? rank[a + 1]! : -1) >= (b + 1 < n ? rank[b + 1]! : -1)) return `suffixes ${i} and ${i + 1} out of order`;
  }
  return null;
}

/** SHA-256 (hex) of the array's bytes as the file stores them. */
function bodyHash(body: Uint8Array): string {
  const hash = crypto.createHash('sha256');
  for (let at = 0; at < body.length; at += HASH_PIECE) hash.update(body.subarray(at, at + HASH_PIECE));
  return hash.digest('hex');
}

/** Whether `file` may be replaced: missing, or a regular file that is a novelty index (never a file of the user's). */
function isReplaceable(file: string): boolean {
  let fd: number;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | (fs.constants.O_NOFOLLOW ?? 0) | (fs.constants.O_NONBLOCK ?? 0));
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT';
  }
  try {
    if (!fs.fstatSync(fd).isFile()) return false;
    const head = Buffer.alloc(MAGIC.length);
    return fs.readSync(fd, head, 0, head.length, 0) === head.length && head.toString('latin1') === MAGIC;
  } finally {
    fs.closeSync(fd);
  }
}

/** Writes the suffix array atomically: a temporary sibling, fsynced, renamed over `file`. */
export function writeIndexFile(file: string, sa: Int32Array, hash: string): void {
  if (!isReplaceable(file)) {
    throw new Error(`${file} is not a novelty index charnn wrote; it is left alone`);
  }
  let body: Uint8Array = new Uint8Array(sa.buffer, sa.byteOffset, sa.byteLength);
  if (os.endianness() === 'BE') {
    const copy = new DataView(new ArrayBuffer(sa.byteLength));
    sa.forEach((v, i) => copy.setInt32(4 * i, v, true));
    body = new Uint8Array(copy.buffer);
  }
  const header = Buffer.from(JSON.stringify({ format: FORMAT, version: VERSION, sha256: hash, symbols: sa.length, index: bodyHash(body) }), 'utf8');
  const head = Buffer.alloc(12);
  head.write(MAGIC, 0, 'latin1');
  head.writeUInt32LE(header.length, 8);
  const temporary = temporaryName(file);
  const fd = fs.openSync(temporary, 'wx');
  try {
    for (const part of [head, header, body]) {
      let offset = 0;
      while (offset < part.length) offset += fs.writeSync(fd, part, offset, Math.min(part.length - offset, 1 << 26));
    }
    fs.fsyncSync(fd);
  } catch (error) {
    fs.closeSync(fd);
    fs.rmSync(temporary, { force: true });
    throw error;
  }
  fs.closeSync(fd);
  try {
    fs.renameSync(temporary, file);
  } catch (error) {
    fs.rmSync(temporary, { force: true });
    throw error;
  }
}
