/**
 * charnn.json: everything besides the weights that a checkpoint needs to be
 * used on its own — vocabulary, normalisation, model and training config,
 * progress (step, data cursor, RNG state) and loss history — and its
 * validation, since people do hand-edit it.
 */
import { NORMALIZATIONS, type Normalization } from '../data/corpus.js';
import { CELL_TYPES, type ModelConfig } from '../model/config.js';
import type { TrainConfig } from '../train/config.js';
import type { RngState } from '../util/rng.js';
import { usageError } from '../util/errors.js';

export const CHECKPOINT_FORMAT = 'charnn-checkpoint';
export const CHECKPOINT_VERSION = 1;

export interface CorpusInfo {
  name: string;
  path: string;
  bytes: number;
  chars: number;
  trainChars: number;
  valChars: number;
}

export interface Progress {
  step: number;
  /** Data cursor: completed epochs and the next batch index within the epoch. */
  epoch: number;
  batch: number;
  rngState: RngState;
  bestValLoss: number | null;
  bestStep: number | null;
  /** Training time so far, summed over resumed runs. */
  elapsedMs: number;
  /** Recoveries from divergence so far (each halves the learning rate). */
  recoveries: number;
}

export interface History {
  /** [step, mean training loss since the previous point] */
  train: [number, number][];
  /** [step, validation loss] */
  val: [number, number][];
}

export interface TensorEntry {
  name: string;
  shape: number[];
}

export interface CharnnMeta {
  format: typeof CHECKPOINT_FORMAT;
  version: number;
  charnnVersion: string;
  createdAt: string;
  backend: string;
  model: ModelConfig;
  vocabulary: string[];
  normalization: Normalization;
  corpus: CorpusInfo;
  training: TrainConfig;
  progress: Progress;
  history: History;
  /** Adam moments and the carried hidden state, in optimizer.bin, in this order. */
  state: { file: string; adamStep: number; tensors: TensorEntry[] } | null;
}

function fail(path: string, what: string): never {
  throw usageError(`checkpoint ${path} is damaged: ${what}`, 'restore it from a backup or use another checkpoint (e.g. the run directory\'s latest/)');
}

const isPositiveInt = (x: unknown): x is number => typeof x === 'number' && Number.isInteger(x) && x > 0;

/** Parses and checks charnn.json; every problem is a one-line usage error. */
export function parseMeta(text: string, path: string): CharnnMeta {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    fail(path, `charnn.json is not valid JSON (${(error as Error).message})`);
  }
  if (typeof raw !== 'object' || raw === null) fail(path, 'charnn.json is not an object');
  const meta = raw as Partial<CharnnMeta>;
  if (meta.format !== CHECKPOINT_FORMAT) fail(path, `charnn.json has format ${JSON.stringify(meta.format)}, expected "${CHECKPOINT_FORMAT}"`);
  if (typeof meta.version !== 'number') fail(path, 'charnn.json has no version');
  if (meta.version > CHECKPOINT_VERSION) {
    throw usageError(
      `checkpoint ${path} has format version ${meta.version}, newer than this charnn understands (${CHECKPOINT_VERSION})`,
      'upgrade charnn (npm install -g charnn@latest)',
    );
  }
  const m = meta.model;
  if (!m || !CELL_TYPES.includes(m.cell)) fail(path, `model.cell must be one of ${CELL_TYPES.join(', ')}`);
  for (const key of ['vocabSize', 'embedding', 'hidden', 'layers'] as const) {
    if (!isPositiveInt(m[key])) fail(path, `model.${key} must be a positive integer`);
  }
  if (typeof m.dropout !== 'number' || !(m.dropout >= 0 && m.dropout < 1)) fail(path, 'model.dropout must be in [0, 1)');
  if (!Array.isArray(meta.vocabulary) || meta.vocabulary.some((c) => typeof c !== 'string')) fail(path, 'vocabulary must be a list of characters');
  if (meta.vocabulary.length !== m.vocabSize) fail(path, `vocabulary has ${meta.vocabulary.length} characters but model.vocabSize is ${m.vocabSize}`);
  if (!NORMALIZATIONS.includes(meta.normalization as Normalization)) fail(path, `normalization must be one of ${NORMALIZATIONS.join(', ')}`);
  const p = meta.progress;
  if (!p || !Number.isInteger(p.step) || p.step < 0) fail(path, 'progress.step must be a non-negative integer');
  if (!Array.isArray(p.rngState) || p.rngState.length !== 4) fail(path, 'progress.rngState must hold 4 numbers');
  if (!meta.training || typeof meta.training !== 'object') fail(path, 'training config missing');
  if (!meta.corpus || typeof meta.corpus !== 'object') fail(path, 'corpus info missing');
  if (!meta.history || !Array.isArray(meta.history.train) || !Array.isArray(meta.history.val)) fail(path, 'history missing');
  return meta as CharnnMeta;
}
