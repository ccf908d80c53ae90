/**
 * The corpus a checkpoint was trained on, found again from what charnn.json
 * recorded (its path and size), or a file the user names instead. A corpus
 * that is gone is a usage error that says how to point at it; one whose size
 * no longer matches is returned with a note, and the caller decides whether
 * that matters (novelty against a changed text would mislead; a neuron view
 * of it is still a view of text).
 */
import fs from 'node:fs';
import path from 'node:path';
import { openCorpus, readCorpus, type Corpus, type CorpusSource } from '../data/corpus.js';
import { Vocabulary } from '../data/vocabulary.js';
import { usageError } from '../util/errors.js';
import type { CharnnMeta } from './meta.js';

/** Most directory entries walked in a corpus directory whose path a checkpoint recorded. */
export const MAX_RECORDED_CORPUS_ENTRIES = 100_000;

/**
 * A corpus path recorded in a checkpoint is as untrusted as the rest of it:
 * a file-system root is refused, and a directory's walk is bounded
 * (`maxEntries`), each with one line whose hint is `fix`. Returns the files
 * found (nothing is read yet), or null when the path does not exist.
 */
export function openRecordedCorpus(recorded: string, fix: string, maxEntries = MAX_RECORDED_CORPUS_ENTRIES): CorpusSource | null {
  const resolved = path.resolve(recorded);
  if (resolved === path.parse(resolved).root) {
    throw usageError(`the checkpoint records its corpus as ${recorded}, the root of the file system; charnn does not read a whole file system`, fix);
  }
  if (!fs.existsSync(recorded)) return null;
  return openCorpus(recorded, { maxEntries, hint: `it is the corpus path the checkpoint records; ${fix}` });
}

interface FoundCorpus {
  corpus: Corpus;
  /** Whether it is the checkpoint's own corpus (not a file the user named). */
  recorded: boolean;
  /** Why the recorded corpus does not look like the one trained on, or null. */
  changed: string | null;
}

/**
 * @param given a corpus the user named (read instead of the recorded one)
 * @param flag the option that names a corpus, for the hint
 */
export function findCorpus(meta: CharnnMeta, given: string | undefined, flag: string): FoundCorpus {
  // The checkpoint's characters keep their ids (those the text adds come after them).
  const read = (file: string): Corpus => readCorpus(file, meta.normalization, { vocab: new Vocabulary(meta.vocabulary), unknown: 'add' });
  if (given !== undefined) return { corpus: read(given), recorded: false, changed: null };
  const recorded = meta.corpus.path;
  if (openRecordedCorpus(recorded, `pass ${flag} <file> with the text it was trained on`) === null) {
    throw usageError(`the corpus this checkpoint was trained on is not at ${recorded} any more (moved or deleted)`, `pass ${flag} with its new location`);
  }
  const corpus = read(recorded);
  const chars = corpus.ids.length;
  const changes: string[] = [];
  if (corpus.bytes !== meta.corpus.bytes) changes.push(`${meta.corpus.bytes.toLocaleString('en-US')} → ${corpus.bytes.toLocaleString('en-US')} bytes`);
  if (chars !== meta.corpus.chars) changes.push(`${meta.corpus.chars.toLocaleString('en-US')} → ${chars.toLocaleString('en-US')} characters`);
  return { corpus, recorded: true, changed: changes.length > 0 ? `${recorded} has changed since training (${changes.join(', ')})` : null };
}
