/**
 * `charnn generate --beam` and `--novelty` through the real binary, on one
 * tiny trained checkpoint: records and reports, the stdout/stderr split, and
 * the combinations that are refused.
 */
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempDir, trainTiny } from '../helpers/cli.js';

let dir: string;
let run: string;

beforeAll(() => {
  dir = tempDir('charnn-beam-');
  run = trainTiny(dir, 'lstm');
});

interface BeamRecord {
  prompt: string;
  text: string;
  prompt_index: number;
  sample_index: number;
  beam: number;
  length: number;
  logprob: number;
  perplexity: number;
  stopped: string | null;
}

describe('charnn generate --beam', () => {
  it('prints the N best continuations, best first, each with its logprob (jsonl), and beam 1 is temperature 0', async () => {
    const [jsonl, beamOne, greedy] = await Promise.all([
      runCli(['generate', run, '--beam', '3', '--prompts', '-', '--length', '20', '--format', 'jsonl'], { input: 'ROMEO:\nJULIET:\n' }),
      runCli(['generate', run, '--beam', '1', '--prime', 'the ', '--length', '40', '--format', 'jsonl']),
      runCli(['generate', run, '--temperature', '0', '--prime', 'the ', '--length', '40', '--format', 'jsonl']),
    ]);
    expect(jsonl.stderr).toBe('');
    expect(jsonl.code).toBe(0);
    const records = jsonl.stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as BeamRecord);
    expect(records.map((r) => [r.prompt, r.prompt_index, r.sample_index, r.beam])).toEqual([
      ['ROMEO:', 0, 0, 3], ['ROMEO:', 0, 1, 3], ['ROMEO:', 0, 2, 3],
      ['JULIET:', 1, 0, 3], ['JULIET:', 1, 1, 3], ['JULIET:', 1, 2, 3],
    ]);
    for (const prompt of [0, 1]) {
      const mine = records.filter((r) => r.prompt_index === prompt);
      expect(new Set(mine.map((r) => r.text)).size).toBe(3);
      for (let i = 1; i < 3; i++) expect(mine[i]!.logprob).toBeLessThanOrEqual(mine[i - 1]!.logprob);
      for (const r of mine) {
        expect([...r.text]).toHaveLength(20);
        expect(r.perplexity).toBeCloseTo(Math.exp(-r.logprob / 20), 9);
      }
    }
    const one = JSON.parse(beamOne.stdout) as BeamRecord;
    const zero = JSON.parse(greedy.stdout) as BeamRecord;
    expect(one.text).toBe(zero.text);
    expect(one.logprob).toBeCloseTo(zero.logprob, 5);
  });

  it('keeps stdout to the continuations in text format and reports the logprobs on stderr; --num k prints the k best', async () => {
    const [text, two] = await Promise.all([
      runCli(['generate', run, '--beam', '3', '--prime', 'A', '--length', '15', '--separator', '\\n--\\n']),
      runCli(['generate', run, '--beam', '3', '--num', '2', '--prime', 'A', '--length', '15', '--format', 'jsonl']),
    ]);
    expect(text.code).toBe(0);
    const samples = text.stdout.replace(/\n$/, '').split('\n--\n');
    expect(samples).toHaveLength(3);
    for (const s of samples) expect([...s]).toHaveLength(16);
    const notes = text.stderr.trimEnd().split('\n');
    expect(notes).toHaveLength(3);
    notes.forEach((line, i) => expect(line).toMatch(new RegExp(`^beam ${i + 1}/3: logprob -\\d+\\.\\d{3} over 15 characters \\(perplexity \\d+\\.\\d{3}\\)$`)));
    const best = two.stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as BeamRecord);
    expect(best.map((r) => 'A' + r.text)).toEqual(samples.slice(0, 2));
  });

  it('refuses sampling flags and a --num beyond the beam with one line, exit 2', async () => {
    const results = await Promise.all([
      runCli(['generate', run, '--beam', '2', '--temperature', '0.5']),
      runCli(['generate', run, '--beam', '2', '--seed', '4']),
      runCli(['generate', run, '--beam', '2', '--num', '3']),
      runCli(['generate', run, '--beam', '0']),
      runCli(['generate', run, '--beam', '1000']),
    ]);
    for (const r of results) {
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    }
    expect(results[0]!.stderr).toContain('--temperature');
    expect(results[1]!.stderr).toContain('--seed');
    expect(results[2]!.stderr).toContain('--num 3');
    expect(results[4]!.stderr).toContain('256');
  });
});

