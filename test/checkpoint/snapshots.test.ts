/**
 * --keep N (latest/ plus N − 1 latest-<step>/ siblings, and always best/),
 * the states an interrupted save can leave behind, and the rule that a
 * checkpoint with NaN weights is never written.
 */
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/engine/tfjs/backend/index.js';
import { replaceDirectoryAtomically, removeStaleTemporaries } from '../../src/checkpoint/files.js';
import { loadCheckpoint, loadTrainingState, resolveCheckpoint, runDirectoryOf } from '../../src/checkpoint/load.js';
import { NonFiniteCheckpointError, saveCheckpoint } from '../../src/checkpoint/save.js';
import { listSnapshots, pruneSnapshots } from '../../src/checkpoint/snapshots.js';
import { hashTree, runCli, smallCorpus, tempDir } from '../helpers/cli.js';

const TINY = ['--layers', '1', '--hidden', '16', '--embedding', '8', '--batch', '4', '--seq-len', '16', '--eval-batches', '1',
  '--sample-length', '0', '--backend', 'wasm', '--workers', '1', '--no-ui'];

let dir: string;
let corpus: string;
/** A run trained with --keep 3 for 12 steps, evaluating every 2. */
let run: string;


function stepOf(checkpoint: string): number {
  const loaded = loadCheckpoint(checkpoint);
  return loaded.meta.progress.step;
}

beforeAll(async () => {
  await initBackend('cpu');
  dir = tempDir('charnn-snapshots-');
  corpus = smallCorpus(dir, 12_000);
  run = path.join(dir, 'keep3');
  const r = await runCli(['train', corpus, ...TINY, '--max-steps', '12', '--eval-every', '2', '--keep', '3', '--out', run]);
  if (r.code !== 0) throw new Error(r.stderr);
});

describe('--keep', () => {
  it('keeps latest/ and the N − 1 newest older snapshots, each loadable, besides best/', () => {
    expect(fs.readdirSync(run).sort()).toEqual(['best', 'latest', 'latest-10', 'latest-8']);
    expect(stepOf(path.join(run, 'latest'))).toBe(12);
    expect(stepOf(path.join(run, 'latest-10'))).toBe(10);
    expect(stepOf(path.join(run, 'latest-8'))).toBe(8);
    expect(listSnapshots(run).map((s) => s.step)).toEqual([10, 8]);
    // A snapshot is a checkpoint of its run like latest/ is.
    expect(runDirectoryOf(path.join(run, 'latest-8'))).toBe(run);
  });

  it('a resume with a smaller --keep prunes, only after the new latest/ is complete', async () => {
    const copy = path.join(dir, 'keep3-then-1');
    fs.cpSync(run, copy, { recursive: true });
    const r = await runCli(['train', '--resume', path.join(copy, 'latest'), ...TINY, '--max-steps', '14', '--keep', '1']);
    expect(r.code, r.stderr).toBe(0);
    expect(fs.readdirSync(copy).sort()).toEqual(['best', 'latest']);
    expect(stepOf(path.join(copy, 'latest'))).toBe(14);
  });

  it('pruning keeps the newest by step, whatever the names sort like', () => {
    const fake = path.join(dir, 'prune');
    for (const step of [9, 100, 20, 3]) fs.mkdirSync(path.join(fake, `latest-${step}`), { recursive: true });
    pruneSnapshots(fake, 3);
    expect(fs.readdirSync(fake).sort()).toEqual(['latest-100', 'latest-20']);
  });
});

