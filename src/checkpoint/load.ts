/**
 * Finding and reading checkpoints. A path may name a checkpoint directory
 * (it holds charnn.json) or a run directory, which means its best/ (or its
 * latest/ when no validation has improved yet) — except for `train --resume`,
 * where it means latest/, the newest state — or, when nothing has that name,
 * one checkpoint of a run: `run@2000`, `run@best`, `run@latest`
 * (run-checkpoints.ts). Every way a checkpoint can be
 * missing or damaged is a one-line usage error.
 */
import fs from 'node:fs';
import path from 'node:path';
import type * as tf from '../tf.js';
import { Vocabulary } from '../data/vocabulary.js';
import { fromKerasArrays, parameterSpecs, type ParamArrays } from '../model/params.js';
import { stateEntrySpecs, stateFromEntries, type StateArrays } from '../model/state.js';
import { usageError } from '../util/errors.js';
import { PREVIOUS_SUFFIX } from './files.js';
import { closeFiles, damaged, openCheckpointFile, readBoundedFile, readOpened, type OpenedFile } from './read-file.js';
import { readMeta, type CharnnMeta } from './meta.js';
import { META_FILE, MODEL_FILE } from './save.js';
import { isOptimizerEntry, optimizerEntrySpecs, optimizerFromEntries, type OptimizerState } from './optimizer-state.js';
import { BEST, isLatestName, LATEST } from './snapshots.js';
import { findRunDirectories } from './runs.js';
import { resolveReference } from './run-checkpoints.js';

export interface LoadedCheckpoint {
  dir: string;
  meta: CharnnMeta;
  vocab: Vocabulary;
  /** Weights, internal layout. */
  params: ParamArrays;
}

/** What a checkpoint holds besides the weights to continue training exactly. */
interface TrainingState {
  /** The optimizer's step count and moments (empty moments when saved before the first update). */
  optimizer: OptimizerState;
  carried: StateArrays | null;
}

function isCheckpointDir(dir: string): boolean {
  return fs.existsSync(path.join(dir, META_FILE));
}

/** A checkpoint directory, or its copy kept by an interrupted save. */
function existing(dir: string): string | null {
  if (isCheckpointDir(dir)) return dir;
  if (isCheckpointDir(dir + PREVIOUS_SUFFIX)) return dir + PREVIOUS_SUFFIX;
  return null;
}

function statOrNull(p: string): fs.Stats | null {
  try {
    return fs.statSync(p);
  } catch {
    return null;
  }
}

function isSymbolicLink(p: string): boolean {
  try {
    return fs.lstatSync(p).isSymbolicLink();
  } catch {
    return false;
  }
}

/** Which checkpoint of a run directory a command means: best/ to use a model, latest/ to resume training. */
type RunCheckpoint = 'best' | 'latest';

/** Resolves what the user named to a checkpoint directory. */
export function resolveCheckpoint(given: string, prefer: RunCheckpoint = 'best'): string {
  const dir = path.resolve(given);
  // A save renames latest/ to latest.prev, the new one in, and removes the .prev: a look that
  // missed the first may miss the second too, and then sees the new one.
  let stat = statOrNull(dir);
  if (!stat && !fs.existsSync(dir + PREVIOUS_SUFFIX)) stat = statOrNull(dir);
  if (!stat && !fs.existsSync(dir + PREVIOUS_SUFFIX)) {
    // Nothing is called that: `run@2000`, `run@best` or `run@latest` may name a checkpoint of a run.
    const referenced = resolveReference(given);
    if (referenced !== null) return referenced;
    throw usageError(`checkpoint not found: ${given}`, 'pass a checkpoint or run directory written by charnn train (e.g. checkpoints/tinyshakespeare-lstm)');
  }
  if (stat && !stat.isDirectory()) {
    throw usageError(`${given} is a file, not a checkpoint directory`, 'pass the directory that holds charnn.json, or its run directory');
  }
  const direct = existing(dir);
  if (direct) return direct;
  for (const name of [BEST, LATEST, BEST + PREVIOUS_SUFFIX, LATEST + PREVIOUS_SUFFIX]) {
    // A run directory from elsewhere must not send charnn out of it.
    if (isSymbolicLink(path.join(dir, name))) {
      throw usageError(`run directory ${given} is damaged: ${name} is a symbolic link`, 'pass the checkpoint directory itself, or use another run directory');
    }
  }
  const order = prefer === 'best' ? ['best', 'latest'] : ['latest', 'best'];
  const inRun = existing(path.join(dir, order[0]!)) ?? existing(path.join(dir, order[1]!));
  if (inRun) return inRun;
  const runs = findRunDirectories(dir).found;
  if (runs.length > 0) {
    const shown = runs.slice(0, 3).map((r) => r.name).join(', ');
    throw usageError(
      `${given} is a directory of runs, not a checkpoint (it holds ${runs.length === 1 ? 'the run' : `${runs.length} runs:`} ${shown}${runs.length > 3 ? ', …' : ''})`,
      `pass one of them, e.g. ${path.join(given, runs[0]!.name)}; charnn runs ${given} lists them`,
    );
  }
  throw usageError(
    `${given} holds no checkpoint (no charnn.json, no best/ or latest/)`,
    'pass a checkpoint or run directory written by charnn train',
  );
}

