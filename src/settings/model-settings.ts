/**
 * The model's settings (`charnn train --cell --layers --hidden --embedding
 * --dropout --dropout-mask --weight-drop --embedding-dropout`): defaults,
 * bounds, and what a resume or fine-tune may change. The vocabulary size is
 * not a setting: the corpus decides it.
 */
import { CELL_TYPES, DEFAULT_CELL, DROPOUT_MASKS, NO_EXTRA_REGULARISATION as OFF, parameterCount, type ModelConfig } from '../model/config.js';
import { defaultsOf, limitProblem, type SettingsTable } from './setting.js';
import { choice, dropoutRate, positiveInt } from './values.js';

export type ModelSettings = Omit<ModelConfig, 'vocabSize'>;

/** Why neither a resume nor a fine-tune can change these: the weights have their shapes. */
const SHAPE = 'the model keeps the checkpoint\'s shape';
/** The regularisation: a resume keeps it (the run goes on as it was), a fine-tune may set its own. */
const KEPT = 'a resumed run keeps it, while a fine-tune with --init-from may change it';

/**
 * The defaults are chosen for quality per minute on a 2-core CPU with the ort
 * engine (docs/engine.md, "Quality per time"): a 2×256 LSTM without dropout
 * overfits Tiny Shakespeare within minutes, so the default is wider and
 * regularised, and the learning rate follows a cosine over the run's limit.
 * In 20 minutes on 2 cores, 2×512 with dropout 0.25 reached 1.482 nats where
 * 2×384 with dropout 0.2 reached 1.507.
 *
 * The bounds are the largest model charnn builds or loads: numbers read from
 * a checkpoint (or given as flags) are checked before anything is
 * allocated, so a hand-made charnn.json with 10,000,000 layers is refused,
 * not an out-of-memory crash. Far above anything that trains on a CPU.
 */
export const MODEL_SETTINGS: SettingsTable<ModelSettings> = {
  cell: { flag: '--cell <type>', type: choice(CELL_TYPES), default: DEFAULT_CELL, help: 'recurrent cell', fixedOnResume: SHAPE, fixedOnInitFrom: SHAPE },
  layers: { flag: '--layers <n>', type: positiveInt, default: 2, max: 64, help: 'recurrent layers', fixedOnResume: SHAPE, fixedOnInitFrom: SHAPE },
  hidden: { flag: '--hidden <n>', type: positiveInt, default: 512, max: 16_384, help: 'hidden units per layer', fixedOnResume: SHAPE, fixedOnInitFrom: SHAPE },
  embedding: { flag: '--embedding <n>', type: positiveInt, default: 64, max: 16_384, help: 'character embedding size', fixedOnResume: SHAPE, fixedOnInitFrom: SHAPE },
  dropout: { flag: '--dropout <rate>', type: dropoutRate, default: 0.25, help: 'dropout on each layer\'s output while training, in [0, 1)', fixedOnResume: KEPT },
  dropoutMask: {
    flag: '--dropout-mask <kind>', type: choice(DROPOUT_MASKS), default: OFF.dropoutMask, whenAbsent: 'default', fixedOnResume: KEPT,
    help: 'a new dropout mask at every step, or one per sequence (variational dropout)',
  },
  weightDrop: {
    flag: '--weight-drop <rate>', type: dropoutRate, default: OFF.weightDrop, whenAbsent: 'default', fixedOnResume: KEPT,
    help: 'DropConnect on the recurrent weights while training, one mask per batch, in [0, 1)',
  },
  embeddingDropout: {
    flag: '--embedding-dropout <rate>', type: dropoutRate, default: OFF.embeddingDropout, whenAbsent: 'default', fixedOnResume: KEPT,
    help: 'drops whole characters\' embeddings while training, one mask per batch, in [0, 1)',
  },
};

export const DEFAULT_MODEL_CONFIG: ModelSettings = defaultsOf(MODEL_SETTINGS);

/** Bounds of a whole model besides its settings' own (MODEL_SETTINGS' max). */
const MODEL_LIMITS = {
  /** Every Unicode code point. */
  vocabSize: 0x110000,
  /** 2^29 float32 parameters = 2 GiB of weights. */
  parameters: 2 ** 29,
} as const;

/** What exceeds the model's bounds in a config (fields already positive integers), or null. */
export function modelLimitProblem(c: ModelConfig): string | null {
  const setting = limitProblem(MODEL_SETTINGS, c);
  if (setting) return setting;
  if (c.vocabSize > MODEL_LIMITS.vocabSize) return `vocabSize ${c.vocabSize} exceeds the limit of ${MODEL_LIMITS.vocabSize.toLocaleString('en-US')}`;
  const n = parameterCount(c);
  if (n > MODEL_LIMITS.parameters) return `${n.toLocaleString('en-US')} parameters exceed the limit of ${MODEL_LIMITS.parameters.toLocaleString('en-US')}`;
  return null;
}
