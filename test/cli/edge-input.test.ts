/**
 * Inputs at the edges (issue 11): a temperature so small that logit / T
 * overflows samples like argmax; --max-time counts the clock the final
 * report prints. Real binary.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { BIN, ROOT, runCli, tempDir, trainTiny } from '../helpers/cli.js';

let dir: string;
let run: string;

beforeAll(() => {
  dir = tempDir('charnn-edge-');
  run = trainTiny(dir, 'gru', ['--workers', '1']);
});

describe('sampling', () => {
  it.concurrent('--temperature 1e-308 and 5e-324 sample exactly what --temperature 0 (argmax) does', async () => {
    const args = ['generate', run, '--prime', 'The ', '--length', '80', '--seed', '3'];
    const [argmax, tiny, tiniest] = await Promise.all(['0', '1e-308', '5e-324'].map((t) => runCli([...args, '--temperature', t])));
    expect(argmax.code, argmax.stderr).toBe(0);
    expect(tiny.stdout).toBe(argmax.stdout);
    expect(tiniest.stdout).toBe(argmax.stdout);
  });
});

describe('--max-time', () => {
  it.concurrent('the final report counts the same clock as the limit, final evaluation and save included', async () => {
    // A validation split large enough that the final evaluation takes seconds.
    const corpus = path.join(dir, 'shakespeare.txt');
    fs.copyFileSync(path.join(ROOT, 'corpora', 'tinyshakespeare.txt'), corpus);
    const args = ['train', corpus, '--layers', '1', '--hidden', '192', '--embedding', '16', '--batch', '8', '--seq-len', '32', '--val-frac', '0.5',
      '--eval-every', '1000000', '--sample-length', '0', '--workers', '1', '--no-ui', '--max-time', '2s', '--out', path.join(dir, 'timed')];
    const { stderr, sessionMs } = await new Promise<{ stderr: string; sessionMs: number }>((resolve, reject) => {
      const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
      let text = '';
      let started = 0;
      child.stderr.setEncoding('utf8').on('data', (d: string) => {
        text += d;
        if (!started && /^step /m.test(text)) started = performance.now();
      });
      child.on('error', reject);
      child.on('close', () => resolve({ stderr: text, sessionMs: performance.now() - started }));
    });
    const done = /^done at step \d+: reached time limit after (\d+)s/m.exec(stderr);
    expect(done, stderr).not.toBeNull();
    const reported = Number(done![1]) * 1000;
    expect(reported).toBeGreaterThanOrEqual(2000);
    // From the first step line to the exit: what the session took, as the report should say.
    expect(Math.abs(reported - sessionMs), `reported ${reported} ms, observed ${Math.round(sessionMs)} ms`).toBeLessThan(1500);
  });
});
