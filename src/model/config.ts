import { layerShapes, type CellType } from './cells/descriptors.js';

/** The cells are described in ./cells/descriptors.ts; re-exported here for the many places that read a config. */
export { CELL_TYPES, DEFAULT_CELL, gateCount, type CellType } from './cells/descriptors.js';

/** A new dropout mask at every step, or one per stream for a whole window (variational dropout; ./dropout.ts). */
export const DROPOUT_MASKS = ['step', 'sequence'] as const;
export type DropoutMask = (typeof DROPOUT_MASKS)[number];

/** The later regularisers when off: what a config without them means (the settings' defaults, ./dropout.ts). */
export const NO_EXTRA_REGULARISATION: { readonly dropoutMask: DropoutMask; readonly weightDrop: number; readonly embeddingDropout: number } = {
  dropoutMask: 'step', weightDrop: 0, embeddingDropout: 0,
};

/** Model hyper-parameters; stored in every checkpoint (their defaults and bounds: settings/model-settings.ts). */
export interface ModelConfig {
  cell: CellType;
  vocabSize: number;
  embedding: number;
  hidden: number;
  layers: number;
  /** Inverted dropout on each layer's output sequence, training only. */
  dropout: number;
  /**
   * The regularisation added later, all training only (./dropout.ts): a new
   * dropout mask every step or one per sequence, DropConnect on the
   * recurrent matrices, dropout of whole characters' embeddings. Absent
   * reads as 'step', 0, 0 (the settings table fills them in for every run
   * and checkpoint; literal configs may leave them out).
   */
  dropoutMask?: DropoutMask;
  weightDrop?: number;
  embeddingDropout?: number;
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
