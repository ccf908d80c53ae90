/**
 * The text `charnn neurons` runs the model over: the first characters of a
 * file or of stdin (read only as far as needed, so a huge file costs
 * nothing), or of the checkpoint's validation text (the corpus found again
 * from charnn.json). Characters the model never saw are dropped and named
 * on stderr.
 */
import fs from 'node:fs';
import { splitTrainVal } from '../data/batches.js';
import { normalizeText } from '../data/corpus.js';
import { showChar, type Vocabulary } from '../data/vocabulary.js';
import { findCorpus } from '../checkpoint/corpus.js';
import type { CharnnMeta } from '../checkpoint/meta.js';
import { usageError } from '../util/errors.js';
import { escapeControls } from '../util/escape.js';
import { writeErr } from './output.js';

interface InspectedText {
  ids: Int32Array;
  chars: string[];
  /** Where it came from, for the report: "file x.txt", "stdin", "the validation text of tinyshakespeare". */
  source: string;
}

/** Reads at most `limit` bytes of a regular file or a named pipe. */
function readFilePrefix(file: string, limit: number): Buffer {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EISDIR') throw usageError(`${file} is a directory`, 'pass one UTF-8 text file');
    throw usageError(code === 'ENOENT' ? `text file not found: ${file}` : `cannot read ${file} (${code ?? (error as Error).message})`, 'pass a readable UTF-8 text file, or - for stdin');
  }
  try {
    const stat = fs.fstatSync(fd);
    if (stat.isDirectory()) throw usageError(`${file} is a directory`, 'pass one UTF-8 text file');
    if (!stat.isFile() && !stat.isFIFO()) throw usageError(`${file} is not a regular file`, 'pass a UTF-8 text file');
    const buffer = Buffer.alloc(Math.min(limit, stat.isFile() ? stat.size : limit));
    let length = 0;
    while (length < buffer.length) {
      const got = fs.readSync(fd, buffer, length, buffer.length - length, null);
      if (got === 0) break;
      length += got;
    }
    return buffer.subarray(0, length);
  } finally {
    fs.closeSync(fd);
  }
}

/** Reads stdin until `limit` bytes or its end, whichever comes first. */
async function readStdinPrefix(limit: number): Promise<Buffer> {
  if (process.stdin.isTTY) throw usageError('neurons reads its text from stdin, which is a terminal', 'pipe text into it (… | charnn neurons ckpt -) or pass a file');
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of process.stdin) {
    const bytes = chunk as Buffer;
    chunks.push(bytes.subarray(0, limit - length));
    length += Math.min(bytes.length, limit - length);
    if (length >= limit) break;
  }
  process.stdin.destroy();
  return Buffer.concat(chunks);
}

/** UTF-8 text of a prefix: a character cut at the end is dropped; invalid or binary data is a usage error. */
function decodePrefix(bytes: Buffer, name: string): string {
  const nul = bytes.indexOf(0);
  if (nul >= 0) throw usageError(`${name} looks binary (NUL byte at offset ${nul})`, 'pass a UTF-8 text file');
  try {
    // stream: true keeps a sequence cut by the byte limit pending instead of failing on it.
    const text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes, { stream: true });
    return text;
  } catch {
    throw usageError(`${name} is not valid UTF-8`, 'convert it first, e.g. iconv -f latin1 -t utf-8');
  }
}

/** Keeps the first `chars` characters the model knows; names the others on stderr. */
function encodeKnown(text: string, vocab: Vocabulary, chars: number, what: string): { ids: Int32Array; chars: string[] } {
  const points = Array.from(text);
  const missing = new Set<string>();
  const kept: string[] = [];
  let skipped = 0;
  for (const ch of points) {
    if (kept.length >= chars) break;
    if (vocab.id(ch) < 0) {
      missing.add(ch);
      skipped++;
    } else kept.push(ch);
  }
  if (skipped > 0) {
    const shown = [...missing].slice(0, 8).map(showChar).join(' ');
    writeErr(escapeControls(`charnn: skipped ${skipped} character${skipped === 1 ? '' : 's'} of ${what} the model never saw: ${shown}${missing.size > 8 ? ` and ${missing.size - 8} more` : ''}`));
  }
  if (kept.length === 0) throw usageError(`${what} has no character the model knows`, 'pass text written in the characters of the training corpus');
  return { ids: Int32Array.from(kept, (ch) => vocab.id(ch)), chars: kept };
}

export async function inspectedText(meta: CharnnMeta, vocab: Vocabulary, file: string | undefined, chars: number, corpus: string | undefined): Promise<InspectedText> {
  if (file !== undefined) {
    const name = file === '-' ? 'stdin' : file;
    // Four bytes per character at most, with room for characters the model does not know.
    const limit = Math.min(2 ** 30, 8 * chars + 64);
    const bytes = file === '-' ? await readStdinPrefix(limit) : readFilePrefix(file, limit);
    const text = normalizeText(decodePrefix(bytes, name), meta.normalization);
    if (text.length === 0) throw usageError(`${name} is empty`, 'pass some text to run the model over');
    return { ...encodeKnown(text, vocab, chars, name), source: file === '-' ? 'stdin' : file };
  }
  const found = findCorpus(meta, corpus, '--corpus');
  if (found.changed !== null) writeErr(escapeControls(`charnn: note: ${found.changed}; its validation part is used anyway`));
  // Characters the model lacks (appended after its vocabulary) are left out, the text closing up around them.
  const all = found.corpus.ids;
  const ids = found.corpus.vocab.size > vocab.size ? all.filter((id) => id < vocab.size) : all;
  const val = Int32Array.from(splitTrainVal(ids, meta.training.valFrac).val.subarray(0, chars));
  if (val.length === 0) throw usageError(`the validation text of ${found.corpus.name} is empty`, 'pass a text file to run the model over');
  return { ids: val, chars: Array.from(val, (id) => vocab.chars[id]!), source: `the validation text of ${found.corpus.name}` };
}
