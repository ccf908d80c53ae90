/**
 * A run's checkpoints listed with their steps and validation losses, and
 * `run@step` / `run@best` / `run@latest` resolved where every command
 * resolves a checkpoint (load.ts resolveCheckpoint) — an existing path
 * always winning over the @ syntax.
 */
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { resolveCheckpoint } from '../../src/checkpoint/load.js';
import { listRunCheckpoints, resolveReference, splitReference } from '../../src/checkpoint/run-checkpoints.js';
import { tempDir } from '../helpers/cli.js';
import { writeMetaOnly } from '../helpers/meta.js';

let root: string;
let run: string;

beforeAll(() => {
  root = tempDir('charnn-run-checkpoints-');
  run = path.join(root, 'run');
  const history = (upTo: number) => ({
    train: [[10, 3], [20, 2.5], [25, 2.2]].filter(([s]) => s! <= upTo) as [number, number][],
    val: [[10, 3.1], [20, 2.4], [25, 2.45]].filter(([s]) => s! <= upTo) as [number, number][],
  });
  // latest/ was saved at a stop (step 30) after the last evaluation (25): it has no val loss of its own.
  writeMetaOnly(path.join(run, 'latest'), { step: 30, history: history(30) });
  writeMetaOnly(path.join(run, 'best'), { step: 20, history: history(20) });
  writeMetaOnly(path.join(run, 'latest-25'), { step: 25, history: history(25) });
  writeMetaOnly(path.join(run, 'latest-10'), { step: 10, history: history(10) });
  fs.mkdirSync(path.join(run, 'notes'));
});

describe('listRunCheckpoints', () => {
  it('lists latest/, best/, then older snapshots newest first, each with its step and the val loss measured at it', () => {
    const { checkpoints, truncated } = listRunCheckpoints(run);
    expect(truncated).toBe(false);
    expect(checkpoints.map((c) => [c.name, c.step, c.valLoss, c.problem])).toEqual([
      ['latest', 30, null, null],
      ['best', 20, 2.4, null],
      ['latest-25', 25, 2.45, null],
      ['latest-10', 10, 3.1, null],
    ]);
  });

  it('says why a damaged checkpoint cannot be read, and never follows a symbolic link', () => {
    const other = path.join(root, 'damaged');
    writeMetaOnly(path.join(other, 'latest'), { step: 4 });
    fs.mkdirSync(path.join(other, 'best'));
    fs.writeFileSync(path.join(other, 'best', 'charnn.json'), '{"format":');
    fs.symlinkSync(path.join(run, 'latest-25'), path.join(other, 'latest-2'));
    const { checkpoints } = listRunCheckpoints(other);
    expect(checkpoints.map((c) => c.name)).toEqual(['latest', 'best']);
    expect(checkpoints[1]!.problem).toMatch(/damaged: charnn\.json is not valid JSON/);
    expect(() => resolveReference(`${other}@2`)).toThrow(/is damaged: latest-2 is a symbolic link/);
  });
});

describe('run@step', () => {
  it('names a snapshot by its step, latest/ or best/ when they are at that step, and best/ and latest/ by name', () => {
    expect(resolveCheckpoint(`${run}@25`)).toBe(path.join(run, 'latest-25'));
    expect(resolveCheckpoint(`${run}@10/`)).toBe(path.join(run, 'latest-10'));
    expect(resolveCheckpoint(`${run}@30`)).toBe(path.join(run, 'latest'));
    expect(resolveCheckpoint(`${run}@20`)).toBe(path.join(run, 'best'));
    expect(resolveCheckpoint(`${run}@best`)).toBe(path.join(run, 'best'));
    expect(resolveCheckpoint(`${run}@latest`)).toBe(path.join(run, 'latest'));
    // Relative to the working directory, like any path, and returned absolute.
    const cwd = process.cwd();
    process.chdir(root);
    try {
      expect(resolveCheckpoint('run@25')).toBe(path.join(run, 'latest-25'));
    } finally {
      process.chdir(cwd);
    }
  });

  it('a missing step is one line listing the steps on disk', () => {
    expect(() => resolveCheckpoint(`${run}@15`)).toThrow(
      `${run} has no checkpoint of step 15; the steps on disk: 30 (latest), 25, 20 (best), 10`,
    );
    expect(() => resolveCheckpoint(`${run}@fifteen`)).toThrow(/"fifteen" after the @ is no step/);
    const fresh = path.join(root, 'fresh');
    writeMetaOnly(path.join(fresh, 'latest'), { step: 3 });
    expect(() => resolveCheckpoint(`${fresh}@best`)).toThrow(`${fresh} has no best/ (no evaluation has finished yet); its checkpoints are at steps 3 (latest)`);
    expect(() => resolveCheckpoint(`${root}@3`)).toThrow(/holds no run \(no best\/ or latest\/\), so .*@3 names no checkpoint/);
  });

  it('an existing path wins over the @ syntax: a directory named with @ stays reachable', () => {
    const literal = writeMetaOnly(path.join(root, 'run@25'), { step: 99 });
    try {
      expect(resolveCheckpoint(`${run}@25`)).toBe(literal);
    } finally {
      fs.rmSync(literal, { recursive: true });
    }
    expect(resolveCheckpoint(`${run}@25`)).toBe(path.join(run, 'latest-25'));
  });

  it('leaves alone what is not of the form (no @, nothing before or after it, nothing there)', () => {
    expect(splitReference('run')).toBeNull();
    expect(splitReference('@5')).toBeNull();
    expect(splitReference('run@')).toBeNull();
    expect(splitReference('a@b/run@5/')).toEqual({ run: 'a@b/run', reference: '5' });
    expect(resolveReference(path.join(root, 'nothing@5'))).toBeNull();
    expect(() => resolveCheckpoint(path.join(root, 'nothing@5'))).toThrow(/^checkpoint not found: /);
  });
});
