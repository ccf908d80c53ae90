/**
 * One tiny trained run per configuration per test run, copied where a test
 * wants it. A dozen test files need *a* trained checkpoint (to damage, list,
 * inspect or sample), not the act of training: each used to train its own
 * with the real binary. The first to ask for a configuration trains it into
 * a cache directory that the global set-up (setup() below) makes for the
 * whole run; every caller gets its own copy, so no test sees another's
 * changes. Tests whose point is training still train (runCli 'train').
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { inject } from 'vitest';
import type { TestProject } from 'vitest/node';
import { runCliSync, smallCorpus, tempDir } from './cli.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The directory of cached tiny runs for this test run (made by setup()). */
    tinyRuns: string;
  }
}

/** Set in vitest's main process by the first project's set-up, so every project shares one cache. */
const CACHE_ENV = 'CHARNN_TEST_TINY_RUNS';

/** vitest globalSetup: makes the cache directory, and removes it at the end of the run. */
export default function setup(project: TestProject): (() => void) | undefined {
  const existing = process.env[CACHE_ENV];
  const cache = existing ?? tempDir('charnn-tiny-runs-');
  process.env[CACHE_ENV] = cache;
  project.provide('tinyRuns', cache);
  if (existing) return undefined;
  return () => {
    delete process.env[CACHE_ENV];
    fs.rmSync(cache, { recursive: true, force: true });
  };
}

/** The real binary's `train` of a tiny model on `corpus` into `out` (~0.7 s of CPU time). */
function train(corpus: string, out: string, cell: string, extra: string[]): void {
  const r = runCliSync(
    ['train', corpus, '--cell', cell, '--layers', '1', '--hidden', '32', '--embedding', '16', '--batch', '8', '--seq-len', '32',
      '--max-steps', '10', '--eval-every', '5', '--eval-batches', '2', '--sample-length', '0', '--no-ui', '--backend', 'wasm', '--out', out, ...extra],
  );
  if (r.code !== 0) throw new Error(`training failed (${r.code}): ${r.stderr}`);
}

/** The cache's directory for one configuration: its small.txt and run-<cell>/, trained on first use. */
function cached(cache: string, cell: string, extra: string[]): string {
  const key = crypto.createHash('sha256').update(JSON.stringify([cell, extra])).digest('hex').slice(0, 16);
  const entry = path.join(cache, key);
  if (fs.existsSync(entry)) return entry;
  // Trained aside and renamed into place: a worker that finds the entry finds it whole. Two
  // workers asking at once both train; the second rename fails and its copy is dropped.
  const building = fs.mkdtempSync(path.join(cache, '.building-'));
  try {
    train(smallCorpus(building), path.join(building, `run-${cell}`), cell, extra);
    fs.renameSync(building, entry);
  } catch (error) {
    fs.rmSync(building, { recursive: true, force: true });
    if (!fs.existsSync(entry)) throw error;
  }
  return entry;
}

/**
 * Every charnn.json below `run` names the corpus it was trained on (in the
 * cache): name `to` instead, as if the run had been trained on it (the same
 * text). Only that string changes; the file is otherwise byte for byte what
 * training wrote.
 */
function moveCorpus(run: string, to: string): void {
  for (const e of fs.readdirSync(run, { withFileTypes: true, recursive: true })) {
    if (!e.isFile() || e.name !== 'charnn.json') continue;
    const file = path.join(e.parentPath, e.name);
    const text = fs.readFileSync(file, 'utf8');
    const from = `"path": ${JSON.stringify((JSON.parse(text) as { corpus: { path: string } }).corpus.path)}`;
    const parts = text.split(from);
    if (parts.length !== 2) throw new Error(`${file} holds ${from} ${parts.length - 1} times, not once: the copy cannot be moved`);
    fs.writeFileSync(file, parts.join(`"path": ${JSON.stringify(to)}`));
  }
}

/**
 * A tiny trained run (1×32, 10 steps, the real binary's `train`) in
 * `dir`/run-<cell>, trained on `dir`/small.txt (written here, smallCorpus):
 * a copy of this run's cached one for the same cell and extra flags.
 * Returns the run directory.
 */
export function trainTiny(dir: string, cell: 'rnn' | 'lstm' | 'gru' = 'lstm', extra: string[] = []): string {
  const corpus = smallCorpus(dir);
  const out = path.join(dir, `run-${cell}`);
  if (fs.existsSync(out)) throw new Error(`${out} exists already: a run is never trained over another`);
  const cache = inject('tinyRuns');
  if (!cache) {
    // Outside the configured run (no global set-up): train here.
    train(corpus, out, cell, extra);
    return out;
  }
  const entry = cached(cache, cell, extra);
  fs.cpSync(path.join(entry, `run-${cell}`), out, { recursive: true });
  moveCorpus(out, corpus);
  return out;
}
