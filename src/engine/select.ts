/**
 * Choosing the engine once at start-up: `auto` is onnxruntime where its
 * native library loads on this machine, TF.js otherwise; a named engine that
 * cannot load is an error rather than a silent substitution.
 */
import type { ModelConfig } from '../model/config.js';
import { usageError } from '../util/errors.js';
import type { Engine, EngineChoice, EngineName, EngineSettings, StepModel } from './engine.js';
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

/**
 * The engine of `settings`; TF.js is loaded only when it is the one chosen (it costs ~0.4 s of start-up).
 * The tfjs engine splits each batch over `settings.workers` threads (1 when absent).
 */
export async function createEngine(config: ModelConfig, settings: EngineSettings): Promise<Engine> {
  if (settings.name === 'ort') return new OrtEngine(config, settings.threads > 0 ? settings.threads : defaultThreads());
  const { TfjsEngine } = await import('./tfjs/engine.js');
  return new TfjsEngine(config, settings.backend, settings.workers ?? 1);
}

/**
 * A step model with its own engine (freed together), for the commands that only sample or evaluate;
 * it runs on one thread of the tfjs engine (evaluation shares its work out itself: eval/evaluate-corpus.ts).
 */
export async function createStepModel(config: ModelConfig, weights: ParamArrays, settings: EngineSettings): Promise<StepModel> {
  const engine = await createEngine(config, { ...settings, workers: 1 });
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
