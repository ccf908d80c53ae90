/**
 * LSTM, with a_t = x_t + h_{t−1}·R split into the blocks of the gates:
 *   i, f, o = σ(a_i), σ(a_f), σ(a_o),  g = tanh(a_g),
 *   c_t = f ⊙ c_{t−1} + i ⊙ g,
 *   h_t = o ⊙ tanh(c_t).
 * The cell state travels through time by an elementwise product with f
 * alone — the near-additive path that keeps gradients alive over long
 * distances.
 *
 * Backward, per step from the last:
 *   dh_t = dh_out,t + da_{t+1}·Rᵀ,
 *   dc_t = dh_t ⊙ o ⊙ (1 − tanh²c_t) + dc_{t+1} ⊙ f_{t+1},
 *   da_t = [dc ⊙ g ⊙ σ'(i), dc ⊙ c_{t−1} ⊙ σ'(f), dh ⊙ tanh c_t ⊙ σ'(o), dc ⊙ i ⊙ (1 − g²)]
 *        = [dc, dc, dh, dc] ⊙ local_t.
 * local_t and o ⊙ (1 − tanh²c_t) depend on forward values only
 * (localFactors): on TF.js they are formed for all steps at once in a few
 * wide ops before the loop, so each backward step is a matMul and a few
 * small ops; in a graph, step by step (./factors.ts).
 *
 * Internal gate order of the G·H = 4H columns: i, f, o, g (descriptors.ts).
 */
import type { Ops } from '../ops.js';
import type { Cell, CellState, SequenceGradients, SequenceResult } from './cell.js';
import { stepFactors } from './factors.js';

interface LstmCache<T> {
  /** σ of the i, f, o blocks per step, T × [N, 3H]. */
  gates: T[];
  /** i_t, f_t, o_t per step. */
  i: T[];
  f: T[];
  o: T[];
  /** g_t per step. */
  g: T[];
  /** c_{t−1} per step (c_{−1} is the initial state). */
  cPrev: T[];
  /** tanh c_t per step. */
  tanhC: T[];
  /** h_{t−1} per step. */
  hPrev: T[];
}

