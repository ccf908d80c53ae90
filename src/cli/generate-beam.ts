/**
 * `charnn generate --beam N`: the N most likely continuations of each prompt
 * (beam search), printed like samples, best first. In text format the
 * continuations alone go to stdout and one line per continuation with its
 * log-probability goes to stderr after them; jsonl records carry it.
 *
 * --num K prints the K best of the N (K ≤ N; default all N). Beam search is
 * deterministic and uses the model's own probabilities, so the sampling
 * flags (--temperature, --top-k, --top-p, --seed) are refused with it.
 */
import type { Vocabulary } from '../data/vocabulary.js';
import type { CorpusIndex } from '../novelty/matches.js';
import { beamSearch } from '../sample/beam.js';
import { MAX_BEAM } from '../settings/sampling-settings.js';
import type { Sampler } from '../sample/sampler.js';
import { usageError } from '../util/errors.js';
import type { GenerateOutput } from './generate-output.js';

/** The generate flags that decide whether --beam can run (GenerateOptions has them all). */
interface BeamFlags {
  beam?: number;
  num: number;
  temperature: number;
  topK: number;
  topP: number;
  seed?: number;
}

const SAMPLING_FLAGS: [keyof BeamFlags, string][] = [
  ['temperature', '--temperature'],
  ['topK', '--top-k'],
  ['topP', '--top-p'],
  ['seed', '--seed'],
];

/** Refuses what cannot go with --beam, before anything is loaded. */
export function checkBeamOptions(options: BeamFlags, explicit: (option: string) => boolean): void {
  const beam = options.beam!;
  if (beam > MAX_BEAM) throw usageError(`--beam ${beam} is wider than ${MAX_BEAM}`, `use --beam ${MAX_BEAM} or less`);
  for (const [key, flag] of SAMPLING_FLAGS) {
    if (explicit(key)) {
      throw usageError(`${flag} applies to random sampling, and --beam searches for the most likely continuations instead`, `drop ${flag} or --beam`);
    }
  }
  if (explicit('num') && options.num > beam) {
    throw usageError(`--num ${options.num} asks for more continuations than --beam ${beam} keeps`, `use --beam ${options.num} or more, or a smaller --num`);
  }
}

interface BeamOutputOptions {
  beam: number;
  /** Continuations written per prompt, the best first (≤ beam). */
  num: number;
  length: number;
  maxLength: number;
  /** Unescaped. */
  stop: string[];
  /** The corpus index for novelty reports, or null. */
  novelty: CorpusIndex | null;
  /** Where the continuations go (generate-output.ts: the --format). */
  output: GenerateOutput;
}

/** Searches every prompt in turn and writes its best continuations. */
export async function writeBeams(sampler: Sampler, vocab: Vocabulary, prompts: string[], o: BeamOutputOptions): Promise<void> {
  for (let p = 0; p < prompts.length; p++) {
    const prompt = prompts[p]!;
    const results = (await beamSearch(sampler, vocab, prompt, { beam: o.beam, length: o.length, maxLength: o.maxLength, stop: o.stop })).slice(0, o.num);
    for (let rank = 0; rank < results.length; rank++) {
      const r = results[rank]!;
      await o.output.write({
        prompt, text: r.text, promptIndex: p, sampleIndex: rank, length: r.length, logprob: r.logprob, stopped: r.stopped,
        beam: { width: o.beam, of: results.length }, novelty: o.novelty?.novelty(r.text),
      });
    }
  }
  await o.output.end();
}
