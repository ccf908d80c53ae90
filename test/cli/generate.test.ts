/**
 * `charnn generate` for scripts, through the real binary (runs that read no
 * stdin go through the same program in-process, helpers/in-process.ts): prompts from
 * --prime, a file or stdin; jsonl records; reproducible seeds independent of
 * --num; stop strings; streaming; a reader that goes away; every cell type
 * and NFD checkpoints.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { BIN, NODE_FLAGS, ROOT, runCli, smallCorpus, tempDir } from '../helpers/cli.js';
import { runInProcess } from '../helpers/in-process.js';

const KOREAN = '옛날 옛적에 한 마을에 착한 소년이 살았습니다. 소년은 매일 산에 올라 나무를 했습니다.\n';

interface SampleRecord {
  prompt: string;
  text: string;
  seed: number;
  temperature: number;
  top_k: number;
  top_p: number;
  length: number;
  logprob: number;
  perplexity: number | null;
  stopped: string | null;
}

let dir: string;
const runs: Record<'rnn' | 'lstm' | 'gru' | 'nfd' | 'crlf', string> = { rnn: '', lstm: '', gru: '', nfd: '', crlf: '' };

/** Trains a tiny checkpoint (asynchronously, so several can train at once). */
async function train(name: string, corpus: string, extra: string[]): Promise<string> {
  const out = path.join(dir, `run-${name}`);
  const r = await runCli([
    'train', corpus, '--layers', '1', '--hidden', '32', '--embedding', '16', '--batch', '4', '--seq-len', '32',
    '--max-steps', '10', '--eval-every', '10', '--eval-batches', '1', '--sample-length', '0', '--no-ui', '--backend', 'wasm',
    '--workers', '1', '--dropout', '0', '--schedule', 'step', '--out', out, ...extra,
  ]);
  if (r.code !== 0) throw new Error(`training ${name} failed (${r.code}): ${r.stderr}`);
  return out;
}

function jsonl(stdout: string): SampleRecord[] {
  expect(stdout.endsWith('\n')).toBe(true);
  return stdout.slice(0, -1).split('\n').map((line) => JSON.parse(line) as SampleRecord);
}

/** `charnn generate ...args`: in-process unless it reads stdin (the real binary then). */
async function generateOk(args: string[], input?: string): Promise<string> {
  const r = await (input === undefined ? runInProcess(['generate', ...args]) : runCli(['generate', ...args], { input }));
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return r.stdout;
}

beforeAll(async () => {
  dir = tempDir('charnn-generate-');
  const corpus = smallCorpus(dir);
  const korean = path.join(dir, 'korean.txt');
  fs.writeFileSync(korean, KOREAN.repeat(60));
  const crlf = path.join(dir, 'crlf.txt');
  fs.writeFileSync(crlf, fs.readFileSync(corpus, 'utf8').replace(/\n/g, '\r\n'));
  [runs.lstm, runs.rnn, runs.gru, runs.nfd, runs.crlf] = await Promise.all([
    train('lstm', corpus, ['--cell', 'lstm']),
    train('rnn', corpus, ['--cell', 'rnn']),
    train('gru', corpus, ['--cell', 'gru']),
    train('nfd', korean, ['--cell', 'lstm', '--normalize', 'nfd', '--lr', '0.01']),
    train('crlf', crlf, ['--cell', 'gru', '--lr', '0.02', '--batch', '8', '--max-steps', '40', '--eval-every', '40']),
  ]);
});

