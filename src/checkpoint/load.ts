/**
 * Finding and reading checkpoints. A path may name a checkpoint directory
 * (it holds charnn.json) or a run directory, which means its best/ (or its
 * latest/ when no validation has improved yet). Every way a checkpoint can be
 * missing or damaged is a one-line usage error.
 */
import fs from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { Vocabulary } from '../data/vocabulary.js';
import { fromKerasArrays, parameterSpecs, type ParamArrays, type Params } from '../model/params.js';
import type { LayerState, StateArrays } from '../model/state.js';
import { usageError } from '../util/errors.js';
import { PREVIOUS_SUFFIX } from './files.js';
import { parseMeta, type CharnnMeta } from './meta.js';
import { META_FILE, MODEL_FILE } from './save.js';
import { isLatestName } from './snapshots.js';

export interface LoadedCheckpoint {
  dir: string;
  meta: CharnnMeta;
  vocab: Vocabulary;
  params: Params;
}

export interface TrainingState {
  adamStep: number;
  m: ParamArrays;
  v: ParamArrays;
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

/** Resolves what the user named to a checkpoint directory. */
export function resolveCheckpoint(given: string): string {
  const dir = path.resolve(given);
  if (!fs.existsSync(dir) && !fs.existsSync(dir + PREVIOUS_SUFFIX)) {
    throw usageError(`checkpoint not found: ${given}`, 'pass a checkpoint or run directory written by charnn train (e.g. checkpoints/tinyshakespeare-lstm)');
  }
  if (fs.existsSync(dir) && !fs.statSync(dir).isDirectory()) {
    throw usageError(`${given} is a file, not a checkpoint directory`, 'pass the directory that holds charnn.json, or its run directory');
  }
  const direct = existing(dir);
  if (direct) return direct;
  const inRun = existing(path.join(dir, 'best')) ?? existing(path.join(dir, 'latest'));
  if (inRun) return inRun;
  throw usageError(
    `${given} holds no checkpoint (no charnn.json, no best/ or latest/)`,
    'pass a checkpoint or run directory written by charnn train',
  );
}

function readBytes(file: string, what: string, dir: string): Buffer {
  try {
    return fs.readFileSync(file);
  } catch {
    throw usageError(`checkpoint ${dir} is damaged: ${what} ${path.basename(file)} is missing or unreadable`, 'use another checkpoint (e.g. the run directory\'s latest/)');
  }
}

/** './weights.bin' or 'weights.bin', never a path leaving the checkpoint directory. */
function isPlainFileName(p: string): boolean {
  const name = p.startsWith('./') ? p.slice(2) : p;
  return /^[\w.-]+$/.test(name) && !name.startsWith('.');
}

function isWeightSpec(x: unknown): boolean {
  const s = x as { name?: unknown; shape?: unknown };
  return typeof s?.name === 'string' && Array.isArray(s.shape) && s.shape.every((d) => Number.isInteger(d) && (d as number) >= 0);
}

function damaged(dir: string, what: string): never {
  throw usageError(`checkpoint ${dir} is damaged: ${what}`, 'use another checkpoint (e.g. the run directory\'s latest/)');
}

/** Reads a checkpoint's meta data, vocabulary and weights (internal layout). */
export function loadCheckpoint(given: string): LoadedCheckpoint {
  const dir = resolveCheckpoint(given);
  const meta = parseMeta(readBytes(path.join(dir, META_FILE), 'file', dir).toString('utf8'), dir);
  let vocab: Vocabulary;
  try {
    vocab = new Vocabulary(meta.vocabulary);
  } catch (error) {
    damaged(dir, `vocabulary is invalid (${(error as Error).message})`);
  }
  let modelJson: { weightsManifest?: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[] };
  try {
    modelJson = JSON.parse(readBytes(path.join(dir, MODEL_FILE), 'file', dir).toString('utf8'));
  } catch (error) {
    if ((error as { exitCode?: number }).exitCode) throw error;
    damaged(dir, `${MODEL_FILE} is not valid JSON`);
  }
  const groups = (modelJson as { weightsManifest?: unknown } | null)?.weightsManifest;
  if (!Array.isArray(groups) || groups.length === 0) damaged(dir, `${MODEL_FILE} has no weightsManifest`);
  for (const g of groups as unknown[]) {
    const group = g as { paths?: unknown; weights?: unknown };
    if (!Array.isArray(group?.paths) || !group.paths.every((p) => typeof p === 'string' && isPlainFileName(p))) {
      damaged(dir, `${MODEL_FILE} lists weight paths that are not plain file names in the checkpoint directory`);
    }
    if (!Array.isArray(group.weights) || !group.weights.every(isWeightSpec)) damaged(dir, `${MODEL_FILE} has a malformed weightsManifest`);
  }
  const manifest = groups as { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
  const specs = manifest.flatMap((g) => g.weights);
  const buffers = manifest.flatMap((g) => g.paths.map((p) => readBytes(path.join(dir, p), 'weight file', dir)));
  const data = Buffer.concat(buffers);
  const expectedSpecs = parameterSpecs(meta.model);
  if (specs.length !== expectedSpecs.length) {
    damaged(dir, `${specs.length} weight tensors where the config (${meta.model.cell}, ${meta.model.layers} layers) needs ${expectedSpecs.length}`);
  }
  const expectedBytes = specs.reduce((n, s) => n + 4 * s.shape.reduce((a, b) => a * b, 1), 0);
  if (data.length !== expectedBytes) damaged(dir, `weight data is ${data.length} bytes, the manifest needs ${expectedBytes} (truncated file?)`);
  const arrays: Float32Array[] = [];
  let offset = 0;
  specs.forEach((spec, i) => {
    const want = expectedSpecs[i]!.shape;
    if (spec.dtype !== undefined && spec.dtype !== 'float32') damaged(dir, `weight ${spec.name} has dtype ${spec.dtype}, expected float32`);
    if (spec.shape.length !== want.length || spec.shape.some((d, k) => d !== want[k])) {
      damaged(dir, `weight ${spec.name} has shape [${spec.shape}] but the config needs [${want}]`);
    }
    const size = spec.shape.reduce((a, b) => a * b, 1);
    arrays.push(new Float32Array(data.buffer.slice(data.byteOffset + offset, data.byteOffset + offset + 4 * size)));
    offset += 4 * size;
  });
  for (const a of arrays) {
    for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i]!)) damaged(dir, 'weights contain NaN or Infinity');
  }
  return { dir, meta, vocab, params: fromKerasArrays(meta.model, arrays) };
}

