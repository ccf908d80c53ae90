/** `charnn runs [dir]` and `charnn info <dir of runs>` through the real binary. */
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { formatAge, runsTable } from '../../src/cli/runs-run.js';
import type { RunSummary } from '../../src/checkpoint/runs.js';
import { runCli, tempDir, trainTiny } from '../helpers/cli.js';

let home: string;

beforeAll(() => {
  home = tempDir('charnn-runs-');
  const checkpoints = path.join(home, 'checkpoints');
  fs.mkdirSync(checkpoints);
  const trained = trainTiny(home, 'gru');
  fs.renameSync(trained, path.join(checkpoints, 'small-gru'));
  // An older run, a run of compare (one level down), a damaged one with a hostile name, and a link to elsewhere.
  fs.cpSync(path.join(checkpoints, 'small-gru'), path.join(checkpoints, 'older'), { recursive: true });
  const old = new Date(Date.now() - 3 * 86_400_000);
  fs.utimesSync(path.join(checkpoints, 'older', 'latest', 'charnn.json'), old, old);
  fs.cpSync(path.join(checkpoints, 'small-gru'), path.join(checkpoints, 'compare-small', 'rnn'), { recursive: true });
  fs.mkdirSync(path.join(checkpoints, 'bad\u001b[2J', 'latest'), { recursive: true });
  fs.writeFileSync(path.join(checkpoints, 'bad\u001b[2J', 'latest', 'charnn.json'), '{"format": "charnn-checkpoint"');
  fs.symlinkSync(path.join(checkpoints, 'small-gru'), path.join(checkpoints, 'link'));
  fs.mkdirSync(path.join(checkpoints, 'empty'));
});

describe('charnn runs', () => {
  it('lists every run, newest first, with model, step, best val, time and age; unreadable ones say why, escaped', async () => {
    const [table, json, info, sample] = await Promise.all([
      runCli(['runs'], { cwd: home }),
      runCli(['runs', 'checkpoints', '--json'], { cwd: home }),
      runCli(['info', 'checkpoints/'], { cwd: home }),
      runCli(['generate', 'checkpoints'], { cwd: home }),
    ]);
    expect(table.code).toBe(0);
    expect(table.stderr).toBe('');
    const lines = table.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^run\s+model\s+step\s+best val\s+bpc\s+trained\s+changed$/);
    const names = lines.slice(1).map((l) => l.split(/\s{2,}/)[0]);
    expect(names.slice(-1)).toEqual(['older']);
    expect(new Set(names)).toEqual(new Set(['small-gru', 'compare-small/rnn', 'bad\\x1b[2J', 'older']));
    expect(table.stdout).not.toContain('\u001b');
    const row = lines.find((l) => l.startsWith('small-gru'))!;
    expect(row).toMatch(/^small-gru\s+gru 1×32\s+10\s+\d\.\d{4}\s+\d\.\d{3}\s+\d+s\s+(just now|\dm ago)$/);
    expect(lines.find((l) => l.startsWith('older'))).toMatch(/3d ago$/);
    expect(lines.find((l) => l.startsWith('bad'))).toMatch(/unreadable: checkpoint .* is damaged: charnn.json is not valid JSON/);

    const parsed = JSON.parse(json.stdout);
    expect(parsed.runs).toHaveLength(4);
    expect(parsed.runs.find((r: RunSummary) => r.name === 'small-gru')).toMatchObject({ cell: 'gru', layers: 1, hidden: 32, step: 10, problem: null });
    expect(parsed.runs.find((r: RunSummary) => r.name === 'small-gru').bestValLoss).toBeGreaterThan(0);

    // info on the directory of runs shows the same table and how to describe one.
    expect(info.code).toBe(0);
    expect(info.stdout).toBe(table.stdout);
    expect(info.stderr).toMatch(/^checkpoints\/ holds 4 runs; charnn info checkpoints\/\S+ describes one\n$/);
    // Other commands name the runs instead of saying there is no checkpoint.
    expect(sample.code).toBe(2);
    expect(sample.stderr).toMatch(/^charnn: checkpoints is a directory of runs, not a checkpoint \(it holds 4 runs: .*\) \(pass one of them, e.g\. checkpoints\/.*; charnn runs checkpoints lists them\)\n$/);
  });

  it('describes a single run directory, and handles a missing or wrong directory', async () => {
    const [one, missingDefault, missing, file] = await Promise.all([
      runCli(['runs', 'checkpoints/small-gru'], { cwd: home }),
      runCli(['runs'], { cwd: path.join(home, 'checkpoints', 'empty') }),
      runCli(['runs', 'nowhere'], { cwd: home }),
      runCli(['runs', 'small.txt'], { cwd: home }),
    ]);
    expect(one.stdout.trimEnd().split('\n')).toHaveLength(2);
    expect(missingDefault).toMatchObject({ code: 0, stdout: '' });
    expect(missingDefault.stderr).toMatch(/^no runs yet: there is no checkpoints\/ here \(npx charnn train my\.txt starts one\)\n$/);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^charnn: nowhere does not exist/);
    expect(file.code).toBe(2);
    expect(file.stderr).toMatch(/^charnn: small\.txt is a file, not a directory of runs/);
  });
});

describe('runs table', () => {
  const run = (over: Partial<RunSummary>): RunSummary => ({
    dir: '/x', name: 'tinyshakespeare-lstm-with-a-long-name', cell: 'lstm', layers: 2, hidden: 256, step: 12_345, bestValLoss: 1.5, bestStep: 12_000,
    elapsedMs: 3_723_000, corpus: 'tinyshakespeare', initFrom: null, changedMs: 0, problem: null, ...over,
  });

  it('fits 80 columns by shortening run names, and keeps them whole when piped', () => {
    const list = { runs: [run({}), run({ name: 'b', problem: 'checkpoint /x is damaged: ' + 'x'.repeat(100) })], truncated: false };
    const fitted = runsTable(list, 60_000, 80);
    for (const line of fitted) expect([...line].length).toBeLessThanOrEqual(80);
    expect(fitted[1]).toMatch(/^tinyshakespeare-lstm-wit…\s+lstm 2×256\s+12,345\s+1\.5000\s+2\.164\s+1h02m\s+1m ago$/);
    expect(runsTable(list, 60_000, null)[1]).toContain('tinyshakespeare-lstm-with-a-long-name');
  });

  it('says how long ago in words, then the date', () => {
    const now = Date.UTC(2026, 0, 20);
    expect(formatAge(now - 10_000, now)).toBe('just now');
    expect(formatAge(now - 5 * 60_000, now)).toBe('5m ago');
    expect(formatAge(now - 3 * 3_600_000, now)).toBe('3h ago');
    expect(formatAge(now - 2 * 86_400_000, now)).toBe('2d ago');
    expect(formatAge(now - 30 * 86_400_000, now)).toBe('2025-12-21');
    expect(formatAge(null, now)).toBe('–');
  });
});