describe('charnn generate', () => {
  it('acceptance 1: prompts on stdin, --num 3 --format jsonl --seed 1 --length 80 → 6 typed records, byte-identical when repeated', async () => {
    const args = [runs.lstm, '--prompts', '-', '--num', '3', '--format', 'jsonl', '--seed', '1', '--length', '80'];
    const first = await generateOk(args, 'ROMEO:\nJULIET:\n');
    const second = await generateOk(args, 'ROMEO:\nJULIET:\n');
    expect(second).toBe(first);
    const records = jsonl(first);
    expect(records).toHaveLength(6);
    expect(records.map((r) => r.prompt)).toEqual(['ROMEO:', 'ROMEO:', 'ROMEO:', 'JULIET:', 'JULIET:', 'JULIET:']);
    for (const r of records) {
      expect(typeof r.text).toBe('string');
      expect([...r.text]).toHaveLength(80);
      // The default temperature is 0.8, as in charnn sample and the dashboard.
      expect(r).toMatchObject({ seed: 1, temperature: 0.8, top_k: 0, top_p: 1, length: 80, stopped: null });
      expect(r.logprob).toBeLessThan(0);
      expect(r.perplexity).toBeCloseTo(Math.exp(-r.logprob / 80), 6);
    }
    // Samples of one prompt differ from each other.
    expect(new Set(records.map((r) => r.text)).size).toBe(6);
  });

  it('sample k of a seeded run does not depend on --num', async () => {
    const args = [runs.lstm, '--prime', 'The ', '--format', 'jsonl', '--seed', '42', '--length', '60'];
    const [two, five] = await Promise.all([generateOk([...args, '--num', '2']), generateOk([...args, '--num', '5'])]);
    const a = jsonl(two);
    const b = jsonl(five);
    expect(a).toHaveLength(2);
    expect(b).toHaveLength(5);
    expect(b.slice(0, 2)).toEqual(a);
  });

  it('--stop ends samples early and reports it; text output (first sample streamed) matches the jsonl records', async () => {
    const stops = ['e', 't', 'a', ' '];
    const common = [runs.lstm, '--prime', 'First', '--seed', '5', '--length', '300', ...stops.flatMap((s) => ['--stop', s])];
    const [json, text] = await Promise.all([
      generateOk([...common, '--num', '4', '--format', 'jsonl']),
      generateOk([...common, '--num', '3', '--separator', '\\n---\\n']),
    ]);
    const records = jsonl(json);
    expect(records).toHaveLength(4);
    for (const r of records) {
      expect(stops).toContain(r.stopped);
      expect(stops.some((s) => r.text.includes(s))).toBe(false);
      // length counts every character drawn, the stop string included.
      expect(r.length).toBe([...r.text].length + 1);
    }
    // The stop string must not leak into the streamed first sample either.
    expect(text).toBe(`${records.slice(0, 3).map((r) => `First${r.text}`).join('\n---\n')}\n`);
  });

  it('--length 0 runs until a stop string, or up to --max-length', async () => {
    const [capped, stopped] = await Promise.all([
      generateOk([runs.lstm, '--length', '0', '--max-length', '50', '--stop', '@@@', '--seed', '3', '--format', 'jsonl']),
      generateOk([runs.lstm, '--length', '0', '--max-length', '5000', '--stop', 'e', '--seed', '3', '--format', 'jsonl']),
    ]);
    expect(jsonl(capped)[0]).toMatchObject({ length: 50, stopped: null });
    expect([...jsonl(capped)[0]!.text]).toHaveLength(50);
    const s = jsonl(stopped)[0]!;
    expect(s.stopped).toBe('e');
    expect(s.length).toBeLessThan(5000);
  });

  it('streams the first sample and exits 0, silently, when the reader goes away (| head -c 100)', async () => {
    const child = spawn(process.execPath, [...NODE_FLAGS, BIN, 'generate', runs.lstm, '--length', '5000000', '--seed', '1'], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const firstBytes = await new Promise<number>((resolve) => child.stdout.once('data', (d: Buffer) => resolve(d.length)));
    // Five million characters take minutes; these bytes came while generating.
    expect(firstBytes).toBeGreaterThan(0);
    child.stdout.destroy();
    const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
    expect(code).toBe(0);
    expect(stderr).toBe('');
  });

  it('reads prompts from a file, one per line, with \\n inside a prompt', async () => {
    const file = path.join(dir, 'prompts.txt');
    fs.writeFileSync(file, 'First Citizen:\\nWe\nHe said\r\n\n');
    const records = jsonl(await generateOk([runs.lstm, '--prompts', file, '--format', 'jsonl', '--seed', '2', '--length', '10']));
    expect(records.map((r) => r.prompt)).toEqual(['First Citizen:\nWe', 'He said', '']);
  });

  it('rejects an empty prompts file, --prime with --prompts, and prime characters the model never saw', async () => {
    const empty = path.join(dir, 'empty.txt');
    fs.writeFileSync(empty, '');
    const cases: [string[], string | undefined, RegExp][] = [
      [['--prompts', empty], undefined, /prompts file .*empty\.txt is empty/],
      [['--prompts', '-'], '', /no prompts on stdin/],
      [['--prime', 'x', '--prompts', empty], undefined, /--prime and --prompts cannot be used together/],
      [['--prime', 'héllo ☃'], undefined, /never saw: "é" "☃"/],
      [['--prompts', '-'], 'fine\nnaïve\n', /prompt 2 has characters the model never saw: "ï"/],
    ];
    // In-process unless the case reads stdin.
    const results = await Promise.all(cases.map(([args, input]) => (input === undefined ? runInProcess(['generate', runs.lstm, ...args]) : runCli(['generate', runs.lstm, ...args], { input }))));
    results.forEach((r, i) => {
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(cases[i]![2]);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    });
  });

  it.each(['rnn', 'gru', 'nfd'] as const)('works with a %s checkpoint', async (name) => {
    const prime = name === 'nfd' ? '옛날' : 'The ';
    const args = [runs[name], '--prime', prime, '--num', '2', '--format', 'jsonl', '--seed', '4', '--length', '40', '--temperature', '0.7'];
    // --keep-nfd: the model's own (decomposed) characters.
    const out = await generateOk(name === 'nfd' ? [...args, '--keep-nfd'] : args);
    const records = jsonl(out);
    expect(records).toHaveLength(2);
    const vocab: string[] = JSON.parse(fs.readFileSync(path.join(runs[name], 'best', 'charnn.json'), 'utf8')).vocabulary;
    for (const r of records) {
      expect([...r.text]).toHaveLength(40);
      expect([...r.text].every((c) => vocab.includes(c))).toBe(true);
    }
    if (name === 'nfd') {
      // The NFC prime was decomposed into jamo before it reached the model.
      expect(records[0]!.prompt).toBe('옛날'.normalize('NFD'));
      expect(records.map((r) => r.text).join('')).toMatch(/[\u1100-\u11ff]/u);
      // By default the same samples are printed composed (NFC), as typed and read.
      const composed = jsonl(await generateOk(args));
      expect(composed.map((r) => r.prompt)).toEqual(['옛날', '옛날']);
      expect(composed.map((r) => r.text)).toEqual(records.map((r) => r.text.normalize('NFC')));
      const text = await generateOk([runs.nfd, '--prime', prime, '--seed', '4', '--length', '40', '--temperature', '0.7']);
      expect(text).toBe(`${prime}${composed[0]!.text}\n`);
    }
  });

  it('--stop \\r\\n\\r\\n ends a CRLF model\'s samples at a blank line (escapes \\r, \\n, \\t, \\\\, \\uXXXX)', async () => {
    const records = jsonl(await generateOk([runs.crlf, '--stop', '\\r\\n\\r\\n', '--length', '0', '--max-length', '3000', '--num', '4', '--seed', '1',
      '--temperature', '0.5', '--format', 'jsonl']));
    for (const r of records) {
      expect(r.stopped).toBe('\r\n\r\n');
      expect(r.text).not.toContain('\r\n\r\n');
    }
    const escaped = jsonl(await generateOk([runs.crlf, '--stop', '\\u000d\\u000A\\r\\n', '--length', '0', '--max-length', '3000', '--num', '4', '--seed', '1',
      '--temperature', '0.5', '--format', 'jsonl']));
    expect(escaped).toEqual(records);
  });
});
