/** Any corpus size trains with the defaults (issue 12): the layout shrinks to fit, is printed and recorded. */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, NODE_FLAGS, ROOT, runCli, smallCorpus, tempDir } from '../helpers/cli.js';

const TINY_MODEL = ['--layers', '1', '--hidden', '16', '--embedding', '8', '--sample-length', '0', '--backend', 'wasm', '--workers', '1'];

describe('a 2,500-character corpus with the default batch and seq-len', () => {
  it('trains with a shrunk layout, records it, and gradients --checkpoint measures it', async () => {
    const dir = tempDir();
    const corpus = smallCorpus(dir, 2500); // 2,250 training and 250 validation characters
    const out = path.join(dir, 'run');
    const train = await runCli(['train', corpus, ...TINY_MODEL, '--max-steps', '2', '--no-ui', '--out', out]);
    expect(train.stderr).toContain('batch 22×100');
    expect(train.stderr).toContain('note: the text is short: batch 32 × seq-len 100 does not fit its 2,250 training characters; training with batch 22 × seq-len 100');
    expect(train.stderr).toContain('note: validation: batch 2 × seq-len 100 (what its 250 characters hold)');
    expect(train.code).toBe(0);
    const meta = JSON.parse(fs.readFileSync(path.join(out, 'latest', 'charnn.json'), 'utf8'));
    // One step per epoch: validation every 10 epochs instead of every 200 steps.
    expect(train.stderr).toContain('note: validation every 10 steps (10 epochs of this text)');
    expect(meta.training).toMatchObject({ batchSize: 22, seqLen: 100, evalEvery: 10 });
    // The other defaults of a first run: a share of the streams restarts from zero, the first validation comes by time.
    expect(meta.training).toMatchObject({ stateResets: 0.05, firstEvalMs: 5_000 });
    expect(meta.progress.bestValLoss).toBeGreaterThan(0);

    // Resuming keeps the recorded layout (no note about shrinking again).
    const resumed = await runCli(['train', '--resume', out, '--max-steps', '3', '--no-ui', '--backend', 'wasm']);
    expect(resumed.code).toBe(0);
    expect(resumed.stderr).not.toContain('the text is short');

    const gradients = await runCli(['gradients', '--checkpoint', out, '--no-ui', '--backend', 'wasm']);
    expect(gradients.stderr).toContain('gradients: the validation split is short: 32 streams × 101 characters do not fit; measuring 2 stream(s) × 101 (span 100)');
    expect(gradients.stderr).not.toContain('--seq-len');
    expect(gradients.code).toBe(0);
    expect(gradients.stdout).toContain('averaged over 1 window × 2 streams of 101 characters');
  });
});

describe('a short text without limits', () => {
  it('trains for at least 1,000 steps (not 50 epochs of one step), says so, and stops with Ctrl-C', async () => {
    const dir = tempDir();
    const corpus = smallCorpus(dir, 2500);
    const out = path.join(dir, 'run');
    const child = spawn(process.execPath, [...NODE_FLAGS, BIN, 'train', corpus, ...TINY_MODEL, '--no-ui', '--out', out], { cwd: ROOT, env: { ...process.env, NO_COLOR: '1' } });
    let stderr = '';
    let interrupted = false;
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
      if (!interrupted && /\nstep \d+ /.test(stderr)) {
        interrupted = true;
        child.kill('SIGINT');
      }
    });
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code).toBe(0);
    expect(stderr).toContain('limit 1,000 epochs');
    expect(stderr).toContain('note: 50 epochs of this text are only 50 steps: training for 1,000 epochs (1,000 steps)');
    const meta = JSON.parse(fs.readFileSync(path.join(out, 'latest', 'charnn.json'), 'utf8'));
    expect(meta.training).toMatchObject({ maxEpochs: 1000, maxSteps: null, evalEvery: 10 });
  });
});
