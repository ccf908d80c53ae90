/** Validation loss with the hidden state carried across windows, as in training. */
import type { BatchStream } from '../data/batches.js';
import type { ModelConfig } from '../model/config.js';
import type { ParamArrays } from '../model/params.js';
import { zeroState } from '../model/state.js';
import type { Engine } from '../engine/engine.js';

/**
 * Mean cross-entropy (nats per character) over the first `maxBatches`
 * batches of the stream (0 = all), starting from a zero state.
 */
export async function evaluate(
  engine: Engine,
  config: ModelConfig,
  weights: ParamArrays,
  stream: BatchStream,
  maxBatches: number,
): Promise<{ loss: number; batches: number }> {
  const batches = maxBatches > 0 ? Math.min(maxBatches, stream.batchesPerEpoch) : stream.batchesPerEpoch;
  let state = zeroState(config, stream.batchSize);
  let total = 0;
  for (let b = 0; b < batches; b++) {
    const { inputs, targets } = stream.batch(b);
    const { lossSum, finals } = await engine.lossSum(weights, { inputs, targets, batchSize: stream.batchSize, seqLen: stream.seqLen }, state);
    total += lossSum;
    state = finals;
    // Keep the event loop responsive during long evaluations.
    if (b % 4 === 3) await new Promise<void>((resolve) => setImmediate(resolve));
  }
  return { loss: total / (batches * stream.batchSize * stream.seqLen), batches };
}
