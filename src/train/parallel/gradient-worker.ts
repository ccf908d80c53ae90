/**
 * Worker-thread entry for data-parallel training: holds a copy of the model,
 * reads the current parameters from shared memory each step, and returns the
 * loss, gradients and final state for its shard of the batch.
 */
import os from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { initBackend, type BackendName } from '../../backend/index.js';
import { CharRnn, disposeState, type TokenBatch } from '../../model/char-rnn.js';
import type { ModelConfig } from '../../model/config.js';
import { disposeParams, parameterSpecs } from '../../model/params.js';
import { Rng, type RngState } from '../../util/rng.js';
import { packParams, packState, paramSize, unpackParams, unpackState } from './shards.js';

export interface GradientWorkerInit {
  config: ModelConfig;
  backend: string;
  /** Shared Float32 parameters, written by the main thread before each step. */
  params: SharedArrayBuffer;
}

export interface GradientJob {
  batch: TokenBatch;
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
  const model = new CharRnn(init.config, unpackParams(specs, shared));
  port.on('message', (job: GradientJob) => {
    disposeParams(model.params);
    model.params = unpackParams(specs, shared);
    const c = init.config;
    const state = unpackState(job.state, c.layers, job.batch.batchSize, c.hidden, c.cell === 'lstm');
    const result = model.lossAndGradients(job.batch, state, { dropoutRngs: job.rngStates?.map((r) => new Rng(r)) });
    const loss = result.loss.dataSync()[0]!;
    const grads = packParams(specs, result.grads, new Float32Array(paramSize(specs)));
    const finals = packState(result.finals, 0, job.batch.batchSize);
    result.loss.dispose();
    disposeParams(result.grads);
    disposeState(result.finals);
    disposeState(state);
    port.postMessage({ loss, grads, finals } satisfies GradientReply, [grads.buffer as ArrayBuffer, finals.buffer as ArrayBuffer]);
  });
  port.postMessage('ready');
}

void main();
