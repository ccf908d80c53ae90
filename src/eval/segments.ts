/**
 * How well a model predicts a run of ids, in parallel segments.
 *
 * Running one stream over a long text is one model step per character, far
 * too slow on wasm, so the text is cut into `streams` contiguous segments
 * that run side by side as one batch, in windows, with each segment's hidden
 * state carried from window to window (the layout the trainer's validation
 * uses). Each segment starts from a zero state, which costs a little at the
 * start of every segment; segments are long (thousands of characters) so
 * that this stays negligible. The last segment may be shorter; its padding
 * is masked out of the loss.
 *
 * Segments are independent, so threads can take shares of them
 * (evaluate-text.ts); the segmentation depends only on the text, never on
 * the number of threads.
 */
import { gateCount, type ModelConfig } from '../model/config.js';
import { zeroState } from '../model/state.js';
import type { StepModel } from '../engine/engine.js';

/** Segments shorter than this would make the zero-state starts noticeable. */
export const MIN_SEGMENT = 2048;
/** More streams stop paying off on wasm/cpu and only cost memory. */
export const MAX_STREAMS = 128;
/** Time steps per forward call. */
export const MAX_WINDOW = 128;
/** Upper bound on the [window·streams, vocab] logits of one call. */
const MAX_LOGITS = 4_000_000;
/** Upper bound on the [window·streams, gates·hidden] input projections of one call (4 MB). */
const MAX_PROJECTIONS = 1_000_000;

export interface Segmentation {
  /** Characters to predict: every id but the first. */
  total: number;
  streams: number;
  /** Targets per stream (the last stream may have fewer). */
  segment: number;
}

export interface IdsLoss {
  /** Summed cross-entropy in nats. */
  lossSum: number;
  /** Characters predicted. */
  count: number;
}

/** How a text of `length` ids is cut into segments. */
export function segmentation(length: number, streams?: number): Segmentation {
  const total = Math.max(0, length - 1);
  const wanted = streams ?? Math.floor(total / MIN_SEGMENT);
  const n = Math.max(1, Math.min(MAX_STREAMS, wanted, total));
  return { total, streams: n, segment: total === 0 ? 0 : Math.ceil(total / n) };
}

/**
 * Time steps per window for `streams` streams: the logits of a window
 * ([T·N, V]) and its input projections ([T·N, G·H], which an engine may
 * hold for every step at once) stay within bounds.
 */
export function windowSteps(config: ModelConfig, segment: number, streams: number): number {
  const projection = gateCount(config.cell) * config.hidden;
  return Math.max(1, Math.min(MAX_WINDOW, segment, Math.floor(MAX_LOGITS / (streams * config.vocabSize)), Math.floor(MAX_PROJECTIONS / (streams * projection))));
}

/**
 * Summed cross-entropy over the segments [from, to) of `seg`, a window at a
 * time. Every window has the same shape (an engine compiles one graph per
 * shape): the last one of the segments is padded with uncounted positions.
 */
export async function evaluateSegments(
  model: StepModel,
  ids: ArrayLike<number>,
  seg: Segmentation,
  from: number,
  to: number,
  onProgress?: (done: number) => void,
): Promise<IdsLoss> {
  const { total, segment } = seg;
  const width = to - from;
  if (width <= 0 || total === 0) return { lossSum: 0, count: 0 };
  const window = windowSteps(model.config, segment, width);
  let state = zeroState(model.config, width);
  let lossSum = 0;
  let done = 0;
  const inputs = new Int32Array(window * width);
  const targets = new Int32Array(window * width);
  for (let start = 0; start < segment; start += window) {
    // Position 0 with no target (−1): past the end of a segment or of the text.
    inputs.fill(0);
    targets.fill(-1);
    let counted = 0;
    for (let n = 0; n < width; n++) {
      for (let t = 0; t < window && start + t < segment; t++) {
        const position = (from + n) * segment + start + t;
        if (position >= total) break;
        const row = t * width + n;
        inputs[row] = ids[position]!;
        targets[row] = ids[position + 1]!;
        counted++;
      }
    }
    if (counted === 0) break;
    const out = model.windowLoss(state, inputs, targets, window);
    lossSum += out.lossSum;
    state = out.state;
    done += counted;
    onProgress?.(done);
    // Let the event loop breathe (signals, progress output, worker messages).
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  return { lossSum, count: done };
}
