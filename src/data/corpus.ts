/**
 * Reading a training corpus from disk: one UTF-8 file, or a directory of them.
 * The text is never held whole: files are read in chunks, decoded, normalised
 * (chunk-safely, normalize-stream.ts) and turned into code-point ids as they
 * arrive (id-builder.ts), so a corpus larger than the longest JS string (and
 * far larger than memory would allow as a string) trains.
 * Everything that can be wrong with the input is reported as a usage error that
 * names the file, because the person at the terminal chose that file.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { basename, extname, join, relative, resolve, sep } from 'node:path';
import { usageError } from '../util/errors.js';
import { IdBuilder, type TokenIds } from './id-builder.js';
import { StreamNormalizer, type UnicodeForm } from './normalize-stream.js';
import type { Vocabulary } from './vocabulary.js';

export type { TokenIds } from './id-builder.js';

/** Unicode normalisation applied to the corpus text before building a vocabulary. */
export type Normalization = 'none' | 'nfc' | 'nfd';

/** Every accepted normalisation, in the order a help text should list them. */
export const NORMALIZATIONS: readonly Normalization[] = Object.freeze(['none', 'nfc', 'nfd'] as const);

/** Bytes read from disk at a time. */
const CHUNK_BYTES = 16 * 2 ** 20;
/** A file is binary when a NUL byte occurs this early (as git and grep decide); a NUL later is an error. */
const SNIFF_BYTES = 64 * 1024;

/** Where a corpus comes from, before its text is read. */
export interface CorpusSource {
  /** Basename without extension of the file or directory, e.g. 'tinyshakespeare'. */
  name: string;
  /** Absolute path of the file or directory. */
  path: string;
  /** As the user gave it, for messages. */
  shown: string;
  isDirectory: boolean;
  /** Absolute paths of the files, in the order they are concatenated. */
  files: string[];
  /** Their total size in bytes. */
  size: number;
  /** Symbolic links of a directory left out because they lead outside it: `relative/path → target`. */
  outside: string[];
  /** Symbolic links of a directory left out because they lead to a directory (never followed): `relative/path → target`. */
  dirLinks: string[];
  /** Symbolic links of a directory left out because they lead nowhere (missing target, a loop): `relative/path → link text`. */
  brokenLinks: string[];
  /** Symbolic links of a directory left out because they lead to a device, fifo or socket: `relative/path → target`. */
  specialLinks: string[];
}

/** The links a directory's walk left out, by why (see CorpusSource). */
type SkippedLinks = Pick<CorpusSource, 'outside' | 'dirLinks' | 'brokenLinks' | 'specialLinks'>;

/** Bounds on what openCorpus walks, for a path that did not come from the person at the terminal. */
interface OpenCorpusOptions {
  /** Most directory entries a directory's walk may visit (hidden ones included); beyond it, a usage error. */
  maxEntries?: number;
  /** The hint of that error (what to pass instead). */
  hint?: string;
}

/** What streaming a corpus found besides its text. */
interface CorpusStats {
  /** Bytes read from the files used (including any BOMs). */
  bytes: number;
  /** SHA-256 of those bytes, in reading order (hex): tells whether a resumed run sees the same text. */
  sha256: string;
  /** Files of a directory left out because they are binary (relative to the directory). */
  skipped: string[];
}

/** A corpus read into code-point ids. */
export interface Corpus extends CorpusStats, SkippedLinks {
  name: string;
  path: string;
  files: string[];
  normalization: Normalization;
  /** The text's ids in `vocab` (characters left out per `unknown: 'skip'` excepted). */
  ids: TokenIds;
  vocab: Vocabulary;
  /** Characters not in the given vocabulary that were left out ('skip'), and the distinct ones. */
  unknownChars: number;
  missing: string[];
}

