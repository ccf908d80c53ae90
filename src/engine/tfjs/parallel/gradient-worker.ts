/**
 * Worker-thread entry for data-parallel training on TF.js: reads the current
 * weights from shared memory for each job and returns the loss, gradients
 * and final state for its shard of the batch.
 */
import { initBackend, type BackendName } from '../backend/index.js';
import type { TokenBatch } from '../char-rnn.js';
import type { ModelConfig } from '../../../model/config.js';
import { parameterSpecs } from '../../../model/params.js';
import { packState, unpackState } from '../../../model/state.js';
import type { MaskRngs } from '../../../model/dropout.js';
import { serveWorker } from '../../../util/worker-pool.js';
import { windowGradients } from '../window.js';
import { packParams, paramSize, unpackParams } from './shards.js';

export interface GradientWorkerInit {
  config: ModelConfig;
  backend: string;
  /** Shared Float32 parameters, written by the main thread before each step. */
  params: SharedArrayBuffer;
}

export interface GradientJob {
  batch: TokenBatch;
  /** The shard's state, packed (model/state.ts). */
  state: Float32Array;
  /** The mask generators of the shard's streams and the shared one; null when the model has no masks. */
  maskRngs: MaskRngs | null;
}

export interface GradientReply {
  loss: number;
  grads: Float32Array;
  finals: Float32Array;
}

export interface GradientProtocol {
  init: GradientWorkerInit;
  request: GradientJob;
  reply: GradientReply;
  event: never;
  command: never;
  result: never;
}

serveWorker<GradientProtocol>(
  async ({ init }) => {
    await initBackend(init.backend as BackendName);
    const c = init.config;
    const specs = parameterSpecs(c);
    const shared = new Float32Array(init.params);
    return {
      answer(job) {
        const state = unpackState(job.state, c.cell, c.layers, job.batch.batchSize, c.hidden);
        const result = windowGradients(c, unpackParams(specs, shared), job.batch, state, job.maskRngs ?? undefined);
        const grads = packParams(specs, result.grads, new Float32Array(paramSize(specs)));
        const finals = packState(result.finals);
        return { body: { loss: result.loss, grads, finals }, transfer: [grads.buffer as ArrayBuffer, finals.buffer as ArrayBuffer] };
      },
    };
  },
);
