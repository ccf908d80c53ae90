/**
 * Choosing the engine once at start-up: `auto` is onnxruntime where its
 * native library loads on this machine, TF.js otherwise; a named engine that
 * cannot load is an error rather than a silent substitution.
 */
import type { ModelConfig } from '../model/config.js';
import { usageError } from '../util/errors.js';
import type { Engine, EngineChoice, EngineName, StepModel } from './engine.js';
import type { ParamArrays } from '../model/params.js';
import { OrtEngine } from './ort/engine.js';
import { defaultThreads, loadRuntime, runtimeAvailable } from './ort/runtime.js';

export function resolveEngine(choice: EngineChoice): EngineName {
  if (choice === 'tfjs') return 'tfjs';
  if (choice === 'auto') return runtimeAvailable() ? 'ort' : 'tfjs';
  try {
    loadRuntime();
  } catch (error) {
    throw usageError(
      `the ort engine is not available here: onnxruntime-node failed to load (${(error as Error).message.split('\n')[0]})`,
      'use --engine tfjs, or reinstall charnn (npm install)',
    );
  }
  return 'ort';
}

export interface EngineOptions {
  /** TF.js backend in use (tfjs engine). */
  backend: string;
  /** Data-parallel worker threads (tfjs engine). */
  workers: number;
  /** onnxruntime intra-op threads (ort engine); 0 = every core. */
  threads: number;
}

/** The engine; TF.js is loaded only when it is the one chosen (it costs ~0.4 s of start-up). */
export async function createEngine(name: EngineName, config: ModelConfig, options: EngineOptions): Promise<Engine> {
  if (name === 'ort') return new OrtEngine(config, options.threads > 0 ? options.threads : defaultThreads());
  const { TfjsEngine } = await import('./tfjs/engine.js');
  return new TfjsEngine(config, options.backend, options.workers);
}

/** A step model with its own engine (freed together), for the commands that only sample or evaluate. */
export async function createStepModel(name: EngineName, config: ModelConfig, weights: ParamArrays, options: EngineOptions): Promise<StepModel> {
  const engine = await createEngine(name, config, options);
  const steps = engine.stepModel(weights);
  return {
    config,
    run: (state, ids, n, allSteps) => steps.run(state, ids, n, allSteps),
    windowLoss: (state, ids, targets, n) => steps.windowLoss(state, ids, targets, n),
    dispose() {
      steps.dispose();
      void engine.dispose();
    },
  };
}
