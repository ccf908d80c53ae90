/**
 * `charnn sample <checkpoint>`: the interactive sampler (needs a terminal; scripts use `charnn generate`).
 * Loaded only when the command runs (src/cli/*-command.ts defines its options without TF.js).
 */
import path from 'node:path';
import { escapeControls } from '../util/escape.js';
import { loadCheckpoint } from '../checkpoint/load.js';
import { normalizeText } from '../data/corpus.js';
import { Sampler } from '../sample/sampler.js';
import { createStepModel } from '../engine/select.js';
import { startEngine, type EngineFlags } from './engine-options.js';
import { SamplingSession } from '../sample/session.js';
import { formatCount, formatLoss } from '../ui/shared/format.js';
import { colorFromEnv } from '../ui/shared/color.js';
import { SAMPLER_LIMITS } from '../settings/sampling-settings.js';
import { Rng } from '../util/rng.js';
import { usageError } from '../util/errors.js';
import { sampleSeed } from './generate-run.js';

export interface SampleOptions extends EngineFlags {
  prime?: string;
  length: number;
  temperature: number;
  topK: number;
  topP: number;
  seed?: number;
  heat: boolean;
  top: boolean;
}

export async function runSample(checkpointPath: string, options: SampleOptions): Promise<void> {
  if (!process.stdin.isTTY || !process.stdout.isTTY) {
    throw usageError('charnn sample is interactive and needs a terminal', 'use charnn generate for scripts and pipes');
  }
  const limits = SAMPLER_LIMITS;
  if (options.length > limits.length) throw usageError(`--length is limited to ${limits.length} characters here`, 'use charnn generate for longer texts');
  if (options.temperature > limits.temperature) throw usageError(`--temperature must be at most ${limits.temperature}`);
  if (options.seed !== undefined && (options.seed < 0 || options.seed > limits.seed)) throw usageError(`--seed must be from 0 to ${limits.seed}`);
  const engine = await startEngine(options);
  const checkpoint = loadCheckpoint(checkpointPath);
  const { meta, vocab } = checkpoint;
  const sampler = new Sampler(await createStepModel(meta.model, checkpoint.params, engine));
  const session = new SamplingSession(sampler, vocab, { normalize: (text) => normalizeText(text, meta.normalization) });
  const runDir = path.basename(path.dirname(checkpoint.dir));
  const best = meta.progress.bestValLoss;
  const { renderSampler } = await import('../ui/sample/render-sampler.js');
  const app = renderSampler({
    session,
    color: colorFromEnv(),
    header: {
      name: escapeControls(`${runDir}/${path.basename(checkpoint.dir)}`),
      model: `${meta.model.cell.toUpperCase()} ${meta.model.layers}×${meta.model.hidden}`,
      vocabSize: vocab.size,
      detail: `step ${formatCount(meta.progress.step)}${best !== null ? ` · val ${formatLoss(best, 3)}` : ''}`,
      backend: engine.name === 'ort' ? 'ort' : engine.backend,
    },
    settings: {
      temperature: options.temperature,
      topK: options.topK,
      topP: options.topP,
      length: options.length,
      seed: options.seed ?? null,
      heat: options.heat,
      top: options.top,
    },
    // The same stream of random numbers as `charnn generate --seed N` for its first sample.
    rngFor: (seed) => new Rng(sampleSeed(seed, 0, 0)),
    initialPrime: options.prime,
  });
  try {
    await app.waitUntilExit();
  } finally {
    session.dispose();
    sampler.dispose();
  }
}
