/** Validation loss with the hidden state carried across windows, as in training. */
import type { BatchStream } from '../data/batches.js';
import type { ModelConfig } from '../model/config.js';
import type { ParamArrays } from '../model/params.js';
import { zeroState } from '../model/state.js';
import type { Engine } from '../engine/engine.js';
import { FIRST_EVAL_BATCHES } from './config.js';

/**
 * How much of the validation split an evaluation reads: `evalBatches` of
 * its `available` batches (0 = all of them); a first look reads at most
 * FIRST_EVAL_BATCHES, and is then `quick` (it read `batches` of the `of`
 * a full evaluation reads).
 */
export function evaluationSize(evalBatches: number, available: number, firstLook: boolean): { batches: number; quick?: { batches: number; of: number } } {
  const wanted = evalBatches > 0 ? Math.min(evalBatches, available) : available;
  if (firstLook && wanted > FIRST_EVAL_BATCHES) return { batches: FIRST_EVAL_BATCHES, quick: { batches: FIRST_EVAL_BATCHES, of: wanted } };
  return { batches: wanted };
}

/**
 * Mean cross-entropy (nats per character) over the first `maxBatches`
 * batches of the stream (0 = all), starting from a zero state.
 * @param shouldStop asked before every batch (the event loop runs between
 *   batches, so a stop request can arrive): true abandons the pass — a
 *   validation over a large corpus must not keep a stopping run from saving.
 * @param prefixBatches the batches of a look: `prefixLoss` is the loss over
 *   that many first batches (what a look would have measured, as a look
 *   starts from the same zero state), NaN when fewer were read.
 * @returns `interrupted` when abandoned (loss and batches then cover the batches done).
 */
export async function evaluate(
  engine: Engine,
  config: ModelConfig,
  weights: ParamArrays,
  stream: BatchStream,
  maxBatches: number,
  shouldStop: () => boolean = () => false,
  prefixBatches = FIRST_EVAL_BATCHES,
): Promise<{ loss: number; batches: number; interrupted: boolean; prefixLoss: number }> {
  const batches = maxBatches > 0 ? Math.min(maxBatches, stream.batchesPerEpoch) : stream.batchesPerEpoch;
  const chars = (n: number): number => n * stream.batchSize * stream.seqLen;
  let state = zeroState(config, stream.batchSize);
  let total = 0;
  let prefixLoss = NaN;
  for (let b = 0; b < batches; b++) {
    if (shouldStop()) return { loss: b > 0 ? total / chars(b) : NaN, batches: b, interrupted: true, prefixLoss };
    const { inputs, targets } = stream.batch(b);
    const { lossSum, finals } = await engine.lossSum(weights, { inputs, targets, batchSize: stream.batchSize, seqLen: stream.seqLen }, state);
    total += lossSum;
    state = finals;
    if (b + 1 === prefixBatches) prefixLoss = total / chars(prefixBatches);
    // Let signals, keys and worker messages in.
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  return { loss: total / chars(batches), batches, interrupted: false, prefixLoss };
}
