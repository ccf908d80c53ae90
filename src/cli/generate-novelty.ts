/**
 * `charnn generate --novelty`: how much of each sample is copied verbatim
 * from the training corpus (the checkpoint's, or --corpus). The samples on
 * stdout stay untouched: jsonl records gain a `novelty` field, and in text
 * format one line per sample goes to stderr after the samples (both written
 * by generate-output.ts; the line's words are here).
 */
import path from 'node:path';
import { findCorpus, MAX_RECORDED_CORPUS_ENTRIES, openRecordedCorpus } from '../checkpoint/corpus.js';
import { runDirectoryOf, type LoadedCheckpoint } from '../checkpoint/load.js';
import { openCorpus } from '../data/corpus.js';
import { MIN_COPIED_RUN, type CorpusIndex, type NoveltyReport } from '../novelty/matches.js';
import { checkCorpusSize, checkIndexMemory } from '../novelty/memory.js';
import { narrowIds } from '../novelty/narrow-ids.js';
import { openCorpusIndex } from '../novelty/open-index.js';
import { flattenText, truncate } from '../util/text.js';
import { usageError } from '../util/errors.js';
import { escapeControls } from '../util/escape.js';
import { writeErr } from './output.js';

/** The index file in a run directory. */
export const NOVELTY_INDEX_FILE = 'novelty.index';

/**
 * Finds the corpus, reads it into ids and opens (or builds and caches) its
 * index over them. The memory the index needs is checked twice: from the
 * file size before reading (a corpus far too large is refused at once) and
 * from the characters read before indexing.
 *
 * A corpus path recorded in the checkpoint is as untrusted as the rest of
 * it: a file-system root is refused and a directory's walk bounded
 * (openRecordedCorpus), what it may read is bounded by the memory check,
 * and the text read must have the recorded size, characters and SHA-256
 * before anything is indexed. --corpus names a corpus the user
 * chose, read as `train` reads one.
 */
export function openNovelty(checkpoint: LoadedCheckpoint, corpus: string | undefined, maxRecordedEntries = MAX_RECORDED_CORPUS_ENTRIES): CorpusIndex {
  const recorded = checkpoint.meta.corpus;
  // (A recorded corpus that is gone is reported by findCorpus, with the way out.)
  const source = corpus !== undefined ? openCorpus(corpus) : openRecordedCorpus(recorded.path, 'pass --corpus <file> with the text the model was trained on', maxRecordedEntries);
  if (source !== null) checkCorpusSize(`the corpus ${escapeControls(source.shown)}`, source.size);
  const found = findCorpus(checkpoint.meta, corpus, '--corpus');
  const changed = found.changed ?? (found.recorded && recorded.sha256 !== undefined && found.corpus.sha256 !== recorded.sha256
    ? `${recorded.path} has changed since training (its SHA-256 is not the one recorded)` : null);
  if (changed !== null) {
    throw usageError(
      `${changed}: novelty against it would not be novelty against the text the model learnt`,
      `pass --corpus ${found.corpus.path} to compare with it as it is now, or --corpus with the original text`,
    );
  }
  const { ids, vocab, name } = found.corpus;
  const label = `the corpus ${name}`;
  checkIndexMemory(label, ids.length, ids.buffer.byteLength);
  // The corpus was read for the index alone: its ids may be narrowed in place.
  return openCorpusIndex({ ids: narrowIds(ids, vocab.size), vocab }, {
    cacheFile: path.join(runDirectoryOf(checkpoint.dir), NOVELTY_INDEX_FILE),
    label,
    log: (line) => writeErr(escapeControls(line)),
  });
}

/** One line for stderr: the longest copied substring and the copied share. */
export function noveltyNote(r: NoveltyReport, show: (text: string) => string): string {
  if (r.chars === 0) return 'empty sample';
  const shown = truncate(flattenText(show(r.longestText)), 40);
  const share = `${(100 * r.copiedShare).toFixed(r.copiedShare > 0 && r.copiedShare < 0.01 ? 1 : 0)}%`;
  return `longest copied ${r.longest} character${r.longest === 1 ? '' : 's'}${r.longest > 0 ? ` "${shown}"` : ''}, ${share} in copied runs of ≥ ${MIN_COPIED_RUN}`;
}
