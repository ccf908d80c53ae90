/**
 * Batched text generation: every request is a stream of one batch, so 64
 * samples cost one model step per character, not 64. Each request draws from
 * its own RNG, so a sample's text depends only on its own seed, never on how
 * many others were generated with it.
 */
import type { Vocabulary } from '../data/vocabulary.js';
import type { StateArrays } from '../model/state.js';
import type { Rng } from '../util/rng.js';
import { drawIndex, logSoftmax, samplingDistribution, type SamplingOptions } from './distribution.js';
import type { Sampler } from './sampler.js';

export interface GenerationRequest {
  /** Text the sample continues; '' = start as after a line break. */
  prime: string;
  rng: Rng;
  sampling: SamplingOptions;
}

interface GenerationSettings {
  /** Characters to generate; 0 = until a stop string or maxLength. */
  length: number;
  maxLength: number;
  /** A sample ends as soon as its text ends with one of these (excluded from the text). */
  stop: string[];
  /** Called with each generated character as soon as it is drawn. */
  onChar?: (request: number, char: string) => void;
  /** Checked between steps; true ends every stream where it is. */
  shouldStop?: () => boolean;
  /** Awaited every few steps so the event loop (keys, pipes) keeps running. */
  yieldEvery?: number;
  /** Awaited after every step (e.g. to flush streamed text with back-pressure). */
  afterStep?: () => Promise<void>;
}

export interface GenerationResult {
  text: string;
  /** Sum of the model's log-probabilities (temperature 1, untruncated) of the generated characters. */
  logprob: number;
  length: number;
  /** The stop string that ended the sample, or null. */
  stopped: string | null;
}

/** Ids that start a stream for a prime ('' → a newline when the vocabulary has one). */
export function primeIds(vocab: Vocabulary, prime: string): Int32Array {
  if (prime.length > 0) return vocab.encode(prime);
  const newline = vocab.id('\n');
  return new Int32Array([newline >= 0 ? newline : 0]);
}

/** Primes every request (one feed per distinct prime) and stacks the states. */
function primeAll(sampler: Sampler, vocab: Vocabulary, requests: GenerationRequest[]): { state: StateArrays; logits: Float32Array } {
  const vocabSize = sampler.vocabSize;
  const byPrime = new Map<string, { state: StateArrays; logits: Float32Array }>();
  for (const r of requests) {
    if (!byPrime.has(r.prime)) byPrime.set(r.prime, sampler.feed(sampler.zeroState(1), primeIds(vocab, r.prime)));
  }
  const logits = new Float32Array(requests.length * vocabSize);
  requests.forEach((r, i) => logits.set(byPrime.get(r.prime)!.logits, i * vocabSize));
  const state = sampler.stack(requests.map((r) => byPrime.get(r.prime)!.state));
  return { state, logits };
}

export async function generate(
  sampler: Sampler,
  vocab: Vocabulary,
  requests: GenerationRequest[],
  settings: GenerationSettings,
): Promise<GenerationResult[]> {
  const vocabSize = sampler.vocabSize;
  const limit = settings.length > 0 ? settings.length : settings.maxLength;
  const results: GenerationResult[] = requests.map(() => ({ text: '', logprob: 0, length: 0, stopped: null }));
  if (requests.length === 0 || limit <= 0) return results;
  const done = requests.map(() => false);
  let { state, logits } = primeAll(sampler, vocab, requests);
  const current = new Int32Array(requests.length);
  const yieldEvery = settings.yieldEvery ?? 16;
  // Scratch rows, reused for every draw (a new array per character costs more than the draw).
  const logProbs = new Float64Array(vocabSize);
  const probs = new Float64Array(vocabSize);
  for (let step = 0; step < limit; step++) {
    for (let i = 0; i < requests.length; i++) {
      if (done[i]) continue;
      const request = requests[i]!;
      logSoftmax(logits, i * vocabSize, vocabSize, logProbs);
      const id = drawIndex(samplingDistribution(logProbs, request.sampling, probs), request.rng);
      current[i] = id;
      const char = vocab.chars[id]!;
      const result = results[i]!;
      result.logprob += logProbs[id]!;
      result.length++;
      result.text += char;
      settings.onChar?.(i, char);
      const stop = settings.stop.find((s) => s.length > 0 && result.text.endsWith(s));
      if (stop !== undefined) {
        result.stopped = stop;
        result.text = result.text.slice(0, result.text.length - stop.length);
        done[i] = true;
      } else if (result.length >= limit) {
        done[i] = true;
      }
    }
    if (settings.afterStep) await settings.afterStep();
    if (done.every(Boolean) || settings.shouldStop?.()) break;
    ({ state, logits } = sampler.step(state, current));
    if ((step + 1) % yieldEvery === 0) await new Promise<void>((resolve) => setImmediate(resolve));
  }
  return results;
}
