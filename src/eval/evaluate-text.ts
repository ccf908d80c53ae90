/**
 * How well a model predicts a text: the mean cross-entropy of every
 * character given all the characters before it.
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
 * Segments are independent, so worker threads can take shares of them; the
 * segmentation depends only on the text, never on the number of workers.
 */
import { Worker } from 'node:worker_threads';
import { parameterSpecs, type ParamArrays } from '../model/params.js';
import { gateCount, type ModelConfig } from '../model/config.js';
import { zeroState } from '../model/state.js';
import type { StepModel } from '../engine/engine.js';
import { runtimeError } from '../util/errors.js';
import { workerUrl } from '../util/worker-url.js';
import type { EvalWorkerInit, EvalWorkerMessage } from './eval-worker.js';

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
/** Below this many characters, starting worker threads costs more than it saves. */
export const MIN_CHARS_PER_WORKER = 100_000;

export interface Segmentation {
  /** Characters to predict: every id but the first. */
  total: number;
  streams: number;
  /** Targets per stream (the last stream may have fewer). */
  segment: number;
}

/** What evaluates: a step model, and for the TF.js engine what worker threads need to build their own. */
export interface EvalModel {
  steps: StepModel;
  weights: ParamArrays;
  /** The TF.js backend for worker threads; null = no workers (the ort engine threads inside onnxruntime). */
  workerBackend: string | null;
}

export interface IdsLoss {
  /** Summed cross-entropy in nats. */
  lossSum: number;
  /** Characters predicted. */
  count: number;
}

export interface EvaluateOptions {
  /** Parallel segments (default: from the text length, up to MAX_STREAMS). */
  streams?: number;
  /** Threads sharing the segments, this one included (default 1). */
  workers?: number;
  /** Called now and then with the characters done so far. */
  onProgress?: (done: number, total: number) => void;
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

/** Splits `streams` into `parts` contiguous ranges of nearly equal size. */
export function streamRanges(streams: number, parts: number): [number, number][] {
  const n = Math.max(1, Math.min(parts, streams));
  return Array.from({ length: n }, (_, k) => [Math.floor((k * streams) / n), Math.floor(((k + 1) * streams) / n)] as [number, number]);
}

function runWorker(init: EvalWorkerInit, onProgress: (done: number) => void): { result: Promise<IdsLoss>; stop: () => Promise<number> } {
  const worker = new Worker(workerUrl('./eval-worker.js', import.meta.url), { workerData: init });
  const result = new Promise<IdsLoss>((resolve, reject) => {
    let settled = false;
    worker.on('message', (message: EvalWorkerMessage) => {
      if (message.kind === 'progress') onProgress(message.done);
      else if (message.kind === 'done') {
        settled = true;
        resolve({ lossSum: message.lossSum, count: message.count });
      } else {
        settled = true;
        reject(new Error(message.message));
      }
    });
    worker.on('error', (error) => {
      settled = true;
      reject(error);
    });
    worker.on('exit', (code) => {
      if (!settled) reject(new Error(`exit code ${code}`));
    });
  });
  // Awaited only once this thread's share is done; a failure before that must
  // not count as an unhandled rejection.
  result.catch(() => undefined);
  return { result, stop: () => worker.terminate() };
}

/** Summed cross-entropy of ids[1…] given the ids before each. */
export async function evaluateIds(model: EvalModel, ids: Int32Array, options: EvaluateOptions = {}): Promise<IdsLoss> {
  const seg = segmentation(ids.length, options.streams);
  if (seg.total === 0) return { lossSum: 0, count: 0 };
  const wanted = model.workerBackend === null ? 1 : (options.workers ?? 1);
  const workers = Math.max(1, Math.min(wanted, Math.floor(seg.total / MIN_CHARS_PER_WORKER) || 1));
  const ranges = streamRanges(seg.streams, workers);
  const progress = ranges.map(() => 0);
  const report = (k: number) => (done: number) => {
    progress[k] = done;
    options.onProgress?.(progress.reduce((a, b) => a + b, 0), seg.total);
  };
  const remote = ranges.slice(1).map(([from, to], i) => {
    const init: EvalWorkerInit = {
      config: model.steps.config,
      backend: model.workerBackend!,
      params: parameterSpecs(model.steps.config).map((spec) => model.weights.get(spec.name)!),
      ids,
      seg,
      from,
      to,
    };
    return runWorker(init, report(i + 1));
  });
  try {
    const local = await evaluateSegments(model.steps, ids, seg, ranges[0]![0], ranges[0]![1], report(0));
    let others: IdsLoss[];
    try {
      others = await Promise.all(remote.map((r) => r.result));
    } catch (error) {
      throw runtimeError(`an evaluation worker failed: ${(error as Error).message}`, 'run with --workers 1', error);
    }
    return others.reduce((a, b) => ({ lossSum: a.lossSum + b.lossSum, count: a.count + b.count }), local);
  } finally {
    await Promise.all(remote.map((r) => r.stop()));
  }
}

export interface TextEvaluation {
  /** Characters predicted (known characters minus the first). */
  chars: number;
  /** Characters not in the vocabulary, left out. */
  skipped: number;
  /** The distinct missing characters, in order of first appearance. */
  missing: string[];
  /** Mean cross-entropy, nats per character (null when nothing could be predicted). */
  loss: number | null;
  lossSum: number;
}

/** Bits per character for a loss in nats. */
export function bitsPerChar(loss: number): number {
  return loss / Math.LN2;
}
