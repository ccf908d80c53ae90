/** `charnn train [corpus]` */
import { Command, Option } from 'commander';
import os from 'node:os';
import { BACKEND_NAMES, defaultWorkers, type BackendName } from '../backend/names.js';
import { NORMALIZATIONS, type Normalization } from '../data/corpus.js';
import { CELL_TYPES, DEFAULT_MODEL_CONFIG, MODEL_LIMITS, type ModelConfig } from '../model/config.js';
import { DEFAULT_TRAIN_CONFIG, TRAIN_LIMITS, type TrainConfig } from '../train/config.js';
import type { TrainRequest } from '../train/setup.js';
import { action } from './run-command.js';
import { engineOption, startEngine, threadsOption } from './engine-options.js';
import type { EngineChoice } from '../engine/engine.js';
import {
  dropoutRate, duration, durationOrZero, fraction, listOf, nonNegativeInt, nonNegativeNumber, openFraction, positiveInt, positiveIntAtMost, positiveNumber, integer,
} from './parsers.js';
import { bundledCorpus } from './paths.js';
import { usageError } from '../util/errors.js';

interface TrainOptions {
  cell: ModelConfig['cell'];
  layers: number;
  hidden: number;
  embedding: number;
  dropout: number;
  normalize: Normalization;
  batch: number;
  seqLen: number;
  valFrac: number;
  lr: number;
  schedule: TrainConfig['schedule'];
  warmup: number;
  lrFinal: number;
  lrDecay: number;
  lrDecayEvery: number;
  clip: number;
  seed: number;
  maxSteps?: number;
  maxEpochs?: number;
  maxTime?: number;
  evalEvery: number;
  firstEval: number;
  evalBatches: number;
  sampleTemperatures: number[];
  sampleLength: number;
  keep: number;
  maxRecoveries: number;
  workers?: number;
  stateResets: number;
  out?: string;
  force: boolean;
  resume?: string;
  initFrom?: string;
  backend: BackendName;
  engine: EngineChoice;
  threads?: number;
  ui: boolean;
  json: boolean;
  debug?: boolean;
}

/** Maps option keys to the config fields they set. */
const MODEL_KEYS: Record<string, keyof Omit<ModelConfig, 'vocabSize'>> = {
  cell: 'cell', layers: 'layers', hidden: 'hidden', embedding: 'embedding', dropout: 'dropout',
};
const TRAIN_KEYS: Record<string, keyof TrainConfig> = {
  batch: 'batchSize', seqLen: 'seqLen', valFrac: 'valFrac', lr: 'lr', schedule: 'schedule', warmup: 'warmupSteps', lrFinal: 'lrFinal', lrDecay: 'lrDecay', lrDecayEvery: 'lrDecayEvery',
  clip: 'clip', seed: 'seed', maxSteps: 'maxSteps', maxEpochs: 'maxEpochs', maxTime: 'maxTimeMs', evalEvery: 'evalEvery', firstEval: 'firstEvalMs',
  evalBatches: 'evalBatches', sampleTemperatures: 'sampleTemperatures', sampleLength: 'sampleLength', keep: 'keep',
  maxRecoveries: 'maxRecoveries', workers: 'workers', stateResets: 'stateResets',
};

