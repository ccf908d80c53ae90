/**
 * charnn.json: everything besides the weights that a checkpoint needs to be
 * used on its own — vocabulary, normalisation, model and training config,
 * progress (step, data cursor, RNG state) and loss history — and its
 * validation, since people do hand-edit it.
 */
import type { Normalization } from '../data/corpus.js';
import { CORPUS_SETTINGS } from '../settings/corpus-settings.js';
import type { ModelConfig } from '../model/config.js';
import { MODEL_SETTINGS, modelLimitProblem } from '../settings/model-settings.js';
import { storedProblem } from '../settings/setting.js';
import { MAX_STEPS, TRAIN_SETTINGS, trainLimitProblem, type TrainConfig } from '../settings/train-settings.js';
import { positiveInt } from '../settings/values.js';
import type { RngState } from '../util/rng.js';
import { usageError } from '../util/errors.js';
import { anotherCheckpoint, readBoundedFile } from './read-file.js';
import { CHARNN_VERSION } from '../version.js';

const CHECKPOINT_FORMAT = 'charnn-checkpoint';
/** The file name of a checkpoint's meta data. */
export const META_FILE_NAME = 'charnn.json';
/** Upper bound of charnn.json: far above what charnn writes (a million loss-history points fit; parsing it peaks near 300 MB). */
export const MAX_META_BYTES = 32 * 2 ** 20;
const CHECKPOINT_VERSION = 1;

export interface CorpusInfo {
  name: string;
  path: string;
  bytes: number;
  /** SHA-256 of the corpus bytes (absent in checkpoints written before it was recorded). */
  sha256?: string;
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
  /**
   * [step, training time in ms summed over sessions] at each evaluation.
   * Absent in checkpoints written before it was recorded; a run resumed
   * from one records it from then on, so it may cover only later points.
   */
  time?: [number, number][];
}

/** The checkpoint a fine-tuned run started from (`charnn train --init-from`). */
export interface InitFrom {
  /** The source checkpoint directory, absolute. */
  path: string;
  step: number;
  /** Name of the corpus the source was trained on. */
  corpus: string;
  /** Vocabulary size of the source; ids below it are the source's characters. */
  vocabSize: number;
  /** Characters appended to the source's vocabulary, in id order. */
  added: string[];
}

export interface TensorEntry {
  name: string;
  shape: number[];
}

/** How a new run's model was chosen for its --max-time (src/train/budget/for-run.ts writes it). */
export interface ModelChoice {
  /** The header's line, e.g. "LSTM 2×384, dropout 0.2 — the best for 30 min at 14.2k chars/s". */
  summary: string;
  /** --max-time when the choice was made. */
  budgetMs: number;
  /** How long measuring the candidates took (inside --max-time). */
  probeMs: number;
  /** Every candidate the flags allowed: its measured speed and the loss expected of it (null: not worth measuring). */
  candidates: { name: string; dropout: number; charsPerSec: number | null; expectedVal: number | null }[];
}

export interface CharnnMeta {
  format: typeof CHECKPOINT_FORMAT;
  version: number;
  charnnVersion: string;
  createdAt: string;
  backend: string;
  /** What ran the passes (e.g. "ort, 2 threads"); "tfjs" for checkpoints written before there was a choice. */
  engine: string;
  model: ModelConfig;
  vocabulary: string[];
  normalization: Normalization;
  corpus: CorpusInfo;
  training: TrainConfig;
  progress: Progress;
  history: History;
  /** Set when the run was started from another checkpoint's weights; null otherwise. */
  initFrom: InitFrom | null;
  /** How the model was chosen for a time budget (src/train/budget/); null when flags or the fixed default chose it. */
  choice: ModelChoice | null;
  /** Adam moments and the carried hidden state, in optimizer.bin, in this order. */
  state: { file: string; adamStep: number; tensors: TensorEntry[] } | null;
}

