/**
 * One interactive conversation with a model (`charnn sample`): a single
 * stream whose recurrent state carries over from one prompt to the next,
 * like ml5's `feed`. Text typed by the user is fed in, generated characters
 * are fed back as they are drawn, and `reset()` forgets everything.
 *
 * Invariant: the state and the logits always account for every character
 * handed out so far (typed or generated), so a generation stopped at any
 * point can be continued, and `topCandidates` always describes the very
 * next character.
 *
 * Plain logic on the main thread, no UI imports: generation yields to the
 * event loop after every character so key presses (Esc) stay responsive.
 */
import type { Vocabulary } from '../data/vocabulary.js';
import { stateParts, statePartNames, type StateArrays, type StatePart } from '../model/state.js';
import type { Rng } from '../util/rng.js';
import { drawIndex, logSoftmax, samplingDistribution, topCandidates, type SamplingOptions } from './distribution.js';
import { primeIds } from './generate.js';
import type { Sampler } from './sampler.js';

/** A generated character and how likely the model found it. */
export interface GeneratedChar {
  char: string;
  id: number;
  /** Probability under the model's raw distribution (temperature 1, no top-k/top-p). */
  prob: number;
  /** ln(prob). */
  logprob: number;
  /** −log₂(prob): bits of surprise. */
  surprisal: number;
}

/** A possible next character. */
export interface Candidate {
  char: string;
  id: number;
  /** Probability under the model's raw distribution. */
  prob: number;
}

type FeedResult =
  | { ok: true; chars: number }
  /** Nothing was fed: these characters (distinct, in order of appearance) are not in the vocabulary. */
  | { ok: false; missing: string[] };

/** What the interactive UI needs from a session (SamplingSession, or a fake in tests). */
export interface InteractiveSession {
  readonly vocab: Vocabulary;
  /** Characters fed or generated since the last reset. */
  readonly position: number;
  readonly generating: boolean;
  feed(text: string): FeedResult;
  generate(length: number, sampling: SamplingOptions, rng: Rng, shouldStop?: () => boolean): AsyncGenerator<GeneratedChar, void, void>;
  topCandidates(k: number): Candidate[];
  reset(): void;
  /** The model's layers, units per layer and the state values one can watch (for /unit); absent in sessions that cannot show units. */
  readonly units?: UnitLimits;
  /** A unit's current value (after the last character fed or generated). */
  unitValue?(unit: WatchedUnit): number;
}

export interface UnitLimits {
  layers: number;
  hidden: number;
  signals: StatePart[];
}

/** A unit of the recurrent state: layer from 0, unit from 0, h or (LSTM) c. */
export interface WatchedUnit {
  layer: number;
  unit: number;
  signal: StatePart;
}

interface SamplingSessionOptions {
  /** Applied to fed text before it is checked and encoded (the checkpoint's Unicode normalisation). */
  normalize?: (text: string) => string;
  /** Generated characters between yields to the event loop (default 1). */
  yieldEvery?: number;
}