export function makeTrainCommand(): Command {
  const d = DEFAULT_TRAIN_CONFIG;
  const m = DEFAULT_MODEL_CONFIG;
  const command = new Command('train')
    .description('train a character-level language model on a text file or a directory of text files')
    .argument('[corpus]', 'UTF-8 text file or directory (default: the bundled tinyshakespeare; with --resume: the checkpoint\'s corpus)')
    .addOption(new Option('--cell <type>', 'recurrent cell').choices(CELL_TYPES).default(m.cell))
    .option('--layers <n>', 'recurrent layers', positiveIntAtMost(MODEL_LIMITS.layers), m.layers)
    .option('--hidden <n>', 'hidden units per layer', positiveIntAtMost(MODEL_LIMITS.hidden), m.hidden)
    .option('--embedding <n>', 'character embedding size', positiveIntAtMost(MODEL_LIMITS.embedding), m.embedding)
    .option('--dropout <rate>', 'dropout on each layer\'s output while training, in [0, 1)', dropoutRate, m.dropout)
    .addOption(new Option('--normalize <form>', 'Unicode normalisation (nfd splits Hangul syllables into jamo)').choices(NORMALIZATIONS).default('none'))
    .option('--batch <n>', 'parallel streams per step', positiveIntAtMost(TRAIN_LIMITS.batchSize), d.batchSize)
    .option('--seq-len <n>', 'characters per stream per step (truncated BPTT length)', positiveIntAtMost(TRAIN_LIMITS.seqLen), d.seqLen)
    .option('--val-frac <x>', 'fraction of the corpus (its end) held out for validation', openFraction, d.valFrac)
    .option('--lr <x>', 'Adam learning rate', positiveNumber, d.lr)
    .addOption(new Option('--schedule <kind>', 'learning rate: cosine (warm-up, then down to --lr-final × --lr over the run\'s limit) or step (--lr-decay)').choices(['cosine', 'step']).default(d.schedule))
    .option('--warmup <steps>', 'cosine: steps of linear warm-up (at most a tenth of the run)', nonNegativeInt, d.warmupSteps)
    .option('--lr-final <x>', 'cosine: the learning rate at the end, as a fraction of --lr', fraction, d.lrFinal)
    .option('--lr-decay <x>', 'step: multiply the learning rate by this every --lr-decay-every steps', positiveNumber, d.lrDecay)
    .option('--lr-decay-every <n>', 'step: steps between learning-rate decays', positiveInt, d.lrDecayEvery)
    .option('--clip <x>', 'clip the global gradient norm to this (0 = off)', nonNegativeNumber, d.clip)
    .option('--seed <n>', 'random seed (same seed and backend: same run)', integer, d.seed)
    .option('--max-steps <n>', 'stop at this step (counted from the start of the run, across resumes)', positiveInt)
    .option('--max-epochs <x>', 'stop after this many passes over the training text', positiveNumber)
    .option('--max-time <duration>', 'stop after this long, e.g. 90s, 20m, 2h', duration)
    .option('--eval-every <n>', 'steps between validation, samples and checkpoints', positiveInt, d.evalEvery)
    .addOption(
      new Option('--first-eval <duration>', 'the first validation, samples and checkpoint come after this much training, then every --eval-every steps (0 = off)')
        .argParser(durationOrZero).default(d.firstEvalMs, `${d.firstEvalMs / 1000}s`),
    )
    .option('--eval-batches <n>', 'validation batches per evaluation (0 = the whole validation split)', nonNegativeInt, d.evalBatches)
    .option('--sample-temperatures <list>', 'temperatures of the samples shown after each evaluation', listOf(nonNegativeNumber), d.sampleTemperatures)
    .option('--sample-length <n>', 'characters per sample after each evaluation (0 = none)', nonNegativeInt, d.sampleLength)
    .option('--keep <n>', 'how many latest snapshots to keep besides best/', positiveInt, d.keep)
    .option('--max-recoveries <n>', 'times to restore the last checkpoint with a halved learning rate when training diverges', nonNegativeInt, d.maxRecoveries)
    .option('--state-resets <share>', 'share of the streams whose carried state starts from zero at each window, so unprimed samples start well (0 = only at epoch starts)', fraction, d.stateResets)
    .option('--workers <n>', 'tfjs engine: threads computing gradients on shards of each batch (default: CPU cores on wasm/cpu, 1 on tensorflow)', positiveIntAtMost(TRAIN_LIMITS.workers))
    .option('--out <dir>', 'run directory for latest/ and best/ (default: checkpoints/<corpus>-<cell>, or -2, -3, … when that holds a run)')
    .option('--force', 'start a new run in an --out that holds one, replacing its checkpoints', false)
    .option('--resume <checkpoint>', 'continue a run from a checkpoint or run directory (a run directory means its latest/)')
    .option('--init-from <checkpoint>', 'fine-tune: a new run on the corpus, starting from this checkpoint\'s weights (new characters are added; --lr, --dropout, --batch and --seq-len may change, the model\'s shape may not)')
    .addOption(engineOption())
    .addOption(threadsOption())
    .addOption(new Option('--backend <name>', 'TF.js backend of the tfjs engine').choices(BACKEND_NAMES).default('auto'))
    .option('--no-ui', 'plain progress lines on stderr instead of the live dashboard')
    .option('--json', 'one JSON event per line on stdout', false)
    .option('--debug', 'show stack traces of internal errors')
    .action(
      action(async (corpus: string | undefined, options: TrainOptions) => {
        const explicit = (key: string): boolean => command.getOptionValueSource(key) === 'cli';
        if (options.initFrom !== undefined) checkInitFrom(corpus, options, explicit);
        const model: TrainRequest['model'] = {};
        for (const [key, field] of Object.entries(MODEL_KEYS)) {
          if (explicit(key) || (!options.resume && !options.initFrom)) (model as Record<string, unknown>)[field] = options[key as keyof TrainOptions];
        }
        const training: Partial<TrainConfig> = {};
        for (const [key, field] of Object.entries(TRAIN_KEYS)) {
          const value = options[key as keyof TrainOptions];
          if (explicit(key) || (!options.resume && value !== undefined)) (training as Record<string, unknown>)[field] = value;
        }
        // Without a limit or --eval-every, a new run's schedule follows the text's length (train/default-schedule.ts).
        if (!options.resume && !explicit('evalEvery')) delete training.evalEvery;
        if (options.resume && explicit('maxSteps') === false && explicit('maxEpochs') === false && explicit('maxTime') === false) {
          // A resumed run keeps its own limits unless new ones are given.
        } else if (options.resume) {
          // New limits replace the old ones entirely.
          training.maxSteps = options.maxSteps ?? null;
          training.maxEpochs = options.maxEpochs ?? null;
          training.maxTimeMs = options.maxTime ?? null;
          // A new limit means a new schedule length, decided again from the new limits.
          training.scheduleSteps = null;
        }
        const [{ engine, threads, backend }, { runTraining }] = await Promise.all([startEngine(options), import('./train-run.js')]);
        if (options.workers === undefined && !options.resume) training.workers = engine === 'ort' ? 1 : defaultWorkers(backend, os.availableParallelism());
        const request: TrainRequest = {
          corpusPath: corpus ?? (options.resume ? '' : bundledCorpus()),
          normalization: options.normalize,
          model,
          training,
          outDir: options.out ?? null,
          force: options.force,
          resume: options.resume ?? null,
          initFrom: options.initFrom ?? null,
          backend,
          engine,
          threads,
        };
        const mode = options.json ? 'json' : !options.ui || !process.stdout.isTTY || !process.stdin.isTTY ? 'plain' : 'dashboard';
        await runTraining(request, mode);
      }),
    );
  return command;
}

/** Flags that change the weights' shapes. */
const SHAPE_FLAGS = [['cell', '--cell'], ['layers', '--layers'], ['hidden', '--hidden'], ['embedding', '--embedding']] as const;

/** --init-from starts a new run from a checkpoint's weights: it needs a text, and keeps the model's shape. */
function checkInitFrom(corpus: string | undefined, options: TrainOptions, explicit: (key: string) => boolean): void {
  if (options.resume !== undefined) {
    throw usageError('--init-from and --resume cannot be combined', '--resume continues a run; --init-from starts a new one from a checkpoint\'s weights');
  }
  if (corpus === undefined) throw usageError('--init-from needs the text to fine-tune on', 'charnn train my.txt --init-from <checkpoint>');
  for (const [key, flag] of SHAPE_FLAGS) {
    if (explicit(key)) throw usageError(`${flag} cannot be used with --init-from: the model keeps the checkpoint's shape`, `drop ${flag}, or train a new model without --init-from`);
  }
}
