/**
 * The optimizer's state in a checkpoint: its step count in charnn.json
 * (state.adamStep) and its moments in the state file as `adam.m/<parameter>`
 * and `adam.v/<parameter>`, each shaped like its parameter, in parameter
 * order — none before the first update.
 */
import type { ModelConfig } from '../model/config.js';
import { parameterSpecs, type ParamArrays } from '../model/params.js';

/**
 * The optimizer's state as a checkpoint stores it (Adam.toState() /
 * Adam.fromState() in train/optimizer.ts): its updates so far and its first
 * and second moments, keyed and shaped like the parameters (empty before the
 * first update).
 */
export interface OptimizerState {
  step: number;
  m: ParamArrays;
  v: ParamArrays;
}

const MOMENTS = ['m', 'v'] as const;
const prefix = (moment: 'm' | 'v'): string => `adam.${moment}/`;

/** The names and shapes of the moments' entries for `model`. */
export function optimizerEntrySpecs(model: ModelConfig): { name: string; shape: number[] }[] {
  const specs = parameterSpecs(model);
  return MOMENTS.flatMap((moment) => specs.map(({ name, shape }) => ({ name: prefix(moment) + name, shape })));
}

/** The moments as state-file entries (none when the optimizer has not updated yet). */
export function optimizerEntries(model: ModelConfig, state: OptimizerState): { name: string; shape: number[]; values: Float32Array }[] {
  if (state.m.size === 0) return [];
  const specs = parameterSpecs(model);
  return MOMENTS.flatMap((moment) => specs.map(({ name, shape }) => ({ name: prefix(moment) + name, shape, values: state[moment].get(name)! })));
}

/** Whether a state-file entry holds one of the moments. */
export function isOptimizerEntry(name: string): boolean {
  return MOMENTS.some((moment) => name.startsWith(prefix(moment)));
}

/** The state from the step count and the moments' entries read from a state file (by entry name). */
export function optimizerFromEntries(step: number, entries: ReadonlyMap<string, Float32Array>): OptimizerState {
  const state: OptimizerState = { step, m: new Map(), v: new Map() };
  for (const [name, values] of entries) {
    for (const moment of MOMENTS) if (name.startsWith(prefix(moment))) state[moment].set(name.slice(prefix(moment).length), values);
  }
  return state;
}