interface NoveltyRecord {
  text: string;
  novelty: { longest: number; longest_text: string; copied_share: number; copied_chars: number; min_run: number };
}

describe('charnn generate --novelty', () => {
  it('adds a novelty field to jsonl records, builds the index once beside the run and reuses it', async () => {
    const args = ['generate', run, '--novelty', '--num', '4', '--length', '120', '--seed', '3', '--temperature', '0.5', '--format', 'jsonl'];
    const first = await runCli(args);
    expect(first.code).toBe(0);
    expect(first.stderr).toMatch(/^novelty: indexing the corpus small \(20,000 characters\)…\nnovelty: indexed in \d+\.\d s, cached in .*novelty\.index\n$/);
    expect(fs.existsSync(path.join(run, 'novelty.index'))).toBe(true);
    const corpus = fs.readFileSync(path.join(dir, 'small.txt'), 'utf8');
    const records = first.stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as NoveltyRecord);
    expect(records).toHaveLength(4);
    for (const r of records) {
      const n = r.novelty;
      expect(n.min_run).toBe(20);
      expect([...n.longest_text]).toHaveLength(n.longest);
      expect(corpus.includes(n.longest_text)).toBe(true);
      expect(r.text.includes(n.longest_text)).toBe(true);
      expect(n.copied_share).toBeCloseTo(n.copied_chars / [...r.text].length, 12);
    }
    const [again, beam] = await Promise.all([runCli(args), runCli(['generate', run, '--novelty', '--beam', '2', '--length', '60', '--format', 'jsonl'])]);
    expect(again.stderr).toBe('');
    expect(again.stdout).toBe(first.stdout);
    for (const line of beam.stdout.trimEnd().split('\n')) expect((JSON.parse(line) as NoveltyRecord).novelty.min_run).toBe(20);
  });

  it('leaves the text on stdout as it is and reports one line per sample on stderr', async () => {
    const args = ['generate', run, '--num', '3', '--length', '80', '--seed', '5'];
    const [plain, reported] = await Promise.all([runCli(args), runCli([...args, '--novelty'])]);
    expect(reported.code).toBe(0);
    expect(reported.stdout).toBe(plain.stdout);
    // (After the index-building lines when this test runs alone.)
    const lines = reported.stderr.trimEnd().split('\n').filter((l) => !l.startsWith('novelty: '));
    expect(lines).toHaveLength(3);
    lines.forEach((line, i) => expect(line).toMatch(new RegExp(`^sample ${i + 1}: longest copied \\d+ characters?( ".*")?, \\d+(\\.\\d)?% in copied runs of ≥ 20$`)));
  });

  it('names the way out when the corpus moved or changed, and takes --corpus', async () => {
    const corpus = path.join(dir, 'small.txt');
    const moved = path.join(dir, 'moved.txt');
    fs.renameSync(corpus, moved);
    try {
      const [gone, given, alone] = await Promise.all([
        runCli(['generate', run, '--novelty', '--length', '10']),
        runCli(['generate', run, '--novelty', '--corpus', moved, '--length', '10', '--format', 'jsonl']),
        runCli(['generate', run, '--corpus', moved]),
      ]);
      expect(gone.code).toBe(2);
      expect(gone.stdout).toBe('');
      expect(gone.stderr).toMatch(/^charnn: the corpus this checkpoint was trained on is not at .*small\.txt any more \(moved or deleted\) \(pass --corpus with its new location\)\n$/);
      expect(given.code).toBe(0);
      expect(JSON.parse(given.stdout).novelty.min_run).toBe(20);
      expect(alone.code).toBe(2);
      expect(alone.stderr).toContain('--novelty');
      fs.writeFileSync(corpus, `${fs.readFileSync(moved, 'utf8')}more text\n`);
      const changed = await runCli(['generate', run, '--novelty', '--length', '10']);
      expect(changed.code).toBe(2);
      expect(changed.stderr).toMatch(/has changed since training \(20,000 → 20,010 bytes, 20,000 → 20,010 characters\).*--corpus/);
      expect(changed.stderr.trimEnd().split('\n')).toHaveLength(1);
    } finally {
      fs.rmSync(corpus, { force: true });
      fs.renameSync(moved, corpus);
    }
  });
});
