/**
 * One training step, and nothing else: a window of the corpus → the mean
 * loss and its gradients (the engine's backpropagation through time) → the
 * global gradient norm → an Adam update with the gradients clipped to
 * `clip`. A step whose loss or norm is not finite, or whose loss is beyond
 * `maxLoss`, changes nothing and says so: what that means (skip, recover,
 * give up) is the loop's decision (trainer.ts). No I/O, no events.
 */
import type { TokenBatch } from '../engine/tfjs/char-rnn.js';
import type { ParamArrays } from '../model/params.js';
import type { StateArrays } from '../model/state.js';
import type { Engine } from '../engine/engine.js';
import type { Rng } from '../util/rng.js';
import { faultLoss } from './fault-injection.js';
import { clipScale, globalNorm, type Adam } from './optimizer.js';

interface StepSettings {
  /** Learning rate of this step (the schedule's, halved per recovery). */
  lr: number;
  /** Global-norm clipping threshold (0 = none). */
  clip: number;
  /** A mean loss above this (nats per character) counts as diverged (divergedLoss). */
  maxLoss: number;
}

type StepOutcome =
  /** The update was applied; `finals` is the state to carry into the next window. */
  | { applied: true; loss: number; gradNorm: number; finals: StateArrays }
  /** The step diverged: weights and optimizer are as they were. */
  | { applied: false; loss: number; gradNorm: number };

/**
 * Takes one step on `batch`. `loss` is the window's mean cross-entropy in
 * nats per character, `gradNorm` the gradients' global L2 norm before
 * clipping.
 * @param weights updated in place when the step is applied
 * @param carried each stream's state entering the window ([batch, hidden] per layer and part)
 * @param rng the run's generator: the dropout masks are drawn from it
 */
export async function trainStep(
  engine: Engine,
  optimizer: Adam,
  weights: ParamArrays,
  batch: TokenBatch,
  carried: StateArrays,
  rng: Rng,
  settings: StepSettings,
): Promise<StepOutcome> {
  const result = await engine.gradients(weights, batch, carried, rng);
  // The divergence tests' hook (off unless its environment variables are set).
  const loss = faultLoss(result.loss);
  const gradNorm = globalNorm(result.grads);
  if (!Number.isFinite(loss) || !Number.isFinite(gradNorm) || loss > settings.maxLoss) return { applied: false, loss, gradNorm };
  optimizer.apply(weights, result.grads, settings.lr, clipScale(gradNorm, settings.clip));
  return { applied: true, loss, gradNorm, finals: result.finals };
}

/**
 * The loss above which a step counts as diverged: ten times a uniform
 * guess's (ln V nats per character) plus 10, far above anything training
 * produces, even at step 0.
 */
export function divergedLoss(vocabSize: number): number {
  return 10 * Math.log(vocabSize) + 10;
}