interface ReadCorpusOptions {
  /** A vocabulary whose ids the text must use (a checkpoint's); default: one built from the text. */
  vocab?: Vocabulary;
  /** Characters `vocab` lacks: 'add' them to the vocabulary (default) or 'skip' them (counted and listed). */
  unknown?: 'add' | 'skip';
}

/**
 * Reads a corpus into ids. A directory contributes all regular files below it
 * (recursively, hidden names skipped, binary files skipped and listed),
 * concatenated in order of relative path; a symbolic link to a file counts
 * only when the file is inside the directory. Links that lead out of it, to a
 * directory (never followed), to nothing, or to a device are skipped and listed.
 * @throws CharnnError (usage) for a missing, unreadable, empty, binary, UTF-16 or non-UTF-8 input.
 */
export function readCorpus(path: string, normalization: Normalization, options: ReadCorpusOptions = {}): Corpus {
  const source = openCorpus(path);
  // Every character takes at least one byte: the ids fit in `size` entries unless normalisation expands them.
  const builder = new IdBuilder(options.vocab ?? null, options.unknown ?? 'add', source.size);
  const pieces = corpusText(source, normalization);
  let next = pieces.next();
  for (; !next.done; next = pieces.next()) builder.push(next.value);
  const stats = next.value;
  const built = builder.finish();
  if (built.ids.length === 0 && built.skipped === 0) {
    const what = source.isDirectory ? 'corpus is empty (all its files are empty)' : 'corpus file is empty';
    throw usageError(`${what}: ${source.shown}`, 'train on a file that contains some text');
  }
  return {
    name: source.name, path: source.path, files: source.files.filter((f) => !stats.skipped.includes(relative(source.path, f))), normalization,
    outside: source.outside, dirLinks: source.dirLinks, brokenLinks: source.brokenLinks, specialLinks: source.specialLinks,
    ...stats, ids: built.ids, vocab: built.vocab, unknownChars: built.skipped, missing: built.missing,
  };
}

/** Finds the files of a corpus (nothing is read yet). */
export function openCorpus(path: string, options: OpenCorpusOptions = {}): CorpusSource {
  const abs = resolve(path);
  const stats = statOrThrow(abs, path);
  let files: string[];
  const links: SkippedLinks = { outside: [], dirLinks: [], brokenLinks: [], specialLinks: [] };
  if (stats.isFile()) {
    files = [abs];
  } else if (stats.isDirectory()) {
    files = listTextFiles(abs, path, links, options);
    if (files.length === 0) {
      throw usageError(`corpus directory has no text files: ${path}`, 'put one or more UTF-8 text files in it (hidden files are skipped)');
    }
  } else {
    throw usageError(`corpus is neither a file nor a directory: ${path}`, 'pass a UTF-8 text file or a directory of them');
  }
  const size = files.reduce((n, f) => n + fileSize(f), 0);
  return { name: corpusName(abs), path: abs, shown: path, isDirectory: stats.isDirectory(), files, size, ...links };
}

/**
 * The lines that list the symbolic links a directory's walk left out, one per
 * reason (leading outside it, to a directory, broken, to a special file); none when none.
 */
export function linkNotes(source: SkippedLinks & { path: string }): string[] {
  const line = (list: string[], what: (s: string) => string): string[] => {
    const n = list.length;
    if (n === 0) return [];
    const shown = list.slice(0, 8).join(', ');
    return [`skipped ${n} ${what(n === 1 ? '' : 's')}: ${shown}${n > 8 ? ` and ${n - 8} more` : ''}`];
  };
  return [
    ...line(source.outside, (s) => `link${s} leading outside ${source.path}`),
    ...line(source.dirLinks, (s) => `link${s} to a directory (not followed)`),
    ...line(source.brokenLinks, (s) => `broken link${s}`),
    ...line(source.specialLinks, (s) => `link${s} to a device, fifo or socket`),
  ];
}

