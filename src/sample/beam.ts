/**
 * Beam search: the N most likely continuations of a prime by total
 * log-probability, instead of random draws.
 *
 * The N live hypotheses are the N streams of one batched Sampler step: after
 * each step every hypothesis proposes its N best next characters, the N best
 * of all N·N proposals survive, and the state rows are gathered from their
 * parents (Sampler.select). A hypothesis ends when it produces a stop string
 * (excluded from its text, as in generate) or reaches the length limit. The
 * log-probability of a hypothesis only falls as it grows, so the search ends
 * as soon as N finished hypotheses are at least as likely as every live one.
 *
 * Beam 1 keeps the single most likely character at every step: exactly
 * temperature 0 (ties go to the lower character id in both).
 */
import type { Vocabulary } from '../data/vocabulary.js';
import { logSoftmax } from './distribution.js';
import { primeIds, type GenerationResult } from './generate.js';
import type { Sampler } from './sampler.js';

interface BeamSettings {
  /** Hypotheses kept alive, and results returned (at most). */
  beam: number;
  /** Characters per continuation; 0 = until a stop string or maxLength. */
  length: number;
  maxLength: number;
  /** A continuation ends as soon as its text ends with one of these (excluded from the text). */
  stop: string[];
  /** Awaited every few steps so the event loop (signals, pipes) keeps running. */
  yieldEvery?: number;
}

interface Hypothesis {
  text: string;
  logprob: number;
  length: number;
}

interface Proposal {
  parent: number;
  id: number;
  /** ln p of the character itself. */
  step: number;
  /** The parent's logprob plus `step`. */
  total: number;
}

/** Most likely first; equal totals: the likelier last character, then the earlier parent, then the lower id (as argmax). */
function better(a: Proposal, b: Proposal): number {
  return b.total - a.total || b.step - a.step || a.parent - b.parent || a.id - b.id;
}

/** Indices of the k largest entries of a row, largest first (ties: lower index first). */
function topIndices(row: Float64Array, k: number): number[] {
  const order = Array.from({ length: row.length }, (_, i) => i);
  order.sort((a, b) => row[b]! - row[a]! || a - b);
  return order.slice(0, k);
}

/**
 * The `beam` most likely continuations of `prime`, most likely first
 * (fewer when fewer distinct continuations exist). Each result's logprob is
 * the sum of the model's ln p of its characters, stop string included.
 */
export async function beamSearch(sampler: Sampler, vocab: Vocabulary, prime: string, settings: BeamSettings): Promise<GenerationResult[]> {
  const width = settings.beam;
  if (!Number.isInteger(width) || width < 1) throw new Error(`beam width must be a positive integer, got ${width}`);
  const limit = settings.length > 0 ? settings.length : settings.maxLength;
  if (limit <= 0) return [];
  const vocabSize = sampler.vocabSize;
  const yieldEvery = settings.yieldEvery ?? 16;
  const primed = sampler.feed(sampler.zeroState(1), primeIds(vocab, prime));
  let state = primed.state;
  let logits = primed.logits;
  let live: Hypothesis[] = [{ text: '', logprob: 0, length: 0 }];
  const finished: GenerationResult[] = [];
  const worstKept = (): number => (finished.length < width ? -Infinity : finished[width - 1]!.logprob);
  for (let step = 0; step < limit; step++) {
    const proposals: Proposal[] = [];
    live.forEach((h, parent) => {
      const row = logSoftmax(logits, parent * vocabSize, vocabSize);
      for (const id of topIndices(row, width)) proposals.push({ parent, id, step: row[id]!, total: h.logprob + row[id]! });
    });
    proposals.sort(better);
    const next: Hypothesis[] = [];
    const parents: number[] = [];
    const ids: number[] = [];
    const stops = settings.stop.filter((s) => s.length > 0);
    for (const p of proposals) {
      // Sorted: nothing after this can enter the N best, live or finished.
      if (p.total < worstKept() || (next.length === width && stops.length === 0)) break;
      const parent = live[p.parent]!;
      const h: Hypothesis = { text: parent.text + vocab.chars[p.id]!, logprob: p.total, length: parent.length + 1 };
      const stop = stops.find((s) => h.text.endsWith(s));
      if (stop !== undefined || h.length >= limit) {
        const text = stop === undefined ? h.text : h.text.slice(0, h.text.length - stop.length);
        finished.push({ text, logprob: h.logprob, length: h.length, stopped: stop ?? null });
        finished.sort((a, b) => b.logprob - a.logprob);
        finished.length = Math.min(finished.length, width);
      } else if (next.length < width) {
        next.push(h);
        parents.push(p.parent);
        ids.push(p.id);
      }
    }
    // Live hypotheses only lose probability as they grow: none can overtake N finished ones at least as likely.
    if (next.length === 0 || next[0]!.logprob <= worstKept()) break;
    live = next;
    state = sampler.select(state, Int32Array.from(parents));
    ({ state, logits } = sampler.step(state, Int32Array.from(ids)));
    if ((step + 1) % yieldEvery === 0) await new Promise<void>((resolve) => setImmediate(resolve));
  }
  return finished;
}