/** Upper bound of model.json: far above what charnn writes (charnn.json's is MAX_META_BYTES, meta.ts). */
const MAX_MODEL_JSON_BYTES = 16 * 2 ** 20;

/** './weights.bin' or 'weights.bin', never a path leaving the checkpoint directory. */
function plainFileName(p: string): string | null {
  const name = p.startsWith('./') ? p.slice(2) : p;
  return /^[\w.-]+$/.test(name) && !name.startsWith('.') ? name : null;
}

function isWeightSpec(x: unknown): boolean {
  const s = x as { name?: unknown; shape?: unknown };
  return typeof s?.name === 'string' && Array.isArray(s.shape) && s.shape.every((d) => Number.isInteger(d) && (d as number) >= 0);
}

/** Identity of a directory (device and inode), or null when it is gone: a save swaps latest/ by renames. */
function identity(dir: string): string | null {
  const s = statOrNull(dir);
  return s && `${s.dev}:${s.ino}`;
}

/** Reads that see latest/ swapped under them start over, up to this many times in all. */
const READ_ATTEMPTS = 5;

/**
 * Reads a checkpoint's meta data, vocabulary and weights (internal layout).
 * A trainer may swap latest/ while it is read (a rename away, a rename in):
 * a read that saw the directory change starts over (one retry nearly always
 * suffices; a few allow for a trainer saving every step on a loaded
 * machine), so it never mixes two saves or calls a whole checkpoint damaged.
 */
export function loadCheckpoint(given: string, prefer: RunCheckpoint = 'best'): LoadedCheckpoint {
  for (let attempt = 1; ; attempt++) {
    const last = attempt === READ_ATTEMPTS;
    let dir: string;
    try {
      dir = resolveCheckpoint(given, prefer);
    } catch (error) {
      // A file system error (not a refusal) while a save swaps the directory: look again.
      if (last || (error as NodeJS.ErrnoException).code === undefined) throw error;
      continue;
    }
    const before = identity(dir);
    try {
      const loaded = loadCheckpointOnce(dir);
      if (last || identity(dir) === before) return loaded;
    } catch (error) {
      if (last || (identity(dir) === before && before !== null)) throw error;
    }
  }
}

function loadCheckpointOnce(dir: string): LoadedCheckpoint {
  const meta = readMeta(dir);
  let vocab: Vocabulary;
  try {
    vocab = new Vocabulary(meta.vocabulary);
  } catch (error) {
    damaged(dir, `vocabulary is invalid (${(error as Error).message})`);
  }
  let modelJson: { weightsManifest?: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[] };
  const modelText = readBoundedFile(dir, MODEL_FILE, 'file', MAX_MODEL_JSON_BYTES).toString('utf8');
  try {
    modelJson = JSON.parse(modelText);
  } catch {
    damaged(dir, `${MODEL_FILE} is not valid JSON`);
  }
  const groups = (modelJson as { weightsManifest?: unknown } | null)?.weightsManifest;
  if (!Array.isArray(groups) || groups.length === 0) damaged(dir, `${MODEL_FILE} has no weightsManifest`);
  const names: string[] = [];
  for (const g of groups as unknown[]) {
    const group = g as { paths?: unknown; weights?: unknown };
    if (!Array.isArray(group?.paths) || !group.paths.every((p) => typeof p === 'string' && plainFileName(p) !== null)) {
      damaged(dir, `${MODEL_FILE} lists weight paths that are not plain file names in the checkpoint directory`);
    }
    if (!Array.isArray(group.weights) || !group.weights.every(isWeightSpec)) damaged(dir, `${MODEL_FILE} has a malformed weightsManifest`);
    names.push(...(group.paths as string[]).map((p) => plainFileName(p)!));
  }
  if (new Set(names).size !== names.length) damaged(dir, `${MODEL_FILE} lists a weight file more than once`);
  const manifest = groups as { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
  const specs = manifest.flatMap((g) => g.weights);
  // Everything about the weight data follows from the config (bounded by parseMeta): check the
  // manifest against it before opening a weight file, and each file's size before reading it.
  const expectedSpecs = parameterSpecs(meta.model);
  if (specs.length !== expectedSpecs.length) {
    damaged(dir, `${specs.length} weight tensors where the config (${meta.model.cell}, ${meta.model.layers} layers) needs ${expectedSpecs.length}`);
  }
  specs.forEach((spec, i) => {
    const want = expectedSpecs[i]!.shape;
    if (spec.dtype !== undefined && spec.dtype !== 'float32') damaged(dir, `weight ${spec.name} has dtype ${spec.dtype}, expected float32`);
    if (spec.shape.length !== want.length || spec.shape.some((d, k) => d !== want[k])) {
      damaged(dir, `weight ${spec.name} has shape [${spec.shape}] but the config needs [${want}]`);
    }
  });
  const sizes = expectedSpecs.map((spec) => spec.shape.reduce((a, b) => a * b, 1));
  const expectedBytes = 4 * sizes.reduce((a, b) => a + b, 0);
  const files: OpenedFile[] = [];
  const data = (() => {
    try {
      for (const name of names) files.push(openCheckpointFile(dir, name, 'weight file'));
      const total = files.reduce((n, f) => n + f.size, 0);
      if (total !== expectedBytes) damaged(dir, `weight data is ${total} bytes, the manifest needs ${expectedBytes} (truncated file?)`);
      const bytes = new Uint8Array(expectedBytes);
      let offset = 0;
      for (const file of files) {
        readOpened(dir, file, bytes, offset);
        offset += file.size;
      }
      return bytes;
    } finally {
      closeFiles(files);
    }
  })();
  const values = new Float32Array(data.buffer);
  for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i]!)) damaged(dir, 'weights contain NaN or Infinity');
  const arrays: Float32Array[] = [];
  let offset = 0;
  for (const size of sizes) {
    arrays.push(values.subarray(offset, offset + size));
    offset += size;
  }
  return { dir, meta, vocab, params: fromKerasArrays(meta.model, arrays) };
}