/**
 * The decoded, normalised text of a corpus in pieces of at most a few
 * million characters, in order; returns what it found besides the text.
 * Synchronous, so an async consumer may await between pieces (eval does).
 * @param onProgress called after each chunk with the bytes read so far.
 * @param chunkBytes bytes read at a time (smaller: less memory, more calls).
 */
export function* corpusText(
  source: CorpusSource,
  normalization: Normalization,
  onProgress?: (bytesRead: number) => void,
  chunkBytes = CHUNK_BYTES,
): Generator<string, CorpusStats, undefined> {
  const normalizer = new StreamNormalizer(unicodeForm(normalization));
  const hash = createHash('sha256');
  const skipped: string[] = [];
  const buffer = Buffer.allocUnsafe(Math.max(SNIFF_BYTES, chunkBytes));
  let bytes = 0;
  let used = 0;
  for (const file of source.files) {
    const shown = source.isDirectory ? file : source.shown;
    const fd = openOrThrow(file);
    try {
      const first = readChunk(fd, buffer, file);
      const kind = sniff(buffer.subarray(0, first));
      if (kind === 'utf16') {
        throw usageError(
          `corpus file is UTF-16 (it starts with a UTF-16 byte order mark), not UTF-8: ${shown}`,
          `convert it first: iconv -f UTF-16 -t UTF-8 ${shellQuote(shown)} > ${shellQuote(utf8Name(shown))}`,
        );
      }
      if (kind === 'binary') {
        if (!source.isDirectory) throw binaryError(buffer.subarray(0, first).indexOf(0), shown);
        skipped.push(relative(source.path, file));
        continue;
      }
      used++;
      const decoder = new TextDecoder('utf-8', { fatal: true });
      let offset = 0;
      let tail: Uint8Array = new Uint8Array(0);
      for (let n = first; n > 0; n = readChunk(fd, buffer, file)) {
        const chunk = buffer.subarray(0, n);
        const nul = chunk.indexOf(0);
        if (nul !== -1) throw binaryError(offset + nul, shown);
        hash.update(chunk);
        let text: string;
        try {
          text = decoder.decode(chunk, { stream: true });
        } catch {
          throw notUtf8(offset - tail.length, Buffer.concat([tail, chunk]), shown);
        }
        tail = incompleteTail(chunk, tail);
        offset += n;
        bytes += n;
        const final = text.length > 0 ? normalizer.push(text) : '';
        onProgress?.(bytes);
        if (final.length > 0) yield final;
      }
      let last: string;
      try {
        last = decoder.decode();
      } catch {
        throw notUtf8(offset - tail.length, tail, shown);
      }
      const final = normalizer.push(last);
      if (final.length > 0) yield final;
    } finally {
      fs.closeSync(fd);
    }
  }
  const rest = normalizer.flush();
  if (rest.length > 0) yield rest;
  if (used === 0) {
    throw usageError(`corpus directory has no text files, only binary ones: ${source.shown} (${skipped.join(', ')})`, 'put one or more UTF-8 text files in it');
  }
  return { bytes, sha256: hash.digest('hex'), skipped };
}

/** Applies a Unicode normalisation; 'nfd' splits Hangul syllables into jamo, 'nfc' joins them. */
export function normalizeText(text: string, normalization: Normalization): string {
  const form = unicodeForm(normalization);
  return form === null ? text : text.normalize(form);
}

/** The Unicode form of a normalisation setting (null for 'none'); refuses an unknown setting. */
function unicodeForm(normalization: Normalization): UnicodeForm | null {
  checkNormalization(normalization);
  return normalization === 'none' ? null : normalization === 'nfc' ? 'NFC' : 'NFD';
}

/** Splits text into Unicode code points, so an astral character (emoji) is one symbol, not two UTF-16 units. */
export function codePoints(text: string): string[] {
  return Array.from(text);
}

