/**
 * Limits a shell sets (issue 22): ulimit -n so low that Node runs out of
 * descriptors loading charnn's modules, and ulimit -v below what an engine
 * reserves (V8 would abort with "Fatal process out of memory" and a native
 * stack). Each is one line naming the limit and what to raise, exit 1. The
 * estimates in-process; two spawns of the real binary through sh -c 'ulimit …'.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { addressSpaceNeed, checkAddressSpace, isTooManyOpenFiles, parseLimits, tooManyOpenFiles } from '../../src/util/process-limits.js';
import { CharnnError } from '../../src/util/errors.js';
import { BIN, ROOT, smallCorpus, tempDir } from '../helpers/cli.js';

const LIMITS = `Limit                     Soft Limit           Hard Limit           Units
Max stack size            8388608              unlimited            bytes
Max open files            24                   1048576              files
Max address space         1024000000           unlimited            bytes
`;

describe('process limits, in-process', () => {
  it('reads the soft limits of /proc/self/limits; unlimited is null', () => {
    expect(parseLimits(LIMITS)).toEqual({ openFiles: 24, addressSpace: 1_024_000_000 });
    expect(parseLimits(LIMITS.replace('1024000000  ', 'unlimited   '))).toEqual({ openFiles: 24, addressSpace: null });
    expect(parseLimits('')).toEqual({ openFiles: null, addressSpace: null });
  });

  it('names ulimit -n when descriptors run out', () => {
    expect(isTooManyOpenFiles(Object.assign(new Error('EMFILE: too many open files, open x'), { code: 'EMFILE' }))).toBe(true);
    expect(isTooManyOpenFiles({ message: 'Worker initialization failure: EMFILE' })).toBe(true);
    expect(isTooManyOpenFiles(new Error('ENOENT: no such file'))).toBe(false);
    const e = tooManyOpenFiles(parseLimits(LIMITS));
    expect([e.message, e.hint, e.exitCode]).toEqual(['too many open files: ulimit -n is 24', 'raise it, e.g. ulimit -n 1024', 1]);
  });

  it('refuses an engine whose reservations exceed ulimit -v, and lets it start when they fit or there is no limit', () => {
    const limits = parseLimits(LIMITS);
    let error: unknown;
    try {
      checkAddressSpace('ort', 2, '--threads', limits);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(CharnnError);
    expect((error as CharnnError).exitCode).toBe(1);
    expect((error as CharnnError).message).toBe('the address-space limit (ulimit -v 1000000, 1.0 GiB) is below the 1.3 GiB the ort engine reserves with 2 threads');
    expect((error as CharnnError).hint).toBe('raise it, e.g. ulimit -v 1400000 or ulimit -v unlimited, or lower --threads');
    // Each tfjs worker is an isolate of its own: the need grows with them.
    expect(addressSpaceNeed('tfjs', 4)).toBeGreaterThan(addressSpaceNeed('tfjs', 1) + 1e9);
    expect(() => checkAddressSpace('tfjs', 4, '--workers', { openFiles: null, addressSpace: addressSpaceNeed('tfjs', 4) })).not.toThrow();
    expect(() => checkAddressSpace('tfjs', 4, '--workers', { openFiles: null, addressSpace: null })).not.toThrow();
  });
});

/** `charnn args` under `ulimit`, through sh as a user runs it. */
function underUlimit(ulimit: string, args: string[], cwd: string) {
  const quoted = [process.execPath, BIN, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  const r = spawnSync('sh', ['-c', `ulimit ${ulimit} && exec ${quoted}`], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe.runIf(process.platform === 'linux')('the real binary under ulimit', () => {
  it('ulimit -n 24: one line naming the limit instead of a stack from the module loader', () => {
    const r = underUlimit('-n 24', ['info', 'no-such-checkpoint'], ROOT);
    expect(r.stderr).toBe('charnn: too many open files: ulimit -n is 24 (raise it, e.g. ulimit -n 1024)\n');
    expect(r.stdout).toBe('');
    expect(r.code).toBe(1);
  });

  it('ulimit -v 1000000: train refuses before starting the engine, one line, nothing written', () => {
    const dir = tempDir('charnn-ulimit-');
    const corpus = smallCorpus(dir);
    const out = path.join(dir, 'run');
    const r = underUlimit('-v 1000000', ['train', corpus, '--out', out, '--no-ui', '--max-steps', '1', '--threads', '2'], dir);
    expect(r.stderr).toBe(
      'charnn: the address-space limit (ulimit -v 1000000, 1.0 GiB) is below the 1.3 GiB the ort engine reserves with 2 threads (raise it, e.g. ulimit -v 1400000 or ulimit -v unlimited, or lower --threads)\n',
    );
    expect(r.code).toBe(1);
    expect(fs.existsSync(out)).toBe(false);
  });
});
