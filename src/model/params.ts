/**
 * The model's weights as plain arrays: names, shapes, initialisation and
 * conversion to and from the Keras layout used in checkpoints (the tfjs
 * engine's tensors are in src/engine/tfjs/param-tensors.ts: nothing here
 * loads TF.js). Each cell's descriptor (./cells/descriptors.ts) gives its gate
 * blocks and their order inside charnn and in Keras; every bias starts at 0
 * (./init.ts says why).
 */
import type { Rng } from '../util/rng.js';
import { gateCount, kerasBlockOrder, layerShapes } from './cells/descriptors.js';
import type { ModelConfig } from './config.js';
import { glorotUniform, normalArray, recurrentOrthogonal } from './init.js';

/**
 * Name → values (internal layout, row-major), in the canonical order of
 * parameterSpecs(): the weights, gradients and optimizer moments as the
 * trainer and every engine exchange them.
 */
export type ParamArrays = Map<string, Float32Array>;

export interface ParamSpec {
  name: string;
  shape: number[];
  /** Whether the last axis holds gate blocks (needs reordering for Keras). */
  gated: boolean;
}

export const layerParam = (layer: number, part: 'kernel' | 'recurrent' | 'bias'): string => `layer${layer}.${part}`;

/** All parameters, in the order of the tf.layers equivalent's weights. */
export function parameterSpecs(c: ModelConfig): ParamSpec[] {
  const specs: ParamSpec[] = [{ name: 'embedding', shape: [c.vocabSize, c.embedding], gated: false }];
  for (let l = 0; l < c.layers; l++) {
    const shapes = layerShapes(c.cell, l === 0 ? c.embedding : c.hidden, c.hidden);
    for (const part of ['kernel', 'recurrent', 'bias'] as const) specs.push({ name: layerParam(l, part), shape: shapes[part], gated: true });
  }
  specs.push({ name: 'output.kernel', shape: [c.hidden, c.vocabSize], gated: false });
  specs.push({ name: 'output.bias', shape: [c.vocabSize], gated: false });
  return specs;
}

/** Fresh weights (internal layout). */
export function initParamArrays(c: ModelConfig, rng: Rng): ParamArrays {
  const params: ParamArrays = new Map();
  const gates = gateCount(c.cell);
  for (const spec of parameterSpecs(c)) {
    const size = spec.shape.reduce((a, b) => a * b, 1);
    let values: Float32Array;
    if (spec.name === 'embedding') values = normalArray(rng, size);
    else if (spec.name.endsWith('.recurrent')) values = recurrentOrthogonal(rng, c.hidden, gates);
    else if (spec.name.endsWith('.kernel')) values = glorotUniform(rng, spec.shape[0]!, spec.shape[1]!);
    else values = new Float32Array(size);
    params.set(spec.name, values);
  }
  return params;
}

/** Reorders the gate blocks along the last axis (values in JS, any rank). */
function permuteGateBlocks(values: Float32Array, shape: number[], hidden: number, order: number[]): Float32Array {
  const width = shape[shape.length - 1]!;
  const rows = values.length / width;
  const out = new Float32Array(values.length);
  for (let r = 0; r < rows; r++) {
    for (let b = 0; b < order.length; b++) {
      const from = r * width + order[b]! * hidden;
      out.set(values.subarray(from, from + hidden), r * width + b * hidden);
    }
  }
  return out;
}

/** Parameter values in Keras layout, as plain arrays in canonical order. */
export function toKerasArrays(c: ModelConfig, params: ParamArrays): { spec: ParamSpec; values: Float32Array }[] {
  const perm = kerasBlockOrder(c.cell)?.toKeras;
  return parameterSpecs(c).map((spec) => {
    const values = params.get(spec.name)!;
    return { spec, values: spec.gated && perm ? permuteGateBlocks(values, spec.shape, c.hidden, perm) : values.slice() };
  });
}

/** Converts Keras-layout arrays (canonical order) into internal parameters. */
export function fromKerasArrays(c: ModelConfig, arrays: Float32Array[]): ParamArrays {
  const perm = kerasBlockOrder(c.cell)?.fromKeras;
  const params: ParamArrays = new Map();
  parameterSpecs(c).forEach((spec, i) => {
    const values = arrays[i]!;
    params.set(spec.name, spec.gated && perm ? permuteGateBlocks(values, spec.shape, c.hidden, perm) : values);
  });
  return params;
}

