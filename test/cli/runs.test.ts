/**
 * `charnn runs [dir]` and `charnn info <dir of runs>`: the listing through
 * the real binary, the rest through the same program in-process
 * (helpers/in-process.ts).
 */
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runsTable } from '../../src/cli/runs-run.js';
import { formatAge } from '../../src/ui/shared/format.js';
import type { RunSummary } from '../../src/checkpoint/runs.js';
import { runCli, tempDir } from '../helpers/cli.js';
import { trainTiny } from '../helpers/tiny-run.js';
import { runInProcess } from '../helpers/in-process.js';
import { displayWidth } from '../../src/util/text.js';
import { writeMetaOnly } from '../helpers/meta.js';

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
      runInProcess(['runs', 'checkpoints', '--json'], { cwd: home }),
      runInProcess(['info', 'checkpoints/'], { cwd: home }),
      runInProcess(['generate', 'checkpoints'], { cwd: home }),
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

  it('describes a run it trained, whose every evaluation has its time; run@<step> names a snapshot in every command', async () => {
    // A snapshot of step 5, as --keep leaves one (the weights of step 10 will do for loading).
    const run = path.join(home, 'checkpoints', 'small-gru');
    fs.cpSync(path.join(run, 'latest'), path.join(run, 'latest-5'), { recursive: true });
    const metaFile = path.join(run, 'latest-5', 'charnn.json');
    const meta = JSON.parse(fs.readFileSync(metaFile, 'utf8'));
    meta.progress.step = 5;
    // Its best came later: as a real snapshot of step 5 would, it knows none yet.
    meta.progress.bestStep = null;
    meta.progress.bestValLoss = null;
    fs.writeFileSync(metaFile, JSON.stringify(meta));
    const generate = ['--length', '30', '--seed', '7', '--prime', 'The'];
    const one = await runInProcess(['runs', run]);
    const csv = await runInProcess(['runs', run, '--csv']);
    const [byStep, byPath, missingStep, missingDefault, missing, file] = await Promise.all([
      runInProcess(['generate', 'checkpoints/small-gru@5', ...generate], { cwd: home }),
      runInProcess(['generate', 'checkpoints/small-gru/latest-5', ...generate], { cwd: home }),
      runInProcess(['generate', 'checkpoints/small-gru@7', ...generate], { cwd: home }),
      runInProcess(['runs'], { cwd: path.join(home, 'checkpoints', 'empty') }),
      runInProcess(['runs', 'nowhere'], { cwd: home }),
      runInProcess(['runs', 'small.txt'], { cwd: home }),
    ]);
    expect(one.code).toBe(0);
    expect(one.stdout.startsWith(`small-gru  (${run})\n  model     gru 1×32`)).toBe(true);
    expect(one.stdout).toMatch(/\n {2}latest-5\/ +5 +– +– +just now\n/);
    expect(one.stdout).toMatch(/\n⠒⠒ · {2}small-gru {2}best \d\.\d{4} at step (5 · last \d\.\d{4} at step 10|10, the last evaluation)\n$/);
    // Two evaluations (steps 5 and 10), each with the time it was taken at.
    const rows = csv.stdout.trimEnd().split('\n').slice(1).map((l) => l.split(','));
    expect(rows.map((r) => [r[0], r[1], r[2]])).toEqual([['small-gru', '5', '1280'], ['small-gru', '10', '2560']]);
    for (const r of rows) expect(Number(r[3])).toBeGreaterThan(0);
    expect(csv.stderr).toBe('');

    expect(byStep).toMatchObject({ code: 0, stdout: byPath.stdout });
    expect(byStep.stdout.length).toBeGreaterThan(30);
    expect(missingStep.code).toBe(2);
    expect(missingStep.stderr).toBe(
      'charnn: checkpoints/small-gru has no checkpoint of step 7; the steps on disk: 10 (latest, best), 5 (name one of them as checkpoints/small-gru@<step>; train with --keep N to keep more snapshots)\n',
    );

    expect(missingDefault).toMatchObject({ code: 0, stdout: '' });
    expect(missingDefault.stderr).toMatch(/^no runs yet: there is no checkpoints\/ here \((?:charnn|npx charnn|node \S*bin\/charnn\.js) train my\.txt starts one\)\n$/);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^charnn: nowhere does not exist/);
    expect(file.code).toBe(2);
    expect(file.stderr).toMatch(/^charnn: small\.txt is a file, not a run directory/);
  });
});

