/**
 * Inverted-dropout masks, drawn in JS so that every engine applies the same
 * masks for the same seed.
 */
import type { Rng } from '../util/rng.js';

/**
 * A mask [T·N, W] for one layer's stacked output: 1/(1 − rate) where kept,
 * 0 where dropped. Row t·N + n is drawn from rngs[n] (one generator per
 * stream, consumed in step order), so a batch split into shards draws the
 * same masks as the whole batch.
 */
export function dropoutMaskValues(rngs: readonly Rng[], steps: number, cols: number, rate: number): Float32Array {
  const keep = 1 - rate;
  const n = rngs.length;
  const values = new Float32Array(steps * n * cols);
  for (let t = 0; t < steps; t++) {
    // Kept where rng.next() < keep, one draw per value.
    for (let s = 0; s < n; s++) rngs[s]!.fillBernoulli(values, (t * n + s) * cols, cols, keep, 1 / keep);
  }
  return values;
}

/** One generator per stream for the masks, forked from `rng` in stream order (none when the model has no dropout). */
export function streamRngs(rng: Rng, config: { dropout: number }, streams: number): Rng[] | undefined {
  return config.dropout > 0 ? Array.from({ length: streams }, () => rng.fork()) : undefined;
}
