/**
 * The initialisation variants of bench/per-step.ts are an ablation: each
 * one-part variant must differ from charnn's Keras initialisation in its own
 * part only, and `torch` must be PyTorch's recipe in every tensor.
 */
import { describe, expect, it } from 'vitest';
import { initVariant, VARIANTS } from '../../bench/init-variants.js';
import type { ModelConfig } from '../../src/model/config.js';
import { initParamArrays, type ParamArrays } from '../../src/model/params.js';
import { Rng } from '../../src/util/rng.js';

const config: ModelConfig = { cell: 'lstm', vocabSize: 65, embedding: 16, hidden: 32, layers: 2, dropout: 0 };
const bound = 1 / Math.sqrt(config.hidden);
const draw = (name: string): ParamArrays => VARIANTS[name]!(config, new Rng(7));
const keras = draw('keras');
// charnn's internal LSTM block order is i, f, o, g (src/model/cells/descriptors.ts): f is block 1.
const forget = (values: Float32Array): Float32Array => values.subarray(config.hidden, 2 * config.hidden);
const notForget = (values: Float32Array): number[] => Array.from(values).filter((_, i) => i < config.hidden || i >= 2 * config.hidden);
const std = (values: Float32Array): number => Math.sqrt(values.reduce((s, v) => s + v * v, 0) / values.length);
const within = (values: Float32Array | number[], limit: number): boolean => Array.from(values).every((v) => Math.abs(v) <= limit);

const PARTS: Record<string, (name: string) => boolean> = {
  'emb-normal': (n) => n === 'embedding',
  'kernels-uniform': (n) => /^layer\d\.kernel$/.test(n) || n === 'output.kernel',
  'recurrent-uniform': (n) => n.endsWith('.recurrent'),
  'bias-uniform': (n) => n.endsWith('.bias'),
  'no-forget-bias': (n) => /^layer\d\.bias$/.test(n),
};

describe('initialisation variants', () => {
  it('keras is charnn\'s own initialisation: small embeddings, zero biases but the forget gate at 1', () => {
    expect(within(keras.get('embedding')!, 0.05)).toBe(true);
    for (const l of [0, 1]) {
      const bias = keras.get(`layer${l}.bias`)!;
      expect(Array.from(forget(bias)).every((v) => v === 1)).toBe(true);
      expect(notForget(bias).every((v) => v === 0)).toBe(true);
    }
  });

  for (const [name, part] of Object.entries(PARTS)) {
    it(`${name} changes its part and nothing else`, () => {
      const params = draw(name);
      for (const [tensor, values] of keras) {
        if (part(tensor)) expect(params.get(tensor), tensor).not.toEqual(values);
        else expect(params.get(tensor), tensor).toEqual(values);
      }
    });
  }

  it('each part is drawn as PyTorch draws it', () => {
    expect(std(draw('emb-normal').get('embedding')!)).toBeGreaterThan(0.9);
    expect(within(draw('kernels-uniform').get('output.kernel')!, bound)).toBe(true);
    expect(within(draw('recurrent-uniform').get('layer1.recurrent')!, bound)).toBe(true);
    const biased = draw('bias-uniform').get('layer0.bias')!;
    expect(within(notForget(biased), bound)).toBe(true);
    expect(within(Array.from(forget(biased), (v) => v - 1), bound)).toBe(true);
    expect(within(draw('no-forget-bias').get('layer1.bias')!, 0)).toBe(true);
  });

  it('torch is PyTorch\'s default in every tensor: N(0, 1) embeddings, all else U(±1/√H)', () => {
    const params = draw('torch');
    expect(std(params.get('embedding')!)).toBeGreaterThan(0.9);
    for (const [tensor, values] of params) {
      if (tensor === 'embedding') continue;
      expect(within(values, bound), tensor).toBe(true);
      expect(std(values), tensor).toBeGreaterThan(bound / 2);
    }
  });

  it('parts joined with + start from charnn\'s default and change only their own parts', () => {
    const base = draw('emb-normal');
    const both = initVariant('emb-normal+no-forget-bias')!(config, new Rng(7));
    for (const [tensor, values] of base) {
      if (/^layer\d\.bias$/.test(tensor)) expect(within(both.get(tensor)!, 0), tensor).toBe(true);
      else expect(both.get(tensor), tensor).toEqual(values);
    }
    const onKeras = initVariant('kernels-uniform+no-forget-bias')!(config, new Rng(7));
    expect(within(onKeras.get('embedding')!, 0.05)).toBe(true);
    expect(within(onKeras.get('output.kernel')!, bound)).toBe(true);
  });

  it('torch-biases draws each layer bias as PyTorch\'s b_ih + b_hh, with no forget bias', () => {
    const biases = initVariant('emb-normal+torch-biases')!(config, new Rng(7));
    const layer = biases.get('layer0.bias')!;
    expect(within(layer, 2 * bound)).toBe(true);
    expect(Array.from(layer).some((v) => Math.abs(v) > bound)).toBe(true);
    expect(within(biases.get('output.bias')!, bound)).toBe(true);
  });

  it('charnn is today\'s default start, the same as emb-normal+no-forget-bias', () => {
    const today = initParamArrays(config, new Rng(7));
    expect(draw('charnn')).toEqual(today);
    expect(initVariant('emb-normal+no-forget-bias')!(config, new Rng(7))).toEqual(today);
    expect(Array.from(forget(draw('emb-normal').get('layer0.bias')!)).every((v) => v === 1)).toBe(true);
  });

  it('refuses names that are not variants or parts', () => {
    for (const name of ['nope', 'emb-normal+nope', 'emb-normal+emb-normal', 'torch+no-forget-bias']) expect(initVariant(name), name).toBeUndefined();
    expect(initVariant('keras')).toBe(VARIANTS.keras);
  });
});