describe('charnn runs <run>…: checkpoints and loss curves', () => {
  let runs: string;
  let curves: string;
  let other: string;
  const training = { batchSize: 8, seqLen: 32 };

  beforeAll(() => {
    runs = tempDir('charnn-curves-');
    curves = path.join(runs, 'curves');
    // Evaluations at 5, 10 and 15; the time of the first was not recorded (resumed from an older charnn's checkpoint).
    const history = { train: [[5, 4], [10, 3.5], [15, 3.25]], val: [[5, 4.125], [10, 3.625], [15, 3.375]], time: [[10, 60_000], [15, 90_000]] } as const;
    const cut = (upTo: number) => ({
      train: history.train.filter(([s]) => s <= upTo) as [number, number][],
      val: history.val.filter(([s]) => s <= upTo) as [number, number][],
      time: history.time.filter(([s]) => s <= upTo) as [number, number][],
    });
    writeMetaOnly(path.join(curves, 'latest'), { step: 15, elapsedMs: 90_000, bestValLoss: 3.375, bestStep: 15, history: cut(15), training });
    writeMetaOnly(path.join(curves, 'best'), { step: 15, elapsedMs: 90_000, bestValLoss: 3.375, bestStep: 15, history: cut(15), training });
    writeMetaOnly(path.join(curves, 'latest-10'), { step: 10, elapsedMs: 60_000, bestValLoss: 3.625, bestStep: 10, history: cut(10), training });
    // A second run with a hostile name, still improving.
    other = path.join(runs, 'other\u001b]0;x\u0007');
    writeMetaOnly(path.join(other, 'latest'), {
      step: 10, elapsedMs: 30_000, bestValLoss: 3.5, bestStep: 10, training,
      history: { train: [[5, 3.75], [10, 3.5]], val: [[5, 3.875], [10, 3.5]], time: [[5, 15_000], [10, 30_000]] },
    });
  });

  it('marks a run a live trainer holds the lock of, in the list, its details and --json; a dead lock is not training', async () => {
    const live = path.join(runs, 'live');
    writeMetaOnly(path.join(live, 'latest'), { step: 10, elapsedMs: 30_000, bestValLoss: 3.5, bestStep: 10, training });
    const lock = path.join(live, '.charnn-lock');
    // This test process is alive: its lock is a trainer at work.
    fs.writeFileSync(lock, JSON.stringify({ pid: process.pid, host: (await import('node:os')).hostname(), startedAt: 'now' }));
    try {
      const [list, details, json] = await Promise.all([
        runInProcess(['runs', runs]), runInProcess(['runs', live]), runInProcess(['runs', live, '--json']),
      ]);
      expect(list.stdout).toMatch(/^live .*training now$/m);
      expect(list.stdout).toMatch(/^curves .*just now$/m);
      expect(details.stdout).toContain(`  now       being trained (process ${process.pid}): these are the figures of its last save`);
      expect(JSON.parse(json.stdout).runs[0].trainingPid).toBe(process.pid);
      fs.writeFileSync(lock, JSON.stringify({ pid: 999_999, host: (await import('node:os')).hostname(), startedAt: 'then' }));
      const dead = await runInProcess(['runs', live]);
      expect(dead.stdout).not.toContain('being trained');
    } finally {
      fs.rmSync(live, { recursive: true, force: true });
    }
  });

  it('--csv writes one row per evaluation of each run: run, step, chars, elapsed_ms, train_loss, val_loss', async () => {
    const r = await runInProcess(['runs', curves, other, '--csv']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      'run,step,chars,elapsed_ms,train_loss,val_loss\n' +
      'curves,5,1280,,4,4.125\n' +
      'curves,10,2560,60000,3.5,3.625\n' +
      'curves,15,3840,90000,3.25,3.375\n' +
      'other\\x1b]0;x\\x07,5,1280,15000,3.75,3.875\n' +
      'other\\x1b]0;x\\x07,10,2560,30000,3.5,3.5\n',
    );
    expect(r.stderr).toBe('curves: the time of 1 of 3 evaluations was not recorded (trained by an earlier charnn); its elapsed time is left empty\n');
  });

  it('--json gives the runs with their checkpoints, and the same points', async () => {
    const r = await runInProcess(['runs', curves, '--json']);
    expect(r.code).toBe(0);
    const parsed = JSON.parse(r.stdout);
    expect(parsed.points).toEqual([
      { run: 'curves', step: 5, chars: 1280, elapsedMs: null, trainLoss: 4, valLoss: 4.125 },
      { run: 'curves', step: 10, chars: 2560, elapsedMs: 60_000, trainLoss: 3.5, valLoss: 3.625 },
      { run: 'curves', step: 15, chars: 3840, elapsedMs: 90_000, trainLoss: 3.25, valLoss: 3.375 },
    ]);
    expect(parsed.runs).toHaveLength(1);
    expect(parsed.runs[0]).toMatchObject({ name: 'curves', dir: curves, step: 15, bestValLoss: 3.375, bestStep: 15, batchSize: 8, seqLen: 32 });
    expect(parsed.runs[0].checkpoints.map((c: { name: string; step: number; valLoss: number }) => [c.name, c.step, c.valLoss])).toEqual([
      ['latest', 15, 3.375], ['best', 15, 3.375], ['latest-10', 10, 3.625],
    ]);
  });

  it('shows each run with its checkpoints, then one chart: title, y labels, the points, x labels and name, a legend line per run', async () => {
    const r = await runInProcess(['runs', curves, '--width', '60', '--height', '12']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe(`any of these checkpoints can be named by its step, e.g. charnn generate ${curves}@10\n`);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines.slice(0, 10)).toEqual([
      `curves  (${curves})`,
      '  model     lstm 2×512, embedding 64; batch 8 × 32 characters',
      '  corpus    c (100,000 characters)',
      '  trained   15 steps, 3,840 characters, 1m30s',
      '  best val  3.3750 (4.869 bpc) at step 15',
      '  checkpoint  step  val loss    bpc  saved',
      expect.stringMatching(/^ {2}latest\/ {7}15 {4}3\.3750 {2}4\.869 {2}(just now|\dm ago)$/),
      expect.stringMatching(/^ {2}best\/ {9}15 {4}3\.3750 {2}4\.869/),
      expect.stringMatching(/^ {2}latest-10\/ {4}10 {4}3\.6250 {2}5\.230/),
      '',
    ]);
    const chart = lines.slice(10);
    for (const line of chart) expect(displayWidth(line)).toBeLessThanOrEqual(60);
    expect(chart[0]).toBe('loss (nats/char): ⠒⠒ validation  · training');
    expect(chart).toHaveLength(1 + 12 + 1 + 1); // title, chart (10 plot rows, axis, labels), axis name, legend
    const plot = chart.slice(1, 11);
    // The y axis runs from the highest loss (4.125, top) to the lowest (3.25, bottom), labelled.
    expect(plot[0]).toMatch(/^4\.1\d* ┤/);
    expect(plot.at(-1)).toMatch(/^3\.2\d* ┤/);
    // Step 5's losses are the top left, step 15's the bottom right: a mark at each end of the plot.
    const start = plot[0]!.indexOf('┤') + 1;
    expect(plot[0]!.slice(start, start + 2).trim()).not.toBe('');
    expect(plot.at(-1)!.trimEnd().length).toBe(60);
    expect(plot.join('')).toContain('·');
    expect(chart[11]).toMatch(/^ +└┬─+┬─+┬$/);
    expect(chart[12]).toMatch(/^ +5 +10 +15$/);
    expect(chart[13]).toBe(`${' '.repeat(55)}steps`);
    expect(chart[14]).toBe('⠒⠒ ·  curves  best 3.3750 at step 15, the last evaluation');
  });

  it('tells several runs apart by letter without colour, against characters or minutes; names are escaped', async () => {
    const chars = await runInProcess(['runs', curves, other, '--width', '80', '--height', '10', '--x', 'chars']);
    expect(chars.code).toBe(0);
    expect(chars.stdout).not.toContain('\u001b');
    const lines = chars.stdout.trimEnd().split('\n');
    expect(lines).toContain('loss (nats/char): A, B, … validation  a, b, … training');
    expect(lines.at(-2)).toBe('A a  curves             best 3.3750 at step 15, the last evaluation');
    expect(lines.at(-1)).toBe('B b  other\\x1b]0;x\\x07  best 3.5000 at step 10, the last evaluation');
    expect(lines.at(-3)!.trim()).toBe('characters trained on');
    expect(lines.at(-4)).toMatch(/^ +1\.3k .* 3\.8k$/);
    const plot = lines.slice(lines.indexOf('loss (nats/char): A, B, … validation  a, b, … training') + 1, -5).join('\n');
    for (const letter of ['A', 'a', 'B', 'b']) expect(plot).toContain(letter);

    const time = await runInProcess(['runs', curves, other, '--width', '80', '--height', '10', '--x', 'time', '--no-train']);
    expect(time.code).toBe(0);
    const timeLines = time.stdout.trimEnd().split('\n');
    expect(timeLines).toContain('validation loss (nats/char)');
    // The runs are 1.5 minutes long: the axis is in seconds.
    expect(timeLines.at(-3)!.trim()).toBe('seconds of training');
    // The first evaluation of curves, at step 5, is placed at 30 s (a third of the way to step 15's 90 s); other's at 15 s.
    expect(timeLines.at(-4)).toMatch(/^ +15 .* 90$/);
    // --no-train: only the validation letters are drawn.
    const timePlot = timeLines.slice(timeLines.indexOf('validation loss (nats/char)') + 1, -5).join('\n');
    expect(timePlot).toMatch(/A/);
    expect(timePlot).toMatch(/B/);
    expect(timePlot).not.toMatch(/[ab]/);
    expect(timeLines.at(-1)).toMatch(/^B {2}other/);
    expect(time.stderr.split('\n')[0]).toBe("curves: the time of 1 of 3 evaluations was not recorded (trained by an earlier charnn); --x time estimates it from the run's pace");
  });

  it('a run with no evaluation yet gets one line instead of an empty chart', async () => {
    const fresh = path.join(runs, 'fresh');
    writeMetaOnly(path.join(fresh, 'latest'), { step: 3, elapsedMs: 2_000, training });
    try {
      const r = await runInProcess(['runs', fresh]);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain('  best val  – (no evaluation yet)');
      expect(r.stdout).not.toMatch(/loss \(nats\/char\)|┤|└/);
      expect(r.stdout.trimEnd().split('\n').at(-1)).toMatch(/^ {2}latest\/ +3 +– +– /);
      expect(r.stderr).toBe('no evaluation yet: its loss curve is charted from the first validation on (charnn train --first-eval says when it comes)\n');
      // Beside a run that has one, it is charted, its legend line saying so.
      const both = await runInProcess(['runs', curves, fresh, '--width', '80', '--height', '10']);
      expect(both.stdout).toContain('validation');
      expect(both.stdout.trimEnd().split('\n').at(-1)).toMatch(/^B b {2}fresh +no evaluation yet$/);
    } finally {
      fs.rmSync(fresh, { recursive: true, force: true });
    }
  });

  it('writes the run the way it was named, whether as the run, run@best or one of its checkpoints: relative stays relative, absolute absolute', async () => {
    const relative = path.relative(process.cwd(), curves);
    const dirOf = async (given: string) => JSON.parse((await runInProcess(['runs', given, '--json'])).stdout).runs[0].dir;
    const first = async (given: string) => (await runInProcess(['runs', given, '--width', '60'])).stdout.split('\n')[0];
    for (const given of [`${relative}@best`, `${relative}@10`, path.join(relative, 'latest')]) {
      expect(await first(given)).toBe(`curves  (${relative})`);
      expect(await dirOf(given)).toBe(relative);
    }
    for (const given of [`${curves}@best`, path.join(curves, 'latest-10')]) {
      expect(await first(given)).toBe(`curves  (${curves})`);
      expect(await dirOf(given)).toBe(curves);
    }
    expect(await first(relative)).toBe(`curves  (${relative})`);
  });

  it('refuses what names no run in one line (a directory of runs among runs, --csv with --json, --csv on a list); takes a checkpoint for its run', async () => {
    const [mixed, both, list, checkpoint, byStep] = await Promise.all([
      runInProcess(['runs', curves, runs]),
      runInProcess(['runs', curves, '--csv', '--json']),
      runInProcess(['runs', runs, '--csv']),
      runInProcess(['runs', path.join(curves, 'latest-10'), '--csv']),
      runInProcess(['runs', `${curves}@10`, '--csv']),
    ]);
    expect(mixed.code).toBe(2);
    expect(mixed.stderr).toMatch(/^charnn: .* is a directory of runs, not a run \(name runs in it, e\.g\. .*, or list them all with charnn runs .*\)\n$/);
    expect(both).toMatchObject({ code: 2, stdout: '', stderr: 'charnn: --csv and --json both ask for the curves (pass one of them)\n' });
    expect(list.code).toBe(2);
    expect(list.stderr).toMatch(/^charnn: --csv writes the loss curves of runs you name/);
    // A checkpoint inside a run, by path or as run@<step>, stands for its run.
    expect(checkpoint.code).toBe(0);
    expect(checkpoint.stdout.split('\n')).toHaveLength(5);
    expect(byStep).toMatchObject({ code: 0, stdout: checkpoint.stdout });
  });
});

