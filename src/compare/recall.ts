/**
 * The long-range memory experiment: train each cell on the recall task
 * (marker, `lag` fillers, '=', marker again) and measure how often it gets
 * the recalled marker right on held-out episodes at exactly `lag`.
 *
 * Training drives CharRnn and Adam directly (no checkpoints, no validation
 * passes): every stream of a batch is a run of consecutive episodes and every
 * BPTT window is exactly one episode (seqLen = lag + 4), so the marker and
 * its recall always fall in the same window and the dependency is learnable
 * by truncated BPTT; the hidden state is carried from window to window as in
 * ordinary training (or reset to zeros per episode, carry: false). Every step
 * sees fresh episodes, so there is nothing to overfit.
 *
 * By default each training episode's lag is drawn from 1 … lag (fillers pad
 * the front so every window keeps its length). Trained only at lag 50, an
 * LSTM never starts: at initialisation its half-open input gate adds fifty
 * fillers' worth of noise to the cell state, burying the marker, so there is
 * no gradient that teaches it to close the gate. The short episodes supply
 * that gradient; the long ones then test the memory (fixedLag: true trains
 * at exactly `lag`, to see the difference).
 */
import * as tf from '../tf.js';
import { makeRecallIds, type RecallIds } from '../data/recall-task.js';
import { CharRnn, disposeState, type ModelState } from '../engine/tfjs/char-rnn.js';
import { parameterCount, type CellType } from '../model/config.js';
import { arraysToParams, disposeParams, initParams, paramsToArrays } from '../engine/tfjs/param-tensors.js';
import { Adam, clipScale, globalNorm } from '../train/optimizer.js';
import { Rng } from '../util/rng.js';

/** What recallAccuracy needs from a model (CharRnn, or a hand-made fake in tests). */
export interface LogitModel {
  readonly config: { vocabSize: number };
  zeroState(batch: number): ModelState;
  sequenceLogits(batch: { inputs: Int32Array; batchSize: number; seqLen: number }, state: ModelState): { logits: tf.Tensor2D; finals: ModelState };
}

interface RecallScore {
  /** Fraction of recall positions where the most likely next character is the right marker. */
  accuracy: number;
  /** Mean −log p(right marker) at the recall positions (nats); ln(markers) is guessing. */
  recallLoss: number;
  /** Recall positions scored. */
  count: number;
}

/**
 * Runs the model over `ids` split into `streams` contiguous chunks of
 * ⌊length / streams⌋ ids (state carried through each chunk, windows of
 * `window` steps) and scores the prediction made for every recall position:
 * the logits after reading position p − 1 must put the character at p first.
 * Positions at the very start of a chunk (nothing read yet) or beyond the
 * last chunk are skipped, so choose `streams` so that chunks hold whole
 * episodes.
 */
