/**
 * How much memory a TF.js pass over a model takes, before it is started:
 * work sized by the user (--batch, --seq-len, --span, --lags, --hidden)
 * can ask for hundreds of gigabytes, and the wasm backend's heap ends at
 * 4 GiB with "memory access out of bounds" deep inside a kernel. Commands
 * compare this estimate with their backend's budget (engine/tfjs/backend/memory-budget.ts)
 * and refuse in one line. No TF.js here.
 */
import { cellDescriptor } from './cells/descriptors.js';
import { parameterCount, type ModelConfig } from './config.js';

/**
 * float32 values per logit a training step holds at its peak (logits, log
 * softmax, its exp, the one-hot targets and the gradient): 40.7 bytes
 * measured with tf.profile, vocabulary 16 → 2,000.
 */
const FLOATS_PER_LOGIT = 10;
/** Per embedding value: the looked-up inputs and their gradient, with room to spare. */
const FLOATS_PER_EMBEDDING = 4;

/**
 * Peak bytes of tensors of one training step (forward keeping every step's
 * caches, then backpropagation through time) of `config` on `batchSize`
 * streams × `seqLen` steps: activations L·T·N·H × the cell's
 * trainingFloats, logits T·N·V, inputs T·N·E, and the weights and their
 * gradients. At most 25% above tf.profile's peakBytes on wasm for the
 * shapes measured, never below: an LSTM of 2 × 128, 32 × 64: 65.2 MB
 * measured, 68.5 MB estimated; of 1 × 512, 64 × 1,250: 4.16 GB measured,
 * 5.1 GB estimated (one layer keeps less per unit than two).
 */
export function trainingStepBytes(config: ModelConfig, batchSize: number, seqLen: number): number {
  const positions = batchSize * seqLen;
  const floats =
    cellDescriptor(config.cell).trainingFloats * config.layers * positions * config.hidden +
    FLOATS_PER_LOGIT * positions * config.vocabSize +
    FLOATS_PER_EMBEDDING * positions * config.embedding +
    2 * parameterCount(config);
  return 4 * floats;
}

/**
 * A forward pass without caches (evaluation, scoring) holds less: each
 * layer still projects the whole window at once. tf.profile on wasm, 2 × 128
 * over 32 × 64: rnn 16, lstm 64, gru 51 bytes per unit and step against 47,
 * 121 and 122 for a training step, and 9.7 bytes per logit.
 */
const FORWARD_SHARE = 0.6;
const FORWARD_FLOATS_PER_LOGIT = 3;

/** Peak bytes of tensors of a forward pass of `config` over `batchSize` streams × `seqLen` steps, logits kept. */
export function forwardBytes(config: ModelConfig, batchSize: number, seqLen: number): number {
  const positions = batchSize * seqLen;
  const floats =
    FORWARD_SHARE * cellDescriptor(config.cell).trainingFloats * config.layers * positions * config.hidden +
    FORWARD_FLOATS_PER_LOGIT * positions * config.vocabSize +
    FLOATS_PER_EMBEDDING * positions * config.embedding +
    parameterCount(config);
  return 4 * floats;
}
