/**
 * Every write error on stdout or stderr is one line (where one can still be
 * written) and the right exit code, never a stack trace; training saves
 * latest/ first (issue 11). Real binary, stdout or stderr on /dev/full or
 * on a pipe whose reader goes away.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { BIN, NODE_FLAGS, ROOT, runCli, smallCorpus, tempDir } from '../helpers/cli.js';
import { trainTiny } from '../helpers/tiny-run.js';
import { runInProcess } from '../helpers/in-process.js';

const HAVE_FULL = fs.existsSync('/dev/full');
const TINY = ['--layers', '1', '--hidden', '32', '--embedding', '16', '--batch', '8', '--seq-len', '32', '--eval-batches', '1',
  '--sample-length', '0', '--backend', 'wasm', '--workers', '1', '--max-steps', '100000', '--eval-every', '100000'];
const STACK = /\n\s+at |internal error/;

let dir: string;
let corpus: string;
let run: string;

interface Result {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs charnn with stdout and/or stderr on /dev/full ('full') or a pipe ('pipe'). */
function runTo(args: string[], stdout: 'full' | 'pipe', stderr: 'full' | 'pipe'): Promise<Result> {
  return new Promise((resolve, reject) => {
    const full = fs.openSync('/dev/full', 'w');
    const child = spawn(process.execPath, [...NODE_FLAGS, BIN, ...args], {
      cwd: ROOT, env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', stdout === 'full' ? full : 'pipe', stderr === 'full' ? full : 'pipe'],
    });
    fs.closeSync(full);
    let out = '';
    let err = '';
    child.stdout?.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr?.setEncoding('utf8').on('data', (d: string) => (err += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout: out, stderr: err });
    });
  });
}

/** `charnn … 2>&1 | head -<lines>`: stdout and stderr share one pipe, closed after `lines` lines. */
function runMergedHead(args: string[], lines: number): Promise<Result & { seen: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('/bin/sh', ['-c', 'exec "$0" "$@" 2>&1', process.execPath, BIN, ...args], {
      cwd: ROOT, env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'inherit'],
    });
    let seen = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      seen += d;
      if (seen.split('\n').length > lines) child.stdout.destroy();
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout: '', stderr: '', seen });
    });
  });
}

/** The step of the run's latest/, as `charnn info --json` reports it (in-process). */
async function latestStep(out: string): Promise<number> {
  const r = await runInProcess(['info', path.join(out, 'latest'), '--json']);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout).step as number;
}

beforeAll(() => {
  dir = tempDir('charnn-output-');
  corpus = smallCorpus(dir, 12_000);
  run = trainTiny(dir, 'gru', ['--workers', '1']);
});

describe.skipIf(!HAVE_FULL)('stdout on a full disk', () => {
  it.concurrent.each([
    ['generate', () => ['generate', run, '--length', '50', '--seed', '1']],
    ['generate --format jsonl', () => ['generate', run, '--length', '50', '--num', '3', '--format', 'jsonl']],
    ['eval', () => ['eval', run, corpus]],
    ['info', () => ['info', run]],
    ['info --json', () => ['info', run, '--json']],
  ])('%s: one line, exit 1', async (_, args) => {
    const r = await runTo(args(), 'full', 'pipe');
    expect(r.stderr).not.toMatch(STACK);
    expect(r.stderr).toBe('charnn: cannot write to stdout: no space left on device (free disk space or send the output elsewhere)\n');
    expect(r.code).toBe(1);
  });

  it.concurrent('train --json saves latest/ first, then one line and exit 1', async () => {
    const out = path.join(dir, 'json-full');
    const r = await runTo(['train', corpus, ...TINY, '--json', '--out', out], 'full', 'pipe');
    expect(r.stderr).not.toMatch(STACK);
    const line = /^charnn: cannot write to stdout: no space left on device; saved latest\/ at step (\d+) and stopped \(free disk space or send the output elsewhere\)\n$/.exec(r.stderr);
    expect(line, r.stderr).not.toBeNull();
    expect(r.code).toBe(1);
    expect(await latestStep(out)).toBe(Number(line![1]));
  });
});

describe('stderr', () => {
  it.skipIf(!HAVE_FULL).concurrent('train --no-ui 2>/dev/full saves latest/ and exits 1, stdout untouched', async () => {
    const out = path.join(dir, 'stderr-full');
    const r = await runTo(['train', corpus, ...TINY, '--no-ui', '--out', out], 'pipe', 'full');
    expect(r.stdout).toBe('');
    expect(r.code).toBe(1);
    // The header's failed write stops the run as soon as it is noticed: often before a first step now that TF.js's
    // save path loads before the session starts. Whatever step that was, latest/ holds it, whole.
    expect(await latestStep(out)).toBeGreaterThanOrEqual(0);
  });

  it.concurrent('train --no-ui 2>&1 | head -2 saves latest/ and exits 0', async () => {
    const out = path.join(dir, 'merged-head');
    const r = await runMergedHead(['train', corpus, ...TINY, '--no-ui', '--out', out], 2);
    expect(r.seen).toMatch(/^run small /);
    expect(r.signal).toBeNull();
    expect(r.code).toBe(0);
    expect(await latestStep(out)).toBeGreaterThan(0);
  });
});

describe.skipIf(!fs.existsSync('/proc/self'))('an --out no directory can be created in', () => {
  it.concurrent('train --out /proc/… and export to /proc/…: one line, never a loop', async () => {
    // A loop never exits: the deadline (generous for a slow, busy machine) kills it, and the exit code fails the test.
    const [trained, exported] = await Promise.all([
      runCli(['train', corpus, ...TINY, '--no-ui', '--out', '/proc/charnn-test-run'], { timeoutMs: 60_000 }),
      runCli(['export', run, '/proc/charnn-test-web'], { timeoutMs: 60_000 }),
    ]);
    expect(trained.stderr).toBe('charnn: cannot write checkpoints to /proc/charnn-test-run: no directory can be created in /proc (pass --out with a directory you can write to)\n');
    expect(trained.code).toBe(2);
    expect(exported.stderr).toMatch(/^charnn: cannot write the export into \/proc\/charnn-test-web: no directory can be created there \(.*\)\n$/);
    expect(exported.code).toBe(1);
  });
});

