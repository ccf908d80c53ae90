/**
 * Ctrl-C (SIGINT), SIGTERM and SIGHUP (a closed terminal) save latest/ and
 * exit 0 within a few seconds, in plain and JSON mode (the dashboard's
 * hang-up is in test/e2e/tmux-dashboard.test.ts); a second SIGINT exits at
 * once (130), and the checkpoint on disk stays whole.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadCheckpoint } from '../../src/checkpoint/load.js';
import { BIN, ROOT, smallCorpus, tempDir } from '../helpers/cli.js';
import { waitFor } from '../helpers/wait.js';

/** Generous for a loaded CI machine; on a quiet one these take well under a second. */
const GRACEFUL_MS = 10_000;
const AT_ONCE_MS = 2_000;

let dir: string;
let corpus: string;

beforeAll(async () => {
  dir = tempDir('charnn-signals-');
  corpus = smallCorpus(dir, 12_000);
});

interface Outcome {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
  /** ms from the last signal sent to the exit. */
  exitMs: number;
}

/**
 * Trains in plain mode until stderr shows `ready`, then sends `signals`
 * (`gapMs` apart) and waits for the exit.
 */
function trainAndSignal(out: string, ready: RegExp, signals: NodeJS.Signals[], gapMs = 0, hidden = 32, face = '--no-ui'): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, 'train', corpus, '--layers', '1', '--hidden', String(hidden), '--embedding', '16', '--batch', '4',
      '--seq-len', '16', '--max-steps', '100000', '--eval-every', '3', '--eval-batches', '1', '--sample-length', '0', '--backend', 'wasm',
      '--workers', '1', face, '--out', out], { cwd: ROOT, env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let sent = false;
    let lastSignal = 0;
    const safety = setTimeout(() => child.kill('SIGKILL'), 60_000);
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
      check();
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
      check();
    });
    function check(): void {
      if (!sent && ready.test(stderr + stdout)) {
        sent = true;
        void (async () => {
          for (const [i, signal] of signals.entries()) {
            if (i > 0 && gapMs > 0) await new Promise((r) => setTimeout(r, gapMs));
            lastSignal = performance.now();
            child.kill(signal);
          }
        })();
      }
    }
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(safety);
      resolve({ code, signal, stderr, exitMs: performance.now() - lastSignal });
    });
  });
}

/** CPU time (user + system, all threads) a live process has used, in ms (Linux /proc; clock ticks of 10 ms). */
function cpuMs(pid: number): number {
  // Fields after the command name (which ends at the last ')'): utime and stime are the 12th and 13th.
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

function latestStep(out: string): number {
  const checkpoint = loadCheckpoint(path.join(out, 'latest'));
  return checkpoint.meta.progress.step;
}

describe('signals', () => {
  it.concurrent.each<[NodeJS.Signals, string]>([
    ['SIGINT', 'interrupted'],
    ['SIGTERM', 'terminated'],
    ['SIGHUP', 'hung up'],
  ])('%s saves latest/ and exits 0', async (signal, word) => {
    const out = path.join(dir, signal);
    const r = await trainAndSignal(out, /^step /m, [signal]);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.code, r.stderr).toBe(0);
    expect(r.exitMs).toBeLessThan(GRACEFUL_MS);
    expect(r.stderr).toContain(`charnn: ${word}, saving latest/ and stopping`);
    const done = /^done at step (\d+): stopped/m.exec(r.stderr);
    expect(done, r.stderr).not.toBeNull();
    expect(r.stderr).toMatch(new RegExp(`^checkpoint latest → ${out}/latest$`, 'm'));
    expect(latestStep(out)).toBe(Number(done![1]));
  });

  it.concurrent('SIGHUP in JSON mode saves latest/; a second SIGHUP does not cut the save short', async () => {
    const out = path.join(dir, 'hup-json');
    const r = await trainAndSignal(out, /"type":"step"/, ['SIGHUP', 'SIGHUP'], 20, 32, '--json');
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('charnn: hung up, saving latest/ and stopping');
    expect(latestStep(out)).toBeGreaterThan(0);
  });

  it.concurrent('SIGTERM during a long validation pass: saving starts at once, not after the pass', async () => {
    // 3.3 M validation characters: an uninterrupted pass takes far longer than the time allowed here.
    const big = path.join(dir, 'big.txt');
    fs.writeFileSync(big, fs.readFileSync(path.join(ROOT, 'corpora', 'tinyshakespeare.txt'), 'utf8').repeat(6));
    const out = path.join(dir, 'mid-eval');
    const child = spawn(process.execPath, [BIN, 'train', big, '--layers', '1', '--hidden', '128', '--embedding', '16', '--batch', '8',
      '--seq-len', '32', '--val-frac', '0.5', '--eval-every', '1', '--sample-length', '0', '--workers', '1', '--no-ui', '--out', out],
      { cwd: ROOT, env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    let signalled = 0;
    let savedAfter = -1;
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
      if (signalled && savedAfter < 0 && /^checkpoint latest/m.test(stderr)) savedAfter = performance.now() - signalled;
    });
    const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
    // The first step line comes right before the first evaluation starts; once the process has
    // computed for half a second more (CPU time, however loaded the machine), it is inside the pass.
    try {
      await waitFor(() => /^step 1 /m.test(stderr), { what: 'the first step', timeoutMs: 30_000, seen: () => stderr });
      const atStep = cpuMs(child.pid!);
      await waitFor(() => cpuMs(child.pid!) - atStep >= 500, { what: '0.5 s of CPU time in the evaluation', timeoutMs: 30_000, seen: () => stderr });
    } catch (error) {
      child.kill('SIGKILL');
      throw error;
    }
    signalled = performance.now();
    child.kill('SIGTERM');
    const code = await closed;
    expect(code, stderr).toBe(0);
    expect(stderr).not.toMatch(/^eval step/m);
    expect(savedAfter, stderr).toBeGreaterThanOrEqual(0);
    expect(savedAfter).toBeLessThan(2000);
    expect(latestStep(out)).toBe(1);
  });

  it.concurrent('a second SIGINT exits at once with 130, leaving a whole checkpoint', async () => {
    const out = path.join(dir, 'twice');
    // Wait for a first latest/ so there is a previous checkpoint to keep.
    // Standard signals sent back to back coalesce in the kernel, so the second
    // follows 20 ms later; a model large enough that finishing the step in
    // flight and saving takes longer than that keeps the race on our side.
    const r = await trainAndSignal(out, /^checkpoint latest/m, ['SIGINT', 'SIGINT'], 20, 1024);
    expect(r.code, r.stderr).toBe(130);
    expect(r.exitMs).toBeLessThan(AT_ONCE_MS);
    expect(r.stderr).toContain('charnn: interrupted again, exiting without saving');
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(latestStep(out)).toBeGreaterThanOrEqual(3);
  });
});
