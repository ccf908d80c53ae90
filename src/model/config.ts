/** Model hyper-parameters; stored in every checkpoint (their defaults and bounds: settings/model-settings.ts). */
export type CellType = 'rnn' | 'lstm' | 'gru';

export const CELL_TYPES: readonly CellType[] = ['rnn', 'lstm', 'gru'];

export interface ModelConfig {
  cell: CellType;
  vocabSize: number;
  embedding: number;
  hidden: number;
  layers: number;
  /** Inverted dropout on each layer's output sequence, training only. */
  dropout: number;
}

/** Gate blocks per cell: the width of kernel columns is gates × hidden. */
export function gateCount(cell: CellType): number {
  return cell === 'lstm' ? 4 : cell === 'gru' ? 3 : 1;
}

/** Parameter count, identical to the tf.layers equivalent. */
export function parameterCount(c: ModelConfig): number {
  const g = gateCount(c.cell);
  let n = c.vocabSize * c.embedding;
  for (let l = 0; l < c.layers; l++) {
    const input = l === 0 ? c.embedding : c.hidden;
    n += input * g * c.hidden + c.hidden * g * c.hidden + g * c.hidden;
  }
  return n + c.hidden * c.vocabSize + c.vocabSize;
}
