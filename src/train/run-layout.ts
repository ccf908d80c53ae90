/**
 * The batch layouts of a run: training shrinks the requested batch (then
 * seq-len) until one window fits its text; validation then uses as many
 * streams of that window as its own text holds (shorter windows only when
 * not even one fits). Only a text that cannot hold one stream of
 * MIN_WINDOW characters is refused.
 */
import { describeLayout, fitLayout, MIN_WINDOW, type Layout } from '../data/layout.js';
import { usageError } from '../util/errors.js';

export interface RunLayout {
  train: Layout;
  val: Layout;
  /** What was shrunk and why, for the user (empty when the requested layout fits). */
  notes: string[];
}

/**
 * @param requested the --batch and --seq-len asked for (or stored in a checkpoint).
 * @throws CharnnError (usage) when either split cannot hold one stream of min(MIN_WINDOW, seqLen) characters.
 */
export function fitRunLayout(trainChars: number, valChars: number, requested: Layout, valFrac: number): RunLayout {
  const minSeqLen = Math.min(MIN_WINDOW, requested.seqLen);
  const train = fitLayout(trainChars, requested, minSeqLen);
  if (train === null) {
    throw usageError(
      `the corpus is too short to train on: its training part has ${characters(trainChars)}, and one stream of ${minSeqLen} needs ${minSeqLen + 1}`,
      'use a longer text',
    );
  }
  const val = fitLayout(valChars, train, minSeqLen);
  if (val === null) {
    const total = trainChars + valChars;
    const needed = Math.ceil(((minSeqLen + 1) / Math.max(1, total)) * 100) / 100;
    const hint = needed < 0.5 ? `use a larger --val-frac (at least ${needed}) or a longer text` : 'use a longer text';
    throw usageError(
      `the validation part (the last ${Math.round(valFrac * 1000) / 10}% of the corpus) has ${characters(valChars)}, and one stream of ${minSeqLen} needs ${minSeqLen + 1}`,
      hint,
    );
  }
  const notes: string[] = [];
  if (train.batchSize !== requested.batchSize || train.seqLen !== requested.seqLen) {
    notes.push(`the text is short: ${describeLayout(requested)} does not fit its ${count(trainChars)} training characters; training with ${describeLayout(train)}`);
  }
  if (val.batchSize !== train.batchSize || val.seqLen !== train.seqLen) {
    notes.push(`validation: ${describeLayout(val)} (what its ${count(valChars)} characters hold)`);
  }
  return { train, val, notes };
}

const count = (n: number): string => n.toLocaleString('en-US');
const characters = (n: number): string => `${count(n)} character${n === 1 ? '' : 's'}`;
