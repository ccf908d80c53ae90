/** The pure training step and the optimizer's plain state (src/train/step.ts, src/train/optimizer.ts). */
import { describe, expect, it } from 'vitest';
import type { Engine, GradientResult } from '../../src/engine/engine.js';
import type { ParamArrays } from '../../src/model/params.js';
import { zeroState } from '../../src/model/state.js';
import { Adam } from '../../src/train/optimizer.js';
import { divergedLoss, trainStep } from '../../src/train/step.js';
import { Rng } from '../../src/util/rng.js';
import { fakeEngine } from '../helpers/fake-engine.js';

const carried = zeroState({ cell: 'gru', layers: 1, hidden: 2 }, 1);
const batch = { inputs: new Int32Array([0]), targets: new Int32Array([1]), batchSize: 1, seqLen: 1 };

/** An engine whose gradients are given: `loss` and grads [3, 4] (norm 5) for the one parameter. */
function givenGradients(loss: number, grad = [3, 4]): Engine {
  const result = (): GradientResult => ({ loss, grads: new Map([['w', Float32Array.from(grad)]]), finals: zeroState({ cell: 'gru', layers: 1, hidden: 2 }, 1) });
  return fakeEngine({ gradients: async () => result() });
}

const weights = (): ParamArrays => new Map([['w', Float32Array.from([1, 1])]]);

describe('trainStep', () => {
  it('applies a clipped Adam update and hands back the state to carry', async () => {
    const w = weights();
    const adam = new Adam();
    const outcome = await trainStep(givenGradients(2.5), adam, w, batch, carried, new Rng(1), { lr: 0.1, clip: 1, maxLoss: divergedLoss(2) });
    expect(outcome).toMatchObject({ applied: true, loss: 2.5, gradNorm: 5 });
    expect(outcome.applied && outcome.finals.layers).toHaveLength(1);
    // Adam's first step moves every weight by lr against its gradient's sign, whatever the clipping.
    expect([...w.get('w')!].map((x) => Number(x.toFixed(4)))).toEqual([0.9, 0.9]);
    const state = adam.toState();
    expect(state.step).toBe(1);
    // The moments saw the clipped gradient [0.6, 0.8], not [3, 4].
    expect([...state.m.get('w')!].map((x) => Number(x.toFixed(4)))).toEqual([0.06, 0.08]);
  });

  it.each([
    ['a NaN loss', NaN, [3, 4]],
    ['an infinite gradient', 1, [Infinity, 0]],
    ['a loss beyond any sane value', divergedLoss(2) + 1, [3, 4]],
  ])('refuses %s and changes nothing', async (_, loss, grad) => {
    const w = weights();
    const adam = new Adam();
    const outcome = await trainStep(givenGradients(loss as number, grad as number[]), adam, w, batch, carried, new Rng(1), { lr: 0.1, clip: 5, maxLoss: divergedLoss(2) });
    expect(outcome.applied).toBe(false);
    expect([...w.get('w')!]).toEqual([1, 1]);
    expect(adam.toState()).toMatchObject({ step: 0 });
    expect(adam.toState().m.size).toBe(0);
  });
});

describe('Adam state', () => {
  it('an optimizer built from another\'s state continues exactly as that one would', () => {
    const grads: ParamArrays = new Map([['w', Float32Array.from([0.3, -0.2])]]);
    const straight = new Adam();
    const wStraight = weights();
    for (let i = 0; i < 4; i++) straight.apply(wStraight, grads, 0.01, 1);

    const first = new Adam();
    const wSplit = weights();
    for (let i = 0; i < 2; i++) first.apply(wSplit, grads, 0.01, 1);
    const saved = first.toState();
    const copy = { step: saved.step, m: new Map([...saved.m].map(([k, v]) => [k, v.slice()])), v: new Map([...saved.v].map(([k, v]) => [k, v.slice()])) };
    const resumed = Adam.fromState(copy);
    for (let i = 0; i < 2; i++) resumed.apply(wSplit, grads, 0.01, 1);

    expect([...wSplit.get('w')!]).toEqual([...wStraight.get('w')!]);
    expect(resumed.toState().step).toBe(4);
  });
});

describe('Adam β2', () => {
  /** The second update of one weight whose gradients are 1, then 3, with learning rate 1. */
  const secondUpdate = (adam: Adam): number => {
    const w: ParamArrays = new Map([['w', Float32Array.from([0])]]);
    adam.apply(w, new Map([['w', Float32Array.from([1])]]), 1, 1);
    const after1 = w.get('w')![0]!;
    adam.apply(w, new Map([['w', Float32Array.from([3])]]), 1, 1);
    return after1 - w.get('w')![0]!;
  };

  it('is 0.999 unless given, and a lower one weighs the newer gradient more', () => {
    // m̂ = (0.09 + 0.3) / 0.19; v̂ = (β2·(1 − β2) + 9(1 − β2)) / (1 − β2²); the update is m̂ / √v̂.
    const expected = (b2: number): number => (0.39 / 0.19) / Math.sqrt((b2 * (1 - b2) + 9 * (1 - b2)) / (1 - b2 * b2));
    expect(secondUpdate(new Adam())).toBeCloseTo(expected(0.999), 5);
    expect(secondUpdate(new Adam({ beta2: 0.5 }))).toBeCloseTo(expected(0.5), 5);
    expect(expected(0.5)).toBeLessThan(expected(0.999) - 0.05);
  });

  it('a resumed optimizer takes the β2 it is given', () => {
    const first = new Adam({ beta2: 0.5 });
    first.apply(new Map([['w', Float32Array.from([0])]]), new Map([['w', Float32Array.from([1])]]), 1, 1);
    expect(Adam.fromState(first.toState(), { beta2: 0.9 }).config).toMatchObject({ beta1: 0.9, beta2: 0.9 });
  });
});