/** What charnn.json records of a run at one moment: its fields besides the format's own and the state file's index. */
export type RunRecord = Omit<CharnnMeta, 'format' | 'version' | 'charnnVersion' | 'createdAt' | 'state' | 'vocabulary'> & {
  vocabulary: readonly string[];
};

/**
 * charnn.json's contents for a checkpoint of `run` written now, by this
 * charnn (saveCheckpoint adds the index of the state file it writes).
 */
export function checkpointMeta(run: RunRecord, createdAt: Date = new Date()): Omit<CharnnMeta, 'state'> {
  return {
    format: CHECKPOINT_FORMAT, version: CHECKPOINT_VERSION, charnnVersion: CHARNN_VERSION, createdAt: createdAt.toISOString(),
    backend: run.backend, engine: run.engine, model: run.model, vocabulary: [...run.vocabulary], normalization: run.normalization,
    corpus: run.corpus, training: run.training, progress: run.progress, history: run.history, initFrom: run.initFrom,
    choice: run.choice,
  };
}

function fail(path: string, what: string): never {
  throw usageError(`checkpoint ${path} is damaged: ${what}`, `restore it from a backup or ${anotherCheckpoint(path)}`);
}

/**
 * Bounds of the numbers charnn.json holds besides the settings' own
 * (settings/): far above what a run writes, so a hand-made 1e300 is refused
 * by name instead of printed with 300 digits or carried into new runs.
 */
const META_LIMITS = {
  /** progress.step, epoch, bestStep, history steps, initFrom.step, state.adamStep. */
  steps: MAX_STEPS,
  /** Training time summed over resumes (progress.elapsedMs, history.time): a thousand years. */
  elapsedMs: 1000 * 365 * 86_400_000,
  /**
   * A loss in nats per character (history, progress.bestValLoss). A uniform
   * guess over the largest vocabulary costs ln(0x110000) ≈ 13.9 nats, and a
   * training step above divergedLoss (10·ln(vocab) + 10 ≤ 150, train/step.ts)
   * is never applied: 1e4 is far above any loss a run records.
   */
  loss: 1e4,
  recoveries: 1_000_000,
  /** Points of each loss history (a million fit in MAX_META_BYTES). */
  historyPoints: 1_000_000,
  /** Corpus bytes and characters: 2^40, a terabyte. */
  corpus: 2 ** 40,
} as const;

const isPositiveInt = (x: unknown): x is number => typeof x === 'number' && Number.isSafeInteger(x) && x > 0;
const isCount = (x: unknown): x is number => typeof x === 'number' && Number.isSafeInteger(x) && x >= 0;
const isCountUpTo = (x: unknown, max: number): x is number => isCount(x) && x <= max;
const isFiniteNumber = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);
const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
/** A string that is well-formed UTF-16 (no lone surrogate: it could not be written as UTF-8, nor come from a corpus). */
const isText = (x: unknown): x is string => typeof x === 'string' && !/\p{Cs}/u.test(x);
/** The longest string a model choice records, and its most candidates. */
const MAX_CHOICE_TEXT = 400;
const MAX_CANDIDATES = 64;
const isShortText = (x: unknown): x is string => isText(x) && x.length <= MAX_CHOICE_TEXT;

/** A loss charnn.json may hold: a finite number of nats from 0 to META_LIMITS.loss. */
export const isRecordableLoss = (x: unknown): x is number => isFiniteNumber(x) && x >= 0 && x <= META_LIMITS.loss;

/**
 * What is wrong with a history list (named `name`), or null: [step, value]
 * pairs, steps bounded, values a loss (0 to META_LIMITS.loss) or milliseconds
 * (0 to META_LIMITS.elapsedMs), bounded in number.
 */
