/**
 * The memory a novelty index needs, and the refusal when the machine cannot
 * reasonably give it — before anything large is allocated.
 *
 * At its peak --novelty holds the corpus's ids as the data layer read them
 * (Uint16Array: 2 bytes per byte of the file, the reader's capacity) and the
 * suffix array (4 bytes per character); SA-IS works inside the suffix array
 * (its bucket arrays are a few kilobytes for text). So a corpus of n ASCII
 * characters needs about 6n bytes: 600 MB of text, 3.6 GB. Proving a cached
 * index right takes 4 bytes per character more (its inverse); where that
 * does not fit, the index is built instead of read. An index may take half
 * of the machine's memory.
 */
import os from 'node:os';
import { usageError } from '../util/errors.js';
import { MAX_SUFFIX_ARRAY_LENGTH } from './suffix-array.js';

/** The process itself, the model and the samples, besides the index. */
const BASE_BYTES = 200 * 2 ** 20;

/** The share of the machine's memory an index may take. */
const MACHINE_SHARE = 0.5;

/** Bytes at the peak for `chars` characters whose ids occupy `idBytes` bytes. */
export function indexBytes(chars: number, idBytes: number): number {
  return BASE_BYTES + idBytes + 4 * chars;
}

/** Bytes at the peak of reading and checking a cached index of `chars` characters (the inverse array besides). */
export function checkedIndexBytes(chars: number, idBytes: number): number {
  return indexBytes(chars, idBytes) + 4 * chars;
}

const gib = (bytes: number): string => `${(bytes / 2 ** 30).toFixed(1)} GiB`;

export interface MemoryLimit {
  /** The machine's memory (default os.totalmem()). */
  totalMemory?: number;
}

/**
 * Before reading: refuses a corpus of `fileBytes` bytes whose index would
 * need too much even at the fewest characters those bytes can hold (4 bytes
 * each), beside their ids (2 bytes per byte).
 */
export function checkCorpusSize(label: string, fileBytes: number, limit: MemoryLimit = {}): void {
  refuse(`${label} is ${gib(fileBytes)}`, indexBytes(Math.ceil(fileBytes / 4), 2 * fileBytes), 'at least ', limit);
}

/** After reading, before indexing: refuses `chars` characters whose ids occupy `idBytes` bytes when they need too much. */
export function checkIndexMemory(label: string, chars: number, idBytes: number, limit: MemoryLimit = {}): void {
  if (chars > MAX_SUFFIX_ARRAY_LENGTH) {
    throw usageError(
      `${label} has ${chars.toLocaleString('en-US')} characters; a novelty index holds at most ${MAX_SUFFIX_ARRAY_LENGTH.toLocaleString('en-US')}`,
      'pass --corpus with a part of the training text',
    );
  }
  refuse(`${label} has ${chars.toLocaleString('en-US')} characters`, indexBytes(chars, idBytes), 'about ', limit);
}

/** Whether a cached index of `chars` characters can be checked in memory (else it is built: that needs less). */
export function canCheckCachedIndex(chars: number, idBytes: number, limit: MemoryLimit = {}): boolean {
  return checkedIndexBytes(chars, idBytes) <= MACHINE_SHARE * (limit.totalMemory ?? os.totalmem());
}

function refuse(what: string, need: number, qualifier: string, limit: MemoryLimit): void {
  const total = limit.totalMemory ?? os.totalmem();
  if (need <= MACHINE_SHARE * total) return;
  throw usageError(
    `${what}: its novelty index would need ${qualifier}${gib(need)} of memory, more than half of this machine's ${gib(total)}`,
    'pass --corpus with a part of the training text',
  );
}
