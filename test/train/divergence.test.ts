/**
 * Loss becomes NaN or explodes (issue 6): the step is skipped and logged;
 * after maxBadSteps in a row training restores latest/ with a halved
 * learning rate, at most --max-recoveries times, then stops with a clear
 * message and exit code 1. Never a NaN checkpoint, never a silent abort.
 * Faults are injected through CHARNN_FAULT_NAN_ATTEMPTS /
 * CHARNN_FAULT_EXPLODE_ATTEMPTS (src/train/fault-injection.ts).
 */
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadCheckpoint } from '../../src/checkpoint/load.js';
import { runCli, smallCorpus, tempDir } from '../helpers/cli.js';

const TINY = ['--layers', '1', '--hidden', '32', '--embedding', '16', '--batch', '4', '--seq-len', '16', '--eval-batches', '1',
  '--sample-length', '0', '--backend', 'wasm', '--workers', '1', '--lr', '0.004', '--schedule', 'step', '--json'];

interface Event {
  type: string;
  step: number;
  kind?: string;
  message?: string;
  lr?: number;
}

let dir: string;
let corpus: string;

beforeAll(async () => {
  dir = tempDir('charnn-diverge-');
  corpus = smallCorpus(dir, 12_000);
});

function events(stdout: string): Event[] {
  return stdout.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as Event);
}

/** Every checkpoint left in the run directory loads, which includes the check that its weights are finite. */
function expectLoadable(run: string, step: number): void {
  for (const which of ['latest', 'best']) {
    const checkpoint = loadCheckpoint(path.join(run, which));
    expect(checkpoint.meta.progress.step).toBeLessThanOrEqual(step);
  }
}

describe('divergence', () => {
  it.concurrent('a NaN loss is skipped and logged; repeated ones restore latest/ with a halved learning rate', async () => {
    const out = path.join(dir, 'recovers');
    // Attempts 8–14 are NaN: step 8 fails five times in a row (attempts 8–12) → recovery to
    // latest/ at step 6, whose re-run of steps 7 and 8 fails twice more (13, 14), then training goes on.
    const r = await runCli(['train', corpus, ...TINY, '--max-steps', '20', '--eval-every', '3', '--out', out], {
      env: { CHARNN_FAULT_NAN_ATTEMPTS: '8-14' },
    });
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.code, r.stderr).toBe(0);
    const all = events(r.stdout);
    const warnings = all.filter((e) => e.type === 'warning').map((e) => e.message!);
    expect(warnings[0]).toMatch(/^loss became NaN \(gradient norm .*\); step skipped$/);
    expect(warnings).toContainEqual(expect.stringMatching(new RegExp(`^diverged: restored ${out}/latest \\(step 6\\) and halved the learning rate \\(recovery 1 of 3\\)$`)));
    const recovery = all.findIndex((e) => e.type === 'warning' && /^diverged/.test(e.message!));
    const before = all.slice(0, recovery).filter((e) => e.type === 'step').at(-1)!;
    const after = all.slice(recovery).filter((e) => e.type === 'step');
    expect(after[0]!.step).toBe(7);
    expect(after.length).toBeGreaterThan(0);
    for (const e of after) expect(e.lr).toBeCloseTo(before.lr! / 2, 12);
    expect(all.at(-1)).toMatchObject({ type: 'done', step: 20 });
    const latest = loadCheckpoint(path.join(out, 'latest'));
    expect(latest.meta.progress.recoveries).toBe(1);
    expectLoadable(out, 20);
  });

  it.concurrent('every isolated bad step is reported, a streak once', async () => {
    const out = path.join(dir, 'isolated');
    const r = await runCli(['train', corpus, ...TINY, '--max-steps', '12', '--eval-every', '4', '--out', out], {
      env: { CHARNN_FAULT_NAN_ATTEMPTS: '3,7-8,11' },
    });
    expect(r.code, r.stderr).toBe(0);
    const warnings = events(r.stdout).filter((e) => e.type === 'warning');
    expect(warnings.map((e) => e.message)).toEqual(Array(3).fill(expect.stringMatching(/; step skipped$/)));
    expect(events(r.stdout).at(-1)).toMatchObject({ type: 'done', step: 12 });
  });

  it.concurrent('an exploding loss is treated the same way', async () => {
    const out = path.join(dir, 'explodes');
    const r = await runCli(['train', corpus, ...TINY, '--max-steps', '10', '--eval-every', '2', '--out', out], {
      env: { CHARNN_FAULT_EXPLODE_ATTEMPTS: '4-9' },
    });
    expect(r.code, r.stderr).toBe(0);
    const warnings = events(r.stdout).filter((e) => e.type === 'warning').map((e) => e.message!);
    expect(warnings[0]).toMatch(/^loss became \d+(\.\d+)? \(gradient norm .*\); step skipped$/);
    expect(warnings).toContainEqual(expect.stringMatching(/^diverged: restored .*latest \(step 2\) and halved the learning rate \(recovery 1 of 3\)$/));
    expectLoadable(out, 10);
  });

  it.concurrent('after --max-recoveries it stops with a clear message, exit code 1, and no NaN checkpoint', async () => {
    const out = path.join(dir, 'gives-up');
    const r = await runCli(['train', corpus, ...TINY, '--max-steps', '50', '--eval-every', '3', '--max-recoveries', '2', '--out', out], {
      env: { CHARNN_FAULT_NAN_ATTEMPTS: '8-' },
    });
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toMatch(/^charnn: training diverged: 5 non-finite steps in a row after 2 recoveries \(lower --lr or --clip, or resume from the latest checkpoint with a smaller learning rate\)$/);
    const recoveries = events(r.stdout).filter((e) => e.type === 'warning' && /^diverged: restored/.test(e.message!));
    expect(recoveries.map((e) => e.message!.match(/recovery (\d) of 2/)![1])).toEqual(['1', '2']);
    expectLoadable(out, 6);
  });

  it.concurrent('diverging before the first checkpoint says so', async () => {
    const out = path.join(dir, 'too-early');
    const r = await runCli(['train', corpus, ...TINY, '--max-steps', '50', '--eval-every', '10', '--out', out], {
      env: { CHARNN_FAULT_NAN_ATTEMPTS: '1-' },
    });
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toMatch(/^charnn: training diverged at step 0 before any checkpoint was written \(lower --lr or --clip and start again\)$/);
  });
});