function historyProblem(name: string, x: unknown, what: 'loss' | 'milliseconds' = 'loss'): string | null {
  if (!Array.isArray(x)) return `${name} must be a list of [step, ${what}] pairs`;
  if (x.length > META_LIMITS.historyPoints) return `${name} has ${x.length} points, more than the ${META_LIMITS.historyPoints.toLocaleString('en-US')} charnn keeps`;
  const max = what === 'loss' ? META_LIMITS.loss : META_LIMITS.elapsedMs;
  const bad = x.findIndex((p) => !Array.isArray(p) || p.length !== 2 || !isCountUpTo(p[0], META_LIMITS.steps) || !isFiniteNumber(p[1]) || p[1] < 0 || p[1] > max);
  return bad < 0 ? null : `${name}[${bad}] must be a [step, ${what}] pair: a step from 0 to ${MAX_STEPS.toExponential()} and ${what === 'loss' ? 'a loss' : 'a number of milliseconds'} from 0 to ${max.toExponential()}`;
}

/** The first entry of a list of strings that is not well-formed text, as "entry 3 (\ud800)", or null. */
function illFormed(list: readonly string[]): string | null {
  const i = list.findIndex((s) => !isText(s));
  return i < 0 ? null : `entry ${i} (${JSON.stringify(list[i])}) is not well-formed Unicode (a lone surrogate)`;
}

/**
 * Parses and checks charnn.json; every problem is a one-line usage error
 * naming the field. Settings added after version 1 files were written get
 * their defaults when absent.
 */
