/**
 * Reading a training corpus from disk: one UTF-8 file, or a directory of them.
 * Everything that can be wrong with the input is reported as a usage error that
 * names the file, because the person at the terminal chose that file.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync, type Stats } from 'node:fs';
import { basename, extname, join, relative, resolve } from 'node:path';
import { usageError } from '../util/errors.js';

/** Unicode normalisation applied to the corpus text before building a vocabulary. */
export type Normalization = 'none' | 'nfc' | 'nfd';

/** Every accepted normalisation, in the order a help text should list them. */
export const NORMALIZATIONS: readonly Normalization[] = Object.freeze(['none', 'nfc', 'nfd'] as const);

/** A corpus loaded into memory. */
export interface Corpus {
  /** Basename without extension of the file or directory, e.g. 'tinyshakespeare'. */
  name: string;
  /** Absolute path of the file or directory. */
  path: string;
  /** Absolute paths of the files read, in the order they were concatenated. */
  files: string[];
  /** Total bytes read from disk (including any BOMs). */
  bytes: number;
  /** SHA-256 of those bytes, in reading order (hex): tells whether a resumed run sees the same text. */
  sha256: string;
  /** Decoded, normalised text. */
  text: string;
  normalization: Normalization;
}

/**
 * Reads a corpus synchronously. A directory contributes all regular files below
 * it (recursively, hidden names skipped), concatenated in order of relative path.
 * @throws CharnnError (usage) for a missing, unreadable, empty, binary or non-UTF-8 input.
 */
export function readCorpus(path: string, normalization: Normalization): Corpus {
  checkNormalization(normalization);
  const abs = resolve(path);
  const stats = statOrThrow(abs, path);
  let files: string[];
  if (stats.isFile()) {
    files = [abs];
  } else if (stats.isDirectory()) {
    files = listTextFiles(abs);
    if (files.length === 0) {
      throw usageError(`corpus directory has no text files: ${path}`, 'put one or more UTF-8 text files in it (hidden files are skipped)');
    }
  } else {
    throw usageError(`corpus is neither a file nor a directory: ${path}`, 'pass a UTF-8 text file or a directory of them');
  }

  let bytes = 0;
  const hash = createHash('sha256');
  const parts: string[] = [];
  for (const file of files) {
    const data = readOrThrow(file);
    bytes += data.length;
    hash.update(data);
    parts.push(decodeUtf8(data, file));
  }
  const text = normalizeText(parts.join(''), normalization);
  if (text.length === 0) {
    const what = stats.isFile() ? 'corpus file is empty' : 'corpus is empty (all its files are empty)';
    throw usageError(`${what}: ${path}`, 'train on a file that contains some text');
  }
  return { name: corpusName(abs), path: abs, files, bytes, sha256: hash.digest('hex'), text, normalization };
}

/** Applies a Unicode normalisation; 'nfd' splits Hangul syllables into jamo, 'nfc' joins them. */
export function normalizeText(text: string, normalization: Normalization): string {
  checkNormalization(normalization);
  if (normalization === 'none') return text;
  return text.normalize(normalization === 'nfc' ? 'NFC' : 'NFD');
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

function corpusName(abs: string): string {
  const base = basename(abs);
  const name = base.slice(0, base.length - extname(base).length);
  return name === '' ? base || 'corpus' : name;
}

function statOrThrow(abs: string, shown: string): Stats {
  try {
    return statSync(abs);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      throw usageError(`corpus not found: ${shown}`, 'check the path; pass a UTF-8 text file or a directory of text files');
    }
    throw fsError(err, shown);
  }
}

function readOrThrow(file: string): Buffer {
  try {
    return readFileSync(file);
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
 * Symlinked directories are not followed, which rules out cycles.
 */
function listTextFiles(dir: string): string[] {
  const found: string[] = [];
  const walk = (current: string): void => {
    let entries;
    try {
      entries = readdirSync(current, { withFileTypes: true });
    } catch (err) {
      throw fsError(err, current);
    }
    for (const entry of entries) {
      if (entry.name.startsWith('.')) continue;
      const full = join(current, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile() || (entry.isSymbolicLink() && isFileTarget(full))) found.push(full);
    }
  };
  walk(dir);
  const keyed = found.map((file) => ({ file, key: relative(dir, file) }));
  keyed.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return keyed.map((k) => k.file);
}

function isFileTarget(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false; // a dangling link is not part of the corpus
  }
}

const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function decodeUtf8(data: Uint8Array, file: string): string {
  // NUL never occurs in text but is valid UTF-8, so it is the reliable binary sign.
  const nul = data.indexOf(0);
  if (nul !== -1) {
    throw usageError(`corpus file looks binary (NUL byte at offset ${nul}): ${file}`, 'use plain UTF-8 text files only');
  }
  let text: string;
  try {
    text = decoder.decode(data);
  } catch {
    const at = firstInvalidUtf8(data);
    const where = at >= 0 ? ` at byte ${at}` : '';
    throw usageError(`corpus file is not valid UTF-8${where}: ${file}`, 'convert it to UTF-8 first, e.g. iconv -f latin1 -t utf-8');
  }
  // ignoreBOM keeps the BOM in the output; strip it ourselves so it never becomes a vocabulary entry.
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
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
