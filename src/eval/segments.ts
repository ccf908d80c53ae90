/**
 * How well a model predicts a run of ids, in parallel segments.
 *
 * Running one stream over a long text is one model step per character, far
 * too slow on wasm, so the text is cut into `streams` contiguous segments
 * that run side by side as one batch, in windows, with each segment's hidden
 * state carried from window to window (the layout the trainer's validation
 * uses). One sequential pass would reach a segment's start with the state of
 * everything before it; a segment starting from the zero state instead
 * predicts its first characters worse (3.4382 against 3.4355 nats on 20,000
 * characters). So every segment but the first starts WARMUP characters
 * early and runs them without counting them: the state forgets where it
 * started long before that (bench/eval-warmup.ts), and the loss is that of
 * one sequential pass. The first segment starts at the text's start from
 * the zero state, as one pass does. The last segment may be shorter; its
 * padding is masked out of the loss.
 *
 * Segments are independent, so threads can take shares of them
 * (evaluate-text.ts); the segmentation depends only on the text, never on
 * the number of threads.
 */
import { gateCount, type ModelConfig } from '../model/config.js';
import { zeroState } from '../model/state.js';
import type { StepModel } from '../engine/engine.js';

/**
 * Characters every segment but the first runs uncounted before its own, so
 * that its state is that of one sequential pass. Measured on 20,000 and
 * 100,000 characters of Tiny Shakespeare (bench/eval-warmup.ts, lstm 2×192
 * at steps 7, 291 and 592): the gap to one pass falls from 1e-3 nats per
 * character without a warm-up to 4e-5 at 32 characters (trained) and at 128
 * (barely trained: random-like weights remember longer), and to 3e-6 or
 * less at 256 — for +10% work on 20,000 characters, +3% on a million.
 */
export const WARMUP = 256;
/** Segments shorter than this would make the warm-ups a noticeable share of the work. */
const MIN_SEGMENT = 2048;
/** More streams stop paying off on wasm/cpu and only cost memory. */
const MAX_STREAMS = 128;
/** Time steps per forward call. */
const MAX_WINDOW = 128;
/** Upper bound on the [window·streams, vocab] logits of one call. */
const MAX_LOGITS = 4_000_000;
/** Upper bound on the [window·streams, gates·hidden] input projections of one call (4 MB). */
const MAX_PROJECTIONS = 1_000_000;

/**
 * Positions are the targets of a text: position p predicts ids[p + 1] from
 * ids[p] and the state before it. Stream n runs positions
 * [n·segment, n·segment + warmup + segment) from the zero state and counts
 * those from n·segment + warmup on (stream 0: from `lead` on), so the
 * counted positions of the streams follow each other and cover
 * [lead, total) once; positions from `total` on are padding.
 */
export interface Segmentation {
  /** Positions: every id but the first. */
  total: number;
  streams: number;
  /** Positions each stream counts (stream 0: segment + warmup − lead; the last stream may count fewer). */
  segment: number;
  /** Positions each stream but the first runs uncounted before its segment. */
  warmup: number;
  /** Leading positions nobody counts: context carried over from before the text (0 = the text's start). */
  lead: number;
}

export interface IdsLoss {
  /** Summed cross-entropy in nats. */
  lossSum: number;
  /** Characters predicted. */
  count: number;
}

export interface SegmentationOptions {
  /** Parallel streams (default: from the length, one per MIN_SEGMENT counted positions, up to MAX_STREAMS). */
  streams?: number;
  /** Uncounted positions before every segment but the first (default WARMUP). */
  warmup?: number;
  /** Leading positions not counted (default 0); at most `warmup`. */
  lead?: number;
}

/** How a text of `length` ids is cut into segments. */
export function segmentation(length: number, options: SegmentationOptions = {}): Segmentation {
  const total = Math.max(0, length - 1);
  const warmup = Math.max(0, options.warmup ?? WARMUP);
  const lead = Math.min(total, warmup, Math.max(0, options.lead ?? 0));
  const rest = Math.max(0, total - warmup);
  const wanted = options.streams ?? Math.floor((total - lead) / MIN_SEGMENT);
  const n = Math.max(1, Math.min(MAX_STREAMS, wanted, rest));
  return { total, streams: n, segment: Math.ceil(rest / n), warmup, lead };
}

/** Positions counted over all streams. */
export function countedPositions(seg: Segmentation): number {
  return seg.total - seg.lead;
}

/**
 * Time steps per window for `streams` streams that run `steps` steps: the
 * logits of a window ([T·N, V]) and its input projections ([T·N, G·H],
 * which an engine may hold for every step at once) stay within bounds.
 */
function windowSteps(config: ModelConfig, steps: number, streams: number): number {
  const projection = gateCount(config.cell) * config.hidden;
  return Math.max(1, Math.min(MAX_WINDOW, steps, Math.floor(MAX_LOGITS / (streams * config.vocabSize)), Math.floor(MAX_PROJECTIONS / (streams * projection))));
}

/**
 * Summed cross-entropy over the streams [from, to) of `seg`, a window at a
 * time. Every window has the same shape (an engine compiles one graph per
 * shape): the last one is padded with uncounted positions.
 */
export async function evaluateSegments(
  model: StepModel,
  ids: ArrayLike<number>,
  seg: Segmentation,
  from: number,
  to: number,
  onProgress?: (done: number) => void,
): Promise<IdsLoss> {
  const { total, segment, warmup, lead } = seg;
  const width = to - from;
  if (width <= 0 || total === 0) return { lossSum: 0, count: 0 };
  /** Steps every stream runs. */
  const steps = warmup + segment;
  const window = windowSteps(model.config, steps, width);
  let state = zeroState(model.config, width);
  let lossSum = 0;
  let done = 0;
  const inputs = new Int32Array(window * width);
  const targets = new Int32Array(window * width);
  for (let start = 0; start < steps; start += window) {
    // Position 0 with no target (−1): past the end of a stream or of the text, or a warm-up.
    inputs.fill(0);
    targets.fill(-1);
    let ran = 0;
    let counted = 0;
    for (let n = 0; n < width; n++) {
      const stream = from + n;
      const first = stream * segment;
      const countFrom = stream === 0 ? lead : first + warmup;
      for (let t = 0; t < window && start + t < steps; t++) {
        const position = first + start + t;
        if (position >= total) break;
        const row = t * width + n;
        inputs[row] = ids[position]!;
        ran++;
        if (position >= countFrom) {
          targets[row] = ids[position + 1]!;
          counted++;
        }
      }
    }
    if (ran === 0) break;
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
