/**
 * LSTM: c_t = f ⊙ c_{t−1} + i ⊙ g, h_t = o ⊙ tanh(c_t), with gates
 * i, f, o = σ(·) and candidate g = tanh(·) (as src/model/cells/lstm.ts).
 *
 * Backward, per step from the last: dh = dh_out + da_{t+1}·Rᵀ,
 * dc = dh ⊙ o ⊙ (1 − tanh²c) + dc_{t+1} ⊙ f_{t+1}, and the gate
 * pre-activations da = [dc ⊙ g ⊙ σ'(i), dc ⊙ c_{t−1} ⊙ σ'(f),
 * dh ⊙ tanh c ⊙ σ'(o), dc ⊙ i ⊙ (1 − g²)].
 * The factors that depend on forward values only — o ⊙ (1 − tanh²c) and the
 * four gate factors — are formed for all steps at once in a few wide ops
 * before the loop, so each backward step is a Gemm and four small ops.
 *
 * Internal gate order of the G·H = 4H columns: i, f, o, g.
 */
import type { GraphCell, GraphSequence, GraphSequenceGradients } from './cell.js';

interface LstmCache {
  /** σ(·) of the i, f, o block per step, T × [N, 3H]. */
  gates: string[];
  f: string[];
  g: string[];
  /** c_{t−1} per step (c_0 is the initial state). */
  cPrev: string[];
  tanhC: string[];
  hPrev: string[];
}

export const lstmGraphCell: GraphCell<LstmCache> = {
  forward(g, projections, recurrent, hidden, initial, keepCache): GraphSequence<LstmCache> {
    let h = initial.h;
    let c = initial.c!;
    const outputs: string[] = [];
    const cache: LstmCache = { gates: [], f: [], g: [], cPrev: [], tanhC: [], hPrev: [] };
    for (const projection of projections) {
      const pre = g.gemm(h, recurrent, projection);
      const [sigmoidPart, candidatePart] = g.split(pre, [3 * hidden, hidden], 1);
      const gates = g.sigmoid(sigmoidPart!);
      const [i, f, o] = g.split(gates, [hidden, hidden, hidden], 1);
      const candidate = g.tanh(candidatePart!);
      const cNext = g.add(g.mul(f!, c), g.mul(i!, candidate));
      const tanhC = g.tanh(cNext);
      const hNext = g.mul(o!, tanhC);
      if (keepCache) {
        cache.gates.push(gates);
        cache.f.push(f!);
        cache.g.push(candidate);
        cache.cPrev.push(c);
        cache.tanhC.push(tanhC);
        cache.hPrev.push(h);
      }
      outputs.push(hNext);
      h = hNext;
      c = cNext;
    }
    return { outputs, final: { h, c }, cache: keepCache ? cache : null };
  },

  backward(g, s, recurrent, hidden, dOutputs): GraphSequenceGradients {
    const steps = s.gates.length;
    const n = (x: string[]) => g.concat(x, 0);
    // Forward-only factors of every step, stacked [T·N, ·].
    const gates = n(s.gates);
    const candidate = n(s.g);
    const tanhC = n(s.tanhC);
    const [i, , o] = g.split(gates, [hidden, hidden, hidden], 1);
    const [slopeI, slopeF, slopeO] = g.split(g.mul(gates, g.oneMinus(gates)), [hidden, hidden, hidden], 1);
    const local = g.concat([
      g.mul(candidate, slopeI!),
      g.mul(n(s.cPrev), slopeF!),
      g.mul(tanhC, slopeO!),
      g.mul(i!, g.oneMinus(g.square(candidate))),
    ], 1);
    const dcFromH = g.mul(o!, g.oneMinus(g.square(tanhC)));
    const localSteps = g.splitEven(local, steps, 0);
    const dcFromHSteps = g.splitEven(dcFromH, steps, 0);

    const recurrentT = g.transpose(recurrent);
    const dPre: string[] = new Array(steps);
    let dcNext: string | null = null;
    for (let t = steps - 1; t >= 0; t--) {
      const dh = t === steps - 1 ? dOutputs[t]! : g.add(g.matMul(dPre[t + 1]!, recurrentT), dOutputs[t]!);
      let dc = g.mul(dh, dcFromHSteps[t]!);
      if (dcNext) dc = g.add(dc, dcNext);
      dPre[t] = g.mul(g.concat([dc, dc, dh, dc], 1), localSteps[t]!);
      if (t > 0) dcNext = g.mul(dc, s.f[t]!);
    }
    const dProjection = n(dPre);
    return { dProjection, dRecurrent: g.gemm(n(s.hPrev), dProjection, null, { transA: true }) };
  },
};
