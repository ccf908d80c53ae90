/**
 * stepFactors (src/model/cells/factors.ts): the forward-only factors of a
 * backward step are the same numbers whether formed for all steps at once
 * (TF.js) or step by step (the ort graphs), and the step-by-step form
 * computes nothing until the backward loop asks for a step.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '../../../src/tf.js';
import { initBackend } from '../../../src/engine/tfjs/backend/index.js';
import { tensorOps } from '../../../src/engine/tfjs/tensor-ops.js';
import { stepFactors } from '../../../src/model/cells/factors.js';
import type { Ops } from '../../../src/model/ops.js';

type T2 = tf.Tensor2D;
const STEPS = 3;

beforeAll(async () => {
  await initBackend('wasm');
});

/** T × [2, 4] values, different at every step. */
const steps = (offset: number): T2[] =>
  Array.from({ length: STEPS }, (_, t) => tf.tensor2d(Array.from({ length: 8 }, (_, i) => Math.sin(offset + 10 * t + i)), [2, 4]));

function factorsOf(ops: Ops<T2>, calls: { count: number }) {
  const a = steps(1);
  const b = steps(2);
  return stepFactors(ops, STEPS, { a, b }, (v) => {
    calls.count++;
    return { product: ops.mul(v.a, ops.oneMinus(v.b)), square: ops.square(v.a) };
  });
}

describe('stepFactors', () => {
  it('gives every step the same factors wide (all steps at once) as step by step', () => {
    const wideCalls = { count: 0 };
    const stepCalls = { count: 0 };
    const wide = factorsOf(tensorOps, wideCalls);
    const byStep = factorsOf({ ...tensorOps, wideFactors: false }, stepCalls);
    expect(wideCalls.count).toBe(1);
    expect(stepCalls.count).toBe(0);
    for (let t = STEPS - 1; t >= 0; t--) {
      const w = wide(t);
      const s = byStep(t);
      expect(w.product.shape).toEqual([2, 4]);
      expect(w.product.arraySync()).toEqual(s.product.arraySync());
      expect(w.square.arraySync()).toEqual(s.square.arraySync());
    }
    expect(stepCalls.count).toBe(STEPS);
    // Step t's factors are step t's: a·(1 − b) of that step's values.
    const a1 = steps(1)[1]!.arraySync();
    const b1 = steps(2)[1]!.arraySync();
    const expected = a1.map((row, r) => row.map((x, c) => Math.fround(x * Math.fround(1 - b1[r]![c]!))));
    expect(wide(1).product.arraySync()).toEqual(expected);
  });
});
