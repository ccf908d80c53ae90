/**
 * Worker-thread entry for data-parallel training on TF.js: reads the current
 * weights from shared memory each step and returns the loss, gradients and
 * final state for its shard of the batch.
 */
import os from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { initBackend, type BackendName } from '../../backend/index.js';
import type { TokenBatch } from '../../model/char-rnn.js';
import type { ModelConfig } from '../../model/config.js';
import { parameterSpecs } from '../../model/params.js';
import { packState, unpackState } from '../../model/state.js';
import { Rng, type RngState } from '../../util/rng.js';
import { windowGradients } from '../../engine/tfjs/window.js';
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
  /** Dropout generators of the shard's streams; null when the model has no dropout. */
  rngStates: RngState[] | null;
}

export interface GradientReply {
  loss: number;
  grads: Float32Array;
  finals: Float32Array;
}

const port = parentPort!;

// On Linux this lowers only this thread, so the UI thread answers keys promptly
// while training keeps the cores busy.
try {
  os.setPriority(0, os.constants.priority.PRIORITY_BELOW_NORMAL);
} catch {
  // Not permitted here: run at normal priority.
}
const init = workerData as GradientWorkerInit;
const specs = parameterSpecs(init.config);
const shared = new Float32Array(init.params);

async function main(): Promise<void> {
  await initBackend(init.backend as BackendName);
  port.on('message', (job: GradientJob) => {
    const c = init.config;
    const state = unpackState(job.state, c.cell, c.layers, job.batch.batchSize, c.hidden);
    const result = windowGradients(c, unpackParams(specs, shared), job.batch, state, job.rngStates?.map((r) => new Rng(r)));
    const grads = packParams(specs, result.grads, new Float32Array(paramSize(specs)));
    const finals = packState(result.finals);
    port.postMessage({ loss: result.loss, grads, finals } satisfies GradientReply, [grads.buffer as ArrayBuffer, finals.buffer as ArrayBuffer]);
  });
  port.postMessage('ready');
}

void main();
