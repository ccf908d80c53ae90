/**
 * `charnn eval` through the real binary (its --json runs through the same
 * program in-process, helpers/in-process.ts): loss, bits per character and
 * perplexity; agreement with the validation loss the trainer recorded;
 * characters outside the vocabulary counted and skipped; the checkpoint's
 * normalisation; worker threads changing nothing.
 */
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli, smallCorpus, tempDir } from '../helpers/cli.js';
import { runInProcess } from '../helpers/in-process.js';

const KOREAN = '옛날 옛적에 한 마을에 착한 소년이 살았습니다. 소년은 매일 산에 올라 나무를 했습니다.\n';

interface FileResult {
  file: string;
  loss: number | null;
  bpc: number | null;
  perplexity: number | null;
  chars: number;
  skipped: number;
  missing: string[];
}
interface EvalJson extends Omit<FileResult, 'file'> {
  checkpoint: string;
  normalization: string;
  files: FileResult[];
  checkpointValLoss: number | null;
}

let dir: string;
let corpus: string;
let run: string;
let nfdRun: string;

async function train(name: string, file: string, extra: string[]): Promise<string> {
  const out = path.join(dir, `run-${name}`);
  const r = await runCli([
    'train', file, '--layers', '1', '--hidden', '32', '--embedding', '16', '--batch', '8', '--seq-len', '32', '--max-steps', '20',
    '--eval-every', '20', '--eval-batches', '0', '--sample-length', '0', '--lr', '0.01', '--no-ui', '--backend', 'wasm', '--workers', '1',
    '--out', out, ...extra,
  ]);
  if (r.code !== 0) throw new Error(`training ${name} failed (${r.code}): ${r.stderr}`);
  return out;
}

/** Off a terminal, a run longer than 5 s (a busy machine) writes progress lines: nothing else may reach stderr. */
const PROGRESS = /^eval: .+: \d+%, [\d,]+ characters \(.*\)\n/gm;

/** `charnn eval ...args --json`, in-process (the real binary's eval runs are the human-readable ones below). */
async function evalJson(args: string[]): Promise<EvalJson> {
  const r = await runInProcess(['eval', ...args, '--json']);
  expect(r.stderr.replace(PROGRESS, '')).toBe('');
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout) as EvalJson;
}

beforeAll(async () => {
  dir = tempDir('charnn-eval-');
  corpus = smallCorpus(dir);
  const korean = path.join(dir, 'korean.txt');
  fs.writeFileSync(korean, KOREAN.repeat(60));
  [run, nfdRun] = await Promise.all([train('lstm', corpus, ['--cell', 'lstm']), train('nfd', korean, ['--cell', 'gru', '--normalize', 'nfd'])]);
});

