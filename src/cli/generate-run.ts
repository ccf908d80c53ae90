/**
 * `charnn generate <checkpoint>`: text for scripts and pipelines, on stdout only.
 * Loaded only when the command runs (src/cli/*-command.ts defines its options without TF.js).
 */
import fs from 'node:fs';
import { loadCheckpoint } from '../checkpoint/load.js';
import { normalizeText } from '../data/corpus.js';
import { generate, type GenerationRequest, type GenerationResult } from '../sample/generate.js';
import { Sampler } from '../sample/sampler.js';
import { createStepModel } from '../engine/select.js';
import { startEngine, type EngineFlags } from './engine-options.js';
import { showChar } from '../data/vocabulary.js';
import { Rng } from '../util/rng.js';
import { usageError } from '../util/errors.js';
import { unescapeText } from '../util/unescape.js';
import { checkBeamOptions, writeBeams } from './generate-beam.js';
import { textOut } from './output.js';
import { generateOutput, type GenerateFormat } from './generate-output.js';
import { composesOutput, displayText, NfcStream } from '../data/display.js';
import { GENERATE_MAX_LENGTH } from '../settings/sampling-settings.js';

/** Streams per model batch; more samples are generated in several batches. */
const STREAMS_PER_BATCH = 256;

export interface GenerateOptions extends EngineFlags {
  prime?: string;
  prompts?: string;
  length: number;
  maxLength: number;
  num: number;
  temperature: number;
  topK: number;
  topP: number;
  seed?: number;
  stop: string[];
  format: GenerateFormat;
  separator: string;
  /** Beam width: the most likely continuations instead of samples (generate-beam.ts). */
  beam?: number;
  /** Report how much of each sample is copied from the corpus (generate-novelty.ts). */
  novelty?: boolean;
  corpus?: string;
  /** Print an NFD model's text decomposed, as the model writes it, instead of composed (NFC). */
  keepNfd?: boolean;
}

/** More prompt text than any batch of samples needs; `--prompts /dev/zero` stops here. */
const MAX_PROMPTS_BYTES = 16 * 2 ** 20;

/** Reads at most `max` bytes from a file or stdin (fd 0); null when there is more. */
function readAtMost(source: string, max: number): Buffer | null {
  const fd = source === '-' ? 0 : fs.openSync(source, 'r');
  try {
    const buffer = Buffer.alloc(max + 1);
    let length = 0;
    while (length <= max) {
      let n: number;
      try {
        n = fs.readSync(fd, buffer, length, max + 1 - length, null);
      } catch (error) {
        // A non-blocking stdin with nothing yet: wait a little and read again.
        if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') throw error;
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);
        continue;
      }
      if (n === 0) return buffer.subarray(0, length);
      length += n;
    }
    return null;
  } finally {
    if (fd !== 0) fs.closeSync(fd);
  }
}

function readPrompts(source: string): string[] {
  const name = source === '-' ? 'stdin' : source;
  let data: Buffer | null;
  try {
    data = readAtMost(source, MAX_PROMPTS_BYTES);
  } catch {
    throw usageError(`cannot read prompts from ${name}`, 'pass a readable file with one prompt per line, or - for stdin');
  }
  if (data === null) {
    throw usageError(`the prompts from ${name} are larger than ${MAX_PROMPTS_BYTES / 2 ** 20} MB`, 'give fewer or shorter prompts, in several runs if need be');
  }
  const text = data.toString('utf8');
  const lines = text.split(/\r?\n/);
  if (lines.at(-1) === '') lines.pop();
  if (lines.length === 0) {
    throw usageError(source === '-' ? 'no prompts on stdin (it was empty)' : `the prompts file ${source} is empty`, 'give one prompt per line');
  }
  // Each line is a prompt exactly like a --prime value: taken literally, with
  // \n (and \t, \\) standing for a line break inside a prompt.
  return lines.map(unescapeText);
}

/** A per-sample seed that depends only on the run seed and the sample's place. */
export function sampleSeed(seed: number, prompt: number, sample: number): number {
  let x = (seed ^ Math.imul(prompt + 1, 0x9e3779b1)) >>> 0;
  x = Math.imul(x ^ (x >>> 15), 0x85ebca6b) >>> 0;
  x = (x ^ Math.imul(sample + 1, 0xc2b2ae35)) >>> 0;
  return (x ^ (x >>> 13)) >>> 0;
}