// The type system cannot protect values that arrive from flags or checkpoint files.
function checkNormalization(normalization: Normalization): void {
  if (!NORMALIZATIONS.includes(normalization)) {
    throw usageError(`unknown normalization: ${String(normalization)}`, `use one of: ${NORMALIZATIONS.join(', ')}`);
  }
}

/** What the start of a file says it is: UTF-16 (a byte order mark), binary (a NUL byte), or text. */
function sniff(start: Uint8Array): 'utf16' | 'binary' | 'text' {
  if (start.length >= 2 && ((start[0] === 0xff && start[1] === 0xfe) || (start[0] === 0xfe && start[1] === 0xff))) return 'utf16';
  return start.subarray(0, SNIFF_BYTES).indexOf(0) !== -1 ? 'binary' : 'text';
}

function binaryError(offset: number, shown: string) {
  // NUL never occurs in text but is valid UTF-8, so it is the reliable binary sign.
  return usageError(`corpus file looks binary (NUL byte at offset ${offset}): ${shown}`, 'use plain UTF-8 text files only');
}

function notUtf8(base: number, data: Uint8Array, shown: string) {
  const at = firstInvalidUtf8(data);
  const where = at >= 0 ? ` at byte ${base + at}` : '';
  return usageError(`corpus file is not valid UTF-8${where}: ${shown}`, 'convert it to UTF-8 first, e.g. iconv -f latin1 -t utf-8');
}

/** `notes.txt` → `notes.utf8.txt`: where the iconv hint writes. */
function utf8Name(file: string): string {
  const ext = extname(file);
  return `${file.slice(0, file.length - ext.length)}.utf8${ext || '.txt'}`;
}

function shellQuote(text: string): string {
  return /^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}

/**
 * The bytes at the end of `chunk` (after `previous`, the incomplete end of
 * the chunk before) that start a UTF-8 sequence the chunk does not finish:
 * where the next chunk's first error could have begun.
 */
function incompleteTail(chunk: Uint8Array, previous: Uint8Array): Uint8Array {
  const data = chunk.length >= 4 ? chunk : Buffer.concat([previous, chunk]);
  for (let back = 1; back <= Math.min(3, data.length); back++) {
    const b = data[data.length - back]!;
    if (b < 0x80) return new Uint8Array(0);
    if (b >= 0xc0) {
      const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : 2;
      return need > back ? Uint8Array.from(data.subarray(data.length - back)) : new Uint8Array(0);
    }
  }
  return new Uint8Array(0);
}

function corpusName(abs: string): string {
  const base = basename(abs);
  const name = base.slice(0, base.length - extname(base).length);
  return name === '' ? base || 'corpus' : name;
}

function statOrThrow(abs: string, shown: string): fs.Stats {
  try {
    return fs.statSync(abs);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      throw usageError(`corpus not found: ${shown}`, 'check the path; pass a UTF-8 text file or a directory of text files');
    }
    throw fsError(err, shown);
  }
}

function fileSize(file: string): number {
  try {
    return fs.statSync(file).size;
  } catch (err) {
    throw fsError(err, file);
  }
}

/** Opens a corpus file for reading: never waits on a fifo, and refuses anything but a regular file (swapped in since the listing). */
function openOrThrow(file: string): number {
  let fd: number;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0));
  } catch (err) {
    throw fsError(err, file);
  }
  if (!fs.fstatSync(fd).isFile()) {
    fs.closeSync(fd);
    throw usageError(`corpus file is not a regular file: ${file}`, 'pass a UTF-8 text file or a directory of them');
  }
  return fd;
}

function readChunk(fd: number, buffer: Buffer, file: string): number {
  try {
    return fs.readSync(fd, buffer, 0, buffer.length, null);
  } catch (err) {
    throw fsError(err, file);
  }
}