describe('runs table', () => {
  const run = (over: Partial<RunSummary>): RunSummary => ({
    dir: '/x', name: 'tinyshakespeare-lstm-with-a-long-name', cell: 'lstm', layers: 2, hidden: 256, step: 12_345, bestValLoss: 1.5, bestStep: 12_000,
    elapsedMs: 3_723_000, corpus: 'tinyshakespeare', initFrom: null, changedMs: 0, problem: null, trainingPid: null, ...over,
  });

  it('fits 80 columns by shortening run names, and keeps them whole when piped', () => {
    const list = { runs: [run({}), run({ name: 'b', problem: 'checkpoint /x is damaged: ' + 'x'.repeat(100) })], truncated: false };
    const fitted = runsTable(list, 60_000, 80);
    for (const line of fitted) expect([...line].length).toBeLessThanOrEqual(80);
    expect(fitted[1]).toMatch(/^tinyshakespeare-lstm-wit…\s+lstm 2×256\s+12,345\s+1\.5000\s+2\.164\s+1h02m\s+1m ago$/);
    expect(runsTable(list, 60_000, null)[1]).toContain('tinyshakespeare-lstm-with-a-long-name');
  });

  it('says "training now" for a run a trainer is writing to, instead of when it last changed', () => {
    const rows = runsTable({ runs: [run({ trainingPid: 4242 }), run({ name: 'done' })], truncated: false }, 60_000, 80);
    expect(rows[1]).toMatch(/\s1h02m\s+training now$/);
    expect(rows[2]).toMatch(/\s1h02m\s+1m ago$/);
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
