/**
 * Fitting the batch layout (parallel streams × window length) to a text that
 * is too short for the one asked for. A short text is a normal first try, so
 * charnn shrinks the layout instead of refusing: fewer streams first (the
 * window length is what the model learns context from), then a shorter
 * window, down to one stream of MIN_WINDOW characters.
 */

/** The shortest window charnn shrinks to: below it a text is refused. */
export const MIN_WINDOW = 16;

export interface Layout {
  /** Parallel streams. */
  batchSize: number;
  /** Characters per stream per window. */
  seqLen: number;
}

/**
 * The largest layout within `requested` that cuts at least one whole window
 * out of a text of `length` ids (one stream of n characters needs n + 1 ids,
 * as the last one is only a target): batchSize shrinks to what the text
 * holds at the requested seqLen; if not even one stream fits, seqLen shrinks
 * to length − 1.
 * @param minSeqLen the shortest window accepted (default: MIN_WINDOW, or the requested seqLen when that is shorter).
 * @returns the layout, or null when even one stream of minSeqLen characters does not fit.
 */
export function fitLayout(length: number, requested: Layout, minSeqLen = Math.min(MIN_WINDOW, requested.seqLen)): Layout | null {
  const usable = Math.max(0, length - 1);
  const streams = Math.min(requested.batchSize, Math.floor(usable / requested.seqLen));
  if (streams >= 1) return { batchSize: streams, seqLen: requested.seqLen };
  if (usable >= minSeqLen) return { batchSize: 1, seqLen: usable };
  return null;
}

/** `batch 22 × seq-len 100` */
export function describeLayout(layout: Layout): string {
  return `batch ${layout.batchSize} × seq-len ${layout.seqLen}`;
}
