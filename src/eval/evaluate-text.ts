/**
 * How well a model predicts a text: the mean cross-entropy of every
 * character given all the characters before it.
 *
 * The text is cut into parallel segments, each warmed up on the characters
 * before it (segments.ts), so the loss is that of one sequential pass; for a
 * long text on the TF.js engine, worker threads (eval-worker.ts) take
 * contiguous shares of the segments while this thread evaluates the first
 * share. The result is the same for any number of threads.
 */
import { parameterSpecs, type ParamArrays } from '../model/params.js';
import type { StepModel } from '../engine/engine.js';
import { terminateAll, WorkerThread } from '../util/worker-pool.js';
import { workerUrl } from '../util/worker-url.js';
import type { EvalProtocol } from './eval-worker.js';
import { countedPositions, evaluateSegments, segmentation, type IdsLoss, type SegmentationOptions } from './segments.js';

/** Below this many characters, starting worker threads costs more than it saves. */
const MIN_CHARS_PER_WORKER = 100_000;

/** What evaluates: a step model, and for the TF.js engine what worker threads need to build their own. */
export interface EvalModel {
  steps: StepModel;
  weights: ParamArrays;
  /** The TF.js backend for worker threads; null = no workers (the ort engine threads inside onnxruntime). */
  workerBackend: string | null;
}

interface EvaluateOptions extends SegmentationOptions {
  /** Threads sharing the segments, this one included (default 1). */
  workers?: number;
  /** Counted characters each thread must have at least (default MIN_CHARS_PER_WORKER). */
  minCharsPerWorker?: number;
  /** Called now and then with the characters done so far. */
  onProgress?: (done: number, total: number) => void;
}

/** Splits `streams` into `parts` contiguous ranges of nearly equal size. */
function streamRanges(streams: number, parts: number): [number, number][] {
  const n = Math.max(1, Math.min(parts, streams));
  return Array.from({ length: n }, (_, k) => [Math.floor((k * streams) / n), Math.floor(((k + 1) * streams) / n)] as [number, number]);
}

/**
 * Summed cross-entropy of ids[1 + lead…] given all the ids before each (the
 * first `lead` are context only, e.g. the end of the previous block).
 */
export async function evaluateIds(model: EvalModel, ids: Int32Array, options: EvaluateOptions = {}): Promise<IdsLoss> {
  const seg = segmentation(ids.length, options);
  const counted = countedPositions(seg);
  if (counted === 0) return { lossSum: 0, count: 0 };
  const wanted = model.workerBackend === null ? 1 : (options.workers ?? 1);
  const workers = Math.max(1, Math.min(wanted, Math.floor(counted / (options.minCharsPerWorker ?? MIN_CHARS_PER_WORKER)) || 1));
  const ranges = streamRanges(seg.streams, workers);
  const progress = ranges.map(() => 0);
  const report = (k: number) => (done: number) => {
    progress[k] = done;
    options.onProgress?.(progress.reduce((a, b) => a + b, 0), counted);
  };
  const params = parameterSpecs(model.steps.config).map((spec) => model.weights.get(spec.name)!);
  const remote = ranges.slice(1).map(([from, to], i) => {
    const thread = new WorkerThread<EvalProtocol>({
      entry: workerUrl('./eval-worker.js', import.meta.url),
      init: { config: model.steps.config, backend: model.workerBackend!, params, ids, seg, from, to },
      name: 'an evaluation worker',
      hint: 'run with --workers 1',
    });
    thread.subscribe(report(i + 1));
    return thread;
  });
  try {
    const local = await evaluateSegments(model.steps, ids, seg, ranges[0]![0], ranges[0]![1], report(0));
    // A worker that failed or died rejects with one error naming it.
    const others = await Promise.all(remote.map((thread) => thread.result));
    return others.reduce((a, b) => ({ lossSum: a.lossSum + b.lossSum, count: a.count + b.count }), local);
  } finally {
    await terminateAll(remote);
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
