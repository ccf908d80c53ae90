/**
 * generate's one writer (src/cli/generate-output.ts): sampling and beam
 * search hand it the same fields and get the same record — the stop string
 * shown and escaped like the text in both (they had drifted) — and the text
 * format streamed piece by piece is the text format written whole. In
 * process: stdout is captured, nothing is spawned.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { generateOutput, type Generated, type GenerateFormat } from '../../src/cli/generate-output.js';
import type { TextOut } from '../../src/cli/output.js';
import type { NoveltyReport } from '../../src/novelty/matches.js';

let written: string[];
beforeEach(() => {
  written = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    written.push(String(chunk));
    return true;
  });
});
afterEach(() => vi.restoreAllMocks());

/** An NFD model's text as printed: composed. */
const show = (text: string): string => text.normalize('NFC');
const out: TextOut = { write: (text) => Promise.resolve(void written.push(text)), end: async () => {} };

// A decomposed é, an escape sequence and a bidi override in the prompt, the text and the stop string.
const shared: Generated = {
  prompt: 'Cafe\u0301 \u001b]0;x\u0007', text: 'na\u0131ve \u202eevil', promptIndex: 1, sampleIndex: 0,
  length: 11, logprob: -7.5, stopped: '\u202ee\u0301\n',
};
const report: NoveltyReport = { chars: 11, longest: 4, longestText: 'e\u0301vil', longestAt: 7, copiedShare: 0.5, copiedChars: 5, minRun: 4 };
const sampled: Generated = { ...shared, sampling: { seed: 7, temperature: 0.5, topK: 0, topP: 1 }, novelty: report };
const beamed: Generated = { ...shared, beam: { width: 3, of: 3 }, novelty: report };

async function lines(format: GenerateFormat, generated: Generated[]): Promise<string> {
  written = [];
  const output = generateOutput({ format, show, separator: '\n--\n', out, prompts: 2, perPrompt: 3, noveltyNote: (r) => `copied ${r.longest}` });
  for (const g of generated) await output.write(g);
  await output.end();
  return written.join('');
}

describe('generate output', () => {
  it('writes the same jsonl record for sampling and beam search, but for the fields only one of them has', async () => {
    const [fromSampling, fromBeam] = [await lines('jsonl', [sampled]), await lines('jsonl', [beamed])];
    // Exact JSON: no raw control or bidi character on the line.
    for (const line of [fromSampling, fromBeam]) expect(line).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u202e]/);
    const a = JSON.parse(fromSampling) as Record<string, unknown>;
    const b = JSON.parse(fromBeam) as Record<string, unknown>;
    const { seed, temperature, top_k, top_p, ...restA } = a;
    const { beam, ...restB } = b;
    expect({ seed, temperature, top_k, top_p, beam }).toEqual({ seed: 7, temperature: 0.5, top_k: 0, top_p: 1, beam: 3 });
    expect(restA).toEqual(restB);
    expect(restA).toEqual({
      prompt: 'Café \u001b]0;x\u0007', text: 'na\u0131ve \u202eevil', prompt_index: 1, sample_index: 0, length: 11, logprob: -7.5,
      perplexity: Math.exp(7.5 / 11), stopped: '\u202eé\n',
      novelty: { longest: 4, longest_text: 'évil', copied_share: 0.5, copied_chars: 5, min_run: 4 },
    });
  });

  it('writes text streamed piece by piece exactly as text written whole, with the notes on stderr after', async () => {
    const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const whole = await lines('text', [sampled, { ...sampled, sampleIndex: 1 }]);
    written = [];
    const output = generateOutput({ format: 'text', show, separator: '\n--\n', out, prompts: 2, perPrompt: 3, noveltyNote: (r) => `copied ${r.longest}` });
    expect(output.streams).toBe(true);
    await output.stream(show(sampled.prompt));
    await output.stream(show(sampled.text));
    await output.write(sampled, true);
    await output.write({ ...sampled, sampleIndex: 1 });
    await output.end();
    expect(written.join('')).toBe(whole);
    expect(whole).toBe(`${show(sampled.prompt + sampled.text)}\n--\n${show(sampled.prompt + sampled.text)}\n`);
    expect(err.mock.calls.map((c) => String(c[0]))).toEqual([
      'prompt 2, sample 1: copied 4\nprompt 2, sample 2: copied 4\n',
      'prompt 2, sample 1: copied 4\nprompt 2, sample 2: copied 4\n',
    ]);
  });
});