export const lstmCell: Cell = {
  forward<T>(ops: Ops<T>, projections: T[], recurrent: T, hidden: number, initial: CellState<T>, keepCache: boolean): SequenceResult<T> {
    let h = initial.h;
    let c: T = initial.c!;
    const outputs: T[] = [];
    const cache: LstmCache<T> = { gates: [], i: [], f: [], o: [], g: [], cPrev: [], tanhC: [], hPrev: [] };
    for (const projection of projections) {
      const hPrev = h;
      const cPrev = c;
      const step = ops.scope(() => {
        // a_t = h_{t−1}·R + x_t, split into the sigmoid blocks i, f, o and the candidate's block
        const [sigmoidPart, candidatePart] = ops.splitColumns(ops.matMulAdd(hPrev, recurrent, projection), [3 * hidden, hidden]);
        const gates = ops.sigmoid(sigmoidPart!);
        const [i, f, o] = ops.splitColumns(gates, [hidden, hidden, hidden]);
        const g = ops.tanh(candidatePart!);
        // c_t = f ⊙ c_{t−1} + i ⊙ g
        const cNext = ops.add(ops.mul(f!, cPrev), ops.mul(i!, g));
        // h_t = o ⊙ tanh c_t
        const tanhC = ops.tanh(cNext);
        const hNext = ops.mul(o!, tanhC);
        return { gates, i: i!, f: f!, o: o!, g, tanhC, cNext, hNext };
      });
      if (keepCache) {
        cache.gates.push(step.gates);
        cache.i.push(step.i);
        cache.f.push(step.f);
        cache.o.push(step.o);
        cache.g.push(step.g);
        cache.cPrev.push(cPrev);
        cache.tanhC.push(step.tanhC);
        cache.hPrev.push(hPrev);
      }
      outputs.push(step.hNext);
      h = step.hNext;
      c = step.cNext;
    }
    return { outputs, final: { h, c }, cache: keepCache ? cache : null };
  },

  backward<T>(ops: Ops<T>, cache: unknown, recurrent: T, hidden: number, dOutputs: T[], onStep?: (t: number, dh: T) => void): SequenceGradients<T> {
    const s = cache as LstmCache<T>;
    const steps = s.gates.length;
    // The forward-only factors of step t (for all steps at once or step by step: factors.ts)
    const factorsAt = stepFactors(ops, steps, { gates: s.gates, i: s.i, o: s.o, g: s.g, tanhC: s.tanhC, cPrev: s.cPrev }, (v) => localFactors(ops, v));

    const recurrentT = ops.transpose(recurrent);
    const dPre: T[] = new Array(steps);
    let dcNext: T | null = null;
    for (let t = steps - 1; t >= 0; t--) {
      const dcIn = dcNext;
      const step = ops.scope((): { da: T; dcPrev: T | null } => {
        // dh_t = dh_out,t + da_{t+1}·Rᵀ
        const dh = t === steps - 1 ? dOutputs[t]! : ops.matMulAdd(dPre[t + 1]!, recurrentT, dOutputs[t]!);
        onStep?.(t, dh);
        const factors = factorsAt(t);
        // dc_t = dh_t ⊙ o ⊙ (1 − tanh²c_t) + dc_{t+1} ⊙ f_{t+1}
        let dc = ops.mul(dh, factors.dcFromH);
        if (dcIn) dc = ops.add(dc, dcIn);
        // da_t = [dc, dc, dh, dc] ⊙ local_t
        const da = ops.mul(ops.concatColumns([dc, dc, dh, dc]), factors.local);
        // what c_{t−1} receives: dc_t ⊙ f_t
        return { da, dcPrev: t > 0 ? ops.mul(dc, s.f[t]!) : null };
      });
      if (dcIn) ops.release(dcIn);
      dPre[t] = step.da;
      dcNext = step.dcPrev;
    }
    const dProjection = ops.stackRows(dPre);
    // dR = Σ_t h_{t−1}ᵀ·da_t
    return { dProjection, dRecurrent: ops.matMulTA(ops.stackRows(s.hPrev), dProjection) };
  },

  signals<T>(_ops: Ops<T>, cache: unknown, final: CellState<T>) {
    const s = cache as LstmCache<T>;
    // Step t + 1 keeps h_t and c_t as its previous state; the last ones are the final state.
    const after = (previous: T[], last: T): T[] => previous.map((_, t) => (t + 1 < previous.length ? previous[t + 1]! : last));
    return { h: after(s.hPrev, final.h), c: after(s.cPrev, final.c!), i: s.i, f: s.f, o: s.o, g: s.g };
  },
};

/**
 * The factors of the backward pass that depend on forward values only, from
 * a step's values [N, ·] or every step's stacked [T·N, ·]:
 *   local = [g, c_{t−1}, tanh c, i] ⊙ [σ'(i), σ'(f), σ'(o), 1 − g²]  [·, 4H],
 *   dcFromH = o ⊙ (1 − tanh²c)  [·, H],
 * with σ'(a) = σ(a) ⊙ (1 − σ(a)) for i, f, o at once, from their σ [·, 3H].
 */
function localFactors<T>(ops: Ops<T>, v: { gates: T; i: T; o: T; g: T; tanhC: T; cPrev: T }): { local: T; dcFromH: T } {
  const slopes = ops.mul(v.gates, ops.oneMinus(v.gates));
  const local = ops.mul(ops.concatColumns([v.g, v.cPrev, v.tanhC, v.i]), ops.concatColumns([slopes, ops.oneMinus(ops.square(v.g))]));
  return { local, dcFromH: ops.mul(v.o, ops.oneMinus(ops.square(v.tanhC))) };
}
