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
 * local_t and o ⊙ (1 − tanh²c_t) depend on forward values only: they are
 * formed for all steps at once in a few wide ops before the loop
 * (stackedFactors), so each backward step is a matMul and a few small ops.
 *
 * Internal gate order of the G·H = 4H columns: i, f, o, g (descriptors.ts).
 */
import type { Ops } from '../ops.js';
import type { Cell, CellState, SequenceGradients, SequenceResult } from './cell.js';

interface LstmCache<T> {
  /** σ of the i, f, o blocks per step, T × [N, 3H]. */
  gates: T[];
  /** f_t per step. */
  f: T[];
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
    const cache: LstmCache<T> = { gates: [], f: [], g: [], cPrev: [], tanhC: [], hPrev: [] };
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
        return { gates, f: f!, g, tanhC, cNext, hNext };
      });
      if (keepCache) {
        cache.gates.push(step.gates);
        cache.f.push(step.f);
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
    // The forward-only factors of every step, then T × [N, ·] (scoped apart: on TF.js the
    // wide temporaries are freed before the split, the stacked factors after it).
    const factors = ops.scope(() => {
      const { local, dcFromH } = ops.scope(() => stackedFactors(ops, s, hidden));
      return { local: ops.splitRows(local, steps), dcFromH: ops.splitRows(dcFromH, steps) };
    });

    const recurrentT = ops.transpose(recurrent);
    const dPre: T[] = new Array(steps);
    let dcNext: T | null = null;
    for (let t = steps - 1; t >= 0; t--) {
      const dcIn = dcNext;
      const step = ops.scope((): { da: T; dcPrev: T | null } => {
        // dh_t = dh_out,t + da_{t+1}·Rᵀ
        const dh = t === steps - 1 ? dOutputs[t]! : ops.matMulAdd(dPre[t + 1]!, recurrentT, dOutputs[t]!);
        onStep?.(t, dh);
        // dc_t = dh_t ⊙ o ⊙ (1 − tanh²c_t) + dc_{t+1} ⊙ f_{t+1}
        let dc = ops.mul(dh, factors.dcFromH[t]!);
        if (dcIn) dc = ops.add(dc, dcIn);
        // da_t = [dc, dc, dh, dc] ⊙ local_t
        const da = ops.mul(ops.concatColumns([dc, dc, dh, dc]), factors.local[t]!);
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

  signals<T>(ops: Ops<T>, cache: unknown, final: CellState<T>, hidden: number) {
    const s = cache as LstmCache<T>;
    // Step t + 1 keeps h_t and c_t as its previous state; the last ones are the final state.
    const after = (previous: T[], last: T): T[] => previous.map((_, t) => (t + 1 < previous.length ? previous[t + 1]! : last));
    const blocks = s.gates.map((gates) => ops.splitColumns(gates, [hidden, hidden, hidden]));
    return { h: after(s.hPrev, final.h), c: after(s.cPrev, final.c!), i: blocks.map((b) => b[0]!), f: s.f, o: blocks.map((b) => b[2]!), g: s.g };
  },
};

/**
 * The factors of the backward pass that depend on forward values only, for
 * all steps at once from the stacked caches, [T·N, ·]:
 *   local = [g ⊙ σ'(i), c_{t−1} ⊙ σ'(f), tanh c ⊙ σ'(o), i ⊙ (1 − g²)]  [T·N, 4H],
 *   dcFromH = o ⊙ (1 − tanh²c)  [T·N, H].
 */
function stackedFactors<T>(ops: Ops<T>, s: LstmCache<T>, hidden: number): { local: T; dcFromH: T } {
  const gates = ops.stackRows(s.gates);
  const candidate = ops.stackRows(s.g);
  const tanhC = ops.stackRows(s.tanhC);
  const [i, , o] = ops.splitColumns(gates, [hidden, hidden, hidden]);
  // σ'(a) = σ(a) ⊙ (1 − σ(a)) for i, f, o at once
  const [slopeI, slopeF, slopeO] = ops.splitColumns(ops.mul(gates, ops.oneMinus(gates)), [hidden, hidden, hidden]);
  const local = ops.concatColumns([
    ops.mul(candidate, slopeI!),
    ops.mul(ops.stackRows(s.cPrev), slopeF!),
    ops.mul(tanhC, slopeO!),
    ops.mul(i!, ops.oneMinus(ops.square(candidate))),
  ]);
  return { local, dcFromH: ops.mul(o!, ops.oneMinus(ops.square(tanhC))) };
}
