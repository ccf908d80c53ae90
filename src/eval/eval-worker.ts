/**
 * Worker-thread entry for evaluation: rebuilds the model from the parent's
 * parameters and evaluates its share of the text's segments.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { initBackend, type BackendName } from '../backend/index.js';
import type { ModelConfig } from '../model/config.js';
import { parameterSpecs } from '../model/params.js';
import { TfjsStepModel } from '../engine/tfjs/engine.js';
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
    const model = new TfjsStepModel(init.config, new Map(parameterSpecs(init.config).map((spec, i) => [spec.name, init.params[i]!])));
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
