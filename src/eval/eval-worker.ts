/**
 * Worker-thread entry for evaluation: rebuilds the model from the parent's
 * parameters and evaluates its share of the text's segments.
 */
import { parentPort, workerData } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs';
import { initBackend, type BackendName } from '../backend/index.js';
import { CharRnn } from '../model/char-rnn.js';
import type { ModelConfig } from '../model/config.js';
import { parameterSpecs, type Params } from '../model/params.js';
import { evaluateSegments, type Segmentation } from './evaluate-text.js';

export interface EvalWorkerInit {
  config: ModelConfig;
  backend: string;
  /** Parameter values (internal layout) in parameterSpecs order. */
  params: Float32Array[];
  ids: Int32Array;
  seg: Segmentation;
  from: number;
  to: number;
}

export type EvalWorkerMessage =
  | { kind: 'progress'; done: number }
  | { kind: 'done'; lossSum: number; count: number }
  | { kind: 'failed'; message: string };

const port = parentPort!;
const init = workerData as EvalWorkerInit;

async function main(): Promise<void> {
  try {
    await initBackend(init.backend as BackendName);
    const params: Params = new Map(parameterSpecs(init.config).map((spec, i) => [spec.name, tf.tensor(init.params[i]!, spec.shape)]));
    const model = new CharRnn(init.config, params);
    const { lossSum, count } = await evaluateSegments(model, init.ids, init.seg, init.from, init.to, (done) =>
      port.postMessage({ kind: 'progress', done } satisfies EvalWorkerMessage),
    );
    port.postMessage({ kind: 'done', lossSum, count } satisfies EvalWorkerMessage);
  } catch (error) {
    port.postMessage({ kind: 'failed', message: (error as Error).message } satisfies EvalWorkerMessage);
  } finally {
    port.close();
  }
}

void main();
