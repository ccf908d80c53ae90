/**
 * The model's output distribution in plain JS: log softmax of a row of
 * logits, and the summed cross-entropy of rows against their targets (in
 * float64, identical on every engine). Sampling (src/sample) draws from the
 * former; the TF.js engine's evaluation windows sum the latter.
 */

/**
 * log softmax of logits[offset … offset+size), into `out` (a new
 * Float64Array unless given: a sampling loop passes the same one for every
 * character).
 */
export function logSoftmax(logits: ArrayLike<number>, offset = 0, size = logits.length - offset, out = new Float64Array(size)): Float64Array {
  let max = -Infinity;
  for (let i = 0; i < size; i++) max = Math.max(max, logits[offset + i]!);
  let sum = 0;
  for (let i = 0; i < size; i++) sum += Math.exp(logits[offset + i]! - max);
  const logZ = max + Math.log(sum);
  for (let i = 0; i < size; i++) out[i] = logits[offset + i]! - logZ;
  return out;
}

/**
 * Summed cross-entropy −Σ log softmax(row)[target] over the rows of
 * `logits` ([R, size]) whose target is ≥ 0, in float64 — the arithmetic of
 * logSoftmax without an array per row.
 */
export function crossEntropySum(logits: ArrayLike<number>, targets: ArrayLike<number>, size: number): number {
  let sum = 0;
  for (let row = 0; row < targets.length; row++) {
    const target = targets[row]!;
    if (target < 0) continue;
    const offset = row * size;
    let max = -Infinity;
    for (let i = 0; i < size; i++) max = Math.max(max, logits[offset + i]!);
    let z = 0;
    for (let i = 0; i < size; i++) z += Math.exp(logits[offset + i]! - max);
    sum -= logits[offset + target]! - (max + Math.log(z));
  }
  return sum;
}