export function parseMeta(text: string, path: string): CharnnMeta {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    fail(path, `charnn.json is not valid JSON (${(error as Error).message})`);
  }
  if (!isObject(raw)) fail(path, 'charnn.json is not an object');
  const meta = raw as Partial<CharnnMeta>;
  if (meta.format !== CHECKPOINT_FORMAT) fail(path, `charnn.json has format ${JSON.stringify(meta.format)}, expected "${CHECKPOINT_FORMAT}"`);
  if (!isPositiveInt(meta.version)) fail(path, 'charnn.json has no valid version');
  if (meta.version > CHECKPOINT_VERSION) {
    throw usageError(
      `checkpoint ${path} has format version ${meta.version}, newer than this charnn understands (${CHECKPOINT_VERSION})`,
      'upgrade charnn (npm install -g charnn@latest)',
    );
  }
  if (meta.engine === undefined) meta.engine = 'tfjs';
  for (const key of ['charnnVersion', 'createdAt', 'backend', 'engine'] as const) {
    if (meta[key] === undefined) (meta as Record<string, unknown>)[key] = 'unknown';
    else if (!isText(meta[key])) fail(path, `${key} must be a string of well-formed Unicode`);
  }
  const m = meta.model as Record<string, unknown> | undefined;
  if (!isObject(m)) fail(path, 'model config missing');
  const modelProblem = storedProblem('model', MODEL_SETTINGS, m);
  if (modelProblem) fail(path, modelProblem);
  if (!positiveInt.is(m.vocabSize)) fail(path, `model.vocabSize must be ${positiveInt.what}`);
  const tooLarge = modelLimitProblem(m as unknown as ModelConfig);
  if (tooLarge) fail(path, `model ${tooLarge}`);
  if (!Array.isArray(meta.vocabulary) || meta.vocabulary.some((c) => typeof c !== 'string')) fail(path, 'vocabulary must be a list of characters');
  if (meta.vocabulary.length !== m.vocabSize) fail(path, `vocabulary has ${meta.vocabulary.length} characters but model.vocabSize is ${m.vocabSize}`);
  const badChar = illFormed(meta.vocabulary);
  if (badChar) fail(path, `vocabulary ${badChar}`);
  const corpusProblem = storedProblem('', CORPUS_SETTINGS, meta as Record<string, unknown>);
  if (corpusProblem) fail(path, corpusProblem);

  const t = meta.training as Record<string, unknown> | undefined;
  if (!isObject(t)) fail(path, 'training config missing');
  const trainingProblem = storedProblem('training', TRAIN_SETTINGS, t);
  if (trainingProblem) fail(path, trainingProblem);
  const trainTooLarge = trainLimitProblem(t as unknown as TrainConfig);
  if (trainTooLarge) fail(path, `training ${trainTooLarge}`);

  const c = meta.corpus as Record<string, unknown> | undefined;
  if (!isObject(c)) fail(path, 'corpus info missing');
  for (const key of ['name', 'path'] as const) if (!isText(c[key])) fail(path, `corpus.${key} must be a string of well-formed Unicode`);
  for (const key of ['bytes', 'chars', 'trainChars', 'valChars'] as const) {
    if (!isCountUpTo(c[key], META_LIMITS.corpus)) fail(path, `corpus.${key} must be a whole number from 0 to ${META_LIMITS.corpus.toLocaleString('en-US')}`);
  }
  if ((c.trainChars as number) + (c.valChars as number) > (c.chars as number)) fail(path, `corpus.trainChars + corpus.valChars exceed corpus.chars ${c.chars}`);
  if (c.sha256 !== undefined && (typeof c.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(c.sha256))) fail(path, 'corpus.sha256 must be 64 hexadecimal digits');

  const p = meta.progress as Record<string, unknown> | undefined;
  const stepRange = `a whole number from 0 to ${MAX_STEPS.toExponential()}`;
  if (!isObject(p) || !isCountUpTo(p.step, META_LIMITS.steps)) fail(path, `progress.step must be ${stepRange}`);
  if (!isCountUpTo(p.epoch, META_LIMITS.steps)) fail(path, `progress.epoch must be ${stepRange}`);
  if (!isCount(p.batch)) fail(path, 'progress.batch must be a non-negative integer');
  const batchesPerEpoch = Math.floor(Math.floor(((c.trainChars as number) - 1) / (t.batchSize as number)) / (t.seqLen as number));
  if (batchesPerEpoch > 0 && p.batch >= batchesPerEpoch) fail(path, `progress.batch ${p.batch} is beyond the ${batchesPerEpoch} batches of an epoch`);
  if (!Array.isArray(p.rngState) || p.rngState.length !== 4 || !p.rngState.every((x) => typeof x === 'number' && Number.isInteger(x) && x >= 0 && x < 2 ** 32)) {
    fail(path, 'progress.rngState must hold 4 unsigned 32-bit integers');
  }
  if (p.rngState.every((x) => x === 0)) fail(path, 'progress.rngState must not be all zeros');
  if (p.bestValLoss === undefined) p.bestValLoss = null;
  if (p.bestValLoss !== null && !isRecordableLoss(p.bestValLoss)) fail(path, `progress.bestValLoss must be a loss from 0 to ${META_LIMITS.loss.toExponential()} or null`);
  if (p.bestStep === undefined) p.bestStep = null;
  if (p.bestStep !== null && !(isCount(p.bestStep) && p.bestStep <= p.step)) fail(path, `progress.bestStep must be a whole number from 0 to progress.step (${p.step}) or null`);
  if (p.elapsedMs === undefined) p.elapsedMs = 0;
  if (!isFiniteNumber(p.elapsedMs) || p.elapsedMs < 0 || p.elapsedMs > META_LIMITS.elapsedMs) fail(path, `progress.elapsedMs must be a number of milliseconds from 0 to ${META_LIMITS.elapsedMs.toExponential()}`);
  if (p.recoveries === undefined) p.recoveries = 0;
  if (!isCountUpTo(p.recoveries, META_LIMITS.recoveries)) fail(path, `progress.recoveries must be a whole number from 0 to ${META_LIMITS.recoveries.toLocaleString('en-US')}`);

  const h = meta.history as Record<string, unknown> | undefined;
  if (!isObject(h)) fail(path, 'history must hold train and val lists of [step, loss] pairs');
  const historyError = historyProblem('history.train', h.train) ?? historyProblem('history.val', h.val)
    ?? (h.time === undefined ? null : historyProblem('history.time', h.time, 'milliseconds'));
  if (historyError) fail(path, historyError);

  const from = meta.initFrom as unknown;
  if (from === undefined) meta.initFrom = null;
  else if (from !== null) {
    if (!isObject(from) || !isText(from.path) || !isText(from.corpus)) fail(path, 'initFrom must hold the source path and corpus, strings of well-formed Unicode');
    if (!isCountUpTo(from.step, META_LIMITS.steps) || !isPositiveInt(from.vocabSize)) fail(path, `initFrom.step must be ${stepRange} and initFrom.vocabSize a positive whole number`);
    if (!Array.isArray(from.added) || from.added.some((c) => typeof c !== 'string') || from.added.length + from.vocabSize !== m.vocabSize) {
      fail(path, 'initFrom.added must list the characters added to the source\'s vocabulary');
    }
    const badAdded = illFormed(from.added as string[]);
    if (badAdded) fail(path, `initFrom.added ${badAdded}`);
  }

  const choice = meta.choice as unknown;
  if (choice === undefined) meta.choice = null;
  else if (choice !== null) {
    const problem = choiceProblem(choice);
    if (problem) fail(path, `choice ${problem}`);
  }

  const state = meta.state as unknown;
  if (state === undefined) meta.state = null;
  else if (state !== null) {
    if (!isObject(state)) fail(path, 'state must be an object or null');
    if (typeof state.file !== 'string' || !/^[\w.-]+$/.test(state.file) || state.file.startsWith('.')) fail(path, 'state.file must be a plain file name');
    if (!isCountUpTo(state.adamStep, META_LIMITS.steps)) fail(path, `state.adamStep must be ${stepRange}`);
    const tensors = state.tensors;
    if (!Array.isArray(tensors) || !tensors.every((e) => isObject(e) && isText(e.name) && Array.isArray(e.shape) && e.shape.every(isCount))) {
      fail(path, 'state.tensors must be a list of {name, shape}');
    }
  }
  return meta as CharnnMeta;
}

