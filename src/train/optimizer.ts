/**
 * Adam with global-norm gradient clipping, on plain arrays in JS (the same
 * for every engine). The moments are keyed like the parameters, so a
 * checkpoint can store them and a resumed run continues with exactly the
 * same update.
 */
import type { ParamArrays } from '../model/params.js';
import type { OptimizerState } from '../checkpoint/optimizer-state.js';

export interface AdamConfig {
  beta1: number;
  beta2: number;
  epsilon: number;
}

const DEFAULT_ADAM: AdamConfig = { beta1: 0.9, beta2: 0.999, epsilon: 1e-8 };

export class Adam {
  /** Updates applied so far (for bias correction). */
  private step = 0;
  /** First and second moments, keyed and shaped like the parameters (created at the first update). */
  private m: ParamArrays = new Map();
  private v: ParamArrays = new Map();

  readonly config: AdamConfig;

  /** @param config what differs from Adam's usual β1 0.9, β2 0.999, ε 1e-8 */
  constructor(config: Partial<AdamConfig> = {}) {
    this.config = { ...DEFAULT_ADAM, ...config };
  }

  /**
   * An optimizer that continues from a saved state (a checkpoint's moments
   * and step count): its next update is exactly the one the saved run would
   * have made. It takes the arrays over; the caller must not keep using them.
   */
  static fromState(state: OptimizerState, config: Partial<AdamConfig> = {}): Adam {
    const adam = new Adam(config);
    adam.step = state.step;
    adam.m = state.m;
    adam.v = state.v;
    return adam;
  }

  /**
   * The moments and step count as plain data, for a checkpoint. The maps are
   * the optimizer's own, not copies (they are twice the size of the weights):
   * read them before the next apply().
   */
  toState(): OptimizerState {
    return { step: this.step, m: this.m, v: this.v };
  }

  /**
   * Applies one update to `params` in place. `scale` multiplies the
   * gradients first (clipping).
   */
  apply(params: ParamArrays, grads: ParamArrays, lr: number, scale: number): void {
    const { beta1, beta2, epsilon } = this.config;
    this.step++;
    const correction1 = 1 - beta1 ** this.step;
    const correction2 = 1 - beta2 ** this.step;
    // Bias correction folded into the step size (Kingma & Ba, §2).
    const stepSize = (lr * Math.sqrt(correction2)) / correction1;
    const eps = epsilon * Math.sqrt(correction2);
    const keep1 = beta1;
    const take1 = 1 - beta1;
    const keep2 = beta2;
    const take2 = 1 - beta2;
    for (const [name, param] of params) {
      const grad = grads.get(name)!;
      let m = this.m.get(name);
      let v = this.v.get(name);
      if (!m || m.length !== param.length) this.m.set(name, (m = new Float32Array(param.length)));
      if (!v || v.length !== param.length) this.v.set(name, (v = new Float32Array(param.length)));
      for (let i = 0; i < param.length; i++) {
        const g = grad[i]! * scale;
        const mi = keep1 * m[i]! + take1 * g;
        const vi = keep2 * v[i]! + take2 * g * g;
        m[i] = mi;
        v[i] = vi;
        param[i]! -= (stepSize * mi) / (Math.sqrt(vi) + eps);
      }
    }
  }
}

/** Global L2 norm of all gradients. */
export function globalNorm(grads: ParamArrays): number {
  let total = 0;
  for (const g of grads.values()) {
    for (let i = 0; i < g.length; i++) total += g[i]! * g[i]!;
  }
  return Math.sqrt(total);
}

/** Multiplier that brings the gradient norm down to `clip` (1 when within it or clip ≤ 0). */
export function clipScale(norm: number, clip: number): number {
  return clip > 0 && norm > clip ? clip / norm : 1;
}
