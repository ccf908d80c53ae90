/**
 * Step-by-step inference for any number of streams: feed text into a state,
 * then advance one character at a time, on whichever engine's StepModel
 * (the layer-0 projection table is computed once there, so each step is
 * only the recurrent work). States are plain arrays (model/state.ts): they
 * need no disposing, and an old state stays valid after a step.
 */
import { concatStreams, selectStreams, tileState, zeroState, type StateArrays } from '../model/state.js';
import type { StepModel } from '../engine/engine.js';

export class Sampler {
  constructor(readonly model: StepModel) {}

  get vocabSize(): number {
    return this.model.config.vocabSize;
  }

  zeroState(streams: number): StateArrays {
    return zeroState(this.model.config, streams);
  }

  /** Runs one stream over `ids` and returns the new state and the logits after the last character. */
  feed(state: StateArrays, ids: Int32Array): { state: StateArrays; logits: Float32Array } {
    return this.model.run(state, ids, ids.length);
  }

  /** One step for N streams: `ids` [N] are the current characters. Returns the next state and logits [N·V]. */
  step(state: StateArrays, ids: Int32Array): { state: StateArrays; logits: Float32Array } {
    return this.model.run(state, ids, 1);
  }

  /**
   * The streams `rows` of a state, in that order (a row may repeat): beam
   * search continues each surviving hypothesis from its parent's state.
   */
  select(state: StateArrays, rows: Int32Array): StateArrays {
    return selectStreams(state, rows);
  }

  /** N copies of a single-stream state, stacked into one N-stream state. */
  tile(state: StateArrays, copies: number): StateArrays {
    return tileState(state, copies);
  }

  /** Stacks single-stream states into one multi-stream state. */
  stack(states: StateArrays[]): StateArrays {
    return concatStreams(states);
  }

  dispose(): void {
    this.model.dispose();
  }
}
