/**
 * The novelty index of a corpus: loaded from its cache file when that is
 * valid for these very ids, otherwise built (SA-IS) and cached atomically.
 * The corpus stays what the data layer read: ids, never one string.
 * Progress and problems are reported through `log` (stderr in the CLI); a
 * cache that cannot be written costs only the rebuild next time.
 */
import type { Vocabulary } from '../data/vocabulary.js';
import { idsHash, readIndexFile, writeIndexFile } from './index-file.js';
import { canCheckCachedIndex, type MemoryLimit } from './memory.js';
import { CorpusIndex } from './matches.js';
import { suffixArray, type Symbols } from './suffix-array.js';

interface OpenIndexOptions {
  /** Where the index is cached; null = build in memory only. */
  cacheFile: string | null;
  /** How the corpus is named in messages. */
  label: string;
  log: (line: string) => void;
  /** The machine's memory (tests); default os.totalmem(). */
  memory?: MemoryLimit;
}

/** @param corpus the corpus's ids (as readCorpus returns them, or narrowed) and their vocabulary */
export function openCorpusIndex(corpus: { ids: Symbols; vocab: Vocabulary }, o: OpenIndexOptions): CorpusIndex {
  const { ids, vocab } = corpus;
  const hash = idsHash(ids);
  if (o.cacheFile !== null) {
    // A cached index is used only once proved right, which takes memory of its own.
    const checkable = canCheckCachedIndex(ids.length, ids.byteLength, o.memory);
    const cached = readIndexFile(o.cacheFile, ids, hash, checkable);
    if (cached.ok) return new CorpusIndex(ids, vocab, cached.sa);
    if (cached.reason !== 'missing') o.log(`novelty: the cached index ${o.cacheFile} is ${cached.reason}; rebuilding it`);
  }
  const started = performance.now();
  o.log(`novelty: indexing ${o.label} (${ids.length.toLocaleString('en-US')} characters)…`);
  const sa = suffixArray(ids, vocab.size);
  const seconds = (performance.now() - started) / 1000;
  if (o.cacheFile !== null) {
    try {
      writeIndexFile(o.cacheFile, sa, hash);
      o.log(`novelty: indexed in ${seconds.toFixed(1)} s, cached in ${o.cacheFile}`);
    } catch (error) {
      const e = error as NodeJS.ErrnoException;
      o.log(`novelty: indexed in ${seconds.toFixed(1)} s; could not cache it in ${o.cacheFile} (${e.code ?? e.message}), so it is built again next time`);
    }
  } else {
    o.log(`novelty: indexed in ${seconds.toFixed(1)} s`);
  }
  return new CorpusIndex(ids, vocab, sa);
}
