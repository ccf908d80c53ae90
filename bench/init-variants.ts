/**
 * Initialisations compared by bench/per-step.ts (issue 20): Keras' defaults
 * (charnn's until December 2026), PyTorch's default, and each one-part change
 * from the first towards the second, so an ablation can tell which part makes
 * learning fast. Every variant draws charnn's initialisation first from the
 * same seeded RNG and then redraws only its own part, so `emb-normal` (charnn's
 * default today, src/model/params.ts) and `keras` share every tensor but the
 * embeddings.
 */
import { cellDescriptor } from '../src/model/cells/descriptors.js';
import type { ModelConfig } from '../src/model/config.js';
import { initParamArrays, parameterSpecs, type ParamArrays } from '../src/model/params.js';
import { uniformArray } from '../src/model/init.js';
import type { Rng } from '../src/util/rng.js';

type Variant = (c: ModelConfig, rng: Rng) => ParamArrays;

/** PyTorch's bound for every weight and bias of nn.LSTM/GRU/RNN, and of nn.Linear(H, V): U(±1/√H). */
const torchBound = (c: ModelConfig): number => 1 / Math.sqrt(c.hidden);

const isLayerKernel = (name: string): boolean => /^layer\d+\.kernel$/.test(name);
const isKernel = (name: string): boolean => isLayerKernel(name) || name === 'output.kernel';
const isRecurrent = (name: string): boolean => name.endsWith('.recurrent');
const isBias = (name: string): boolean => name.endsWith('.bias');
const isLayerBias = (name: string): boolean => /^layer\d+\.bias$/.test(name);

/** Redraws the tensors `pick` selects as U(±1/√H). */
function redrawUniform(c: ModelConfig, rng: Rng, params: ParamArrays, pick: (name: string) => boolean): void {
  for (const spec of parameterSpecs(c)) {
    if (pick(spec.name)) params.set(spec.name, uniformArray(rng, params.get(spec.name)!.length, torchBound(c)));
  }
}

/** Sets the initial bias of every block that has one in the cell's descriptor (the LSTM forget gate: 1) to `value`, or adds it. */
function forgetBias(c: ModelConfig, params: ParamArrays, mode: 'zero' | 'add'): void {
  const { blocks, biasInit } = cellDescriptor(c.cell);
  for (const [name, values] of params) {
    if (!isLayerBias(name)) continue;
    blocks.forEach((block, b) => {
      const init = biasInit[block];
      if (init === undefined) return;
      for (let i = b * c.hidden; i < (b + 1) * c.hidden; i++) values[i] = mode === 'zero' ? values[i]! - init : values[i]! + init;
    });
  }
}

/** Keras' defaults: embeddings U(±0.05), Glorot kernels, orthogonal recurrent blocks, zero biases with forget bias 1. */
export const keras: Variant = (c, rng) => {
  const params = initParamArrays(c, rng);
  params.set('embedding', uniformArray(rng, params.get('embedding')!.length, 0.05));
  return params;
};

/** keras with the embeddings drawn N(0, 1), as nn.Embedding does: charnn's default (src/model/params.ts). */
export const embNormal: Variant = (c, rng) => initParamArrays(c, rng);

/** keras with the input kernels and the output kernel U(±1/√H) instead of Glorot. */
export const kernelsUniform: Variant = (c, rng) => {
  const params = keras(c, rng);
  redrawUniform(c, rng, params, isKernel);
  return params;
};

/** keras with the recurrent kernels U(±1/√H) instead of orthogonal blocks. */
export const recurrentUniform: Variant = (c, rng) => {
  const params = keras(c, rng);
  redrawUniform(c, rng, params, isRecurrent);
  return params;
};

/** keras with every bias U(±1/√H) instead of zero (the forget bias of 1 still added). */
export const biasUniform: Variant = (c, rng) => {
  const params = keras(c, rng);
  redrawUniform(c, rng, params, isBias);
  forgetBias(c, params, 'add');
  return params;
};

/** keras without the forget bias of 1 (all biases zero). */
export const noForgetBias: Variant = (c, rng) => {
  const params = keras(c, rng);
  forgetBias(c, params, 'zero');
  return params;
};

/**
 * PyTorch's default: embeddings N(0, 1), every other weight and bias U(±1/√H)
 * (nn.LSTM/GRU/RNN's reset_parameters, and nn.Linear(H, V)'s kaiming-uniform
 * with a = √5, which is the same bound). charnn's cells have one bias per
 * layer where PyTorch has two (b_ih + b_hh), so this is PyTorch's recipe with a
 * single bias; bench/torch-per-step.py --native-init gives PyTorch's own.
 */
export const torch: Variant = (c, rng) => {
  const params = keras(c, rng);
  const embedding = params.get('embedding')!;
  for (let i = 0; i < embedding.length; i++) embedding[i] = rng.normal();
  redrawUniform(c, rng, params, (name) => name !== 'embedding');
  return params;
};

/** The variants by the names --init takes. */
export const VARIANTS: Readonly<Record<string, Variant>> = Object.freeze({
  keras,
  torch,
  'emb-normal': embNormal,
  'kernels-uniform': kernelsUniform,
  'recurrent-uniform': recurrentUniform,
  'bias-uniform': biasUniform,
  'no-forget-bias': noForgetBias,
});