const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export class SamplingSession implements InteractiveSession {
  private state: StateArrays;
  /** Logits for the next character; null right after a reset (nothing fed yet). */
  private logits: Float32Array | null = null;
  /** Cached logits of a fresh stream (as after a line break), for topCandidates before anything is fed. */
  private freshLogits: Float32Array | null = null;
  private busy = false;
  private count = 0;
  private disposed = false;

  constructor(
    private readonly sampler: Sampler,
    readonly vocab: Vocabulary,
    private readonly options: SamplingSessionOptions = {},
  ) {
    if (sampler.vocabSize !== vocab.size) {
      throw new Error(`the model has ${sampler.vocabSize} outputs but the vocabulary ${vocab.size} characters`);
    }
    this.state = sampler.zeroState(1);
  }

  get position(): number {
    return this.count;
  }

  get generating(): boolean {
    return this.busy;
  }

  /** True until something is fed or generated after construction or a reset. */
  get fresh(): boolean {
    return this.logits === null;
  }

  private checkIdle(what: string): void {
    if (this.disposed) throw new Error(`${what}: the session is disposed`);
    if (this.busy) throw new Error(`${what}: a generation is running`);
  }

  /**
   * Feeds text into the stream (after normalisation). Text with characters
   * outside the vocabulary is rejected as a whole, naming them; the state is
   * then unchanged.
   */
  feed(text: string): FeedResult {
    this.checkIdle('feed');
    const normalized = this.options.normalize ? this.options.normalize(text) : text;
    const missing = this.vocab.missingChars(normalized);
    if (missing.length > 0) return { ok: false, missing };
    if (normalized.length === 0) return { ok: true, chars: 0 };
    const ids = this.vocab.encode(normalized);
    const { state, logits } = this.sampler.feed(this.state, ids);
    this.state = state;
    this.logits = logits;
    this.count += ids.length;
    return { ok: true, chars: ids.length };
  }

  /** A fresh stream starts as after a line break, like `charnn generate` without --prime. */
  private startFresh(): Float32Array {
    const { state, logits } = this.sampler.feed(this.state, primeIds(this.vocab, ''));
    this.state = state;
    this.logits = logits;
    return logits;
  }

  /**
   * Draws up to `length` characters, one per iteration, each already fed
   * back into the state when it is yielded. `shouldStop` is checked before
   * every character; breaking out of the loop stops too. Between characters
   * the event loop runs.
   */
  async *generate(
    length: number,
    sampling: SamplingOptions,
    rng: Rng,
    shouldStop?: () => boolean,
  ): AsyncGenerator<GeneratedChar, void, void> {
    this.checkIdle('generate');
    this.busy = true;
    const yieldEvery = Math.max(1, this.options.yieldEvery ?? 1);
    // Scratch rows for every draw, as in generate(): what is yielded is copied out of them.
    const logProbs = new Float64Array(this.vocab.size);
    const probs = new Float64Array(this.vocab.size);
    try {
      for (let i = 0; i < length; i++) {
        if (shouldStop?.() || this.disposed) return;
        const logits = this.logits ?? this.startFresh();
        logSoftmax(logits, 0, logits.length, logProbs);
        const id = drawIndex(samplingDistribution(logProbs, sampling, probs), rng);
        const next = this.sampler.step(this.state, Int32Array.of(id));
        this.state = next.state;
        this.logits = next.logits;
        this.count++;
        const logprob = logProbs[id]!;
        yield { char: this.vocab.chars[id]!, id, prob: Math.exp(logprob), logprob, surprisal: -logprob / Math.LN2 };
        if ((i + 1) % yieldEvery === 0) await yieldToEventLoop();
      }
    } finally {
      this.busy = false;
    }
  }

  /** The k most likely next characters under the raw model distribution, most likely first. */
  topCandidates(k: number): Candidate[] {
    let logits = this.logits;
    if (logits === null) {
      if (this.freshLogits === null) {
        this.freshLogits = this.sampler.feed(this.sampler.zeroState(1), primeIds(this.vocab, '')).logits;
      }
      logits = this.freshLogits;
    }
    return topCandidates(logSoftmax(logits), k).map(({ index, prob }) => ({ char: this.vocab.chars[index]!, id: index, prob }));
  }

  /** Forgets all context: back to the zero state. */
  reset(): void {
    this.checkIdle('reset');
    this.state = this.sampler.zeroState(1);
    this.logits = null;
    this.count = 0;
  }

  get units(): UnitLimits {
    const { layers, hidden, cell } = this.sampler.model.config;
    return { layers, hidden, signals: [...statePartNames(cell)] };
  }

  /** A unit's value in the current state: 0 on a fresh state, else after the last character fed or generated. */
  unitValue({ layer, unit, signal }: WatchedUnit): number {
    const part = this.state.layers[layer]?.[signal];
    if (!part || unit < 0 || unit >= this.state.hidden) throw new Error(`unitValue: no ${signal} unit ${layer}:${unit} in this model`);
    return part[unit]!;
  }

  /** Copies of the recurrent state (h, and c for LSTM, per layer) and the next-character logits, for tests and debugging. */
  snapshot(): { state: Float32Array[]; logits: Float32Array | null } {
    const state = stateParts(this.state).map((p) => Float32Array.from(p));
    return { state, logits: this.logits ? Float32Array.from(this.logits) : null };
  }

  /** Ends the session (the sampler belongs to the caller). */
  dispose(): void {
    this.disposed = true;
  }
}
