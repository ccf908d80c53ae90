/**
 * Vanilla RNN: h_t = tanh(x_t + h_{t−1}·R). Every step multiplies the state
 * (and, going back, the gradient) by the same R and a tanh' ≤ 1, so signals
 * from far back shrink or blow up geometrically — why a plain RNN forgets.
 */
import * as tf from '../../tf.js';
import { transpose2d } from '../../backend/fast-ops.js';
import * as k from '../../backend/kernels.js';
import type { Cell, SequenceGradients, SequenceResult } from './cell.js';

interface RnnCache {
  outputs: tf.Tensor2D[];
  hPrev: tf.Tensor2D[];
}

export const rnnCell: Cell<RnnCache> = {
  forward(projections, recurrent, initial, keepCache): SequenceResult<RnnCache> {
    let h = initial.h;
    const outputs: tf.Tensor2D[] = [];
    const hPrev: tf.Tensor2D[] = [];
    for (const projection of projections) {
      hPrev.push(h);
      const previous = h;
      h = tf.tidy(() => k.tanh(k.add(projection, k.matMul(previous, recurrent))) as tf.Tensor2D);
      outputs.push(h);
    }
    const cache: RnnCache | null = keepCache ? { outputs, hPrev } : null;
    return { outputs, final: { h }, cache };
  },

  backward({ outputs, hPrev }, recurrent, dOutputs, onStep): SequenceGradients {
    const recurrentT = transpose2d(recurrent);
    const dPre: tf.Tensor2D[] = new Array(outputs.length);
    let dhNext: tf.Tensor2D | null = null;
    for (let t = outputs.length - 1; t >= 0; t--) {
      const dhIn = dhNext;
      const step = tf.tidy(() => {
        const dh: tf.Tensor2D = dhIn ? k.add(dOutputs[t]!, dhIn) : dOutputs[t]!;
        onStep?.(t, dh);
        const da = k.mul(dh, k.oneMinus(k.square(outputs[t]!))) as tf.Tensor2D;
        return { da, dh: k.matMul(da, recurrentT) as tf.Tensor2D };
      });
      dhIn?.dispose();
      dPre[t] = step.da;
      dhNext = step.dh;
    }
    const dProjection = tf.concat(dPre, 0) as tf.Tensor2D;
    const hPrevT = transpose2d(tf.concat(hPrev, 0) as tf.Tensor2D);
    return { dProjection, dRecurrent: k.matMul(hPrevT, dProjection) };
  },

  signals(cache) {
    return { h: cache.outputs };
  },
};
