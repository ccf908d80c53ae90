/**
 * Worker-thread entry for evaluation: rebuilds the model from the parent's
 * parameters and evaluates its share of the text's segments, reporting the
 * characters done as it goes.
 */
import { initBackend, type BackendName } from '../engine/tfjs/backend/index.js';
import type { ModelConfig } from '../model/config.js';
import { parameterSpecs } from '../model/params.js';
import { TfjsStepModel } from '../engine/tfjs/engine.js';
import { serveWorker } from '../util/worker-pool.js';
import { evaluateSegments, type IdsLoss, type Segmentation } from './segments.js';

interface EvalWorkerInit {
  config: ModelConfig;
  backend: string;
  /** Parameter values (internal layout) in parameterSpecs order. */
  params: Float32Array[];
  ids: Int32Array;
  seg: Segmentation;
  /** The segments [from, to) of `seg` to evaluate. */
  from: number;
  to: number;
}

export interface EvalProtocol {
  init: EvalWorkerInit;
  request: never;
  reply: never;
  /** Characters predicted so far. */
  event: number;
  command: never;
  result: IdsLoss;
}

serveWorker<EvalProtocol>(async ({ init, emit }) => {
  await initBackend(init.backend as BackendName);
  const model = new TfjsStepModel(init.config, new Map(parameterSpecs(init.config).map((spec, i) => [spec.name, init.params[i]!])));
  return { run: () => evaluateSegments(model, init.ids, init.seg, init.from, init.to, emit) };
});
