/**
 * Runs the real binary (bin/charnn.js → dist/) as a user would. `npm test`
 * builds dist/ first (pretest), so these tests exercise the shipped code.
 */
import { spawn, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { usageProbe, type Usage } from './usage.js';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const BIN = path.join(ROOT, 'bin', 'charnn.js');
/** Node's flags for the binary, as its shebang gives them (bin/charnn.js says why). */
export const NODE_FLAGS = ['--no-concurrent-recompilation'];

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  input?: string | Buffer;
  env?: Record<string, string>;
  cwd?: string;
  timeoutMs?: number;
}

/** Runs charnn to completion. */
export function runCli(args: string[], options: CliOptions = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...NODE_FLAGS, BIN, ...args], {
      cwd: options.cwd ?? ROOT,
      env: { ...process.env, NO_COLOR: '1', ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 120_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
    child.stdin.on('error', () => {});
    child.stdin.end(options.input ?? '');
  });
}

/** Synchronous variant for set-up code. */
export function runCliSync(args: string[], options: CliOptions = {}): CliResult {
  const r = spawnSync(process.execPath, [...NODE_FLAGS, BIN, ...args], {
    cwd: options.cwd ?? ROOT,
    env: { ...process.env, NO_COLOR: '1', ...options.env },
    input: options.input ?? '',
    encoding: 'utf8',
    timeout: options.timeoutMs ?? 120_000,
  });
  return { code: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

export function tempDir(prefix = 'charnn-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** A small English-like corpus (a slice of the bundled one), written to a temp file. */
export function smallCorpus(dir: string, chars = 20_000): string {
  const text = fs.readFileSync(path.join(ROOT, 'corpora', 'tinyshakespeare.txt'), 'utf8').slice(0, chars);
  const file = path.join(dir, 'small.txt');
  fs.writeFileSync(file, text);
  return file;
}

export interface MeasuredResult extends CliResult, Usage {}

/**
 * Runs charnn and measures what it used (usage.ts): CPU time, peak RSS and
 * bytes read. A process that never reported (killed at the deadline) fails
 * the test that asked.
 */
export function runCliMeasured(args: string[], options: CliOptions = {}): Promise<MeasuredResult> {
  const probe = usageProbe();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...NODE_FLAGS, ...probe.nodeArgs, BIN, ...args], {
      cwd: options.cwd ?? ROOT,
      env: { ...process.env, NO_COLOR: '1', ...options.env, ...probe.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 120_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const usage = probe.read();
      if (!usage) reject(new Error(`charnn ${args.join(' ')} ended without reporting its usage (${code ?? signal}): ${stderr}`));
      else resolve({ code, signal, stdout, stderr, ...usage });
    });
    child.stdin.on('error', () => {});
    child.stdin.end(options.input ?? '');
  });
}

/** Every regular file below `root` (relative path → sha256), to prove nothing changed. */
export function hashTree(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of fs.readdirSync(root, { withFileTypes: true, recursive: true })) {
    if (!e.isFile()) continue;
    const full = path.join(e.parentPath, e.name);
    out[path.relative(root, full)] = crypto.createHash('sha256').update(fs.readFileSync(full)).digest('hex');
  }
  return out;
}