export function recallAccuracy(
  model: LogitModel,
  ids: ArrayLike<number>,
  recallPositions: Int32Array,
  options: { streams: number; window: number },
): RecallScore {
  const { streams, window } = options;
  const vocab = model.config.vocabSize;
  const chunk = Math.floor(ids.length / streams);
  if (chunk < 1) throw new Error(`${ids.length} ids cannot be split into ${streams} streams`);
  // For each (chunk-local input index) the recall position it predicts.
  const wanted = new Map<number, number>();
  for (const p of recallPositions) {
    const s = Math.floor(p / chunk);
    const local = p - s * chunk;
    if (s >= streams || local < 1) continue;
    wanted.set(s * chunk + local - 1, p);
  }
  let correct = 0;
  let lossSum = 0;
  let state = model.zeroState(streams);
  try {
    for (let start = 0; start < chunk; start += window) {
      const steps = Math.min(window, chunk - start);
      const inputs = new Int32Array(steps * streams);
      for (let t = 0; t < steps; t++) for (let s = 0; s < streams; s++) inputs[t * streams + s] = ids[s * chunk + start + t]!;
      const { logits, finals } = model.sequenceLogits({ inputs, batchSize: streams, seqLen: steps }, state);
      const values = logits.dataSync();
      logits.dispose();
      disposeState(state);
      state = finals;
      for (let t = 0; t < steps; t++) {
        for (let s = 0; s < streams; s++) {
          const p = wanted.get(s * chunk + start + t);
          if (p === undefined) continue;
          const row = (t * streams + s) * vocab;
          const target = ids[p]!;
          let best = 0;
          let max = -Infinity;
          for (let v = 0; v < vocab; v++) {
            if (values[row + v]! > max) {
              max = values[row + v]!;
              best = v;
            }
          }
          let z = 0;
          for (let v = 0; v < vocab; v++) z += Math.exp(values[row + v]! - max);
          lossSum += Math.log(z) - (values[row + target]! - max);
          if (best === target) correct++;
        }
      }
    }
  } finally {
    disposeState(state);
  }
  const count = wanted.size;
  return { accuracy: count > 0 ? correct / count : NaN, recallLoss: count > 0 ? lossSum / count : NaN, count };
}

interface RecallRunConfig {
  cell: CellType;
  hidden: number;
  layers: number;
  embedding: number;
  lag: number;
  steps: number;
  batchSize: number;
  lr: number;
  clip: number;
  seed: number;
  /** Held-out episodes scored at the end (rounded up to a multiple of evalStreams). */
  evalEpisodes: number;
  /** Score a smaller held-out set every this many steps (0 = only at the end). */
  evalEvery: number;
  /** 'all': every next character, as a language model (default); 'recall': the recall position only. */
  loss?: 'recall' | 'all';
  /** Carry the hidden state from episode to episode (default) or start every episode from zeros. */
  carry?: boolean;
  /**
   * Train every episode at exactly `lag` (true), or draw each training
   * episode's lag uniformly from 1 … lag (false, the default); held-out
   * episodes are always at exactly `lag`.
   */
  fixedLag?: boolean;
}

type RecallProgress =
  | { type: 'step'; step: number; loss: number; elapsedMs: number }
  | { type: 'eval'; step: number; accuracy: number; recallLoss: number; elapsedMs: number };

export interface RecallRunResult {
  cell: CellType;
  lag: number;
  hidden: number;
  layers: number;
  params: number;
  steps: number;
  /** Accuracy on the held-out episodes after training. */
  accuracy: number;
  recallLoss: number;
  evalCount: number;
  chance: number;
  /** Mean training loss over the last tenth of the steps (nats per weighted position). */
  finalLoss: number;
  elapsedMs: number;
  /** [step, held-out accuracy] at every intermediate score. */
  curve: [number, number][];
}

const EVAL_STREAMS = 16;

/** The training batch of one step: window `step` of every stream. */
function recallBatch(ids: ArrayLike<number>, episodeLength: number, stepsPerStream: number, batchSize: number, step: number) {
  const inputs = new Int32Array(episodeLength * batchSize);
  const targets = new Int32Array(episodeLength * batchSize);
  for (let n = 0; n < batchSize; n++) {
    const start = (n * stepsPerStream + step) * episodeLength;
    for (let t = 0; t < episodeLength; t++) {
      inputs[t * batchSize + n] = ids[start + t]!;
      targets[t * batchSize + n] = ids[start + t + 1]!;
    }
  }
  return { inputs, targets, batchSize, seqLen: episodeLength };
}

function heldOut(lag: number, episodes: number, seed: number): RecallIds {
  return makeRecallIds({ lag, episodes, seed });
}

/**
 * Trains one cell on the recall task at one lag and scores it. `shouldStop`
 * is checked between steps; a stopped run is scored where it is.
 */
