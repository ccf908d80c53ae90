/**
 * The factors of a cell's backward pass that depend on forward values only
 * (σ′ of the gates, 1 − tanh², …), formed the way the ops prefer
 * (Ops.wideFactors): for all steps at once — the inputs stacked [T·N, ·],
 * one wide op per factor, the results split into steps — or step by step,
 * when the backward loop reaches the step. The arithmetic is written once,
 * in `compute`, which takes matrices of any row count.
 */
import type { Ops } from '../ops.js';

/** An object with `value(key)` under each key. */
function record<K extends string, V>(keys: readonly K[], value: (key: K) => V): Record<K, V> {
  return Object.fromEntries(keys.map((key) => [key, value(key)])) as Record<K, V>;
}

/**
 * @param inputs per name, the forward values of every step, T × [N, ·]
 * @param compute the factors from one set of inputs (a step's, or every step's stacked)
 * @returns the factors of step t, [N, ·] each; call it inside the backward
 *   step's scope (the wide factors, made in a scope of their own, outlive it)
 */
export function stepFactors<T, I extends string, F extends string>(
  ops: Ops<T>, steps: number, inputs: Record<I, T[]>, compute: (values: Record<I, T>) => Record<F, T>,
): (t: number) => Record<F, T> {
  const names = Object.keys(inputs) as I[];
  if (!ops.wideFactors) return (t) => compute(record(names, (name) => inputs[name][t]!));
  // Scoped apart: on TF.js the stacked inputs and wide temporaries are freed before the split, the wide factors after it.
  const split = ops.scope(() => {
    const wide = ops.scope(() => compute(record(names, (name) => ops.stackRows(inputs[name]))));
    return record(Object.keys(wide) as F[], (key) => ops.splitRows(wide[key], steps));
  });
  const keys = Object.keys(split) as F[];
  return (t) => record(keys, (key) => split[key][t]!);
}
