/**
 * GRU (Keras' reset-before variant, as tf.layers implements it):
 *   z = σ(x_z + h·R_z), r = σ(x_r + h·R_r), ĥ = tanh(x_h + (r ⊙ h)·R_h),
 *   h' = z ⊙ h + (1 − z) ⊙ ĥ = ĥ + z ⊙ (h − ĥ)
 * (the code computes the right-hand form: one product instead of two).
 * One update gate z does the work of the LSTM's input and forget gates, and
 * there is no separate cell state: three blocks of weights instead of four.
 *
 * Gate order of the G·H = 3H columns: z, r, h (same as Keras; descriptors.ts).
 */
import * as tf from '../../tf.js';
import { splitColumns, transpose2d } from '../../backend/fast-ops.js';
import * as k from '../../backend/kernels.js';
import type { Cell, SequenceGradients, SequenceResult } from './cell.js';

interface GruStep {
  z: tf.Tensor2D;
  r: tf.Tensor2D;
  candidate: tf.Tensor2D;
  hPrev: tf.Tensor2D;
  resetHidden: tf.Tensor2D;
}

export const gruCell: Cell<GruStep[]> = {
  forward(projections, recurrent, initial, keepCache): SequenceResult<GruStep[]> {
    const hidden = recurrent.shape[0];
    const [recurrentZR, recurrentH] = splitColumns(recurrent, [2 * hidden, hidden]);
    let h = initial.h;
    const outputs: tf.Tensor2D[] = [];
    const steps: GruStep[] = [];
    for (const projection of projections) {
      // Per-step tidy: only what the next step and backward() need survives.
      const hPrev = h;
      const step = tf.tidy(() => {
        const [xZR, xH] = splitColumns(projection, [2 * hidden, hidden]);
        const zr = k.sigmoid(k.add(xZR!, k.matMul(hPrev, recurrentZR!))) as tf.Tensor2D;
        const [z, r] = splitColumns(zr, [hidden, hidden]);
        const resetHidden = k.mul(r!, hPrev) as tf.Tensor2D;
        const candidate = k.tanh(k.add(xH!, k.matMul(resetHidden, recurrentH!))) as tf.Tensor2D;
        const hNext = k.add(candidate, k.mul(z!, k.sub(hPrev, candidate))) as tf.Tensor2D;
        return { z: z!, r: r!, resetHidden, candidate, hNext };
      });
      if (keepCache) steps.push({ z: step.z, r: step.r, candidate: step.candidate, hPrev, resetHidden: step.resetHidden });
      outputs.push(step.hNext);
      h = step.hNext;
    }
    return { outputs, final: { h }, cache: keepCache ? steps : null };
  },

  backward(steps, recurrent, dOutputs, onStep): SequenceGradients {
    const hidden = recurrent.shape[0];
    const [recurrentZR, recurrentH] = splitColumns(recurrent, [2 * hidden, hidden]);
    const recurrentZRT = transpose2d(recurrentZR!);
    const recurrentHT = transpose2d(recurrentH!);
    const dZR: tf.Tensor2D[] = new Array(steps.length);
    const dH: tf.Tensor2D[] = new Array(steps.length);
    let dhNext: tf.Tensor2D | null = null;
    for (let t = steps.length - 1; t >= 0; t--) {
      const s = steps[t]!;
      const dhIn = dhNext;
      const step = tf.tidy(() => {
        const dh: tf.Tensor2D = dhIn ? k.add(dOutputs[t]!, dhIn) : dOutputs[t]!;
        onStep?.(t, dh);
        const daH = k.mul(k.mul(dh, k.oneMinus(s.z)), k.oneMinus(k.square(s.candidate))) as tf.Tensor2D;
        const dz = k.mul(dh, k.sub(s.hPrev, s.candidate));
        const dResetHidden = k.matMul(daH, recurrentHT);
        const dr = k.mul(dResetHidden, s.hPrev);
        const daZ = k.mul(dz, k.mul(s.z, k.oneMinus(s.z)));
        const daR = k.mul(dr, k.mul(s.r, k.oneMinus(s.r)));
        const daZR = k.concatColumns([daZ, daR]) as tf.Tensor2D;
        const dhPrev = k.addN([k.mul(dh, s.z), k.mul(dResetHidden, s.r), k.matMul(daZR, recurrentZRT)]) as tf.Tensor2D;
        return { daZR, daH, dhPrev };
      });
      dhIn?.dispose();
      dZR[t] = step.daZR;
      dH[t] = step.daH;
      dhNext = step.dhPrev;
    }
    const dZRAll = tf.concat(dZR, 0) as tf.Tensor2D;
    const dHAll = tf.concat(dH, 0) as tf.Tensor2D;
    const hPrevT = transpose2d(tf.concat(steps.map((s) => s.hPrev), 0) as tf.Tensor2D);
    const resetHiddenT = transpose2d(tf.concat(steps.map((s) => s.resetHidden), 0) as tf.Tensor2D);
    return {
      dProjection: tf.concat([dZRAll, dHAll], 1) as tf.Tensor2D,
      dRecurrent: tf.concat([k.matMul(hPrevT, dZRAll), k.matMul(resetHiddenT, dHAll)], 1) as tf.Tensor2D,
    };
  },

  signals(steps, final) {
    // Step t + 1 keeps h_t as its previous state; the last one is the final state.
    return {
      h: steps.map((_, t) => (t + 1 < steps.length ? steps[t + 1]!.hPrev : final.h)),
      z: steps.map((s) => s.z),
      r: steps.map((s) => s.r),
    };
  },
};
