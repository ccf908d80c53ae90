/**
 * Vanilla RNN: h_t = tanh(x_t + h_{t−1}·R). Every step multiplies the state
 * (and, going back, the gradient) by the same R and a tanh' ≤ 1, so signals
 * from far back shrink or blow up geometrically — why a plain RNN forgets.
 *
 * Backward, per step from the last:
 *   dh_t = dh_out,t + da_{t+1}·Rᵀ,   da_t = dh_t ⊙ (1 − h_t²),
 * with the forward-only factor 1 − h_t² formed for all steps at once.
 */
import type { Ops } from '../ops.js';
import type { Cell, SequenceGradients, SequenceResult } from './cell.js';
import { stepFactors } from './factors.js';

interface RnnCache<T> {
  /** h_t per step, T × [N, H]. */
  outputs: T[];
  /** h_{t−1} per step (h_{−1} is the initial state). */
  hPrev: T[];
}

export const rnnCell: Cell = {
  forward<T>(ops: Ops<T>, projections: T[], recurrent: T, _hidden: number, initial: { h: T }, keepCache: boolean): SequenceResult<T> {
    let h = initial.h;
    const outputs: T[] = [];
    const hPrev: T[] = [];
    for (const projection of projections) {
      hPrev.push(h);
      const previous = h;
      // h_t = tanh(h_{t−1}·R + x_t)
      h = ops.scope(() => ops.tanh(ops.matMulAdd(previous, recurrent, projection)));
      outputs.push(h);
    }
    const cache: RnnCache<T> | null = keepCache ? { outputs, hPrev } : null;
    return { outputs, final: { h }, cache };
  },

  backward<T>(ops: Ops<T>, cache: unknown, recurrent: T, _hidden: number, dOutputs: T[], onStep?: (t: number, dh: T) => void): SequenceGradients<T> {
    const { outputs, hPrev } = cache as RnnCache<T>;
    const steps = outputs.length;
    // 1 − h_t² of step t (for all steps at once or step by step: factors.ts)
    const slopeAt = stepFactors(ops, steps, { h: outputs }, (v) => ({ slope: ops.oneMinus(ops.square(v.h)) }));
    const recurrentT = ops.transpose(recurrent);
    const dPre: T[] = new Array(steps);
    for (let t = steps - 1; t >= 0; t--) {
      dPre[t] = ops.scope(() => {
        // dh_t = dh_out,t + da_{t+1}·Rᵀ
        const dh = t === steps - 1 ? dOutputs[t]! : ops.matMulAdd(dPre[t + 1]!, recurrentT, dOutputs[t]!);
        onStep?.(t, dh);
        // da_t = dh_t ⊙ (1 − h_t²)
        return ops.mul(dh, slopeAt(t).slope);
      });
    }
    const dProjection = ops.stackRows(dPre);
    // dR = Σ_t h_{t−1}ᵀ·da_t
    return { dProjection, dRecurrent: ops.matMulTA(ops.stackRows(hPrev), dProjection) };
  },

  signals<T>(_ops: Ops<T>, cache: unknown) {
    return { h: (cache as RnnCache<T>).outputs };
  },
};
