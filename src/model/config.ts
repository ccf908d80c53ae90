/** Model hyper-parameters; stored in every checkpoint. */
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

/**
 * The defaults are chosen for quality per minute on a 2-core CPU with the ort
 * engine (docs/engine.md, "Quality per time"): a 2×256 LSTM without dropout
 * overfits Tiny Shakespeare within minutes, so the default is wider and
 * regularised, and the learning rate follows a cosine over the run's limit.
 * In 20 minutes on 2 cores, 2×512 with dropout 0.25 reached 1.482 nats where
 * 2×384 with dropout 0.2 reached 1.507.
 */
export const DEFAULT_MODEL_CONFIG: Omit<ModelConfig, 'vocabSize'> = {
  cell: 'lstm',
  embedding: 64,
  hidden: 512,
  layers: 2,
  dropout: 0.25,
};

/**
 * The largest model charnn builds or loads. Numbers read from a checkpoint
 * (or given as flags) are checked against these before anything is
 * allocated: a hand-made charnn.json with 10,000,000 layers is refused, not
 * an out-of-memory crash. Far above anything that trains on a CPU.
 */
export const MODEL_LIMITS = {
  layers: 64,
  hidden: 16_384,
  embedding: 16_384,
  /** Every Unicode code point. */
  vocabSize: 0x110000,
  /** 2^29 float32 parameters = 2 GiB of weights. */
  parameters: 2 ** 29,
} as const;

/** What exceeds MODEL_LIMITS in a config (fields already positive integers), or null. */
export function modelLimitProblem(c: ModelConfig): string | null {
  for (const key of ['layers', 'hidden', 'embedding', 'vocabSize'] as const) {
    if (c[key] > MODEL_LIMITS[key]) return `${key} ${c[key]} exceeds the limit of ${MODEL_LIMITS[key].toLocaleString('en-US')}`;
  }
  const n = parameterCount(c);
  if (n > MODEL_LIMITS.parameters) return `${n.toLocaleString('en-US')} parameters exceed the limit of ${MODEL_LIMITS.parameters.toLocaleString('en-US')}`;
  return null;
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
