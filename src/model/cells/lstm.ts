/**
 * LSTM, with a_t = x_t + h_{t−1}·R split into the blocks of the gates:
 *   i, f, o = σ(a_i), σ(a_f), σ(a_o),  g = tanh(a_g),
 *   c_t = f ⊙ c_{t−1} + i ⊙ g,
 *   h_t = o ⊙ tanh(c_t).
 * The cell state travels through time by an elementwise product with f
 * alone — the near-additive path that keeps gradients alive over long
 * distances.
 *
 * Internal gate order of the G·H = 4H columns: i, f, o, g (descriptors.ts).
 */
import * as tf from '../../tf.js';
import { splitColumns, transpose2d } from '../../backend/fast-ops.js';
import * as k from '../../backend/kernels.js';
import type { Cell, SequenceGradients, SequenceResult } from './cell.js';

interface LstmStep {
  i: tf.Tensor2D;
  f: tf.Tensor2D;
  o: tf.Tensor2D;
  g: tf.Tensor2D;
  cPrev: tf.Tensor2D;
  hPrev: tf.Tensor2D;
  tanhC: tf.Tensor2D;
}

export const lstmCell: Cell<LstmStep[]> = {
  forward(projections, recurrent, initial, keepCache): SequenceResult<LstmStep[]> {
    const hidden = recurrent.shape[0];
    let h = initial.h;
    let c = initial.c!;
    const outputs: tf.Tensor2D[] = [];
    const steps: LstmStep[] = [];
    for (const projection of projections) {
      // Per-step tidy: only what the next step and backward() need survives.
      const step = tf.tidy(() => {
        const pre = k.add(projection, k.matMul(h, recurrent)) as tf.Tensor2D;
        const [sigmoidPart, candidatePart] = splitColumns(pre, [3 * hidden, hidden]);
        const gates = k.sigmoid(sigmoidPart!);
        const [i, f, o] = splitColumns(gates, [hidden, hidden, hidden]);
        const g = k.tanh(candidatePart!);
        const cNext = k.add(k.mul(f!, c), k.mul(i!, g)) as tf.Tensor2D;
        const tanhC = k.tanh(cNext);
        return { i: i!, f: f!, o: o!, g, cNext, tanhC, hNext: k.mul(o!, tanhC) as tf.Tensor2D };
      });
      if (keepCache) steps.push({ i: step.i, f: step.f, o: step.o, g: step.g, cPrev: c, hPrev: h, tanhC: step.tanhC });
      outputs.push(step.hNext);
      h = step.hNext;
      c = step.cNext;
    }
    return { outputs, final: { h, c }, cache: keepCache ? steps : null };
  },

  backward(steps, recurrent, dOutputs, onStep): SequenceGradients {
    const recurrentT = transpose2d(recurrent);
    const dPre: tf.Tensor2D[] = new Array(steps.length);
    let dhNext: tf.Tensor2D | null = null;
    let dcNext: tf.Tensor2D | null = null;
    for (let t = steps.length - 1; t >= 0; t--) {
      const s = steps[t]!;
      const dhIn = dhNext;
      const dcIn = dcNext;
      const step = tf.tidy(() => {
        const dh: tf.Tensor2D = dhIn ? k.add(dOutputs[t]!, dhIn) : dOutputs[t]!;
        onStep?.(t, dh);
        // dc = dc_{t+1}·f_{t+1} + dh·o·(1 − tanh²c)
        let dc = k.mul(k.mul(dh, s.o), k.oneMinus(k.square(s.tanhC))) as tf.Tensor2D;
        if (dcIn) dc = k.add(dc, dcIn);
        const daI = k.mul(k.mul(dc, s.g), k.mul(s.i, k.oneMinus(s.i)));
        const daF = k.mul(k.mul(dc, s.cPrev), k.mul(s.f, k.oneMinus(s.f)));
        const daO = k.mul(k.mul(dh, s.tanhC), k.mul(s.o, k.oneMinus(s.o)));
        const daG = k.mul(k.mul(dc, s.i), k.oneMinus(k.square(s.g)));
        const da = k.concatColumns([daI, daF, daO, daG]) as tf.Tensor2D;
        return { da, dh: k.matMul(da, recurrentT) as tf.Tensor2D, dc: k.mul(dc, s.f) as tf.Tensor2D };
      });
      dhIn?.dispose();
      dcIn?.dispose();
      dPre[t] = step.da;
      dhNext = step.dh;
      dcNext = step.dc;
    }
    const dProjection = tf.concat(dPre, 0) as tf.Tensor2D;
    const hPrevT = transpose2d(tf.concat(steps.map((s) => s.hPrev), 0) as tf.Tensor2D);
    return { dProjection, dRecurrent: k.matMul(hPrevT, dProjection) };
  },

  signals(steps, final) {
    // Step t + 1 keeps h_t and c_t as its previous state; the last ones are the final state.
    const after = <T>(read: (s: LstmStep) => T, last: T): T[] => steps.map((_, t) => (t + 1 < steps.length ? read(steps[t + 1]!) : last));
    return {
      h: after((s) => s.hPrev, final.h),
      c: after((s) => s.cPrev, final.c!),
      i: steps.map((s) => s.i),
      f: steps.map((s) => s.f),
      o: steps.map((s) => s.o),
      g: steps.map((s) => s.g),
    };
  },
};

