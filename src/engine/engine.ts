/**
 * What runs the model's passes: an Engine computes a training window's loss
 * and gradients, the loss of an evaluation window, and sampling steps. Two
 * exist — TF.js (src/engine/tfjs, the reference) and onnxruntime
 * (src/engine/ort, one compiled graph per use on every core) — and a run
 * picks one at start-up. Everything crosses the boundary as plain arrays
 * (weights and gradients as ParamArrays, recurrent state as StateArrays), so
 * the trainer, the optimizer and checkpoints never see an engine's tensors,
 * and a checkpoint trained on one engine resumes on the other.
 */
import type { TokenBatch } from './tfjs/char-rnn.js';
import type { ModelConfig } from '../model/config.js';
import type { ParamArrays } from '../model/params.js';
import type { StateArrays } from '../model/state.js';
import type { Rng } from '../util/rng.js';

export type EngineName = 'tfjs' | 'ort';
export const ENGINE_CHOICES = ['auto', 'ort', 'tfjs'] as const;
export type EngineChoice = (typeof ENGINE_CHOICES)[number];

/**
 * The engine a command runs and how, as resolved from its flags at start-up
 * (cli/engine-options.ts): one object from the flags to the session, so a new
 * engine setting (an execution provider, say) is one field here and one option.
 */
export interface EngineSettings {
  name: EngineName;
  /** onnxruntime intra-op threads (ort engine); 0 = every core. */
  threads: number;
  /** The TF.js backend in use: the tfjs engine's, and the one checkpoints go through. */
  backend: string;
  /** Data-parallel worker threads of the tfjs engine: --workers, or absent where the command decides (train/setup.ts, eval). */
  workers?: number;
}

export interface GradientResult {
  /** Mean cross-entropy over the batch, nats per character. */
  loss: number;
  /** dLoss/dweight for every parameter (internal layout). */
  grads: ParamArrays;
  /** Hidden state after the window, to carry into the next one. */
  finals: StateArrays;
}

export interface LossSumResult {
  /** Summed cross-entropy (nats) over the window. */
  lossSum: number;
  finals: StateArrays;
}

export interface WindowLoss {
  /** Summed cross-entropy (nats) of the counted characters. */
  lossSum: number;
  state: StateArrays;
}

/**
 * Inference with fixed weights: N streams advance together (sampling step
 * by step, evaluation a window at a time).
 */
export interface StepModel {
  readonly config: ModelConfig;
  /**
   * `ids` are time-major (T·N); the result holds the logits of the last step
   * only ([N, V]) unless `allSteps` ([T·N, V]).
   */
  run(state: StateArrays, ids: Int32Array, steps: number, allSteps?: boolean): { state: StateArrays; logits: Float32Array };
  /**
   * Summed cross-entropy of a window, added up in float64: `ids` and
   * `targets` time-major (T·N), a target < 0 not counted.
   */
  windowLoss(state: StateArrays, ids: Int32Array, targets: Int32Array, steps: number): WindowLoss;
  dispose(): void;
}

export interface Engine {
  readonly name: EngineName;
  /** How it runs, for the header and `info` (e.g. "ort, 2 threads"). */
  readonly label: string;
  /**
   * Mean cross-entropy of one training window and its gradients. With
   * dropout, every stream draws its mask from its own generator forked from
   * `rng`, in stream order, so the masks depend on the seed alone.
   */
  gradients(weights: ParamArrays, batch: TokenBatch, state: StateArrays, rng: Rng): Promise<GradientResult>;
  /** Summed cross-entropy of one window, no dropout, no gradients. */
  lossSum(weights: ParamArrays, batch: TokenBatch, state: StateArrays): Promise<LossSumResult>;
  /** A step model holding a copy of the weights (later updates do not reach it). */
  stepModel(weights: ParamArrays): StepModel;
  dispose(): Promise<void>;
}
