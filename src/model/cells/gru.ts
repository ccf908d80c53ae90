/**
 * GRU (Keras' reset-before variant, as tf.layers implements it):
 *   z = σ(x_z + h·R_z), r = σ(x_r + h·R_r), ĥ = tanh(x_h + (r ⊙ h)·R_h),
 *   h' = z ⊙ h + (1 − z) ⊙ ĥ = ĥ + z ⊙ (h − ĥ)
 * (the code computes the right-hand form: one product instead of two).
 * One update gate z does the work of the LSTM's input and forget gates, and
 * there is no separate cell state: three blocks of weights instead of four.
 *
 * Backward, per step from the last (h = h_{t−1}):
 *   da_h = dh ⊙ (1 − z) ⊙ (1 − ĥ²),   d(r ⊙ h) = da_h·R_hᵀ,
 *   [da_z, da_r] = [dh, d(r ⊙ h)] ⊙ [h − ĥ, h] ⊙ σ'([z, r]),
 *   dh_{t−1} = dh_out,t−1 + dh ⊙ z + d(r ⊙ h) ⊙ r + [da_z, da_r]·R_zrᵀ.
 * (1 − z) ⊙ (1 − ĥ²) and [h − ĥ, h] ⊙ σ'([z, r]) depend on forward values
 * only: on TF.js they are formed for all steps at once before the loop, in
 * a graph step by step (./factors.ts).
 *
 * Gate order of the G·H = 3H columns: z, r, h (same as Keras; descriptors.ts).
 */
import type { Ops } from '../ops.js';
import type { Cell, CellState, SequenceGradients, SequenceResult } from './cell.js';
import { stepFactors } from './factors.js';

interface GruCache<T> {
  /** σ of the z, r blocks per step, T × [N, 2H]. */
  zr: T[];
  z: T[];
  r: T[];
  /** ĥ per step. */
  candidate: T[];
  /** h_{t−1} per step (h_{−1} is the initial state). */
  hPrev: T[];
  /** r ⊙ h_{t−1} per step. */
  resetHidden: T[];
}

export const gruCell: Cell = {
  forward<T>(ops: Ops<T>, projections: T[], recurrent: T, hidden: number, initial: CellState<T>, keepCache: boolean): SequenceResult<T> {
    const [recurrentZR, recurrentH] = ops.splitColumns(recurrent, [2 * hidden, hidden]);
    let h = initial.h;
    const outputs: T[] = [];
    const cache: GruCache<T> = { zr: [], z: [], r: [], candidate: [], hPrev: [], resetHidden: [] };
    for (const projection of projections) {
      const hPrev = h;
      const step = ops.scope(() => {
        const [xZR, xH] = ops.splitColumns(projection, [2 * hidden, hidden]);
        // [z, r] = σ(h·R_zr + x_zr)
        const zr = ops.sigmoid(ops.matMulAdd(hPrev, recurrentZR!, xZR!));
        const [z, r] = ops.splitColumns(zr, [hidden, hidden]);
        // ĥ = tanh((r ⊙ h)·R_h + x_h)
        const resetHidden = ops.mul(r!, hPrev);
        const candidate = ops.tanh(ops.matMulAdd(resetHidden, recurrentH!, xH!));
        // h' = ĥ + z ⊙ (h − ĥ)
        const hNext = ops.add(candidate, ops.mul(z!, ops.sub(hPrev, candidate)));
        return { zr, z: z!, r: r!, resetHidden, candidate, hNext };
      });
      if (keepCache) {
        cache.zr.push(step.zr);
        cache.z.push(step.z);
        cache.r.push(step.r);
        cache.candidate.push(step.candidate);
        cache.hPrev.push(hPrev);
        cache.resetHidden.push(step.resetHidden);
      }
      outputs.push(step.hNext);
      h = step.hNext;
    }
    return { outputs, final: { h }, cache: keepCache ? cache : null };
  },

  backward<T>(ops: Ops<T>, cache: unknown, recurrent: T, hidden: number, dOutputs: T[], onStep?: (t: number, dh: T) => void): SequenceGradients<T> {
    const s = cache as GruCache<T>;
    const steps = s.z.length;
    const [recurrentZR, recurrentH] = ops.splitColumns(recurrent, [2 * hidden, hidden]);
    const recurrentZRT = ops.transpose(recurrentZR!);
    const recurrentHT = ops.transpose(recurrentH!);
    // The forward-only factors of step t (for all steps at once or step by step: factors.ts)
    const factorsAt = stepFactors(ops, steps, { zr: s.zr, z: s.z, candidate: s.candidate, hPrev: s.hPrev }, (v) => ({
      // [h − ĥ, h] ⊙ σ'([z, r])
      zrLocal: ops.mul(ops.concatColumns([ops.sub(v.hPrev, v.candidate), v.hPrev]), ops.mul(v.zr, ops.oneMinus(v.zr))),
      // (1 − z) ⊙ (1 − ĥ²)
      hLocal: ops.mul(ops.oneMinus(v.z), ops.oneMinus(ops.square(v.candidate))),
    }));

    const dZR: T[] = new Array(steps);
    const dH: T[] = new Array(steps);
    let dh: T = dOutputs[steps - 1]!;
    for (let t = steps - 1; t >= 0; t--) {
      const dhIn = dh;
      const step = ops.scope((): { daH: T; daZR: T; dhPrev: T | null } => {
        onStep?.(t, dhIn);
        const factors = factorsAt(t);
        // da_h = dh ⊙ (1 − z) ⊙ (1 − ĥ²)
        const daH = ops.mul(dhIn, factors.hLocal);
        // d(r ⊙ h) = da_h·R_hᵀ
        const dResetHidden = ops.matMul(daH, recurrentHT);
        // [da_z, da_r] = [dh, d(r ⊙ h)] ⊙ [h − ĥ, h] ⊙ σ'([z, r])
        const daZR = ops.mul(ops.concatColumns([dhIn, dResetHidden]), factors.zrLocal);
        if (t === 0) return { daH, daZR, dhPrev: null };
        // dh_{t−1} = [da_z, da_r]·R_zrᵀ + (dh ⊙ z + d(r ⊙ h) ⊙ r + dh_out,t−1)
        const direct = ops.addN([ops.mul(dhIn, s.z[t]!), ops.mul(dResetHidden, s.r[t]!), dOutputs[t - 1]!]);
        return { daH, daZR, dhPrev: ops.matMulAdd(daZR, recurrentZRT, direct) };
      });
      if (t < steps - 1) ops.release(dhIn);
      dH[t] = step.daH;
      dZR[t] = step.daZR;
      if (step.dhPrev !== null) dh = step.dhPrev;
    }
    const dZRAll = ops.stackRows(dZR);
    const dHAll = ops.stackRows(dH);
    return {
      dProjection: ops.concatColumns([dZRAll, dHAll]),
      // dR_zr = Σ_t h_{t−1}ᵀ·[da_z, da_r],  dR_h = Σ_t (r ⊙ h_{t−1})ᵀ·da_h
      dRecurrent: ops.concatColumns([ops.matMulTA(ops.stackRows(s.hPrev), dZRAll), ops.matMulTA(ops.stackRows(s.resetHidden), dHAll)]),
    };
  },

  signals<T>(_ops: Ops<T>, cache: unknown, final: CellState<T>) {
    const s = cache as GruCache<T>;
    // Step t + 1 keeps h_t as its previous state; the last one is the final state.
    return { h: s.hPrev.map((_, t) => (t + 1 < s.hPrev.length ? s.hPrev[t + 1]! : final.h)), z: s.z, r: s.r };
  },
};
