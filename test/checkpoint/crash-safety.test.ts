/**
 * A killed run never loses a checkpoint (issue 6). Training saves after every
 * step (--eval-every 1), so most of its time is spent in saves; it is killed
 * with SIGKILL at seeded random moments, 20 times in a chain (more, up to 40,
 * until at least one kill has landed in the middle of a save): every kill is
 * followed by an in-process check that latest/ loads (weights and optimizer
 * state, step never behind the last checkpoint the process reported), and
 * every next round is a `--resume` of that latest/, so all 20 resumes are
 * exercised too. At least one kill must land during a save (it leaves that
 * process's temporary or a .prev directory behind). A final resume runs to completion and clears the
 * temporaries the kills left behind.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadCheckpoint, loadTrainingState } from '../../src/checkpoint/load.js';
import { BIN, NODE_FLAGS, ROOT, runCli, smallCorpus, tempDir } from '../helpers/cli.js';

const KILLS = 20;
/** Kills go on past KILLS, up to this many, until one has landed during a save. */
const MAX_KILLS = 40;
/** Kill moments are drawn uniformly from [0, MAX_DELAY_MS) after the process reports it is training. */
const MAX_DELAY_MS = 700;

/** mulberry32: a small seeded generator, so the kill schedule is reproducible. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Round {
  /** Step of the last latest/ checkpoint the process reported as written before it died. */
  reportedStep: number;
  /** Steps the process reported as taken. */
  steps: number;
  pid: number;
  exit: { code: number | null; signal: NodeJS.Signals | null };
}

/**
 * Starts charnn with --json, waits for `ready` (an event type), lets it run
 * for `delayMs` and kills it with SIGKILL.
 */
function runAndKill(args: string[], ready: string, delayMs: number): Promise<Round> {
  return new Promise((resolve, reject) => {
    const child: ChildProcess = spawn(process.execPath, [...NODE_FLAGS, BIN, ...args], {
      cwd: ROOT, env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let buffer = '';
    let stderr = '';
    let reportedStep = -1;
    let steps = 0;
    let armed = false;
    const safety = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      buffer += chunk;
      let newline: number;
      while ((newline = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, newline);
        buffer = buffer.slice(newline + 1);
        const event = JSON.parse(line) as { type: string; kind?: string; step?: number };
        if (event.type === 'checkpoint' && event.kind === 'latest') reportedStep = event.step!;
        if (event.type === 'step') steps++;
        if (event.type === ready && !armed) {
          armed = true;
          setTimeout(() => child.kill('SIGKILL'), delayMs);
        }
      }
    });
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(safety);
      if (signal !== 'SIGKILL') reject(new Error(`charnn exited by itself (${code}, ${signal}) before the kill: ${stderr}`));
      else resolve({ reportedStep, steps, pid: child.pid!, exit: { code, signal } });
    });
  });
}

let dir: string;
let corpus: string;

beforeAll(async () => {
  dir = tempDir('charnn-crash-');
  corpus = smallCorpus(dir, 12_000);
});

describe('SIGKILL at random moments', () => {
  it(`never loses latest/, and --resume continues after each of ${KILLS} kills`, async () => {
    const run = path.join(dir, 'run');
    const latest = path.join(run, 'latest');
    const random = seeded(20_240_606);
    const training = ['--layers', '1', '--hidden', '32', '--embedding', '16', '--batch', '4', '--seq-len', '16', '--max-steps', '100000',
      '--eval-every', '1', '--eval-batches', '1', '--sample-length', '0', '--keep', '2', '--backend', 'wasm', '--workers', '1', '--json'];
    let lastStep = -1;
    let duringSave = 0;
    const log: string[] = [];
    const leftovers = (): string[] => fs.existsSync(run) ? fs.readdirSync(run).filter((e) => e.startsWith('.charnn-tmp-') || e.endsWith('.prev')) : [];
    let kills = 0;
    for (; kills < KILLS || (duringSave === 0 && kills < MAX_KILLS); kills++) {
      const delay = Math.floor(random() * MAX_DELAY_MS);
      const before = new Set(leftovers());
      // The first round waits for its first checkpoint (before it there is nothing to keep);
      // the others are resumes and start their clock once training has started.
      const round = kills === 0
        ? await runAndKill(['train', corpus, ...training, '--out', run], 'checkpoint', delay)
        : await runAndKill(['train', '--resume', latest, '--backend', 'wasm', '--json'], 'start', delay);

      // A kill during a save leaves this process's temporary directory, or a .prev the save had not yet removed.
      const left = leftovers();
      const midSave = left.filter((e) => e.startsWith(`.charnn-tmp-${round.pid}-`) || (e.endsWith('.prev') && !before.has(e)));
      if (midSave.length > 0) duringSave++;
      const checkpoint = loadCheckpoint(latest);
      const state = loadTrainingState(checkpoint);
      const step = checkpoint.meta.progress.step;
      log.push(`kill ${kills + 1}: after ${delay} ms, ${round.steps} steps taken, reported latest ${round.reportedStep}, on disk ${step}${midSave.length ? ` (mid-save: ${midSave.join(', ')})` : ''}`);
      // Nothing the process reported as saved is lost, and nothing goes backwards.
      expect(step, log.join('\n')).toBeGreaterThanOrEqual(round.reportedStep);
      expect(step, log.join('\n')).toBeGreaterThanOrEqual(lastStep);
      expect(state).not.toBeNull();
      lastStep = step;
    }
    console.log(`${log.join('\n')}\n${kills}/${kills} kills survived; ${duringSave} of them landed during a save`);
    expect(duringSave, `no kill landed during a save:\n${log.join('\n')}`).toBeGreaterThanOrEqual(1);

    // Resume to completion: a few more steps, clean exit, the kills' temporaries cleared.
    const final = await runCli(['train', '--resume', latest, '--max-steps', String(lastStep + 3), '--backend', 'wasm', '--no-ui']);
    expect(final.stderr).not.toMatch(/\n\s+at /);
    expect(final.code, final.stderr).toBe(0);
    const done = loadCheckpoint(latest);
    expect(done.meta.progress.step).toBe(lastStep + 3);
    const entries = fs.readdirSync(run);
    expect(entries.filter((e) => e.startsWith('.charnn-tmp-') || e.endsWith('.prev')), entries.join(' ')).toEqual([]);
    // --keep 2: latest/ plus one older snapshot, and best/.
    expect(entries.filter((e) => /^latest-\d+$/.test(e))).toHaveLength(1);
    expect(entries).toContain('best');
  }, 400_000);
});
