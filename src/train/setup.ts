/**
 * Everything between "the user asked for a run" and a ready Trainer: read
 * and encode the corpus, split it, build or restore the model, and refuse
 * combinations that cannot work (a resume whose model flags contradict the
 * checkpoint, a corpus with characters the resumed vocabulary lacks).
 */
import path from 'node:path';
import { splitTrainVal } from '../data/batches.js';
import { readCorpus, type Normalization } from '../data/corpus.js';
import { Vocabulary } from '../data/vocabulary.js';
import { DEFAULT_MODEL_CONFIG, type ModelConfig } from '../model/config.js';
import { initParams } from '../model/params.js';
import { Rng } from '../util/rng.js';
import { usageError } from '../util/errors.js';
import { loadCheckpoint, loadTrainingState, runDirectoryOf } from '../checkpoint/load.js';
import { checkWritableDirectory } from '../checkpoint/files.js';
import { DEFAULT_TRAIN_CONFIG, type TrainConfig } from './config.js';
import { Adam } from './optimizer.js';
import { fitRunLayout } from './run-layout.js';
import { Trainer, type TrainerSetup } from './trainer.js';

export interface TrainRequest {
  corpusPath: string;
  normalization: Normalization;
  /** Model flags the user gave explicitly (defaults fill the rest of a new run). */
  model: Partial<Omit<ModelConfig, 'vocabSize'>>;
  /** Training flags the user gave explicitly. */
  training: Partial<TrainConfig>;
  outDir: string | null;
  resume: string | null;
  backend: string;
}

/** Training settings that define the data layout; a resume cannot change them. */
const LAYOUT_KEYS = ['batchSize', 'seqLen', 'valFrac'] as const;
const FLAG_NAMES: Record<string, string> = {
  cell: '--cell', hidden: '--hidden', layers: '--layers', embedding: '--embedding', dropout: '--dropout',
  batchSize: '--batch', seqLen: '--seq-len', valFrac: '--val-frac',
};

export function defaultOutDir(corpusName: string, cell: string): string {
  return path.join('checkpoints', `${corpusName}-${cell}`);
}

export function prepareTraining(request: TrainRequest): Trainer {
  const trainer = request.resume ? prepareResume(request, request.resume) : prepareNew(request);
  // A run directory that cannot be written is found now, not at the first save.
  try {
    checkWritableDirectory(path.dirname(trainer.latestDir));
  } catch (error) {
    trainer.dispose();
    throw error;
  }
  return trainer;
}

function prepareNew(request: TrainRequest): Trainer {
  const corpus = readCorpus(request.corpusPath, request.normalization);
  const vocab = Vocabulary.fromText(corpus.text);
  const ids = vocab.encode(corpus.text);
  const requested: TrainConfig = { ...DEFAULT_TRAIN_CONFIG, ...request.training };
  const { train, val } = splitTrainVal(ids, requested.valFrac);
  // A short text trains with a smaller layout; charnn.json records the one used.
  const layout = fitRunLayout(train.length, val.length, requested, requested.valFrac);
  const training: TrainConfig = { ...requested, batchSize: layout.train.batchSize, seqLen: layout.train.seqLen };
  const model: ModelConfig = { ...DEFAULT_MODEL_CONFIG, ...request.model, vocabSize: vocab.size };
  const params = initParams(model, new Rng(training.seed));
  return new Trainer({
    corpus: { name: corpus.name, path: corpus.path, bytes: corpus.bytes, chars: ids.length, trainChars: train.length, valChars: val.length },
    vocab, normalization: request.normalization, trainIds: train, valIds: val, model, training, params,
    outDir: path.resolve(request.outDir ?? defaultOutDir(corpus.name, model.cell)), backend: request.backend, resume: null,
    valLayout: layout.val, notes: layout.notes,
  });
}

function prepareResume(request: TrainRequest, from: string): Trainer {
  const checkpoint = loadCheckpoint(from);
  const meta = checkpoint.meta;
  for (const [key, value] of Object.entries(request.model)) {
    const saved = meta.model[key as keyof ModelConfig];
    if (value !== undefined && value !== saved) {
      throw usageError(
        `${FLAG_NAMES[key] ?? key} ${value} conflicts with the checkpoint, which has ${key} ${saved}`,
        `drop ${FLAG_NAMES[key] ?? key} when resuming, or start a new run without --resume`,
      );
    }
  }
  for (const key of LAYOUT_KEYS) {
    const value = request.training[key];
    if (value !== undefined && value !== meta.training[key]) {
      throw usageError(
        `${FLAG_NAMES[key]} ${value} conflicts with the checkpoint, which was trained with ${meta.training[key]}`,
        `drop ${FLAG_NAMES[key]} when resuming; the data cursor depends on it`,
      );
    }
  }
  if (request.normalization !== meta.normalization && request.normalization !== 'none') {
    throw usageError(`--normalize ${request.normalization} conflicts with the checkpoint (${meta.normalization})`, 'drop --normalize when resuming');
  }
  const corpusPath = request.corpusPath || meta.corpus.path;
  const corpus = readCorpus(corpusPath, meta.normalization);
  const missing = checkpoint.vocab.missingChars(corpus.text);
  if (missing.length > 0) {
    throw usageError(
      `the corpus has ${missing.length} character(s) the checkpoint's vocabulary lacks: ${missing.slice(0, 8).map((c) => JSON.stringify(c)).join(' ')}`,
      'resume on the corpus the checkpoint was trained on',
    );
  }
  const ids = checkpoint.vocab.encode(corpus.text);
  const training: TrainConfig = { ...meta.training, ...request.training };
  const { train, val } = splitTrainVal(ids, training.valFrac);
  const layout = fitRunLayout(train.length, val.length, training, training.valFrac);
  if (layout.train.batchSize !== training.batchSize || layout.train.seqLen !== training.seqLen) {
    throw usageError(
      `the corpus's training part (${train.length} characters) is too short for the checkpoint's batch ${training.batchSize} × seq-len ${training.seqLen}`,
      'resume on the corpus the checkpoint was trained on',
    );
  }
  const state = loadTrainingState(checkpoint);
  const adam = new Adam();
  if (state) {
    adam.m = state.m;
    adam.v = state.v;
    adam.step = state.adamStep;
  }
  const setup: TrainerSetup = {
    corpus: { ...meta.corpus, path: corpus.path, bytes: corpus.bytes, chars: ids.length, trainChars: train.length, valChars: val.length },
    vocab: checkpoint.vocab, normalization: meta.normalization, trainIds: train, valIds: val, model: meta.model, training,
    params: checkpoint.params, outDir: path.resolve(request.outDir ?? runDirectoryOf(checkpoint.dir)), backend: request.backend,
    valLayout: layout.val, notes: layout.notes,
    resume: { from: checkpoint.dir, progress: { ...meta.progress }, history: meta.history, adam, carried: state?.carried ?? null },
  };
  return new Trainer(setup);
}