describe('interrupted saves', () => {
  it('a crash between the two renames leaves latest.prev, which loads, resumes, and is kept as a snapshot', async () => {
    const copy = path.join(dir, 'between-renames');
    fs.cpSync(run, copy, { recursive: true });
    // What a kill right after `latest → latest.prev` leaves: no latest/, a whole latest.prev/ and a whole temporary.
    fs.renameSync(path.join(copy, 'latest'), path.join(copy, 'latest.prev'));
    fs.cpSync(path.join(copy, 'latest-10'), path.join(copy, '.charnn-tmp-999999-zz-latest'), { recursive: true });
    expect(resolveCheckpoint(path.join(copy, 'latest'))).toBe(path.join(copy, 'latest.prev'));
    expect(stepOf(path.join(copy, 'latest'))).toBe(12);
    expect(stepOf(copy)).toBeGreaterThan(0); // the run directory still resolves (best/)
    const r = await runCli(['train', '--resume', path.join(copy, 'latest'), ...TINY, '--max-steps', '13']);
    expect(r.code, r.stderr).toBe(0);
    expect(fs.readdirSync(copy).sort()).toEqual(['best', 'latest', 'latest-10', 'latest-12']);
    expect(stepOf(path.join(copy, 'latest'))).toBe(13);
  });

  it('stale temporaries of dead processes are removed, live ones and look-alikes are left alone', () => {
    const d = path.join(dir, 'stale');
    for (const name of ['.charnn-tmp-999999-abc-latest', `.charnn-tmp-${process.pid}-abc-latest`, '.charnn-tmp-999999-abc-latest-8']) {
      fs.mkdirSync(path.join(d, name), { recursive: true });
    }
    fs.writeFileSync(path.join(d, '.charnn-tmp-999999-abd-index.bin'), 'a temporary file');
    fs.mkdirSync(path.join(d, 'photos.tmp-2024-backup'));
    fs.writeFileSync(path.join(d, 'photos.tmp-2024-backup', 'beach.jpg'), 'a photo');
    fs.mkdirSync(path.join(d, 'latest.tmp-999999-abc'));
    removeStaleTemporaries(d);
    expect(fs.readdirSync(d).sort()).toEqual([`.charnn-tmp-${process.pid}-abc-latest`, 'latest.tmp-999999-abc', 'photos.tmp-2024-backup']);
  });

  it('replacing a directory never shows a partial one under its real name', () => {
    const target = path.join(dir, 'atomic', 'ckpt');
    replaceDirectoryAtomically(target, { 'a.txt': 'one' });
    expect(() => replaceDirectoryAtomically(target, { 'a.txt': 'two', 'sub/b.txt': 'cannot be written' })).toThrow();
    expect(fs.readdirSync(path.dirname(target))).toEqual(['ckpt']);
    expect(fs.readFileSync(path.join(target, 'a.txt'), 'utf8')).toBe('one');
  });
});

describe('NaN never reaches a checkpoint', () => {
  it('saveCheckpoint refuses non-finite weights and leaves the previous checkpoint untouched', async () => {
    const copy = path.join(dir, 'nan');
    fs.cpSync(path.join(run, 'latest'), path.join(copy, 'latest'), { recursive: true });
    const before = hashTree(copy);
    const loaded = loadCheckpoint(path.join(copy, 'latest'));
    const state = loadTrainingState(loaded)!;
    const [name, first] = [...loaded.params][0]!;
    loaded.params.set(name, new Float32Array(first.length).fill(NaN));
    const { state: _, ...meta } = loaded.meta;
    await expect(saveCheckpoint(path.join(copy, 'latest'), { meta, params: loaded.params, optimizer: null, carried: state.carried }, { keep: 2 }))
      .rejects.toThrow(NonFiniteCheckpointError);
    expect(hashTree(copy)).toEqual(before);
  });

  it('the loader rejects a checkpoint whose weights hold NaN', () => {
    const copy = path.join(dir, 'nan-on-disk');
    fs.cpSync(path.join(run, 'latest'), copy, { recursive: true });
    const weights = fs.readFileSync(path.join(copy, 'weights.bin'));
    weights.writeFloatLE(NaN, 4);
    fs.writeFileSync(path.join(copy, 'weights.bin'), weights);
    expect(() => loadCheckpoint(copy)).toThrow(/weights contain NaN or Infinity/);
  });
});
