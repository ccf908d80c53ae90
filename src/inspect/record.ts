/**
 * Every unit's activation after every character of a text: the model's own
 * forward pass (CharRnn.forwardLayers with the cells' caches kept), read out
 * through each cell's `signals`. One stream from the zero state, in windows
 * whose final state carries over, so memory stays bounded for any text.
 */
import * as tf from '../tf.js';
import { CharRnn, disposeState, type ModelState } from '../engine/tfjs/char-rnn.js';
import { cellDescriptor, type SignalName } from '../model/cells/descriptors.js';
import type { ModelConfig } from '../model/config.js';
import { flattenLayers, unflattenLayers } from '../model/state.js';

/** Steps per forward call. */
const WINDOW = 256;

export interface Activations {
  config: ModelConfig;
  /** Characters read (T). */
  length: number;
  /** The signals recorded for every layer (h first). */
  signals: readonly SignalName[];
  /** layers[l][signal]: T·H values, row t = after reading character t. */
  layers: Partial<Record<SignalName, Float32Array>>[];
}

/** Bytes record() needs for `length` characters of a model. */
export function activationBytes(config: ModelConfig, signals: number, length: number): number {
  return 4 * config.layers * signals * config.hidden * length;
}

/**
 * Runs the model over `ids` and keeps the signals asked for (default: all
 * the cell has). Yields to the event loop between windows.
 */
export async function record(model: CharRnn, ids: Int32Array, wanted?: readonly SignalName[]): Promise<Activations> {
  const { config } = model;
  const signals = cellDescriptor(config.cell).signals.filter((s) => !wanted || wanted.includes(s));
  const T = ids.length;
  const H = config.hidden;
  const layers = Array.from({ length: config.layers }, () => Object.fromEntries(signals.map((s) => [s, new Float32Array(T * H)])) as Partial<Record<SignalName, Float32Array>>);
  const table = model.firstProjectionTable();
  let state: ModelState = model.zeroState(1);
  try {
    for (let start = 0; start < T; start += WINDOW) {
      const steps = Math.min(WINDOW, T - start);
      const out = tf.tidy(() => {
        const { caches, finals } = model.forwardLayers({ inputs: ids.subarray(start, start + steps), batchSize: 1, seqLen: steps }, state, true, { table });
        const values = caches.map((c, l) => {
          const all = model.cellSignals(c.cell, finals[l]!);
          return signals.map((s) => tf.concat(all[s]!, 0) as tf.Tensor2D);
        });
        return { values: values.flat(), finals: flattenLayers(finals) };
      });
      disposeState(state);
      state = unflattenLayers(out.finals, config.cell);
      out.values.forEach((tensor, k) => {
        const l = Math.floor(k / signals.length);
        layers[l]![signals[k % signals.length]!]!.set(tensor.dataSync() as Float32Array, start * H);
        tensor.dispose();
      });
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  } finally {
    disposeState(state);
    table.dispose();
  }
  return { config, length: T, signals, layers };
}

/** The series of one unit: T values of `signal` for unit `unit` of layer `layer` (0-based). */
export function unitSeries(a: Activations, layer: number, signal: SignalName, unit: number): Float32Array {
  const values = a.layers[layer]![signal]!;
  const H = a.config.hidden;
  const out = new Float32Array(a.length);
  for (let t = 0; t < a.length; t++) out[t] = values[t * H + unit]!;
  return out;
}
