/**
 * `charnn generate --novelty`: how much of each sample is copied verbatim
 * from the training corpus (the checkpoint's, or --corpus). The samples on
 * stdout stay untouched: jsonl records gain a `novelty` field, and in text
 * format one line per sample goes to stderr after the samples.
 */
import path from 'node:path';
import { findCorpus } from '../checkpoint/corpus.js';
import { runDirectoryOf, type LoadedCheckpoint } from '../checkpoint/load.js';
import { MIN_COPIED_RUN, type CorpusIndex, type NoveltyReport } from '../novelty/matches.js';
import { openCorpusIndex } from '../novelty/open-index.js';
import { flattenText, truncate } from '../ui/text.js';
import { usageError } from '../util/errors.js';
import { escapeControls } from '../util/escape.js';
import { writeErr } from './output.js';

/** The index file in a run directory. */
export const NOVELTY_INDEX_FILE = 'novelty.index';

/** Finds the corpus and opens (or builds and caches) its index. */
export function openNovelty(checkpoint: LoadedCheckpoint, corpus: string | undefined): CorpusIndex {
  const found = findCorpus(checkpoint.meta, corpus, '--corpus');
  if (found.changed !== null) {
    throw usageError(
      `${found.changed}: novelty against it would not be novelty against the text the model learnt`,
      `pass --corpus ${found.corpus.path} to compare with it as it is now, or --corpus with the original text`,
    );
  }
  return openCorpusIndex(found.corpus.vocab.decode(found.corpus.ids), {
    cacheFile: path.join(runDirectoryOf(checkpoint.dir), NOVELTY_INDEX_FILE),
    label: `the corpus ${found.corpus.name}`,
    log: (line) => writeErr(escapeControls(line)),
  });
}

/**
 * The jsonl `novelty` field. Lengths count the model's characters; `show`
 * prints text as the samples are printed (composed for an NFD model).
 */
export function noveltyRecord(r: NoveltyReport, show: (text: string) => string): Record<string, unknown> {
  return { longest: r.longest, longest_text: show(r.longestText), copied_share: r.copiedShare, copied_chars: r.copiedChars, min_run: r.minRun };
}

/** One line for stderr: the longest copied substring and the copied share. */
export function noveltyNote(r: NoveltyReport, show: (text: string) => string): string {
  if (r.chars === 0) return 'empty sample';
  const shown = truncate(flattenText(show(r.longestText)), 40);
  const share = `${(100 * r.copiedShare).toFixed(r.copiedShare > 0 && r.copiedShare < 0.01 ? 1 : 0)}%`;
  return `longest copied ${r.longest} character${r.longest === 1 ? '' : 's'}${r.longest > 0 ? ` "${shown}"` : ''}, ${share} in copied runs of ≥ ${MIN_COPIED_RUN}`;
}
