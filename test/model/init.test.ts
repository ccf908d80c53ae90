/**
 * A fresh model's weights (src/model/params.ts, src/model/init.ts): N(0, 1)
 * embeddings (PyTorch's, which learn 0.2–0.3 nats faster per step than
 * Keras' ±0.05 at steps 250–500: docs/initialisation.md), Glorot-uniform
 * kernels, orthogonal recurrent blocks, zero biases but the cell's own.
 */
import { describe, expect, it } from 'vitest';
import { CELL_TYPES, type ModelConfig } from '../../src/model/config.js';
import { initParamArrays } from '../../src/model/params.js';
import { Rng } from '../../src/util/rng.js';

const mean = (a: Float32Array): number => a.reduce((s, x) => s + x, 0) / a.length;
const std = (a: Float32Array): number => {
  const m = mean(a);
  return Math.sqrt(a.reduce((s, x) => s + (x - m) ** 2, 0) / a.length);
};

describe.each(CELL_TYPES)('initParamArrays (%s)', (cell) => {
  const c: ModelConfig = { cell, vocabSize: 65, embedding: 64, hidden: 24, layers: 2, dropout: 0 };
  const params = initParamArrays(c, new Rng(3));

  it('draws the embeddings N(0, 1)', () => {
    const e = params.get('embedding')!;
    expect(Math.abs(mean(e))).toBeLessThan(0.06);
    expect(std(e)).toBeGreaterThan(0.95);
    expect(std(e)).toBeLessThan(1.05);
  });

  it('keeps Keras\' kernels: Glorot-uniform input kernels, orthogonal recurrent blocks', () => {
    const kernel = params.get('layer0.kernel')!;
    const gates = kernel.length / (64 * 24);
    const limit = Math.sqrt(6 / (64 + gates * 24));
    expect(kernel.every((x) => Math.abs(x) <= limit)).toBe(true);
    const recurrent = params.get('layer1.recurrent')!;
    const width = gates * 24;
    // Block 0's columns are orthonormal: its Gram matrix is the identity.
    for (let i = 0; i < 24; i++) {
      for (let j = 0; j < 24; j++) {
        let dot = 0;
        for (let r = 0; r < 24; r++) dot += recurrent[r * width + i]! * recurrent[r * width + j]!;
        expect(dot).toBeCloseTo(i === j ? 1 : 0, 4);
      }
    }
  });

  it('starts every bias at zero, the LSTM forget gate\'s too (docs/initialisation.md)', () => {
    for (const name of ['layer0.bias', 'layer1.bias', 'output.bias']) {
      const bias = params.get(name);
      expect(bias, name).toBeDefined();
      expect(bias!.every((v) => v === 0), name).toBe(true);
    }
  });
});
