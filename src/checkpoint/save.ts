/**
 * Saving a checkpoint directory:
 *   model.json + weights.bin  standard TF.js Layers format (tf.loadLayersModel)
 *   charnn.json               vocabulary, config, progress, history
 *   state.bin                 Adam moments and the carried hidden state
 */
import path from 'node:path';
import type * as tf from '../tf.js';
import type { ModelConfig } from '../model/config.js';
import type { ParamArrays } from '../model/params.js';
import { stateEntries, type StateArrays } from '../model/state.js';
import { replaceDirectoryAtomically } from './files.js';
import { optimizerEntries, type OptimizerState } from './optimizer-state.js';
import { META_FILE, MODEL_FILE, STATE_FILE, WEIGHTS_FILE } from './checkpoint-files.js';
import type { CharnnMeta, TensorEntry } from './meta.js';
import { BEST, LATEST, retirePreviousLatest } from './snapshots.js';

export { META_FILE, MODEL_FILE, WEIGHTS_FILE } from './checkpoint-files.js';

/** Where a training run keeps its checkpoints: latest/ (the newest state, what a resume continues) and best/ (the best validation). */
export function runCheckpointDirs(runDir: string): { latest: string; best: string } {
  return { latest: path.join(runDir, LATEST), best: path.join(runDir, BEST) };
}

/** What saveCheckpoint writes: charnn.json's fields (state.bin's index is added), the weights, the training state. */
interface CheckpointContents {
  meta: Omit<CharnnMeta, 'state'>;
  params: ParamArrays;
  /** Null for a checkpoint that is not meant to resume training (moments not stored). */
  optimizer: OptimizerState | null;
  carried: StateArrays | null;
}

/**
 * Loads what writing model.json and weights.bin takes (TF.js and its
 * backend: about 0.3 s on a busy machine), at the first save or when a
 * training run prepares, not when a command starts: the ort engine needs it
 * for nothing else. Later calls cost nothing.
 */
export async function loadLayersWriter(): Promise<typeof import('../model/layers-equivalent.js')> {
  const [{ ensureBackend }, layers] = await Promise.all([import('../engine/tfjs/backend/index.js'), import('../model/layers-equivalent.js')]);
  await ensureBackend();
  return layers;
}

/** model.json and weights.bin bytes, produced by tf.layers itself. */
export async function layersModelFiles(meta: Pick<CharnnMeta, 'model'>, params: ParamArrays): Promise<{ modelJson: string; weights: Uint8Array }> {
  const { toLayersModel } = await loadLayersWriter();
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

function stateTensors(model: ModelConfig, optimizer: OptimizerState | null, carried: StateArrays | null): { entries: TensorEntry[]; bytes: Uint8Array } {
  const tensors: { name: string; shape: number[]; values: Float32Array }[] = [];
  if (optimizer) tensors.push(...optimizerEntries(model, optimizer));
  if (carried) tensors.push(...stateEntries(carried));
  const total = tensors.reduce((n, t) => n + t.values.length, 0);
  const all = new Float32Array(total);
  let offset = 0;
  for (const t of tensors) {
    all.set(t.values, offset);
    offset += t.values.length;
  }
  return { entries: tensors.map(({ name, shape }) => ({ name, shape })), bytes: new Uint8Array(all.buffer) };
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

interface SaveOptions {
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
  const state = stateTensors(contents.meta.model, contents.optimizer, contents.carried);
  if (!allFinite(state.bytes)) throw new NonFiniteCheckpointError('optimizer state');
  const meta: CharnnMeta = {
    ...contents.meta,
    state: { file: STATE_FILE, adamStep: contents.optimizer?.step ?? 0, tensors: state.entries },
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
