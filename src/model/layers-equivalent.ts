/**
 * The standard tf.layers model that computes what CharRnn computes:
 * embedding → simpleRNN|lstm|gru (return sequences) × L → dense (logits).
 * Checkpoints are saved through it, so any TF.js program can load them with
 * tf.loadLayersModel. Dropout is a training-time detail and is left out.
 */
import * as tf from '../tf.js';
import { cellDescriptor, type KerasRecurrentLayer } from './cells/descriptors.js';
import type { ModelConfig } from './config.js';
import { toKerasArrays, type ParamArrays } from './params.js';

/**
 * @param options.initialize draw Keras' default initial weights (for training
 *   the baseline); otherwise zeros, since the weights are set right after.
 */
export function buildLayersModel(c: ModelConfig, options: { initialize?: boolean } = {}): tf.LayersModel {
  // Building a layer can leave intermediate tensors of its initialisers
  // behind (an LSTM's with unitForgetBias); the tidy collects them. The
  // model's weights are variables, which a tidy leaves alone.
  let built!: tf.LayersModel;
  tf.tidy(() => {
    built = buildUntidied(c, options);
  });
  return built;
}

function buildUntidied(c: ModelConfig, options: { initialize?: boolean }): tf.LayersModel {
  const init = options.initialize ? {} : { kernelInitializer: 'zeros', recurrentInitializer: 'zeros', embeddingsInitializer: 'zeros' } as const;
  const model = tf.sequential({ name: 'charnn' });
  model.add(tf.layers.embedding({ name: 'embedding', inputDim: c.vocabSize, outputDim: c.embedding, inputShape: [null], embeddingsInitializer: init.embeddingsInitializer }));
  const { keras } = cellDescriptor(c.cell);
  for (let l = 0; l < c.layers; l++) {
    model.add(recurrentLayer(keras.layer, {
      ...keras.options,
      name: `${c.cell}_${l + 1}`, units: c.hidden, returnSequences: true,
      kernelInitializer: init.kernelInitializer, recurrentInitializer: init.recurrentInitializer,
    }));
  }
  model.add(tf.layers.dense({ name: 'output', units: c.vocabSize, kernelInitializer: init.kernelInitializer }));
  return model;
}

/**
 * tf.layers[layer](args). The three factories take different option types;
 * the descriptor's options are the ones its layer takes (and
 * test/model/layers-equivalence.test.ts checks that the layer computes what
 * the cell does).
 */
function recurrentLayer(layer: KerasRecurrentLayer, args: Record<string, unknown>): tf.layers.Layer {
  const make = tf.layers[layer] as unknown as (args: Record<string, unknown>) => tf.layers.Layer;
  return make(args);
}

/** A tf.layers model holding the given weights. */
export function toLayersModel(c: ModelConfig, params: ParamArrays): tf.LayersModel {
  const model = buildLayersModel(c);
  const arrays = toKerasArrays(c, params);
  const tensors = arrays.map(({ spec, values }) => tf.tensor(values, spec.shape));
  model.setWeights(tensors);
  tensors.forEach((t) => t.dispose());
  return model;
}
