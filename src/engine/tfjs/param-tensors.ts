/**
 * The model's weights as TF.js tensors, for the tfjs engine and the TF.js
 * reference model (CharRnn): conversions from and to the plain arrays every
 * other part of charnn uses (./params.ts).
 */
import * as tf from '../../tf.js';
import type { Rng } from '../../util/rng.js';
import type { ModelConfig } from '../../model/config.js';
import { initParamArrays, parameterSpecs, type ParamArrays } from '../../model/params.js';

/** Name → tensor, in the canonical order of parameterSpecs(). */
export type Params = Map<string, tf.Tensor>;

/** Fresh weights (internal layout) as tensors. */
export function initParams(c: ModelConfig, rng: Rng): Params {
  return arraysToParams(c, initParamArrays(c, rng));
}

/** Copies of the tensors' values. */
export function paramsToArrays(params: Params): ParamArrays {
  return new Map([...params].map(([name, t]) => [name, Float32Array.from(t.dataSync() as Float32Array)]));
}

/** Tensors holding the values (copied). */
export function arraysToParams(c: ModelConfig, arrays: ParamArrays): Params {
  return new Map(parameterSpecs(c).map((spec) => [spec.name, tf.tensor(arrays.get(spec.name)!, spec.shape)]));
}

export function disposeParams(params: Params): void {
  for (const t of params.values()) t.dispose();
}
