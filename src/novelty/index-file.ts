/**
 * The novelty index on disk: a corpus's suffix array, cached beside the run
 * so that a large corpus is sorted once, not on every `generate --novelty`.
 *
 * Layout: the 8-byte magic "CHNOVSA1", a little-endian uint32 header length,
 * a JSON header { format, version, sha256, symbols }, then `symbols` int32
 * little-endian suffix positions. The corpus itself is not stored: it is read
 * anyway, and the header's hash of its ids ties the array to that very
 * sequence of ids (which is all a suffix array depends on).
 *
 * The file is untrusted like any other: it is read only when it is a regular
 * file of exactly the size the corpus implies, its header must match the
 * corpus's hash, and the array must be a permutation whose sampled
 * neighbours are in order. Anything else is reported as stale or damaged,
 * and the caller rebuilds it. Writes are atomic (temporary file, fsync, rename).
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import { temporaryName } from '../checkpoint/files.js';
import type { Symbols } from './suffix-array.js';

const MAGIC = 'CHNOVSA1';
const FORMAT = 'charnn-novelty-index';
const VERSION = 2;
const MAX_HEADER = 4096;
/** Adjacent pairs checked for order when loading, and how far each comparison may look. */
const ORDER_CHECKS = 4096;
const ORDER_DEPTH = 4096;
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

export type LoadResult = { ok: true; sa: Int32Array } | { ok: false; reason: string };

/** Reads a cached suffix array for `text` (the corpus's ids) whose idsHash is `hash`. */
export function readIndexFile(file: string, text: Symbols, hash: string): LoadResult {
  let fd: number;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | (fs.constants.O_NOFOLLOW ?? 0));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return { ok: false, reason: code === 'ENOENT' ? 'missing' : `unreadable (${code ?? (error as Error).message})` };
  }
  try {
    const stat = fs.fstatSync(fd);
    if (!stat.isFile()) return { ok: false, reason: 'not a regular file' };
    const head = Buffer.alloc(12);
    if (fs.readSync(fd, head, 0, 12, 0) !== 12 || head.toString('latin1', 0, 8) !== MAGIC) return { ok: false, reason: 'not a charnn novelty index' };
    const headerLength = head.readUInt32LE(8);
    if (headerLength > MAX_HEADER) return { ok: false, reason: 'damaged (header too long)' };
    const headerBytes = Buffer.alloc(headerLength);
    if (fs.readSync(fd, headerBytes, 0, headerLength, 12) !== headerLength) return { ok: false, reason: 'damaged (truncated header)' };
    let header: { format?: unknown; version?: unknown; sha256?: unknown; symbols?: unknown };
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
    let done = 0;
    while (done < bytes.length) {
      const got = fs.readSync(fd, bytes, done, Math.min(bytes.length - done, 1 << 26), start + done);
      if (got <= 0) return { ok: false, reason: 'damaged (truncated)' };
      done += got;
    }
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

/** Null when `sa` is a permutation of the positions whose sampled neighbours are in suffix order; else what is wrong. */
export function checkSuffixArray(sa: Int32Array, text: Symbols): string | null {
  const n = text.length;
  if (sa.length !== n) return 'wrong length';
  // One bit per position (n/8 bytes: the check costs little memory beside the array).
  const seen = new Int32Array(Math.ceil(n / 32));
  for (let i = 0; i < n; i++) {
    const p = sa[i]!;
    if (!(p >= 0 && p < n)) return 'not a permutation of the corpus positions';
    const bit = 1 << (p & 31);
    const word = seen[p >>> 5]!;
    if (word & bit) return 'not a permutation of the corpus positions';
    seen[p >>> 5] = word | bit;
  }
  const step = Math.max(1, Math.floor((n - 1) / ORDER_CHECKS));
  for (let k = 0; k + 1 < n; k += step) {
    if (!ordered(text, sa[k]!, sa[k + 1]!)) return `suffixes ${k} and ${k + 1} out of order`;
  }
  return null;
}

/** Whether the suffix at a sorts before the suffix at b, looking at most ORDER_DEPTH symbols (equal so far counts as ordered). */
function ordered(text: Symbols, a: number, b: number): boolean {
  const n = text.length;
  for (let k = 0; k < ORDER_DEPTH; k++) {
    if (a + k >= n) return true;
    if (b + k >= n) return false;
    const d = text[a + k]! - text[b + k]!;
    if (d !== 0) return d < 0;
  }
  return true;
}

/** Writes the suffix array atomically: a temporary sibling, fsynced, renamed over `file`. */
export function writeIndexFile(file: string, sa: Int32Array, hash: string): void {
  const header = Buffer.from(JSON.stringify({ format: FORMAT, version: VERSION, sha256: hash, symbols: sa.length }), 'utf8');
  const head = Buffer.alloc(12);
  head.write(MAGIC, 0, 'latin1');
  head.writeUInt32LE(header.length, 8);
  let body: Uint8Array = new Uint8Array(sa.buffer, sa.byteOffset, sa.byteLength);
  if (os.endianness() === 'BE') {
    const copy = new DataView(new ArrayBuffer(sa.byteLength));
    sa.forEach((v, i) => copy.setInt32(4 * i, v, true));
    body = new Uint8Array(copy.buffer);
  }
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
