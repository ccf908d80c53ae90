import { layerShapes, type CellType } from './cells/descriptors.js';

/** The cells are described in ./cells/descriptors.ts; re-exported here for the many places that read a config. */
export { CELL_TYPES, DEFAULT_CELL, gateCount, type CellType } from './cells/descriptors.js';

/** Model hyper-parameters; stored in every checkpoint (their defaults and bounds: settings/model-settings.ts). */
export interface ModelConfig {
  cell: CellType;
  vocabSize: number;
  embedding: number;
  hidden: number;
  layers: number;
  /** Inverted dropout on each layer's output sequence, training only. */
  dropout: number;
}

/** Parameter count, identical to the tf.layers equivalent. */
export function parameterCount(c: ModelConfig): number {
  const size = (shape: number[]): number => shape.reduce((a, b) => a * b, 1);
  let n = c.vocabSize * c.embedding;
  for (let l = 0; l < c.layers; l++) {
    const { kernel, recurrent, bias } = layerShapes(c.cell, l === 0 ? c.embedding : c.hidden, c.hidden);
    n += size(kernel) + size(recurrent) + size(bias);
  }
  return n + c.hidden * c.vocabSize + c.vocabSize;
}
