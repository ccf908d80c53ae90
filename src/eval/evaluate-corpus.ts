/**
 * Evaluating a text of any size in flat memory: the file (or directory) is
 * streamed in chunks, encoded, and evaluated in blocks of BLOCK_CHARS ids
 * (evaluate-text.ts cuts each block into parallel segments). A block starts
 * with the last WARMUP + 1 ids of the one before, which only warm up its
 * first segment, so every character but the very first is predicted exactly
 * once, and as one sequential pass over the whole text would predict it.
 */
import { corpusText, type CorpusSource, type Normalization } from '../data/corpus.js';
import type { Vocabulary } from '../data/vocabulary.js';
import { evaluateIds, type EvalModel, type TextEvaluation } from './evaluate-text.js';
import { WARMUP } from './segments.js';

/** New ids evaluated at a time: 16 MB of Int32. */
const BLOCK_CHARS = 1 << 22;
/** Bytes read from disk at a time. */
const READ_BYTES = 2 * 2 ** 20;

export interface CorpusProgress {
  /** Bytes of the corpus evaluated so far (estimated within a block) and in all. */
  bytes: number;
  totalBytes: number;
  /** Characters predicted so far. */
  chars: number;
}

interface CorpusEvaluation extends TextEvaluation {
  /** Binary files of a directory that were left out. */
  skippedFiles: string[];
}

export async function evaluateCorpus(
  model: EvalModel,
  vocab: Vocabulary,
  source: CorpusSource,
  normalization: Normalization,
  options: { workers?: number; onProgress?: (p: CorpusProgress) => void; blockChars?: number } = {},
): Promise<CorpusEvaluation> {
  // The previous block's last WARMUP + 1 ids, then blockChars new ones.
  const block = new Int32Array((options.blockChars ?? BLOCK_CHARS) + WARMUP + 1);
  let filled = 0;
  /** Ids at the block's start that the previous block predicted: context only. */
  let lead = 0;
  let lossSum = 0;
  let count = 0;
  let skipped = 0;
  const missing = new Set<string>();
  let bytesRead = 0;
  /** Bytes read when the block being filled started. */
  let blockStartBytes = 0;

  const evaluateBlock = async (): Promise<void> => {
    const start = blockStartBytes;
    const end = bytesRead;
    const result = await evaluateIds(model, block.subarray(0, filled), {
      workers: options.workers,
      lead,
      onProgress: (done, total) =>
        options.onProgress?.({ bytes: start + ((end - start) * done) / Math.max(1, total), totalBytes: source.size, chars: count + done }),
    });
    lossSum += result.lossSum;
    count += result.count;
    const keep = Math.min(WARMUP, filled - 1) + 1;
    block.copyWithin(0, filled - keep, filled);
    filled = keep;
    lead = keep - 1;
    blockStartBytes = end;
  };

  const pieces = corpusText(source, normalization, (bytes) => (bytesRead = bytes), READ_BYTES);
  let next = pieces.next();
  for (; !next.done; next = pieces.next()) {
    const encoded = vocab.encodeLossy(next.value);
    if (encoded.skipped > 0) {
      skipped += encoded.skipped;
      for (const ch of vocab.missingChars(next.value)) missing.add(ch);
    }
    let offset = 0;
    while (offset < encoded.ids.length) {
      const take = Math.min(encoded.ids.length - offset, block.length - filled);
      block.set(encoded.ids.subarray(offset, offset + take), filled);
      filled += take;
      offset += take;
      if (filled === block.length) await evaluateBlock();
    }
  }
  if (filled > lead + 1) await evaluateBlock();
  options.onProgress?.({ bytes: source.size, totalBytes: source.size, chars: count });
  return { chars: count, skipped, missing: [...missing], loss: count > 0 ? lossSum / count : null, lossSum, skippedFiles: next.value.skipped };
}