export async function runGenerate(checkpointPath: string, options: GenerateOptions, explicit: (option: string) => boolean = () => false): Promise<void> {
  if (options.prime !== undefined && options.prompts !== undefined) throw usageError('--prime and --prompts cannot be used together', 'choose one source of prompts');
  if (options.beam !== undefined) checkBeamOptions(options, explicit);
  if (options.corpus !== undefined && !options.novelty) throw usageError('--corpus is the text --novelty compares samples with', 'add --novelty, or drop --corpus');
  if (options.length > GENERATE_MAX_LENGTH || options.maxLength > GENERATE_MAX_LENGTH) {
    throw usageError(`--length and --max-length are limited to ${GENERATE_MAX_LENGTH.toLocaleString('en-US')} characters`, 'generate in several runs, or pipe --length 0 with a --stop string');
  }
  const engine = await startEngine(options);
  const checkpoint = loadCheckpoint(checkpointPath);
  const vocab = checkpoint.vocab;
  const rawPrompts = options.prompts !== undefined ? readPrompts(options.prompts) : [unescapeText(options.prime ?? '')];
  const prompts = rawPrompts.map((p) => normalizeText(p, checkpoint.meta.normalization));
  prompts.forEach((prompt, i) => {
    const missing = vocab.missingChars(prompt);
    if (missing.length > 0) {
      const where = options.prompts !== undefined ? `prompt ${i + 1}` : 'the prime text';
      throw usageError(
        `${where} has characters the model never saw: ${missing.slice(0, 8).map(showChar).join(' ')}${missing.length > 8 ? ` and ${missing.length - 8} more` : ''}`,
        'remove them or use a checkpoint trained on text that contains them',
      );
    }
  });
  const seed = options.seed ?? Math.floor(Math.random() * 2 ** 31);
  const normalization = checkpoint.meta.normalization;
  // Stop strings match the model's own text, so they take its form (a typed "다." is composed; an NFD model writes it decomposed).
  const stop = options.stop.map((s) => normalizeText(unescapeText(s), normalization));
  const show = (text: string): string => displayText(text, normalization, options.keepNfd);
  const separator = unescapeText(options.separator);
  const sampling = { temperature: options.temperature, topK: options.topK, topP: options.topP };
  const jobs = prompts.flatMap((prompt, p) =>
    Array.from({ length: options.num }, (_, s) => ({ prompt, raw: rawPrompts[p]!, p, s })),
  );
  // Loaded only with --novelty: it brings the corpus index and the text-width helpers (string-width, ~30 ms).
  const noveltyReports = options.novelty ? await import('./generate-novelty.js') : null;
  const novelty = noveltyReports?.openNovelty(checkpoint, options.corpus) ?? null;
  const sampler = new Sampler(await createStepModel(checkpoint.meta.model, checkpoint.params, engine));
  // Without --num, every continuation the beam holds.
  const perPrompt = options.beam !== undefined && !explicit('num') ? options.beam : options.num;
  // Every continuation, of sampling and of beam search, goes through one writer (generate-output.ts); its
  // text format through textOut: exact to a pipe, made harmless on a terminal.
  const output = generateOutput({
    format: options.format, show, separator, out: textOut(), prompts: prompts.length, perPrompt, noveltyNote: noveltyReports?.noveltyNote,
  });
  if (options.beam !== undefined) {
    try {
      await writeBeams(sampler, vocab, prompts, { ...options, beam: options.beam, num: perPrompt, stop, novelty, output });
    } finally {
      sampler.dispose();
    }
    return;
  }
  try {
    for (let start = 0; start < jobs.length; start += STREAMS_PER_BATCH) {
      const chunk = jobs.slice(start, start + STREAMS_PER_BATCH);
      const requests: GenerationRequest[] = chunk.map((j) => ({ prime: j.prompt, rng: new Rng(sampleSeed(seed, j.p, j.s)), sampling }));
      // The first sample of a text run streams as it is drawn (holding back
      // what could still turn out to be the start of a stop string); the
      // rest follow in order.
      const streamFirst = output.streams && start === 0;
      const holdBack = Math.max(0, ...stop.map((s) => s.length - 1));
      let live = '';
      let streamed = 0;
      let liveStopped = false;
      // What is streamed is composed as it goes (for an NFD model), holding back what may still compose.
      const composer = streamFirst && composesOutput(normalization, options.keepNfd) ? new NfcStream() : null;
      const compose = (text: string): string => (composer ? composer.push(text) : text);
      if (streamFirst) await output.stream(compose(chunk[0]!.prompt));
      const results: GenerationResult[] = await generate(sampler, vocab, requests, {
        length: options.length,
        maxLength: options.maxLength,
        stop,
        onChar: streamFirst
          ? (i, char) => {
              if (i !== 0 || liveStopped) return;
              live += char;
              // A completed stop string is not part of the sample: stream
              // nothing more; the rest (without the stop string) is written
              // from the result below.
              if (stop.some((s) => s.length > 0 && live.endsWith(s))) liveStopped = true;
            }
          : undefined,
        afterStep: streamFirst
          ? async () => {
              if (liveStopped) return;
              let upTo = live.length - holdBack;
              // Never cut between the two halves of a surrogate pair.
              const unit = live.charCodeAt(upTo - 1);
              if (unit >= 0xd800 && unit <= 0xdbff) upTo--;
              if (upTo > streamed) {
                await output.stream(compose(live.slice(streamed, upTo)));
                streamed = upTo;
              }
            }
          : undefined,
      });
      if (streamFirst) await output.stream(compose(results[0]!.text.slice(streamed)) + (composer?.end() ?? ''));
      for (let i = 0; i < chunk.length; i++) {
        const job = chunk[i]!;
        const r = results[i]!;
        await output.write({
          prompt: job.prompt, text: r.text, promptIndex: job.p, sampleIndex: job.s, length: r.length, logprob: r.logprob, stopped: r.stopped,
          sampling: { seed, ...sampling }, novelty: novelty?.novelty(r.text),
        }, streamFirst && i === 0);
      }
    }
    await output.end();
  } finally {
    sampler.dispose();
  }
}
