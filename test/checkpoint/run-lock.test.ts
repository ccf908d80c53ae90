/**
 * Taking over the lock of a dead trainer is atomic: of 8 processes taking
 * over the same stale lock at the same instant, exactly one holds it, round
 * after round; a taker that died holding a takeover claim does not wedge the
 * directory. The contenders are plain Node processes calling lockRunDirectory
 * (dist/), not trainings: each holds what it won until every contender of the
 * round has answered, so a second winner could not hide behind a release.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { LOCK_FILE, lockRunDirectory } from '../../src/checkpoint/run-lock.js';
import { ROOT, tempDir } from '../helpers/cli.js';

const CONTENDERS = 8;
const ROUNDS = 20;
/** Above any pid_max: a process that is certainly not running. */
const DEAD_PID = 999_999_999;

/** Reads lines `<dir> <at>`: waits until `at` (ms since the epoch), releases what it held, tries the lock, answers won/lost. */
const CONTENDER = `
import readline from 'node:readline';
const { lockRunDirectory } = await import(process.argv[2]);
let held = null;
const wait = new Int32Array(new SharedArrayBuffer(4));
for await (const line of readline.createInterface({ input: process.stdin })) {
  const [dir, at] = line.split(' ');
  held?.release();
  held = null;
  const delay = Number(at) - Date.now();
  if (delay > 0) Atomics.wait(wait, 0, 0, delay);
  try {
    held = lockRunDirectory(dir);
    process.stdout.write(held.tookOver && held.tookOver.pid === ${DEAD_PID} ? 'won\\n' : 'won-without-takeover\\n');
  } catch (error) {
    process.stdout.write(/being trained by another charnn/.test(error.message) ? 'lost\\n' : 'error ' + error.message + '\\n');
  }
}
`;

let dir: string;
const children: { child: ChildProcessWithoutNullStreams; answers: AsyncIterator<string> }[] = [];

const staleLock = (): string => `${JSON.stringify({ pid: DEAD_PID, host: os.hostname(), startedAt: '2020-01-01T00:00:00.000Z' })}\n`;

beforeAll(() => {
  dir = tempDir('charnn-lock-');
  const script = path.join(dir, 'contender.mjs');
  fs.writeFileSync(script, CONTENDER);
  const module = new URL(`file://${path.join(ROOT, 'dist', 'src', 'checkpoint', 'run-lock.js')}`).href;
  for (let i = 0; i < CONTENDERS; i++) {
    const child = spawn(process.execPath, [script, module], { stdio: ['pipe', 'pipe', 'pipe'] });
    children.push({ child, answers: readline.createInterface({ input: child.stdout })[Symbol.asyncIterator]() });
  }
});

afterAll(() => {
  for (const { child } of children) child.stdin.end();
});

describe('taking over a dead trainer\'s lock', () => {
  it(`${CONTENDERS} processes at once, ${ROUNDS} rounds: exactly one winner each round`, async () => {
    const tally: string[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const run = path.join(dir, `run-${round}`);
      fs.mkdirSync(run);
      fs.writeFileSync(path.join(run, LOCK_FILE), staleLock());
      // A start a little ahead, so that all contenders are waiting for it.
      const at = Date.now() + 80;
      for (const { child } of children) child.stdin.write(`${run} ${at}\n`);
      const answers = await Promise.all(children.map(async ({ answers }) => (await answers.next()).value as string));
      expect(answers.filter((a) => a === 'won'), `round ${round}: ${answers.join(', ')}`).toHaveLength(1);
      expect(answers.filter((a) => a !== 'won' && a !== 'lost'), `round ${round}`).toEqual([]);
      // The lock on disk is the winner's, and no claim is left behind.
      const owner = JSON.parse(fs.readFileSync(path.join(run, LOCK_FILE), 'utf8')).pid as number;
      expect(children[answers.indexOf('won')]!.child.pid).toBe(owner);
      expect(fs.readdirSync(run).filter((f) => f !== LOCK_FILE), `round ${round}`).toEqual([]);
      tally.push(answers.join(','));
    }
    // Different processes won: the rounds really raced.
    expect(new Set(tally).size).toBeGreaterThan(1);
  }, 120_000);

  it('claims left by takers that died half-way (a pid since reused included) do not wedge the directory', () => {
    const run = path.join(dir, 'wedged');
    fs.mkdirSync(run);
    const lock = path.join(run, LOCK_FILE);
    fs.writeFileSync(lock, staleLock());
    // A taker that fails at the very last step (the rename over the dead lock) leaves its claim: its name is keyed by the lock's identity.
    let claimed: string[] = [];
    const spy = vi.spyOn(fs, 'renameSync').mockImplementation(() => {
      claimed = fs.readdirSync(run).filter((f) => f.includes('.takeover-'));
      throw Object.assign(new Error('died'), { code: 'EIO' });
    });
    try {
      expect(() => lockRunDirectory(run)).toThrow('died');
    } finally {
      spy.mockRestore();
    }
    expect(claimed).toHaveLength(1);
    expect(JSON.parse(fs.readFileSync(lock, 'utf8')).pid).toBe(DEAD_PID);
    // Make that claim a dead process's, and the next one that of a running process (the pid reused) but two minutes old:
    // what two takers that died half-way leave.
    fs.writeFileSync(path.join(run, claimed[0]!), `${JSON.stringify({ pid: DEAD_PID, host: os.hostname(), startedAt: '' })}\n`);
    const reused = path.join(run, claimed[0]!.replace(/-0$/, '-1'));
    fs.writeFileSync(reused, `${JSON.stringify({ pid: process.ppid, host: os.hostname(), startedAt: '' })}\n`);
    const old = (Date.now() - 120_000) / 1000;
    fs.utimesSync(reused, old, old);
    const taken = lockRunDirectory(run);
    expect(taken.tookOver?.pid).toBe(DEAD_PID);
    expect(JSON.parse(fs.readFileSync(lock, 'utf8')).pid).toBe(process.pid);
    expect(fs.readdirSync(run)).toEqual([LOCK_FILE]);
    taken.release();
    expect(fs.existsSync(lock)).toBe(false);
  });

  it('a directory or a link under the lock\'s name is refused, never replaced', () => {
    for (const plant of [(p: string) => fs.mkdirSync(p), (p: string) => fs.symlinkSync('/etc/hostname', p)]) {
      const run = tempDir('charnn-lock-foreign-');
      plant(path.join(run, LOCK_FILE));
      expect(() => lockRunDirectory(run, 'run')).toThrow(/^run\/\.charnn-lock is not a lock charnn can read \(a directory, a link or an unreadable file\)$/);
      expect(fs.readdirSync(run)).toEqual([LOCK_FILE]);
    }
  });
});
