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
import { safeJson } from '../util/escape.js';
import { writeErr, writeOut, type TextOut } from './output.js';

/** The generate flags that decide whether --beam can run (GenerateOptions has them all). */
export interface BeamFlags {
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

export interface BeamOutputOptions {
  beam: number;
  /** Continuations printed per prompt, the best first (≤ beam). */
  num: number;
  length: number;
  maxLength: number;
  /** Unescaped. */
  stop: string[];
  /** Unescaped. */
  separator: string;
  format: 'text' | 'jsonl';
  /** The corpus index for novelty reports, or null. */
  novelty: CorpusIndex | null;
  /** The model's text as printed (composed for an NFD model). */
  show: (text: string) => string;
  /** Where the text format's text goes (output.ts textOut: made harmless on a terminal). */
  out: TextOut;
}

/** Searches every prompt in turn and writes its best continuations. */
export async function writeBeams(sampler: Sampler, vocab: Vocabulary, prompts: string[], o: BeamOutputOptions): Promise<void> {
  // Loaded only with --novelty (generate-run has already loaded it then): it brings string-width.
  const noveltyReports = o.novelty ? await import('./generate-novelty.js') : null;
  const notes: string[] = [];
  let first = true;
  for (let p = 0; p < prompts.length; p++) {
    const prompt = prompts[p]!;
    const results = (await beamSearch(sampler, vocab, prompt, { beam: o.beam, length: o.length, maxLength: o.maxLength, stop: o.stop })).slice(0, o.num);
    for (let rank = 0; rank < results.length; rank++) {
      const r = results[rank]!;
      const perplexity = r.length > 0 ? Math.exp(-r.logprob / r.length) : null;
      const report = o.novelty?.novelty(r.text);
      if (o.format === 'jsonl') {
        await writeOut(
          `${safeJson({
            prompt: o.show(prompt), text: o.show(r.text), prompt_index: p, sample_index: rank, beam: o.beam,
            length: r.length, logprob: r.logprob, perplexity, stopped: r.stopped,
            ...(report && noveltyReports ? { novelty: noveltyReports.noveltyRecord(report, o.show) } : {}),
          })}\n`,
        );
        continue;
      }
      await o.out.write(`${first ? '' : o.separator}${o.show(prompt + r.text)}`);
      first = false;
      const where = prompts.length > 1 ? `prompt ${p + 1}, ` : '';
      const ending = r.stopped !== null ? `, ended by ${safeJson(o.show(r.stopped))}` : '';
      const copied = report && noveltyReports ? `; ${noveltyReports.noveltyNote(report, o.show)}` : '';
      notes.push(`${where}beam ${rank + 1}/${results.length}: logprob ${r.logprob.toFixed(3)} over ${r.length} characters (perplexity ${perplexity?.toFixed(3) ?? '–'}${ending})${copied}`);
    }
  }
  if (o.format === 'text') {
    await o.out.end();
    await writeOut('\n');
    if (notes.length > 0) writeErr(notes.join('\n'));
  }
}
