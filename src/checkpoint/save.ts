/**
 * Saving a checkpoint directory:
 *   model.json + weights.bin  standard TF.js Layers format (tf.loadLayersModel)
 *   charnn.json               vocabulary, config, progress, history
 *   state.bin                 Adam moments and the carried hidden state
 */
import * as tf from '@tensorflow/tfjs';
import type { ModelState } from '../model/char-rnn.js';
import { toLayersModel } from '../model/layers-equivalent.js';
import type { Params } from '../model/params.js';
import type { Adam } from '../train/optimizer.js';
import { replaceDirectoryAtomically } from './files.js';
import type { CharnnMeta, TensorEntry } from './meta.js';
import { retirePreviousLatest } from './snapshots.js';

export const MODEL_FILE = 'model.json';
export const WEIGHTS_FILE = 'weights.bin';
export const META_FILE = 'charnn.json';
export const STATE_FILE = 'state.bin';

export interface CheckpointContents {
  meta: Omit<CharnnMeta, 'state'>;
  params: Params;
  adam: Adam | null;
  carried: ModelState | null;
}

/** model.json and weights.bin bytes, produced by tf.layers itself. */
export async function layersModelFiles(meta: Pick<CharnnMeta, 'model'>, params: Params): Promise<{ modelJson: string; weights: Uint8Array }> {
  const model = toLayersModel(meta.model, params);
  let artifacts: tf.io.ModelArtifacts | null = null;
  await model.save({
    save: async (a) => {
      artifacts = a;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    },
  });
  model.dispose();
  const a = artifacts as unknown as tf.io.ModelArtifacts;
  const weightData = a.weightData as ArrayBuffer;
  const modelJson = {
    format: 'layers-model',
    generatedBy: a.generatedBy,
    convertedBy: null,
    modelTopology: a.modelTopology,
    weightsManifest: [{ paths: [`./${WEIGHTS_FILE}`], weights: a.weightSpecs }],
  };
  return { modelJson: JSON.stringify(modelJson), weights: new Uint8Array(weightData) };
}

function stateTensors(adam: Adam | null, carried: ModelState | null): { entries: TensorEntry[]; bytes: Uint8Array } {
  const tensors: [string, tf.Tensor][] = [];
  if (adam) {
    for (const [name, t] of adam.m) tensors.push([`adam.m/${name}`, t]);
    for (const [name, t] of adam.v) tensors.push([`adam.v/${name}`, t]);
  }
  carried?.forEach((s, layer) => {
    tensors.push([`carried/${layer}/h`, s.h]);
    if (s.c) tensors.push([`carried/${layer}/c`, s.c]);
  });
  const arrays = tensors.map(([, t]) => t.dataSync() as Float32Array);
  const total = arrays.reduce((n, a) => n + a.length, 0);
  const all = new Float32Array(total);
  let offset = 0;
  for (const a of arrays) {
    all.set(a, offset);
    offset += a.length;
  }
  return { entries: tensors.map(([name, t]) => ({ name, shape: t.shape })), bytes: new Uint8Array(all.buffer) };
}

/** Thrown instead of writing a checkpoint whose weights or optimizer state hold NaN or Infinity. */
export class NonFiniteCheckpointError extends Error {
  constructor(readonly what: 'weights' | 'optimizer state') {
    super(`the ${what} contain NaN or Infinity`);
    this.name = 'NonFiniteCheckpointError';
  }
}

function allFinite(bytes: Uint8Array): boolean {
  const values = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
  for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i]!)) return false;
  return true;
}

export interface SaveOptions {
  /**
   * Saving latest/: how many latest snapshots to keep (the replaced one is
   * kept as latest-<step>/ and older ones pruned, only after the new one is
   * complete). Leave undefined for best/ and other single checkpoints.
   */
  keep?: number;
}

/**
 * Writes the checkpoint directory atomically. Never writes non-finite
 * weights: it throws NonFiniteCheckpointError and leaves the disk untouched.
 */
export async function saveCheckpoint(dir: string, contents: CheckpointContents, options: SaveOptions = {}): Promise<void> {
  const { modelJson, weights } = await layersModelFiles(contents.meta, contents.params);
  if (weights.byteLength % 4 !== 0 || !allFinite(weights)) throw new NonFiniteCheckpointError('weights');
  const state = stateTensors(contents.adam, contents.carried);
  if (!allFinite(state.bytes)) throw new NonFiniteCheckpointError('optimizer state');
  const meta: CharnnMeta = {
    ...contents.meta,
    state: { file: STATE_FILE, adamStep: contents.adam?.step ?? 0, tensors: state.entries },
  };
  replaceDirectoryAtomically(dir, {
    [WEIGHTS_FILE]: weights,
    [STATE_FILE]: state.bytes,
    [MODEL_FILE]: modelJson,
    // Written last inside the temporary directory; the directory only becomes
    // visible under its real name once everything is on disk.
    [META_FILE]: JSON.stringify(meta, null, 1),
  }, options.keep === undefined ? {} : { retirePrevious: (previous) => retirePreviousLatest(previous, options.keep!) });
}
