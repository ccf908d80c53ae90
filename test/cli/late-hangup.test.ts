/**
 * Once a run has saved and removed its stop handlers, a late SIGHUP (a
 * shell passing on the hang-up the kernel already sent) must not kill the
 * process on its way out: the exit status would say the run died.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { stopOnSignals } from '../../src/cli/signals.js';
import { BIN, NODE_FLAGS, ROOT, tempDir } from '../helpers/cli.js';

describe('stop handlers', () => {
  it('leave SIGHUP handled after they are removed, and SIGINT/SIGTERM to their defaults', () => {
    const before = { hup: process.listenerCount('SIGHUP'), int: process.listenerCount('SIGINT'), term: process.listenerCount('SIGTERM') };
    let stops = 0;
    const remove = stopOnSignals(() => stops++);
    expect(process.listenerCount('SIGHUP')).toBe(before.hup + 1);
    remove();
    expect(process.listenerCount('SIGINT')).toBe(before.int);
    expect(process.listenerCount('SIGTERM')).toBe(before.term);
    expect(process.listenerCount('SIGHUP')).toBeGreaterThan(0);
    // The one that stays does nothing: no stop, no exit.
    process.emit('SIGHUP', 'SIGHUP');
    expect(stops).toBe(0);
    // A second run in the same process adds no further permanent listener.
    const hupAfterFirst = process.listenerCount('SIGHUP');
    stopOnSignals(() => stops++)();
    expect(process.listenerCount('SIGHUP')).toBe(hupAfterFirst);
  });
});

describe('the real binary, hung up', () => {
  it('exits 0 however many SIGHUPs come while it ends (the shell passing the hang-up on)', async () => {
    const dir = tempDir('charnn-late-hup-');
    const corpus = path.join(dir, 'text.txt');
    fs.writeFileSync(corpus, 'the quick brown fox jumps over the lazy dog. '.repeat(300));
    const outcomes: { code: number | null; signal: NodeJS.Signals | null }[] = [];
    for (let i = 0; i < 3; i++) {
      const child = spawn(process.execPath, [...NODE_FLAGS, BIN, 'train', corpus, '--layers', '1', '--hidden', '16', '--embedding', '8', '--batch', '4',
        '--seq-len', '16', '--max-steps', '100000', '--eval-every', '3', '--eval-batches', '1', '--sample-length', '0', '--backend', 'wasm', '--workers', '1',
        '--json', '--out', path.join(dir, `run-${i}`)], { cwd: ROOT, stdio: ['ignore', 'pipe', 'ignore'] });
      let stdout = '';
      let storm: NodeJS.Timeout | undefined;
      child.stdout.setEncoding('utf8').on('data', (d: string) => {
        const before = stdout;
        stdout += d;
        // The hang-up, once it trains; then, from the moment it reports it is done, one every millisecond until it is gone.
        if (!before.includes('"type":"step"') && stdout.includes('"type":"step"')) child.kill('SIGHUP');
        if (!storm && stdout.includes('"type":"done"')) storm = setInterval(() => child.kill('SIGHUP'), 1);
      });
      outcomes.push(await new Promise((resolve) => child.on('close', (code, signal) => resolve({ code, signal }))));
      clearInterval(storm);
    }
    // Before the fix every one of these died by SIGHUP after saving (15 of 15 in a loop of this).
    expect(outcomes).toEqual(outcomes.map(() => ({ code: 0, signal: null })));
  });
});