/** Reads and checks the charnn.json of a checkpoint directory (a regular file, bounded in size). */
export function readMeta(dir: string): CharnnMeta {
  return parseMeta(readBoundedFile(dir, META_FILE_NAME, 'file', MAX_META_BYTES).toString('utf8'), dir);
}

/** What is wrong with a recorded model choice, or null: short strings, bounded numbers, at most MAX_CANDIDATES candidates. */
function choiceProblem(c: unknown): string | null {
  if (!isObject(c) || !isShortText(c.summary)) return `must hold a summary of at most ${MAX_CHOICE_TEXT} characters of well-formed Unicode`;
  if (!isFiniteNumber(c.budgetMs) || c.budgetMs < 0 || c.budgetMs > META_LIMITS.elapsedMs) return `budgetMs must be a number of milliseconds from 0 to ${META_LIMITS.elapsedMs.toExponential()}`;
  if (!isFiniteNumber(c.probeMs) || c.probeMs < 0 || c.probeMs > META_LIMITS.elapsedMs) return `probeMs must be a number of milliseconds from 0 to ${META_LIMITS.elapsedMs.toExponential()}`;
  const list = c.candidates;
  if (!Array.isArray(list) || list.length > MAX_CANDIDATES) return `candidates must be a list of at most ${MAX_CANDIDATES}`;
  const bad = list.findIndex((e) => !isObject(e) || !isShortText(e.name) || !isFiniteNumber(e.dropout) || e.dropout < 0 || e.dropout >= 1
    || !(e.charsPerSec === null || (isFiniteNumber(e.charsPerSec) && e.charsPerSec >= 0 && e.charsPerSec <= 1e12))
    || !(e.expectedVal === null || isRecordableLoss(e.expectedVal)));
  return bad >= 0 ? `candidates[${bad}] must hold a name, a dropout in [0, 1), charsPerSec (0 to 1e12 or null) and expectedVal (a loss or null)` : null;
}
