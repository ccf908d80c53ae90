/**
 * GRU (Keras' reset-before variant, as src/model/cells/gru.ts):
 *   z = σ(x_z + h·R_z), r = σ(x_r + h·R_r), ĥ = tanh(x_h + (r ⊙ h)·R_h),
 *   h' = z ⊙ h + (1 − z) ⊙ ĥ = ĥ + z ⊙ (h − ĥ) (computed in the second form).
 *
 * Backward, per step from the last: dh = dh_out + dh_{t+1}'s share,
 * da_h = dh ⊙ (1 − z) ⊙ (1 − ĥ²), d(r ⊙ h) = da_h·R_hᵀ,
 * da_z = dh ⊙ (h − ĥ) ⊙ σ'(z), da_r = d(r ⊙ h) ⊙ h ⊙ σ'(r),
 * and the previous state gets dh ⊙ z + d(r ⊙ h) ⊙ r + [da_z, da_r]·R_zrᵀ.
 * The forward-only factors are formed for all steps at once before the loop.
 *
 * Gate order of the G·H = 3H columns: z, r, h (same as Keras).
 */
import type { GraphCell, GraphSequence, GraphSequenceGradients } from './cell.js';

interface GruCache {
  zr: string[];
  z: string[];
  r: string[];
  candidate: string[];
  hPrev: string[];
  resetHidden: string[];
}

export const gruGraphCell: GraphCell<GruCache> = {
  forward(g, projections, recurrent, hidden, initial, keepCache): GraphSequence<GruCache> {
    const [recurrentZR, recurrentH] = g.split(recurrent, [2 * hidden, hidden], 1);
    let h = initial.h;
    const outputs: string[] = [];
    const cache: GruCache = { zr: [], z: [], r: [], candidate: [], hPrev: [], resetHidden: [] };
    for (const projection of projections) {
      const hPrev = h;
      const [xZR, xH] = g.split(projection, [2 * hidden, hidden], 1);
      const zr = g.sigmoid(g.gemm(hPrev, recurrentZR!, xZR!));
      const [z, r] = g.split(zr, [hidden, hidden], 1);
      const resetHidden = g.mul(r!, hPrev);
      const candidate = g.tanh(g.gemm(resetHidden, recurrentH!, xH!));
      const hNext = g.add(candidate, g.mul(z!, g.sub(hPrev, candidate)));
      if (keepCache) {
        cache.zr.push(zr);
        cache.z.push(z!);
        cache.r.push(r!);
        cache.candidate.push(candidate);
        cache.hPrev.push(hPrev);
        cache.resetHidden.push(resetHidden);
      }
      outputs.push(hNext);
      h = hNext;
    }
    return { outputs, final: { h }, cache: keepCache ? cache : null };
  },

  backward(g, s, recurrent, hidden, dOutputs): GraphSequenceGradients {
    const steps = s.z.length;
    const [recurrentZR, recurrentH] = g.split(recurrent, [2 * hidden, hidden], 1);
    const recurrentZRT = g.transpose(recurrentZR!);
    const recurrentHT = g.transpose(recurrentH!);
    const stack = (x: string[]) => g.concat(x, 0);
    // Forward-only factors of every step, stacked [T·N, ·].
    const zr = stack(s.zr);
    const [z] = g.split(zr, [hidden, hidden], 1);
    const candidate = stack(s.candidate);
    const hPrev = stack(s.hPrev);
    const hTwice = g.concat([g.sub(hPrev, candidate), hPrev], 1);
    const zrLocal = g.mul(hTwice, g.mul(zr, g.oneMinus(zr)));
    const hLocal = g.mul(g.oneMinus(z!), g.oneMinus(g.square(candidate)));
    const zrLocalSteps = g.splitEven(zrLocal, steps, 0);
    const hLocalSteps = g.splitEven(hLocal, steps, 0);

    const dZR: string[] = new Array(steps);
    const dH: string[] = new Array(steps);
    let dh = dOutputs[steps - 1]!;
    for (let t = steps - 1; t >= 0; t--) {
      dH[t] = g.mul(dh, hLocalSteps[t]!);
      const dResetHidden = g.matMul(dH[t]!, recurrentHT);
      dZR[t] = g.mul(g.concat([dh, dResetHidden], 1), zrLocalSteps[t]!);
      if (t > 0) {
        const direct = g.op('Sum', [g.mul(dh, s.z[t]!), g.mul(dResetHidden, s.r[t]!), dOutputs[t - 1]!]);
        dh = g.add(g.matMul(dZR[t]!, recurrentZRT), direct);
      }
    }
    const dZRAll = stack(dZR);
    const dHAll = stack(dH);
    return {
      dProjection: g.concat([dZRAll, dHAll], 1),
      dRecurrent: g.concat([
        g.gemm(hPrev, dZRAll, null, { transA: true }),
        g.gemm(stack(s.resetHidden), dHAll, null, { transA: true }),
      ], 1),
    };
  },
};