/** Reads the optimizer moments and carried state saved with a checkpoint. */
export function loadTrainingState(checkpoint: LoadedCheckpoint): TrainingState | null {
  const info = checkpoint.meta.state;
  if (!info) return null;
  const bytes = readBytes(path.join(checkpoint.dir, info.file), 'state file', checkpoint.dir);
  const total = info.tensors.reduce((n, t) => n + t.shape.reduce((a, b) => a * b, 1), 0);
  if (bytes.length !== total * 4) damaged(checkpoint.dir, `${info.file} is ${bytes.length} bytes, expected ${total * 4} (truncated file?)`);
  // Every tensor must fit the model it is stored with, or training would fail deep inside TF.js.
  const { model } = checkpoint.meta;
  const wanted = new Map<string, number[]>();
  for (const spec of parameterSpecs(model)) {
    wanted.set(`adam.m/${spec.name}`, spec.shape);
    wanted.set(`adam.v/${spec.name}`, spec.shape);
  }
  const batchSize = checkpoint.meta.training.batchSize;
  for (let l = 0; l < model.layers; l++) {
    wanted.set(`carried/${l}/h`, [batchSize, model.hidden]);
    if (model.cell === 'lstm') wanted.set(`carried/${l}/c`, [batchSize, model.hidden]);
  }
  for (const entry of info.tensors) {
    const want = wanted.get(entry.name);
    if (!want) damaged(checkpoint.dir, `${info.file} holds an unexpected tensor ${entry.name}`);
    if (want.length !== entry.shape.length || want.some((d, k) => d !== entry.shape[k])) {
      damaged(checkpoint.dir, `${info.file} tensor ${entry.name} has shape [${entry.shape}] but the model needs [${want}]`);
    }
  }
  const names = new Set(info.tensors.map((e) => e.name));
  const adamNames = [...wanted.keys()].filter((n) => n.startsWith('adam.'));
  if (info.adamStep > 0 && adamNames.some((n) => !names.has(n))) damaged(checkpoint.dir, `${info.file} lacks some optimizer moments`);
  const all = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
  for (let i = 0; i < all.length; i++) if (!Number.isFinite(all[i]!)) damaged(checkpoint.dir, `${info.file} contains NaN or Infinity`);
  const m: ParamArrays = new Map();
  const v: ParamArrays = new Map();
  const carriedParts = new Map<string, Float32Array>();
  let offset = 0;
  for (const entry of info.tensors) {
    const size = entry.shape.reduce((a, b) => a * b, 1);
    const values = all.slice(offset, offset + size);
    offset += size;
    if (entry.name.startsWith('adam.m/')) m.set(entry.name.slice(7), values);
    else if (entry.name.startsWith('adam.v/')) v.set(entry.name.slice(7), values);
    else if (entry.name.startsWith('carried/')) carriedParts.set(entry.name.slice(8), values);
  }
  let carried: StateArrays | null = null;
  if (carriedParts.size > 0) {
    const layers: LayerState[] = [];
    for (let l = 0; l < model.layers; l++) {
      const h = carriedParts.get(`${l}/h`);
      if (!h) damaged(checkpoint.dir, `carried state of layer ${l} missing`);
      const c = carriedParts.get(`${l}/c`);
      if (model.cell === 'lstm' && !c) damaged(checkpoint.dir, `carried cell state of layer ${l} missing`);
      layers.push(c ? { h, c } : { h });
    }
    carried = { streams: batchSize, hidden: model.hidden, layers };
  }
  return { adamStep: info.adamStep, m, v, carried };
}

/** The run directory a checkpoint directory belongs to (its parent for best/ and latest/). */
export function runDirectoryOf(checkpointDir: string): string {
  const base = path.basename(checkpointDir).replace(PREVIOUS_SUFFIX, '');
  return base === 'best' || isLatestName(base) ? path.dirname(checkpointDir) : checkpointDir;
}
