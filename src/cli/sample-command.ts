/** `charnn sample <checkpoint>`: the interactive sampler (needs a terminal; scripts use `charnn generate`). */
import path from 'node:path';
import { Command, Option } from 'commander';
import { BACKEND_NAMES, initBackend, type BackendName } from '../backend/index.js';
import { loadCheckpoint } from '../checkpoint/load.js';
import { normalizeText } from '../data/corpus.js';
import { CharRnn } from '../model/char-rnn.js';
import { disposeParams } from '../model/params.js';
import { Sampler } from '../sample/sampler.js';
import { SamplingSession } from '../sample/session.js';
import { formatCount, formatLoss } from '../ui/format.js';
import { colorFromEnv } from '../ui/train/render-train.js';
import { MAX_SAMPLE_LENGTH, MAX_SEED, MAX_TEMPERATURE } from '../ui/sample/settings.js';
import { Rng } from '../util/rng.js';
import { usageError } from '../util/errors.js';
import { sampleSeed } from './generate-command.js';
import { integer, nonNegativeInt, nonNegativeNumber, positiveInt, probabilityMass } from './parsers.js';
import { action } from './run-command.js';

interface SampleOptions {
  prime?: string;
  length: number;
  temperature: number;
  topK: number;
  topP: number;
  seed?: number;
  heat: boolean;
  top: boolean;
  backend: BackendName;
}

export function makeSampleCommand(): Command {
  return new Command('sample')
    .description('interactive sampler: type text, watch the model continue it; change temperature, top-k, top-p, length and seed as you go')
    .argument('<checkpoint>', 'checkpoint directory, or a run directory (means its best/)')
    .option('--prime <text>', 'text sent as soon as the sampler opens (\\n for a line break)')
    .option('--length <n>', 'characters per generation (/len)', positiveInt, 200)
    .option('--temperature <x>', 'sampling temperature, 0 = always the most likely character (/temp)', nonNegativeNumber, 0.8)
    .option('--top-k <n>', 'sample only from the k most likely characters, 0 = off (/topk)', nonNegativeInt, 0)
    .option('--top-p <x>', 'sample only from the smallest set reaching this probability, in (0, 1] (/topp)', probabilityMass, 1)
    .option('--seed <n>', 'fixed seed; default: a new random seed for every generation (/seed)', integer)
    .option('--heat', 'start with the probability heat map on (/heat, Tab)', false)
    .option('--top', 'start with the top-5 next characters shown (/top, Shift-Tab)', false)
    .addOption(new Option('--backend <name>', 'TF.js backend').choices(BACKEND_NAMES).default('auto'))
    .option('--debug', 'show stack traces of internal errors')
    .addHelpText(
      'after',
      '\nIn the sampler: Enter sends the typed text (an empty line continues), Esc stops the model,\n' +
        'Tab toggles the heat map, Shift-Tab the top-5 next characters, /help lists the commands\n' +
        '(/temp /topk /topp /len /seed /reset /heat /top /quit), Ctrl-C quits.\n' +
        'Heat map: green p ≥ 50%, yellow ≥ 20%, red below; with NO_COLOR: plain, underlined, inverse.\n' +
        'With a fixed --seed, /reset and the same text give what `charnn generate --prime TEXT --seed N` gives.',
    )
    .action(action(runSample));
}

async function runSample(checkpointPath: string, options: SampleOptions): Promise<void> {
  if (!process.stdin.isTTY || !process.stdout.isTTY) {
    throw usageError('charnn sample is interactive and needs a terminal', 'use charnn generate for scripts and pipes');
  }
  if (options.length > MAX_SAMPLE_LENGTH) throw usageError(`--length is limited to ${MAX_SAMPLE_LENGTH} characters here`, 'use charnn generate for longer texts');
  if (options.temperature > MAX_TEMPERATURE) throw usageError(`--temperature must be at most ${MAX_TEMPERATURE}`);
  if (options.seed !== undefined && (options.seed < 0 || options.seed > MAX_SEED)) throw usageError(`--seed must be from 0 to ${MAX_SEED}`);
  const backend = await initBackend(options.backend);
  const checkpoint = loadCheckpoint(checkpointPath);
  const { meta, vocab } = checkpoint;
  const model = new CharRnn(meta.model, checkpoint.params);
  const sampler = new Sampler(model);
  const session = new SamplingSession(sampler, vocab, { normalize: (text) => normalizeText(text, meta.normalization) });
  const runDir = path.basename(path.dirname(checkpoint.dir));
  const best = meta.progress.bestValLoss;
  const { renderSampler } = await import('../ui/sample/render-sampler.js');
  const app = renderSampler({
    session,
    color: colorFromEnv(),
    header: {
      name: `${runDir}/${path.basename(checkpoint.dir)}`,
      model: `${meta.model.cell.toUpperCase()} ${meta.model.layers}×${meta.model.hidden}`,
      vocabSize: vocab.size,
      detail: `step ${formatCount(meta.progress.step)}${best !== null ? ` · val ${formatLoss(best, 3)}` : ''}`,
      backend,
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
    disposeParams(checkpoint.params);
  }
}
