/**
 * Data-parallel gradients on TF.js: the batch's streams are split into
 * shards; this thread computes shard 0 while worker threads compute the
 * others, each with its own copy of the model. Shard gradients are weighted
 * by shard size and summed, which is exactly the gradient of the mean loss
 * over the batch, so a run with workers follows the single-thread run up to
 * float rounding (dropout masks included: each stream draws its own from the
 * run's RNG).
 */
import { Worker } from 'node:worker_threads';
import { streamRngs, type TokenBatch } from '../../model/char-rnn.js';
import type { ModelConfig } from '../../model/config.js';
import { parameterSpecs, type ParamArrays, type ParamSpec } from '../../model/params.js';
import { concatStreams, packState, sliceStreams, unpackState, type StateArrays } from '../../model/state.js';
import type { Rng } from '../../util/rng.js';
import { runtimeError } from '../../util/errors.js';
import { workerUrl } from '../../util/worker-url.js';
import type { GradientResult } from '../../engine/engine.js';
import { windowGradients } from '../../engine/tfjs/window.js';
import type { GradientJob, GradientReply, GradientWorkerInit } from './gradient-worker.js';
import { packParams, paramSize, shardBatch, shardRanges, unpackParams } from './shards.js';

interface PendingReply {
  resolve: (reply: GradientReply) => void;
  reject: (error: Error) => void;
}

export class ParallelGradients {
  private readonly specs: ParamSpec[];
  private readonly shared: Float32Array;
  private readonly threads: Worker[] = [];
  private readonly pending = new Map<Worker, PendingReply>();
  private ready: Promise<void>;

  constructor(
    private readonly config: ModelConfig,
    readonly workers: number,
    backend: string,
  ) {
    this.specs = parameterSpecs(config);
    this.shared = new Float32Array(new SharedArrayBuffer(paramSize(this.specs) * 4));
    const starts: Promise<void>[] = [];
    for (let k = 1; k < workers; k++) {
      const init: GradientWorkerInit = { config, backend, params: this.shared.buffer as SharedArrayBuffer };
      const worker = new Worker(workerUrl('./gradient-worker.js', import.meta.url), { workerData: init });
      starts.push(
        new Promise((resolve, reject) => {
          worker.once('message', () => resolve());
          worker.once('error', reject);
        }),
      );
      worker.on('message', (message: GradientReply | 'ready') => {
        if (message === 'ready') return;
        const p = this.pending.get(worker);
        this.pending.delete(worker);
        p?.resolve(message);
      });
      worker.on('error', (error) => {
        const p = this.pending.get(worker);
        this.pending.delete(worker);
        p?.reject(error);
      });
      this.threads.push(worker);
    }
    this.ready = Promise.all(starts).then(() => undefined);
  }

  private run(worker: Worker, job: GradientJob): Promise<GradientReply> {
    return new Promise((resolve, reject) => {
      this.pending.set(worker, { resolve, reject });
      worker.postMessage(job);
    });
  }

  async compute(weights: ParamArrays, batch: TokenBatch, state: StateArrays, rng: Rng): Promise<GradientResult> {
    await this.ready;
    const ranges = shardRanges(batch.batchSize, this.workers);
    packParams(this.specs, weights, this.shared);
    // One RNG per stream, all drawn from the run's RNG: the masks depend on
    // the seed alone, not on how many workers share the batch.
    const rngs = streamRngs(rng, this.config, batch.batchSize);
    const total = batch.batchSize * batch.seqLen;
    const remote = ranges.slice(1).map(([a, b], i) =>
      this.run(this.threads[i]!, { batch: shardBatch(batch, a, b), state: packState(sliceStreams(state, a, b)), rngStates: rngs ? rngs.slice(a, b).map((r) => r.state) : null }),
    );
    const [a0, b0] = ranges[0]!;
    const local = windowGradients(this.config, weights, shardBatch(batch, a0, b0), sliceStreams(state, a0, b0), rngs?.slice(a0, b0));
    let replies: GradientReply[];
    try {
      replies = await Promise.all(remote);
    } catch (error) {
      throw runtimeError(`a training worker failed: ${(error as Error).message}`, 'run with --workers 1', error);
    }
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
    await Promise.all(this.threads.map((w) => w.terminate()));
    this.threads.length = 0;
  }
}
