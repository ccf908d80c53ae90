/**
 * Reading a checkpoint while a save swaps latest/ under it: every read
 * succeeds and returns one save, never "damaged" and never two saves mixed
 * (issue 11: 2 reads in 20,000 failed). Once with the real trainer saving
 * every step, once with the swap placed exactly between two file reads.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { initBackend } from '../../src/engine/tfjs/backend/index.js';
import { replaceDirectoryAtomically } from '../../src/checkpoint/files.js';
import { loadCheckpoint } from '../../src/checkpoint/load.js';
import { saveCheckpoint } from '../../src/checkpoint/save.js';
import { BIN, NODE_FLAGS, ROOT, smallCorpus, tempDir } from '../helpers/cli.js';
import { trainTiny } from '../helpers/tiny-run.js';
import { waitFor } from '../helpers/wait.js';

/** Saves the reads must have raced with. */
const SAVES_SEEN = 5;

let dir: string;

beforeAll(async () => {
  await initBackend('cpu');
  dir = tempDir('charnn-race-');
});

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('a reader racing the trainer', () => {
  it('loads latest/ whole while it is replaced after every step', async () => {
    const corpus = smallCorpus(dir, 12_000);
    const out = path.join(dir, 'run');
    const child = spawn(process.execPath, [...NODE_FLAGS, BIN, 'train', corpus, '--layers', '1', '--hidden', '8', '--embedding', '4', '--batch', '2',
      '--seq-len', '8', '--eval-every', '1', '--eval-batches', '1', '--sample-length', '0', '--backend', 'cpu', '--workers', '1',
      '--max-steps', '100000', '--no-ui', '--out', out], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const exited = new Promise((resolve) => child.on('close', resolve));
    try {
      const latest = path.join(out, 'latest');
      await waitFor(() => fs.existsSync(path.join(latest, 'charnn.json')), { what: 'the first latest/', intervalMs: 20, seen: () => stderr });
      let reads = 0;
      const steps = new Set<number>();
      const failures: string[] = [];
      // Read until the trainer has replaced latest/ several times under the reads (a slow machine
      // takes longer; the deadline only guards against a trainer that stopped saving).
      const until = performance.now() + 90_000;
      while (steps.size < SAVES_SEEN && performance.now() < until) {
        try {
          const checkpoint = loadCheckpoint(latest);
          steps.add(checkpoint.meta.progress.step);
        } catch (error) {
          failures.push((error as Error).message);
        }
        reads++;
        // Let the event loop run now and then (the child's stderr).
        if (reads % 50 === 0) await new Promise((r) => setImmediate(r));
      }
      expect(failures, `${failures.length} of ${reads} reads failed`).toEqual([]);
      // The race was real: many saves happened during the reads.
      expect(steps.size, `${reads} reads saw ${steps.size} saves`).toBeGreaterThanOrEqual(SAVES_SEEN);
    } finally {
      child.kill('SIGTERM');
      await exited;
    }
  });

  it('a swap between reading charnn.json and the weights: the read starts over and returns the new save whole', async () => {
    const run = trainTiny(dir, 'gru', ['--workers', '1']);
    const latest = path.join(run, 'latest');
    // The next save: same model, other weights and step, written aside first.
    const old = loadCheckpoint(latest);
    const next = path.join(dir, 'next');
    const params = new Map([...old.params].map(([name, values]) => [name, values.map((x) => 2 * x)]));
    await saveCheckpoint(next, { meta: { ...old.meta, progress: { ...old.meta.progress, step: 99 } }, params, optimizer: null, carried: null });
    const nextFiles = Object.fromEntries(fs.readdirSync(next).map((f) => [f, fs.readFileSync(path.join(next, f))]));
    const realOpen = fs.openSync;
    let swapped = false;
    const spy = vi.spyOn(fs, 'openSync').mockImplementation(((file: fs.PathLike, ...rest: unknown[]) => {
      if (!swapped && String(file) === path.join(latest, 'weights.bin')) {
        swapped = true;
        replaceDirectoryAtomically(latest, nextFiles);
      }
      return (realOpen as (...a: unknown[]) => number)(file, ...rest);
    }) as typeof fs.openSync);
    try {
      const read = loadCheckpoint(latest);
      expect(swapped).toBe(true);
      expect(read.meta.progress.step).toBe(99);
      for (const [name, values] of params) expect(Array.from(read.params.get(name)!)).toEqual(Array.from(values));
    } finally {
      spy.mockRestore();
    }
  });

  it('a replaced latest/ is renamed away before it is deleted: a reader that found latest.prev never sees it half deleted', async () => {
    const run = trainTiny(tempDir(), 'gru', ['--workers', '1']);
    const latest = path.join(run, 'latest');
    const old = loadCheckpoint(latest);
    const realRm = fs.rmSync;
    const deletedInPlace: string[] = [];
    const spy = vi.spyOn(fs, 'rmSync').mockImplementation(((file: fs.PathLike, ...rest: unknown[]) => {
      if (path.basename(String(file)) === 'latest.prev') deletedInPlace.push(String(file));
      return (realRm as (...a: unknown[]) => void)(file, ...rest);
    }) as typeof fs.rmSync);
    try {
      // Two saves, without and with snapshots kept, and a leftover .prev from a crash.
      const next = (step: number) => ({ meta: { ...old.meta, progress: { ...old.meta.progress, step } }, params: old.params, optimizer: null, carried: null });
      await saveCheckpoint(latest, next(101), { keep: 1 });
      await saveCheckpoint(latest, next(102), { keep: 3 });
      fs.mkdirSync(latest + '.prev');
      fs.writeFileSync(path.join(latest + '.prev', 'charnn.json'), '{}');
      await saveCheckpoint(latest, next(103), { keep: 1 });
      expect(deletedInPlace).toEqual([]);
      expect(fs.existsSync(latest + '.prev')).toBe(false);
      expect(loadCheckpoint(latest).meta.progress.step).toBe(103);
    } finally {
      spy.mockRestore();
    }
  });

  it('latest/ renamed away while the path is resolved (its .prev not yet visible): the read looks again', () => {
    const run = trainTiny(dir, 'rnn', ['--workers', '1']);
    const latest = path.join(run, 'latest');
    const realStat = fs.statSync;
    let missing = 0;
    const spy = vi.spyOn(fs, 'statSync').mockImplementation(((file: fs.PathLike, ...rest: unknown[]) => {
      if (missing === 0 && String(file) === latest) {
        missing++;
        throw Object.assign(new Error(`ENOENT: no such file or directory, stat '${latest}'`), { code: 'ENOENT' });
      }
      return (realStat as (...a: unknown[]) => fs.Stats)(file, ...rest);
    }) as typeof fs.statSync);
    try {
      const read = loadCheckpoint(latest);
      expect(missing).toBe(1);
      expect(read.meta.progress.step).toBeGreaterThan(0);
    } finally {
      spy.mockRestore();
    }
  });
});
