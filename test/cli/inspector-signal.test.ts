/**
 * SIGUSR1 must not open Node's inspector in a charnn process: it would
 * listen on 127.0.0.1:9229 without authentication, and any local user
 * could run code inside the trainer. Through the real binary: a training
 * run gets SIGUSR1 once it is under way, prints no "Debugger listening",
 * opens no listening socket, keeps training and ends normally.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { BIN, NODE_FLAGS, ROOT, smallCorpus, tempDir } from '../helpers/cli.js';

let dir: string;
let corpus: string;

beforeAll(() => {
  dir = tempDir('charnn-sigusr1-');
  corpus = smallCorpus(dir, 12_000);
});

/** Inodes of the sockets a process holds open (Linux /proc). */
function socketInodes(pid: number): Set<string> {
  const inodes = new Set<string>();
  for (const fd of fs.readdirSync(`/proc/${pid}/fd`)) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(fs.readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (m) inodes.add(m[1]!);
    } catch {
      // Closed meanwhile.
    }
  }
  return inodes;
}

/** Local addresses of the TCP sockets among `inodes` that listen (state 0A in /proc/<pid>/net/tcp and tcp6). */
function listening(pid: number, inodes: Set<string>): string[] {
  const found: string[] = [];
  for (const table of ['tcp', 'tcp6']) {
    let text = '';
    try {
      text = fs.readFileSync(`/proc/${pid}/net/${table}`, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.trim().split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f[3] === '0A' && inodes.has(f[9]!)) found.push(f[1]!);
    }
  }
  return found;
}

describe('SIGUSR1', () => {
  it('opens no debugger in a training run, which keeps training and ends normally', async () => {
    const outcome = await new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string; output: string; listeningAfter: string[] | null; linesAfter: number }>((resolve, reject) => {
      const child = spawn(process.execPath, [...NODE_FLAGS, BIN, 'train', corpus, '--layers', '1', '--hidden', '16', '--embedding', '8', '--batch', '4', '--seq-len', '16',
        '--max-steps', '30', '--eval-every', '10', '--eval-batches', '1', '--sample-length', '0', '--backend', 'wasm', '--workers', '1', '--no-ui',
        '--out', path.join(dir, 'run')], { cwd: ROOT, env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      // stdout and stderr as they came (step lines go to one, evaluations to the other).
      let output = '';
      let signalledAt = -1;
      let listeningAfter: string[] | null = null;
      const safety = setTimeout(() => child.kill('SIGKILL'), 120_000);
      const seen = (d: string): void => {
        output += d;
        // Under way: the first step is done. Signal once.
        if (signalledAt < 0 && /^step 1\//m.test(output)) {
          signalledAt = output.length;
          child.kill('SIGUSR1');
        } else if (signalledAt >= 0 && listeningAfter === null && /^eval step 20:/m.test(output.slice(signalledAt))) {
          // Two evaluations later, still running: what does it listen on?
          listeningAfter = listening(child.pid!, socketInodes(child.pid!));
        }
      };
      child.stdout.setEncoding('utf8').on('data', seen);
      child.stderr.setEncoding('utf8').on('data', (d: string) => {
        stderr += d;
        seen(d);
      });
      child.on('error', reject);
      child.on('close', (code, signal) => {
        clearTimeout(safety);
        resolve({ code, signal, stderr, output, listeningAfter, linesAfter: signalledAt < 0 ? 0 : output.slice(signalledAt).split('\n').length - 1 });
      });
    });
    expect(outcome.stderr).not.toMatch(/Debugger (listening|attached)/);
    expect(outcome.listeningAfter).toEqual([]);
    expect(outcome.signal).toBeNull();
    expect(outcome.code).toBe(0);
    expect(outcome.linesAfter).toBeGreaterThan(0);
    expect(outcome.output).toMatch(/^done at step 30: reached max steps/m);
  });
});