export async function runRecall(
  config: RecallRunConfig,
  onProgress?: (p: RecallProgress) => void,
  shouldStop?: () => boolean,
): Promise<RecallRunResult> {
  const { cell, lag, steps, batchSize } = config;
  const episodeLength = lag + 4;
  // One extra episode so the last window of the last stream has a target.
  const train = makeRecallIds({ lag, episodes: batchSize * steps + 1, seed: config.seed, minLag: config.fixedLag ? lag : 1 });
  const ids = train.ids;
  const evalEpisodes = Math.ceil(config.evalEpisodes / EVAL_STREAMS) * EVAL_STREAMS;
  const final = heldOut(lag, evalEpisodes, config.seed + 7919);
  const probe = heldOut(lag, EVAL_STREAMS * 2, config.seed + 104_729);
  const modelConfig = { cell, vocabSize: train.vocabulary.size, embedding: config.embedding, hidden: config.hidden, layers: config.layers, dropout: 0 };
  const model = new CharRnn(modelConfig, initParams(modelConfig, new Rng(config.seed)));
  const adam = new Adam();
  const master = paramsToArrays(model.params);
  let state = model.zeroState(batchSize);
  const curve: [number, number][] = [];
  const started = performance.now();
  const losses: number[] = [];
  const carry = config.carry !== false;
  // Input index lag + 1 ('=') predicts the recalled marker. Only that
  // position carries signal; the fillers' loss is noise by construction.
  const weights = new Float32Array(episodeLength * batchSize);
  if (config.loss === 'recall') weights.fill(1, (lag + 1) * batchSize, (lag + 2) * batchSize);
  else weights.fill(1);
  const score = (set: RecallIds) =>
    recallAccuracy(model, set.ids, set.recallPositions, {
      streams: carry ? EVAL_STREAMS : set.recallPositions.length,
      window: episodeLength,
    });
  try {
    let done = 0;
    for (let step = 0; step < steps && !shouldStop?.(); step++) {
      const result = model.lossAndGradients(recallBatch(ids, episodeLength, steps, batchSize, step), state, { positionWeights: weights });
      const loss = result.loss.dataSync()[0]!;
      result.loss.dispose();
      const grads = paramsToArrays(result.grads);
      disposeParams(result.grads);
      const norm = globalNorm(grads);
      if (Number.isFinite(loss) && Number.isFinite(norm)) {
        adam.apply(master, grads, config.lr, clipScale(norm, config.clip));
        disposeParams(model.params);
        model.params = arraysToParams(modelConfig, master);
      }
      disposeState(state);
      if (carry) state = result.finals;
      else {
        disposeState(result.finals);
        state = model.zeroState(batchSize);
      }
      losses.push(loss);
      done = step + 1;
      const elapsedMs = performance.now() - started;
      onProgress?.({ type: 'step', step: step + 1, loss, elapsedMs });
      if (config.evalEvery > 0 && (step + 1) % config.evalEvery === 0 && step + 1 < steps) {
        const s = score(probe);
        curve.push([step + 1, s.accuracy]);
        onProgress?.({ type: 'eval', step: step + 1, accuracy: s.accuracy, recallLoss: s.recallLoss, elapsedMs: performance.now() - started });
      }
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    const s = score(final);
    const elapsedMs = performance.now() - started;
    curve.push([done, s.accuracy]);
    onProgress?.({ type: 'eval', step: done, accuracy: s.accuracy, recallLoss: s.recallLoss, elapsedMs });
    const tail = losses.slice(-Math.max(1, Math.floor(done / 10)));
    return {
      cell, lag, hidden: config.hidden, layers: config.layers, params: parameterCount(modelConfig), steps: done,
      accuracy: s.accuracy, recallLoss: s.recallLoss, evalCount: s.count, chance: train.chanceAccuracy,
      finalLoss: tail.length > 0 ? tail.reduce((a, b) => a + b, 0) / tail.length : NaN, elapsedMs, curve,
    };
  } finally {
    disposeState(state);
    disposeParams(model.params);
  }
}
