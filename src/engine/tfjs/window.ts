/**
 * One training window on TF.js with weights and state given as plain
 * arrays: upload, CharRnn.lossAndGradients, read back, free every tensor.
 * Used by the TF.js engine on this thread and by its gradient workers.
 */
import { CharRnn, disposeState, stateFromTensors, stateToTensors, type TokenBatch } from './char-rnn.js';
import type { ModelConfig } from '../../model/config.js';
import { type ParamArrays } from '../../model/params.js';
import { arraysToParams, disposeParams, paramsToArrays } from './param-tensors.js';
import type { StateArrays } from '../../model/state.js';
import type { MaskRngs } from '../../model/dropout.js';
import type { GradientResult, LossSumResult } from '../engine.js';

/** Runs `f` with a CharRnn holding the weights, then frees them. */
function withModel<T>(config: ModelConfig, weights: ParamArrays, f: (model: CharRnn) => T): T {
  const model = new CharRnn(config, arraysToParams(config, weights));
  try {
    return f(model);
  } finally {
    disposeParams(model.params);
  }
}

/** @param maskRngs the window's mask generators (absent: no masks; src/model/dropout.ts) */
export function windowGradients(config: ModelConfig, weights: ParamArrays, batch: TokenBatch, state: StateArrays, maskRngs: MaskRngs | undefined): GradientResult {
  return withModel(config, weights, (model) => {
    const initial = stateToTensors(state);
    const result = model.lossAndGradients(batch, initial, { maskRngs });
    disposeState(initial);
    const loss = result.loss.dataSync()[0]!;
    const grads = paramsToArrays(result.grads);
    const finals = stateFromTensors(result.finals);
    result.loss.dispose();
    disposeParams(result.grads);
    disposeState(result.finals);
    return { loss, grads, finals };
  });
}

export function windowLossSum(config: ModelConfig, weights: ParamArrays, batch: TokenBatch, state: StateArrays): LossSumResult {
  return withModel(config, weights, (model) => {
    const initial = stateToTensors(state);
    const result = model.lossSum(batch, initial);
    disposeState(initial);
    const lossSum = result.lossSum.dataSync()[0]!;
    const finals = stateFromTensors(result.finals);
    result.lossSum.dispose();
    disposeState(result.finals);
    return { lossSum, finals };
  });
}
