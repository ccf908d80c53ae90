/**
 * Adam with global-norm gradient clipping. The moments are plain tensors
 * keyed like the parameters, so a checkpoint can store them and a resumed
 * run continues with exactly the same update.
 */
import * as tf from '@tensorflow/tfjs';
import type { Params } from '../model/params.js';

export interface AdamConfig {
  beta1: number;
  beta2: number;
  epsilon: number;
}

export const DEFAULT_ADAM: AdamConfig = { beta1: 0.9, beta2: 0.999, epsilon: 1e-8 };

export class Adam {
  /** Updates applied so far (for bias correction). */
  step = 0;
  m: Params = new Map();
  v: Params = new Map();

  constructor(readonly config: AdamConfig = DEFAULT_ADAM) {}

  /**
   * Applies one update in place: `params` entries are replaced by new tensors
   * and the old ones disposed. `scale` multiplies the gradients first (clipping).
   */
  apply(params: Params, grads: Params, lr: number, scale: number): void {
    const { beta1, beta2, epsilon } = this.config;
    this.step++;
    const correction1 = 1 - beta1 ** this.step;
    const correction2 = 1 - beta2 ** this.step;
    const stepSize = (lr * Math.sqrt(correction2)) / correction1;
    for (const [name, param] of params) {
      const grad = grads.get(name)!;
      const oldM = this.m.get(name);
      const oldV = this.v.get(name);
      const [m, v, next] = tf.tidy(() => {
        const g = scale === 1 ? grad : tf.mul(grad, scale);
        const m = oldM ? tf.add(tf.mul(oldM, beta1), tf.mul(g, 1 - beta1)) : tf.mul(g, 1 - beta1);
        const v = oldV ? tf.add(tf.mul(oldV, beta2), tf.mul(tf.square(g), 1 - beta2)) : tf.mul(tf.square(g), 1 - beta2);
        // Bias correction folded into the step size (Kingma & Ba, §2).
        const next = tf.sub(param, tf.mul(tf.div(m, tf.add(tf.sqrt(v), epsilon * Math.sqrt(correction2))), stepSize));
        return [m, v, next];
      });
      oldM?.dispose();
      oldV?.dispose();
      param.dispose();
      this.m.set(name, m!);
      this.v.set(name, v!);
      params.set(name, next!);
    }
  }

  dispose(): void {
    for (const t of [...this.m.values(), ...this.v.values()]) t.dispose();
    this.m.clear();
    this.v.clear();
  }
}

/**
 * Global L2 norm of all gradients, read back to JS (one sync per step, which
 * the NaN check needs anyway).
 */
export function globalNorm(grads: Params): number {
  const total = tf.tidy(() => tf.addN([...grads.values()].map((g) => tf.sum(tf.square(g)))));
  const value = total.dataSync()[0]!;
  total.dispose();
  return Math.sqrt(value);
}

/** Multiplier that brings the gradient norm down to `clip` (1 when within it or clip ≤ 0). */
export function clipScale(norm: number, clip: number): number {
  return clip > 0 && norm > clip ? clip / norm : 1;
}