describe('charnn eval', () => {
  it('on the validation split gives the validation loss the trainer recorded', async () => {
    const chars = [...fs.readFileSync(corpus, 'utf8')];
    // The trainer holds out the last 10% (--val-frac 0.1) of the encoded corpus.
    const cut = Math.floor(chars.length * 0.9);
    const valFile = path.join(dir, 'val.txt');
    fs.writeFileSync(valFile, chars.slice(cut).join(''));
    const result = await evalJson([run, valFile]);
    expect(result.checkpointValLoss).toBeGreaterThan(0);
    expect(result.chars).toBe(chars.length - cut - 1);
    expect(Math.abs(result.loss! - result.checkpointValLoss!)).toBeLessThan(0.05);
  });

  it('reports loss, bits per character and perplexity, per file and in total', async () => {
    const other = path.join(dir, 'other.txt');
    fs.writeFileSync(other, fs.readFileSync(corpus, 'utf8').slice(5_000, 8_000));
    const result = await evalJson([run, corpus, other]);
    expect(result.normalization).toBe('none');
    expect(result.files.map((f) => path.basename(f.file))).toEqual(['small.txt', 'other.txt']);
    expect(result.files.map((f) => f.chars)).toEqual([19_999, 2_999]);
    expect(result.chars).toBe(19_999 + 2_999);
    for (const r of [result, ...result.files]) {
      expect(r.loss).toBeGreaterThan(1);
      expect(r.loss).toBeLessThan(Math.log(65));
      expect(r.bpc).toBeCloseTo(r.loss! / Math.LN2, 10);
      expect(r.perplexity).toBeCloseTo(Math.exp(r.loss!), 8);
      expect(r.skipped).toBe(0);
    }
    const weighted = (result.files[0]!.loss! * 19_999 + result.files[1]!.loss! * 2_999) / (19_999 + 2_999);
    expect(result.loss).toBeCloseTo(weighted, 10);

    const human = await runCli(['eval', run, corpus, other]);
    expect(human.code).toBe(0);
    expect(human.stderr.replace(PROGRESS, '')).toBe('');
    const lines = human.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/small\.txt: 19,999 characters, loss \d\.\d{4} nats\/char = \d\.\d{4} bits\/char, perplexity \d+\.\d{3}$/);
    expect(lines[2]).toMatch(/^total: 22,998 characters, loss /);
    expect(lines[3]).toMatch(/^checkpoint: best validation loss \d\.\d{4} nats\/char/);
  });

  it('counts and skips characters missing from the vocabulary, and names them', async () => {
    const file = path.join(dir, 'accents.txt');
    const base = fs.readFileSync(corpus, 'utf8').slice(0, 3000);
    fs.writeFileSync(file, `héllo wörld ☃ ${base} ☃é`);
    const result = await evalJson([run, file]);
    expect(result.skipped).toBe(5);
    expect(result.missing).toEqual(['é', 'ö', '☃']);
    expect(result.chars).toBe([...`hllo wrld  ${base} `].length - 1);
    expect(result.loss).toBeGreaterThan(0);
    const human = await runCli(['eval', run, file]);
    expect(human.code).toBe(0);
    expect(human.stdout).toContain('skipped 5 characters not in the vocabulary: "é" "ö" "☃"');
  });

  it('normalises the text as the checkpoint was trained (NFD)', async () => {
    const file = path.join(dir, 'korean-nfc.txt');
    fs.writeFileSync(file, KOREAN.repeat(3));
    const result = await evalJson([nfdRun, file]);
    expect(result.normalization).toBe('nfd');
    expect(result.skipped).toBe(0);
    expect(result.chars).toBe([...KOREAN.repeat(3).normalize('NFD')].length - 1);
  });

  it('gives the same loss with worker threads as without', async () => {
    const big = path.join(dir, 'big.txt');
    fs.writeFileSync(big, fs.readFileSync('corpora/tinyshakespeare.txt', 'utf8').slice(0, 250_000));
    const [one, two] = await Promise.all([evalJson([run, big, '--workers', '1']), evalJson([run, big, '--workers', '2'])]);
    expect(two.chars).toBe(one.chars);
    expect(Math.abs(two.loss! - one.loss!)).toBeLessThan(1e-5);
  });

  it('fails with one line for missing, binary or unusable input', async () => {
    const binary = path.join(dir, 'binary.bin');
    fs.writeFileSync(binary, Buffer.from([0x41, 0x00, 0x42]));
    const alien = path.join(dir, 'alien.txt');
    fs.writeFileSync(alien, '☃☃☃ ☃');
    const cases: [string[], RegExp][] = [
      [[run, path.join(dir, 'nope.txt')], /not found: .*nope\.txt/],
      [[run, binary], /looks binary/],
      [[run, alien], /nothing to evaluate: the text has 4 characters the model never saw \("☃"\)/],
      [[path.join(dir, 'no-such-run'), corpus], /checkpoint not found/],
    ];
    // In-process: the refusals come before any evaluation.
    const results = await Promise.all(cases.map(([args]) => runInProcess(['eval', ...args])));
    results.forEach((r, i) => {
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(cases[i]![1]);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    });
  });
});
