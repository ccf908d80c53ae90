/**
 * Step-by-step inference for any number of streams: feed text into a state,
 * then advance one character at a time. The layer-0 projection table is
 * computed once, so each step is only the recurrent work.
 */
import * as tf from '@tensorflow/tfjs';
import { CharRnn, disposeState, flattenState, unflattenState, type ModelState } from '../model/char-rnn.js';

export class Sampler {
  private readonly table: tf.Tensor2D;

  constructor(readonly model: CharRnn) {
    this.table = model.firstProjectionTable();
  }

  get vocabSize(): number {
    return this.model.config.vocabSize;
  }

  zeroState(streams: number): ModelState {
    return this.model.zeroState(streams);
  }

  /**
   * Runs one stream over `ids` and returns the new state and the logits after
   * the last character. The old state is disposed.
   */
  feed(state: ModelState, ids: Int32Array): { state: ModelState; logits: Float32Array } {
    const { logits, finals } = this.model.sequenceLogits({ inputs: ids, batchSize: 1, seqLen: ids.length }, state, { table: this.table });
    const vocab = this.vocabSize;
    const all = logits.dataSync() as Float32Array;
    const last = all.slice((ids.length - 1) * vocab, ids.length * vocab);
    logits.dispose();
    disposeState(state);
    return { state: finals, logits: last };
  }

  /**
   * One step for N streams: `ids` [N] are the current characters. Returns the
   * next state and logits [N·V]. The old state is disposed.
   */
  step(state: ModelState, ids: Int32Array): { state: ModelState; logits: Float32Array } {
    const { logits, finals } = this.model.sequenceLogits({ inputs: ids, batchSize: ids.length, seqLen: 1 }, state, { table: this.table });
    const values = logits.dataSync() as Float32Array;
    logits.dispose();
    disposeState(state);
    return { state: finals, logits: values };
  }

  /**
   * The streams `rows` of a state, in that order (a row may repeat): beam
   * search continues each surviving hypothesis from its parent's state. The
   * old state is disposed.
   */
  select(state: ModelState, rows: Int32Array): ModelState {
    const next = tf.tidy(() => {
      const indices = tf.tensor1d(rows, 'int32');
      return flattenState(state).map((s) => tf.gather(s, indices) as tf.Tensor2D);
    });
    disposeState(state);
    return unflattenState(next, this.model.config.cell === 'lstm');
  }

  /** N copies of a single-stream state, stacked into one N-stream state. */
  tile(state: ModelState, copies: number): ModelState {
    return state.map((s) => ({
      h: tf.tile(s.h, [copies, 1]) as tf.Tensor2D,
      c: s.c ? (tf.tile(s.c, [copies, 1]) as tf.Tensor2D) : undefined,
    }));
  }

  /** Stacks single-stream states into one multi-stream state (inputs kept). */
  stack(states: ModelState[]): ModelState {
    return states[0]!.map((_, layer) => ({
      h: tf.concat(states.map((s) => s[layer]!.h), 0) as tf.Tensor2D,
      c: states[0]![layer]!.c ? (tf.concat(states.map((s) => s[layer]!.c!), 0) as tf.Tensor2D) : undefined,
    }));
  }

  dispose(): void {
    this.table.dispose();
  }
}
