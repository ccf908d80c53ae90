/**
 * The novelty index of a corpus: loaded from its cache file when that is
 * valid for this very text, otherwise built (SA-IS) and cached atomically.
 * Progress and problems are reported through `log` (stderr in the CLI); a
 * cache that cannot be written costs only the rebuild next time.
 */
import { corpusHash, readIndexFile, writeIndexFile } from './index-file.js';
import { CorpusIndex, encodeCorpus } from './matches.js';
import { suffixArray } from './suffix-array.js';

export interface OpenIndexOptions {
  /** Where the index is cached; null = build in memory only. */
  cacheFile: string | null;
  /** How the corpus is named in messages. */
  label: string;
  log: (line: string) => void;
}

export function openCorpusIndex(corpus: string, o: OpenIndexOptions): CorpusIndex {
  const { text, alphabet } = encodeCorpus(corpus);
  const hash = corpusHash(corpus);
  if (o.cacheFile !== null) {
    const cached = readIndexFile(o.cacheFile, text, hash);
    if (cached.ok) return new CorpusIndex(text, alphabet, cached.sa);
    if (cached.reason !== 'missing') o.log(`novelty: the cached index ${o.cacheFile} is ${cached.reason}; rebuilding it`);
  }
  const started = performance.now();
  o.log(`novelty: indexing ${o.label} (${text.length.toLocaleString('en-US')} characters)…`);
  const sa = suffixArray(text, alphabet.length);
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
  return new CorpusIndex(text, alphabet, sa);
}
