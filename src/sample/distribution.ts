/**
 * Turning one row of logits into a character: temperature, top-k, nucleus
 * (top-p) truncation and a draw from the seeded RNG. Plain JS on a [V] row —
 * cheap next to the model step, and identical on every backend.
 */
import { DEFAULT_SAMPLING_SETTINGS, type SamplingSettings } from '../settings/sampling-settings.js';
import type { Rng } from '../util/rng.js';

export { logSoftmax } from '../model/log-softmax.js';

/** How one character is drawn: temperature (0 = argmax), top-k (0 = off), top-p (1 = off). */
export type SamplingOptions = Pick<SamplingSettings, 'temperature' | 'topK' | 'topP'>;

/** The one default for generate, sample, the dashboard's samples and the export page (settings/sampling-settings.ts). */
export const DEFAULT_SAMPLING: SamplingOptions = {
  temperature: DEFAULT_SAMPLING_SETTINGS.temperature, topK: DEFAULT_SAMPLING_SETTINGS.topK, topP: DEFAULT_SAMPLING_SETTINGS.topP,
};

/**
 * The distribution actually sampled from, after temperature and truncation.
 * Returns probabilities that sum to 1 (zeros for excluded characters), in
 * `out` when given.
 */
export function samplingDistribution(logProbs: Float64Array, options: SamplingOptions, out?: Float64Array): Float64Array {
  const size = logProbs.length;
  const probs = out ?? new Float64Array(size);
  if (options.temperature <= 0) {
    probs.fill(0);
    let best = 0;
    for (let i = 1; i < size; i++) if (logProbs[i]! > logProbs[best]!) best = i;
    probs[best] = 1;
    return probs;
  }
  // The largest log-probability is subtracted before dividing: the most likely character gets
  // exp(0) = 1 at any temperature, and a temperature so small that the others' quotients overflow
  // (1e-308) leaves them exp(−∞) = 0 — argmax, as the limit should be, never NaN.
  let max = -Infinity;
  for (let i = 0; i < size; i++) max = Math.max(max, logProbs[i]!);
  let sum = 0;
  for (let i = 0; i < size; i++) {
    probs[i] = Math.exp((logProbs[i]! - max) / options.temperature);
    sum += probs[i]!;
  }
  for (let i = 0; i < size; i++) probs[i]! /= sum;
  const truncateK = options.topK > 0 && options.topK < size;
  const truncateP = options.topP > 0 && options.topP < 1;
  if (!truncateK && !truncateP) return probs;
  // Stable order: by probability, ties by index, so results never depend on sort internals.
  const order = Array.from({ length: size }, (_, i) => i).sort((a, b) => probs[b]! - probs[a]! || a - b);
  let keep = truncateK ? options.topK : size;
  if (truncateP) {
    let cumulative = 0;
    for (let r = 0; r < keep; r++) {
      cumulative += probs[order[r]!]!;
      if (cumulative >= options.topP) {
        keep = r + 1;
        break;
      }
    }
  }
  let kept = 0;
  for (let r = 0; r < keep; r++) kept += probs[order[r]!]!;
  for (let r = 0; r < size; r++) probs[order[r]!] = r < keep ? probs[order[r]!]! / kept : 0;
  return probs;
}

/** Draws an index from a probability vector. */
export function drawIndex(probs: Float64Array, rng: Rng): number {
  const u = rng.next();
  let cumulative = 0;
  let last = 0;
  for (let i = 0; i < probs.length; i++) {
    if (probs[i]! <= 0) continue;
    cumulative += probs[i]!;
    last = i;
    if (u < cumulative) return i;
  }
  return last;
}

/** The k most likely characters of a log-probability row, most likely first. */
export function topCandidates(logProbs: Float64Array, k: number): { index: number; prob: number }[] {
  return Array.from(logProbs, (lp, index) => ({ index, prob: Math.exp(lp) }))
    .sort((a, b) => b.prob - a.prob || a.index - b.index)
    .slice(0, k);
}
