/**
 * Which streams start a window from the zero state.
 *
 * Truncated BPTT carries each stream's hidden state from window to window, so
 * without resets the model meets the zero state only at the start of an
 * epoch — yet an unprimed sample starts exactly there. A model that never
 * learnt to read text from the zero state wanders off into noise it does
 * not recover from. Resetting a small random share of the streams at every
 * window boundary makes the zero state an ordinary starting point, at the
 * cost of a little long-range context on those streams.
 *
 * The draws come from the run's RNG (whose state is in every checkpoint), so
 * a run stays deterministic and resumes exactly.
 */
import type { Rng } from '../util/rng.js';

/**
 * The streams (ascending) to reset before the next window: each of `streams`
 * independently with probability `share`. Draws `streams` numbers from rng
 * when share > 0 and none when it is 0 (so runs without resets keep their
 * random sequence).
 */
export function pickResets(rng: Rng, streams: number, share: number): number[] {
  if (!(share > 0)) return [];
  const picked: number[] = [];
  for (let n = 0; n < streams; n++) if (rng.next() < share) picked.push(n);
  return picked;
}