/** Reads the optimizer moments and carried state saved with a checkpoint. */
export function loadTrainingState(checkpoint: LoadedCheckpoint): TrainingState | null {
  const info = checkpoint.meta.state;
  if (!info) return null;
  // Every tensor must fit the model it is stored with, or training would fail deep inside TF.js;
  // checked (and the file's size with it) before the file is read.
  const { model } = checkpoint.meta;
  const wanted = new Map<string, number[]>();
  const momentSpecs = optimizerEntrySpecs(model);
  for (const { name, shape } of momentSpecs) wanted.set(name, shape);
  const batchSize = checkpoint.meta.training.batchSize;
  for (const { name, shape } of stateEntrySpecs(model, batchSize)) wanted.set(name, shape);
  const seen = new Set<string>();
  for (const entry of info.tensors) {
    const want = wanted.get(entry.name);
    if (!want) damaged(checkpoint.dir, `${info.file} holds an unexpected tensor ${entry.name}`);
    if (seen.has(entry.name)) damaged(checkpoint.dir, `${info.file} holds tensor ${entry.name} twice`);
    seen.add(entry.name);
    if (want.length !== entry.shape.length || want.some((d, k) => d !== entry.shape[k])) {
      damaged(checkpoint.dir, `${info.file} tensor ${entry.name} has shape [${entry.shape}] but the model needs [${want}]`);
    }
  }
  if (info.adamStep > 0 && momentSpecs.some(({ name }) => !seen.has(name))) damaged(checkpoint.dir, `${info.file} lacks some optimizer moments`);
  const total = info.tensors.reduce((n, t) => n + t.shape.reduce((a, b) => a * b, 1), 0);
  const file = openCheckpointFile(checkpoint.dir, info.file, 'state file');
  const all = new Float32Array(total);
  try {
    if (file.size !== total * 4) damaged(checkpoint.dir, `${info.file} is ${file.size} bytes, expected ${total * 4} (truncated file?)`);
    readOpened(checkpoint.dir, file, new Uint8Array(all.buffer));
  } finally {
    closeFiles([file]);
  }
  for (let i = 0; i < all.length; i++) if (!Number.isFinite(all[i]!)) damaged(checkpoint.dir, `${info.file} contains NaN or Infinity`);
  const moments = new Map<string, Float32Array>();
  const carriedParts = new Map<string, Float32Array>();
  let offset = 0;
  for (const entry of info.tensors) {
    const size = entry.shape.reduce((a, b) => a * b, 1);
    const values = all.slice(offset, offset + size);
    offset += size;
    (isOptimizerEntry(entry.name) ? moments : carriedParts).set(entry.name, values);
  }
  let carried: StateArrays | null = null;
  if (carriedParts.size > 0) {
    const read = stateFromEntries(model, batchSize, carriedParts);
    if ('missing' in read) damaged(checkpoint.dir, `${info.file} lacks ${read.missing} of the carried state`);
    carried = read.state;
  }
  return { optimizer: optimizerFromEntries(info.adamStep, moments), carried };
}

/** The run directory a checkpoint directory belongs to (its parent for best/ and latest/). */
export function runDirectoryOf(checkpointDir: string): string {
  const base = path.basename(checkpointDir).replace(PREVIOUS_SUFFIX, '');
  return base === BEST || isLatestName(base) ? path.dirname(checkpointDir) : checkpointDir;
}
