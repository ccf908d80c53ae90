/**
 * Initialisations compared by bench/per-step.ts (issue 20): Keras' defaults
 * (charnn's until December 2026), PyTorch's default, and each one-part change
 * from the first towards the second, so an ablation can tell which part makes
 * learning fast. Every variant draws charnn's initialisation first from the
 * same seeded RNG and then redraws only its own part, so `emb-normal` and
 * `keras` share every tensor but the embeddings. charnn's default today
 * (src/model/params.ts) is `charnn`, the same as `emb-normal+no-forget-bias`.
 */
import { cellDescriptor } from '../src/model/cells/descriptors.js';
import type { ModelConfig } from '../src/model/config.js';
import { initParamArrays, parameterSpecs, type ParamArrays } from '../src/model/params.js';
import { normalArray, uniformArray } from '../src/model/init.js';
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

/** Keras' unitForgetBias: 1 added to the LSTM's forget-gate bias (block f; other cells have none). */
const KERAS_FORGET_BIAS = 1;

/** Adds Keras' forget bias to every layer's forget-gate block, or takes it away again. */
function forgetBias(c: ModelConfig, params: ParamArrays, mode: 'add' | 'remove'): void {
  const f = (cellDescriptor(c.cell).blocks as readonly string[]).indexOf('f');
  if (f < 0) return;
  const delta = mode === 'add' ? KERAS_FORGET_BIAS : -KERAS_FORGET_BIAS;
  for (const [name, values] of params) {
    if (!isLayerBias(name)) continue;
    for (let i = f * c.hidden; i < (f + 1) * c.hidden; i++) values[i] = values[i]! + delta;
  }
}

/** charnn's default today (src/model/params.ts): embeddings N(0, 1), Glorot kernels, orthogonal recurrent blocks, every bias 0. */
export const charnn: Variant = (c, rng) => initParamArrays(c, rng);

/** keras with the embeddings drawn N(0, 1), as nn.Embedding does: charnn's default from the first of these studies until the forget bias went. */
export const embNormal: Variant = (c, rng) => {
  const params = initParamArrays(c, rng);
  forgetBias(c, params, 'add');
  return params;
};

/** Keras' defaults: embeddings U(±0.05), Glorot kernels, orthogonal recurrent blocks, zero biases with forget bias 1. */
export const keras: Variant = (c, rng) => {
  const params = embNormal(c, rng);
  params.set('embedding', uniformArray(rng, params.get('embedding')!.length, 0.05));
  return params;
};

/** Changes one part of an initialisation in place, drawing from `rng` (an ablation's one step towards PyTorch's recipe). */
type Part = (c: ModelConfig, rng: Rng, params: ParamArrays) => void;

/** The one-part changes, by the names --init takes (alone, on keras; or joined with '+', e.g. `emb-normal+no-forget-bias`). */
const PARTS: Readonly<Record<string, Part>> = {
  /** The input kernels and the output kernel U(±1/√H) instead of Glorot. */
  'kernels-uniform': (c, rng, params) => redrawUniform(c, rng, params, isKernel),
  /** The recurrent kernels U(±1/√H) instead of orthogonal blocks. */
  'recurrent-uniform': (c, rng, params) => redrawUniform(c, rng, params, isRecurrent),
  /** Every bias U(±1/√H) instead of zero (the forget bias of 1 still added). */
  'bias-uniform': (c, rng, params) => {
    redrawUniform(c, rng, params, isBias);
    forgetBias(c, params, 'add');
  },
  /** No forget bias of 1 (the LSTM's forget-gate biases as the rest). */
  'no-forget-bias': (c, _rng, params) => forgetBias(c, params, 'remove'),
  /**
   * PyTorch's biases as nn.LSTM draws them: each layer's bias the sum of two
   * U(±1/√H) draws (its b_ih + b_hh, in one bias), the output bias U(±1/√H),
   * no forget bias.
   */
  'torch-biases': (c, rng, params) => {
    redrawUniform(c, rng, params, isBias);
    for (const spec of parameterSpecs(c)) {
      if (!isLayerBias(spec.name)) continue;
      const values = params.get(spec.name)!;
      const second = uniformArray(rng, values.length, torchBound(c));
      for (let i = 0; i < values.length; i++) values[i] = values[i]! + second[i]!;
    }
  },
};

/** keras with one part changed. */
const onePart = (part: Part): Variant => (c, rng) => {
  const params = keras(c, rng);
  part(c, rng, params);
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
  params.set('embedding', normalArray(rng, params.get('embedding')!.length));
  redrawUniform(c, rng, params, (name) => name !== 'embedding');
  return params;
};

/** The variants by the names --init takes. */
export const VARIANTS: Readonly<Record<string, Variant>> = Object.freeze({
  keras,
  charnn,
  torch,
  'emb-normal': embNormal,
  ...Object.fromEntries(Object.entries(PARTS).map(([name, part]) => [name, onePart(part)])),
});

/**
 * The variant a --init name gives: one of VARIANTS, or one-part names joined
 * with '+' (`emb-normal+no-forget-bias`): `emb-normal` (keras with N(0, 1)
 * embeddings) when it is among them, keras otherwise, then each other part in
 * the order given. undefined for a name that is neither.
 */
export function initVariant(name: string): Variant | undefined {
  if (Object.hasOwn(VARIANTS, name)) return VARIANTS[name];
  const names = name.split('+');
  if (names.length < 2 || new Set(names).size !== names.length) return undefined;
  const parts = names.filter((n) => n !== 'emb-normal');
  if (!parts.every((n) => Object.hasOwn(PARTS, n))) return undefined;
  const base = names.includes('emb-normal') ? embNormal : keras;
  return (c, rng) => {
    const params = base(c, rng);
    for (const n of parts) PARTS[n]!(c, rng, params);
    return params;
  };
}
