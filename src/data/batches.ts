/**
 * Cutting an encoded corpus into training batches for truncated backpropagation
 * through time, laid out as in char-rnn / torch-rnn: the text becomes
 * `batchSize` parallel streams, and consecutive batches continue every stream
 * where the previous window ended, so the trainer can carry hidden state over.
 */
import { usageError } from '../util/errors.js';
import type { TokenIds } from './id-builder.js';

/**
 * Splits ids into a training prefix of floor(L * (1 - valFrac)) ids and a
 * validation suffix. Both are views of `ids`, not copies.
 * @throws CharnnError (usage) unless 0 < valFrac < 1.
 */
export function splitTrainVal<T extends TokenIds>(ids: T, valFrac: number): { train: T; val: T } {
  if (!(Number.isFinite(valFrac) && valFrac > 0 && valFrac < 1)) {
    throw usageError(`validation fraction must be between 0 and 1 (exclusive), got ${valFrac}`, 'pass --val-frac with a value such as 0.1');
  }
  const cut = Math.floor(ids.length * (1 - valFrac));
  return { train: ids.subarray(0, cut) as T, val: ids.subarray(cut) as T };
}

/** One batch: inputs and next-character targets, both time-major (element t * batchSize + n). */
interface Batch {
  inputs: Int32Array;
  targets: Int32Array;
}

/** The batches of one epoch over a sequence of ids. */
export class BatchStream {
  readonly batchSize: number;
  readonly seqLen: number;
  /** Length of each of the batchSize parallel streams: floor((L - 1) / batchSize). */
  readonly streamLength: number;
  /** Whole seqLen windows per stream: floor(streamLength / seqLen). */
  readonly batchesPerEpoch: number;
  private readonly ids: TokenIds;

  /**
   * @param what 'training' or 'validation', named in the error when the text is too short.
   * @throws CharnnError (usage) if the text is shorter than one batch window.
   */
  constructor(ids: TokenIds, batchSize: number, seqLen: number, what?: string) {
    checkPositiveInt(batchSize, 'batch size', '--batch');
    checkPositiveInt(seqLen, 'sequence length', '--seq-len');
    this.ids = ids;
    this.batchSize = batchSize;
    this.seqLen = seqLen;
    // L - 1 because the last id of the text is only ever a target.
    this.streamLength = Math.max(0, Math.floor((ids.length - 1) / batchSize));
    this.batchesPerEpoch = Math.floor(this.streamLength / seqLen);
    if (this.batchesPerEpoch < 1) {
      const needed = batchSize * seqLen + 1;
      const subject = what ? `the ${what} text` : 'the text';
      const hint =
        what === 'validation'
          ? 'use a smaller --batch or --seq-len, or a larger --val-frac'
          : 'use a smaller --batch or --seq-len, or a longer corpus';
      throw usageError(`${subject} has ${ids.length} characters but one batch window needs ${needed} (batch ${batchSize} × seq-len ${seqLen} + 1)`, hint);
    }
  }

  /**
   * Batch `index` of the epoch: for stream n and time t, input ids[n*streamLength + index*seqLen + t]
   * and target the id after it. Fresh arrays on every call, so callers may keep them.
   * @throws Error if index is not an integer in [0, batchesPerEpoch): that is a bug in the caller.
   */
  batch(index: number): Batch {
    if (!Number.isInteger(index) || index < 0 || index >= this.batchesPerEpoch) {
      throw new Error(`batch index ${index} out of range [0, ${this.batchesPerEpoch})`);
    }
    const { batchSize, seqLen, streamLength, ids } = this;
    const inputs = new Int32Array(batchSize * seqLen);
    const targets = new Int32Array(batchSize * seqLen);
    for (let n = 0; n < batchSize; n++) {
      const start = n * streamLength + index * seqLen;
      for (let t = 0; t < seqLen; t++) {
        inputs[t * batchSize + n] = ids[start + t]!;
        targets[t * batchSize + n] = ids[start + t + 1]!;
      }
    }
    return { inputs, targets };
  }
}

function checkPositiveInt(value: number, name: string, flag: string): void {
  if (!Number.isInteger(value) || value < 1) {
    throw usageError(`${name} must be a positive integer, got ${value}`, `pass ${flag} with a whole number of at least 1`);
  }
}
