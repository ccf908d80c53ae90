/** The foundation end to end through the real binary: train writes latest/ and best/, generate is reproducible. */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers/cli.js';
import { trainTiny } from '../helpers/tiny-run.js';

describe.each(['rnn', 'lstm', 'gru'] as const)('%s', (cell) => {
  it('trains, writes latest/ and best/, and generates the same text for the same seed', async () => {
    const dir = tempDir();
    const run = trainTiny(dir, cell);
    for (const sub of ['latest', 'best']) {
      for (const file of ['model.json', 'weights.bin', 'charnn.json', 'state.bin']) expect(fs.existsSync(path.join(run, sub, file))).toBe(true);
    }
    const first = await runCli(['generate', run, '--length', '200', '--seed', '7']);
    const second = await runCli(['generate', run, '--length', '200', '--seed', '7']);
    expect(first.code).toBe(0);
    expect(first.stderr).toBe('');
    expect([...first.stdout.replace(/\n$/, '')]).toHaveLength(200);
    expect(second.stdout).toBe(first.stdout);
    const other = await runCli(['generate', run, '--length', '200', '--seed', '8']);
    expect(other.stdout).not.toBe(first.stdout);
    const info = await runCli(['info', run, '--json']);
    const parsed = JSON.parse(info.stdout);
    expect(parsed).toMatchObject({ cell, layers: 1, hidden: 32, step: 10 });
    expect(parsed.vocabSize).toBeGreaterThan(40);
    expect(parsed.bestValLoss).toBeGreaterThan(0);
  });
});

describe('train output', () => {
  it('--json prints one JSON event per line on stdout and nothing else', async () => {
    const dir = tempDir();
    const corpus = path.join(dir, 'c.txt');
    fs.writeFileSync(corpus, fs.readFileSync('corpora/tinyshakespeare.txt', 'utf8').slice(0, 8000));
    const r = await runCli(['train', corpus, '--layers', '1', '--hidden', '16', '--batch', '4', '--seq-len', '16', '--max-steps', '4',
      '--eval-every', '2', '--eval-batches', '1', '--sample-length', '20', '--json', '--out', path.join(dir, 'run')]);
    expect(r.code).toBe(0);
    const events = r.stdout.trim().split('\n').map((line) => JSON.parse(line));
    const types = new Set(events.map((e) => e.type));
    for (const t of ['start', 'step', 'eval', 'sample', 'checkpoint', 'done']) expect(types.has(t)).toBe(true);
  });
});