function fsError(err: unknown, file: string) {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'EACCES' || code === 'EPERM') {
    return usageError(`permission denied reading corpus: ${file}`, 'make the file readable (chmod +r) or pass another corpus');
  }
  const reason = err instanceof Error ? err.message : String(err);
  return usageError(`cannot read corpus ${file}: ${reason}`, 'check that the path is a readable text file or directory');
}

/**
 * Regular files below `dir`, sorted by relative path in code-unit order so the
 * concatenation is the same on every machine regardless of readdir order.
 * Symlinked directories are not followed, which rules out cycles; a link to
 * a file is followed only when the file (all links resolved) is inside `dir`.
 * Every link left out goes to its list in `links` (`relative → target`).
 */
function listTextFiles(dir: string, shown: string, links: SkippedLinks, options: OpenCorpusOptions): string[] {
  const found: string[] = [];
  const root = realPath(dir);
  let visited = 0;
  const walk = (current: string): void => {
    let entries;
    try {
      entries = fs.readdirSync(current, { withFileTypes: true });
    } catch (err) {
      throw fsError(err, current);
    }
    visited += entries.length;
    if (options.maxEntries !== undefined && visited > options.maxEntries) {
      throw usageError(`corpus directory ${shown} holds more than ${options.maxEntries.toLocaleString('en-US')} entries`, options.hint);
    }
    for (const entry of entries) {
      if (entry.name.startsWith('.')) continue;
      const full = join(current, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile()) found.push(full);
      else if (entry.isSymbolicLink()) {
        const link = resolveLink(full);
        const entry = `${relative(dir, full)} → ${link.target}`;
        if (link.kind === 'broken') links.brokenLinks.push(entry);
        else if (link.kind === 'directory') links.dirLinks.push(entry);
        else if (link.kind === 'special') links.specialLinks.push(entry);
        else if (link.target === root || link.target.startsWith(root.endsWith(sep) ? root : root + sep)) found.push(full);
        else links.outside.push(entry);
      }
    }
  };
  walk(dir);
  const keyed = found.map((file) => ({ file, key: relative(dir, file) }));
  keyed.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  for (const list of [links.outside, links.dirLinks, links.brokenLinks, links.specialLinks]) list.sort();
  return keyed.map((k) => k.file);
}

function realPath(path: string): string {
  try {
    return fs.realpathSync(path);
  } catch (err) {
    throw fsError(err, path);
  }
}

/**
 * Where a link leads (all links resolved) and what is there; a link whose
 * target is missing, loops or cannot be resolved is 'broken', with the link's own text.
 */
function resolveLink(path: string): { kind: 'file' | 'directory' | 'special' | 'broken'; target: string } {
  let target: string;
  let stats: fs.Stats;
  try {
    target = fs.realpathSync(path);
    stats = fs.statSync(target);
  } catch {
    let text: string;
    try {
      text = fs.readlinkSync(path);
    } catch {
      text = '?';
    }
    return { kind: 'broken', target: text };
  }
  return { kind: stats.isFile() ? 'file' : stats.isDirectory() ? 'directory' : 'special', target };
}

/**
 * Offset of the first byte that starts an ill-formed UTF-8 sequence, or -1.
 * Only runs after the decoder has already refused the data, so speed is secondary.
 */
function firstInvalidUtf8(data: Uint8Array): number {
  let i = 0;
  const n = data.length;
  while (i < n) {
    const b = data[i]!;
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) need = 1;
    else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      if (b === 0xe0) lo = 0xa0; // overlong
      if (b === 0xed) hi = 0x9f; // surrogates
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      if (b === 0xf0) lo = 0x90; // overlong
      if (b === 0xf4) hi = 0x8f; // above U+10FFFF
    } else return i;
    if (i + need >= n) return i; // truncated at end of data
    const second = data[i + 1]!;
    if (second < lo || second > hi) return i;
    for (let k = 2; k <= need; k++) {
      const c = data[i + k]!;
      if (c < 0x80 || c > 0xbf) return i;
    }
    i += need + 1;
  }
  return -1;
}
