/**
 * What `charnn generate` writes, in one place, for random sampling
 * (generate-run.ts), beam search (generate-beam.ts) and novelty reports
 * (generate-novelty.ts) alike, so the two paths cannot drift apart: each
 * continuation is handed over as a Generated, and the --format decides.
 * - text: the prompt and its continuation, separated by --separator, made
 *   harmless on a terminal (output.ts textOut); one note per continuation
 *   (beam search's log-probability, novelty) on stderr after them all.
 * - jsonl: one record per continuation, the text as printed (composed for
 *   an NFD model), control and bidi characters as \u escapes (safeJson).
 * Adding a format is one entry in FORMATS.
 */
import type { NoveltyReport } from '../novelty/matches.js';
import { safeJson } from '../util/escape.js';
import { writeErr, writeOut, type TextOut } from './output.js';

/** --format's choices. */
export const GENERATE_FORMATS = ['text', 'jsonl'] as const;
export type GenerateFormat = (typeof GENERATE_FORMATS)[number];

/** One continuation of one prompt, in the model's own text (each writer shows it as printed). */
export interface Generated {
  prompt: string;
  /** The continuation, without a stop string that ended it. */
  text: string;
  promptIndex: number;
  /** Its place among its prompt's continuations (beam search: its rank, 0 the best). */
  sampleIndex: number;
  /** Characters generated. */
  length: number;
  /** Natural-log probability of the continuation under the model. */
  logprob: number;
  /** The stop string that ended it, or null. */
  stopped: string | null;
  /** Random sampling: the run's seed and the sampling settings. */
  sampling?: { seed: number; temperature: number; topK: number; topP: number };
  /** Beam search: its width, and how many continuations of this prompt are written. */
  beam?: { width: number; of: number };
  /** How much of it is copied from the corpus (--novelty). */
  novelty?: NoveltyReport;
}

interface GenerateOutputOptions {
  format: GenerateFormat;
  /** The model's text as printed (composed for an NFD model). */
  show: (text: string) => string;
  /** Between continuations in text format (unescaped). */
  separator: string;
  /** Where the text format's text goes (output.ts textOut). */
  out: TextOut;
  /** Prompts, and continuations asked per prompt: how a note names a sample. */
  prompts: number;
  perPrompt: number;
  /** The one-line novelty note (generate-novelty.ts noveltyNote, loaded only with --novelty). */
  noveltyNote?: (report: NoveltyReport, show: (text: string) => string) => string;
}

export interface GenerateOutput {
  /** Whether the first continuation may be written piece by piece as it is drawn (`stream`, then `write(…, true)`). */
  readonly streams: boolean;
  /** Writes a piece of the first continuation (its prompt first), already in its printed form. */
  stream(piece: string): Promise<void>;
  /** Writes a continuation (`streamed`: its text went out through `stream`; only its note is left). */
  write(generated: Generated, streamed?: boolean): Promise<void>;
  /** After the last continuation. */
  end(): Promise<void>;
}

/** The output for `o.format`. */
export function generateOutput(o: GenerateOutputOptions): GenerateOutput {
  return FORMATS[o.format](o);
}

const FORMATS: Record<GenerateFormat, (o: GenerateOutputOptions) => GenerateOutput> = {
  text: textOutput,
  jsonl: jsonlOutput,
};

/** Perplexity per character, null for an empty continuation. */
function perplexity(g: Generated): number | null {
  return g.length > 0 ? Math.exp(-g.logprob / g.length) : null;
}

/**
 * The jsonl record of a continuation: the fields both paths share, the
 * sampling settings or the beam's width, and the novelty report. Lengths
 * count the model's characters; text is shown as printed.
 */
function generatedRecord(g: Generated, show: (text: string) => string): Record<string, unknown> {
  const s = g.sampling;
  const n = g.novelty;
  return {
    prompt: show(g.prompt), text: show(g.text),
    ...(s ? { seed: s.seed } : {}),
    prompt_index: g.promptIndex, sample_index: g.sampleIndex,
    ...(s ? { temperature: s.temperature, top_k: s.topK, top_p: s.topP } : {}),
    ...(g.beam ? { beam: g.beam.width } : {}),
    length: g.length, logprob: g.logprob, perplexity: perplexity(g), stopped: g.stopped === null ? null : show(g.stopped),
    ...(n ? { novelty: { longest: n.longest, longest_text: show(n.longestText), copied_share: n.copiedShare, copied_chars: n.copiedChars, min_run: n.minRun } } : {}),
  };
}

function jsonlOutput(o: GenerateOutputOptions): GenerateOutput {
  return {
    streams: false,
    stream: () => Promise.reject(new Error('jsonl records are written whole')),
    // safeJson: control characters and bidi overrides as \u escapes, the same values.
    write: (g) => writeOut(`${safeJson(generatedRecord(g, o.show))}\n`),
    end: async () => {},
  };
}

/** How a sample is named in the stderr notes: "sample 3", "prompt 2", "prompt 2, sample 3". */
function sampleLabel(prompts: number, perPrompt: number, p: number, s: number): string {
  if (prompts === 1) return `sample ${s + 1}`;
  return perPrompt === 1 ? `prompt ${p + 1}` : `prompt ${p + 1}, sample ${s + 1}`;
}

/** The stderr note of a continuation in text format, or null (a sample without --novelty). */
function textNote(g: Generated, o: GenerateOutputOptions): string | null {
  const copied = g.novelty && o.noveltyNote ? o.noveltyNote(g.novelty, o.show) : null;
  if (g.beam) {
    const where = o.prompts > 1 ? `prompt ${g.promptIndex + 1}, ` : '';
    const ending = g.stopped !== null ? `, ended by ${safeJson(o.show(g.stopped))}` : '';
    return `${where}beam ${g.sampleIndex + 1}/${g.beam.of}: logprob ${g.logprob.toFixed(3)} over ${g.length} characters (perplexity ${perplexity(g)?.toFixed(3) ?? '–'}${ending})${copied !== null ? `; ${copied}` : ''}`;
  }
  return copied !== null ? `${sampleLabel(o.prompts, o.perPrompt, g.promptIndex, g.sampleIndex)}: ${copied}` : null;
}

function textOutput(o: GenerateOutputOptions): GenerateOutput {
  let first = true;
  const notes: string[] = [];
  return {
    streams: true,
    stream: async (piece) => {
      await o.out.write(piece);
      first = false;
    },
    write: async (g, streamed = false) => {
      const note = textNote(g, o);
      if (note !== null) notes.push(note);
      if (streamed) return;
      await o.out.write(`${first ? '' : o.separator}${o.show(g.prompt + g.text)}`);
      first = false;
    },
    end: async () => {
      await o.out.end();
      await writeOut('\n');
      if (notes.length > 0) writeErr(notes.join('\n'));
    },
  };
}
