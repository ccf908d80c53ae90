/**
 * Vanilla RNN: h_t = tanh(x_t + h_{t−1}·R) (as src/model/cells/rnn.ts).
 *
 * Backward, per step from the last: dh = dh_out + da_{t+1}·Rᵀ,
 * da = dh ⊙ (1 − h_t²); the factor 1 − h_t² is formed for all steps at once.
 */
import type { GraphCell, GraphSequence, GraphSequenceGradients } from './cell.js';

interface RnnCache {
  outputs: string[];
  hPrev: string[];
}

export const rnnGraphCell: GraphCell<RnnCache> = {
  forward(g, projections, recurrent, _hidden, initial, keepCache): GraphSequence<RnnCache> {
    let h = initial.h;
    const outputs: string[] = [];
    const hPrev: string[] = [];
    for (const projection of projections) {
      hPrev.push(h);
      h = g.tanh(g.gemm(h, recurrent, projection));
      outputs.push(h);
    }
    const cache: RnnCache | null = keepCache ? { outputs, hPrev } : null;
    return { outputs, final: { h }, cache };
  },

  backward(g, { outputs, hPrev }, recurrent, _hidden, dOutputs): GraphSequenceGradients {
    const steps = outputs.length;
    const slopeSteps = g.splitEven(g.oneMinus(g.square(g.concat(outputs, 0))), steps, 0);
    const recurrentT = g.transpose(recurrent);
    const dPre: string[] = new Array(steps);
    for (let t = steps - 1; t >= 0; t--) {
      const dh = t === steps - 1 ? dOutputs[t]! : g.add(g.matMul(dPre[t + 1]!, recurrentT), dOutputs[t]!);
      dPre[t] = g.mul(dh, slopeSteps[t]!);
    }
    const dProjection = g.concat(dPre, 0);
    return { dProjection, dRecurrent: g.gemm(g.concat(hPrev, 0), dProjection, null, { transA: true }) };
  },
};
