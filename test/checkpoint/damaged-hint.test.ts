/**
 * A damaged checkpoint's one-line error points somewhere that can work: a
 * damaged latest/ names the run's best/ and snapshots, never latest/ itself.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readMeta } from '../../src/checkpoint/meta.js';
import type { CharnnError } from '../../src/util/errors.js';
import { tempDir } from '../helpers/cli.js';

function errorOf(f: () => unknown): CharnnError {
  try {
    f();
  } catch (e) {
    return e as CharnnError;
  }
  throw new Error('expected an error');
}

describe('the hint of a damaged checkpoint', () => {
  const run = path.join(tempDir('charnn-damaged-hint-'), 'run');

  it('a latest/ whose charnn.json is a link, or unparsable, sends the user to best/ or a snapshot', () => {
    const latest = path.join(run, 'latest');
    fs.mkdirSync(latest, { recursive: true });
    fs.symlinkSync('/dev/zero', path.join(latest, 'charnn.json'));
    const linked = errorOf(() => readMeta(latest));
    expect(linked.message).toMatch(/latest is damaged: .*symbolic link/);
    expect(linked.hint).toMatch(/best\/ or a latest-<step>\/ snapshot \(charnn runs .*run lists them\)/);
    expect(linked.hint).not.toMatch(/latest\/\)/);
    fs.rmSync(path.join(latest, 'charnn.json'));
    fs.writeFileSync(path.join(latest, 'charnn.json'), '{"format": "charnn-checkpoint"');
    const broken = errorOf(() => readMeta(latest));
    expect(broken.message).toMatch(/latest is damaged/);
    expect(broken.hint).toMatch(/its best\/ or a latest-<step>\/ snapshot/);
  });

  it('any other checkpoint still sends the user to the run\'s latest/', () => {
    const best = path.join(run, 'best');
    fs.mkdirSync(best, { recursive: true });
    fs.writeFileSync(path.join(best, 'charnn.json'), 'not json');
    expect(errorOf(() => readMeta(best)).hint).toMatch(/the run directory's latest\//);
  });
});
