/**
 * Where a step's gradients come from: this thread (LocalGradients) or this
 * thread plus worker threads, each taking a shard of the batch's streams
 * (ParallelGradients in ./parallel). Both return the gradient of the mean
 * loss over the whole batch.
 */
import type { CharRnn, ModelState, TokenBatch } from '../model/char-rnn.js';
import { streamRngs } from '../model/char-rnn.js';
import type { Params } from '../model/params.js';
import type { Rng } from '../util/rng.js';

export interface GradientResult {
  /** Mean cross-entropy over the batch, nats per character. */
  loss: number;
  grads: Params;
  /** Hidden state after the batch, to carry into the next window. */
  finals: ModelState;
}

export interface GradientEngine {
  readonly workers: number;
  compute(batch: TokenBatch, state: ModelState, rng: Rng): Promise<GradientResult>;
  dispose(): Promise<void>;
}

export class LocalGradients implements GradientEngine {
  readonly workers = 1;

  constructor(private readonly model: CharRnn) {}

  async compute(batch: TokenBatch, state: ModelState, rng: Rng): Promise<GradientResult> {
    const result = this.model.lossAndGradients(batch, state, { dropoutRngs: streamRngs(rng, this.model.config, batch.batchSize) });
    const loss = result.loss.dataSync()[0]!;
    result.loss.dispose();
    return { loss, grads: result.grads, finals: result.finals };
  }

  async dispose(): Promise<void> {}
}
