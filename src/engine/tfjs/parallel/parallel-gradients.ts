/**
 * Data-parallel gradients on TF.js: the batch's streams are split into
 * shards; this thread computes shard 0 while worker threads compute the
 * others, each with its own copy of the model. Shard gradients are weighted
 * by shard size and summed, which is exactly the gradient of the mean loss
 * over the batch, so a run with workers follows the single-thread run up to
 * float rounding (dropout masks included: each stream draws its own from the
 * run's RNG).
 */
import { type TokenBatch } from '../char-rnn.js';
import { maskRngs, sliceMaskRngs } from '../../../model/dropout.js';
import type { ModelConfig } from '../../../model/config.js';
import { parameterSpecs, type ParamArrays, type ParamSpec } from '../../../model/params.js';
import { concatStreams, packState, sliceStreams, unpackState, type StateArrays } from '../../../model/state.js';
import type { Rng } from '../../../util/rng.js';
import { terminateAll, WorkerThread } from '../../../util/worker-pool.js';
import { workerUrl } from '../../../util/worker-url.js';
import type { GradientResult } from '../../engine.js';
import { windowGradients } from '../window.js';
import type { GradientProtocol } from './gradient-worker.js';
import { packParams, paramSize, shardBatch, shardRanges, unpackParams } from './shards.js';

export class ParallelGradients {
  private readonly specs: ParamSpec[];
  private readonly shared: Float32Array;
  private readonly threads: WorkerThread<GradientProtocol>[];
  private readonly ready: Promise<void>;

  constructor(
    private readonly config: ModelConfig,
    readonly workers: number,
    backend: string,
  ) {
    this.specs = parameterSpecs(config);
    this.shared = new Float32Array(new SharedArrayBuffer(paramSize(this.specs) * 4));
    const init = { config, backend, params: this.shared.buffer as SharedArrayBuffer };
    this.threads = Array.from(
      { length: workers - 1 },
      () => new WorkerThread<GradientProtocol>({ entry: workerUrl('./gradient-worker.js', import.meta.url), init, name: 'a training worker', hint: 'run with --workers 1' }),
    );
    this.ready = Promise.all(this.threads.map((thread) => thread.ready)).then(() => undefined);
    // A worker that fails to start is reported by the first compute().
    this.ready.catch(() => undefined);
  }

  async compute(weights: ParamArrays, batch: TokenBatch, state: StateArrays, rng: Rng): Promise<GradientResult> {
    await this.ready;
    const ranges = shardRanges(batch.batchSize, this.workers);
    packParams(this.specs, weights, this.shared);
    // One RNG per stream and one for the shared masks, all drawn from the run's
    // RNG: the masks depend on the seed alone, not on how many workers share the batch.
    const rngs = maskRngs(rng, this.config, batch.batchSize);
    const total = batch.batchSize * batch.seqLen;
    const remote = ranges.slice(1).map(([a, b], i) =>
      this.threads[i]!.request({ batch: shardBatch(batch, a, b), state: packState(sliceStreams(state, a, b)), maskRngs: sliceMaskRngs(rngs, a, b) ?? null }),
    );
    // Should this thread's share fail, the replies still settle, unobserved.
    for (const reply of remote) reply.catch(() => undefined);
    const [a0, b0] = ranges[0]!;
    const local = windowGradients(this.config, weights, shardBatch(batch, a0, b0), sliceStreams(state, a0, b0), sliceMaskRngs(rngs, a0, b0));
    // A worker that died rejects with its error (named, with the --workers 1 hint).
    const replies = await Promise.all(remote);
    const weight = (k: number): number => ((ranges[k]![1] - ranges[k]![0]) * batch.seqLen) / total;
    const sum = packParams(this.specs, local.grads, new Float32Array(this.shared.length));
    const w0 = weight(0);
    for (let i = 0; i < sum.length; i++) sum[i]! *= w0;
    replies.forEach((reply, k) => {
      const w = weight(k + 1);
      const g = reply.grads;
      for (let i = 0; i < sum.length; i++) sum[i]! += w * g[i]!;
    });
    let loss = local.loss * w0;
    replies.forEach((reply, k) => (loss += reply.loss * weight(k + 1)));
    const c = this.config;
    const finals = concatStreams([
      local.finals,
      ...replies.map((r, k) => unpackState(r.finals, c.cell, c.layers, ranges[k + 1]![1] - ranges[k + 1]![0], c.hidden)),
    ]);
    return { loss, grads: unpackParams(this.specs, sum), finals };
  }

  async dispose(): Promise<void> {
    await terminateAll(this.threads);
  }
}
