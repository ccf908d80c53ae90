/**
 * End to end in a real terminal: the built binary (bin/charnn.js → dist/)
 * runs inside a detached 80×24 tmux session, keys go in with send-keys and
 * the screen comes back with capture-pane. Skipped (with a printed reason)
 * when tmux is not installed. Run `npx tsc -p .` (or `npm test`) first.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCheckpoint } from '../../src/checkpoint/load.js';
import { displayWidth } from '../../src/util/text.js';
import { BIN, ROOT, runCli, smallCorpus, tempDir } from '../helpers/cli.js';
import { trainTiny } from '../helpers/tiny-run.js';
import { staysFor, waitFor as waitUntil } from '../helpers/wait.js';

const WIDTH = 80;
const HEIGHT = 24;
const SOCKET = `charnn-e2e-${process.pid}`;
const HAVE_TMUX = spawnSync('tmux', ['-V'], { encoding: 'utf8' }).status === 0;
const BUILT = fs.existsSync(path.join(ROOT, 'dist', 'src', 'cli', 'main.js'));
const skipReason = !HAVE_TMUX ? 'tmux is not installed' : !BUILT ? 'dist/ is not built (run npx tsc -p .)' : null;
if (skipReason) console.log(`skipping the tmux end-to-end tests: ${skipReason}`);

function tmux(...args: string[]): string {
  const r = spawnSync('tmux', ['-L', SOCKET, '-f', '/dev/null', ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`tmux ${args.join(' ')} failed: ${r.stderr}`);
  return r.stdout;
}

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** Starts `args` (charnn's arguments) in a new 80×24 session; the pane stays after it exits and shows its exit code. */
function start(session: string, args: string[]): void {
  const command = `${quote(process.execPath)} ${quote(BIN)} ${args.map(quote).join(' ')}; echo CHARNN_EXIT=$?; sleep 120`;
  tmux('new-session', '-d', '-s', session, '-x', String(WIDTH), '-y', String(HEIGHT), '-c', ROOT, command);
}

const screen = (session: string): string => tmux('capture-pane', '-p', '-t', session);
const keys = (session: string, ...k: string[]) => tmux('send-keys', '-t', session, ...k);
const type = (session: string, text: string) => tmux('send-keys', '-t', session, '-l', text);

/** Polls the screen until `check` returns something truthy (and returns that); on a timeout, prints the last screen. */
function waitFor<T>(session: string, what: string, check: (screen: string) => T | null | false | undefined, timeoutMs = 60_000): Promise<T> {
  let last = '';
  return waitUntil(() => check((last = screen(session))), { what, timeoutMs, intervalMs: 100, seen: () => last });
}

const stepOf = (s: string): number | null => {
  const m = /step (\d[\d,]*)/.exec(s);
  return m ? Number(m[1]!.replace(/,/g, '')) : null;
};

/**
 * How the sampler shows typed text and its continuation with the heat map on: a generated line break as ↵ at
 * the end of its row, rows wrapped at the width; as capture-pane returns them, without blanks at their ends
 * (a terminal row cannot show them), and without the empty rows at the end.
 */
function screenRows(text: string, width = WIDTH): string[] {
  const rows: string[] = [];
  const lines = text.split('\n');
  lines.forEach((line, i) => {
    let row = '';
    for (const ch of i < lines.length - 1 ? `${line}↵` : line) {
      if (row !== '' && displayWidth(row + ch) > width) {
        rows.push(row);
        row = '';
      }
      row += ch;
    }
    rows.push(row);
  });
  return dropEmptyEnd(rows.map((r) => r.trimEnd()));
}

function dropEmptyEnd(rows: string[]): string[] {
  let end = rows.length;
  while (end > 0 && rows[end - 1]!.trim() === '') end--;
  return rows.slice(0, end);
}

function expectFits(frame: string): void {
  const lines = frame.replace(/\n+$/, '').split('\n');
  expect(lines.length).toBeLessThanOrEqual(HEIGHT);
  for (const line of lines) expect(displayWidth(line), line).toBeLessThanOrEqual(WIDTH);
}

describe.skipIf(skipReason !== null)('in tmux at 80×24', () => {
  let dir: string;
  let runDir: string;

  beforeAll(async () => {
    dir = tempDir('charnn-tmux-');
    runDir = path.join(dir, 'run');
  });

  afterAll(() => {
    try {
      tmux('kill-server');
    } catch {
      // No server left: nothing to clean up.
    }
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('charnn train: the dashboard updates, shows its notes, p pauses, samples appear labelled with their step, q leaves a loadable latest/', async () => {
    const corpus = smallCorpus(dir, 30_000);
    // A lock left by a trainer that died: taking it over is a note the dashboard must show (not only the scroll-back).
    const dead = spawnSync(process.execPath, ['-e', '']).pid!;
    fs.mkdirSync(runDir, { recursive: true });
    fs.writeFileSync(path.join(runDir, '.charnn-lock'), JSON.stringify({ pid: dead, host: os.hostname(), startedAt: '2026-01-01T00:00:00Z' }));
    start('train', ['train', corpus, '--layers', '1', '--hidden', '64', '--batch', '16', '--seq-len', '50', '--workers', '1',
      '--eval-every', '20', '--eval-batches', '2', '--sample-length', '60', '--out', runDir]);
    const first = await waitFor('train', 'the first training step', (s) => (stepOf(s) ?? 0) >= 1 && s, 90_000);
    // Everything at once in 80×24: header, progress bar, stats, losses, chart, samples, checkpoints, footer.
    expect(first).toMatch(/^small · 30,000 chars · vocab \d+ · LSTM 1×64/);
    expect(first).toMatch(/[█░]{10,}.*\d+%\s+elapsed/);
    expect(first).toMatch(/chars\/s/);
    expect(first).toMatch(/train \d\.\d{4} nats \(\d\.\d{3} bpc\)/);
    expect(first).toMatch(/┤/);
    expect(first).toMatch(/└[─┬]{20,}/);
    expect(first).toMatch(/loss \(nats\).*train.*val/);
    // The full footer; or, when the first capture comes late enough that a note is cut and
    // needs paging, the short one (the full footer and the paging hint do not fit 80 columns).
    expect(first).toMatch(/n notes \d/.test(first) ? /TRAINING.*p pause.*q quit\s+n notes \d/ : /TRAINING.*p pause.*q save & quit/);
    expectFits(first);
    // The note, wrapped over its rows, while the dashboard runs.
    expect(first).toMatch(/^• /m);
    expect(first.replace(/\s+/g, ' ')).toContain(`was locked by process ${dead}, which is no longer running; took the lock over`);

    // Keeps updating.
    const s1 = stepOf(first)!;
    await waitFor('train', 'more steps', (s) => (stepOf(s) ?? 0) > s1);

    keys('train', 'p');
    const paused = await waitFor('train', 'PAUSED', (s) => s.includes('PAUSED') && s);
    expect(paused).toContain('p resume');
    const pausedAt = stepOf(paused);
    // A pause holds: the step shown stays the same.
    expect(await staysFor(() => stepOf(screen('train')), 600, 'the step shown while paused')).toBe(pausedAt);
    keys('train', 'p');
    await waitFor('train', 'training again', (s) => s.includes('TRAINING') && (stepOf(s) ?? 0) > pausedAt!);

    // The first eval (step 20) brings the validation loss, samples and checkpoints.
    // The whole frame: a capture can catch tmux half-way through drawing one.
    const evaluated = await waitFor('train', 'samples and checkpoints after an eval', (s) => /T=0\.8 @\d+ +\S/.test(s) && /val \d\.\d{4} nats/.test(s) && /latest @\d+/.test(s) && s, 90_000);
    expectFits(evaluated);
    // Every sample row says the step it was drawn at: the eval's, for all three.
    const labels = (s: string) => Object.fromEntries([...s.matchAll(/^[ ▸]T=(\d\.\d) @([\d,]+) /gm)].map((m) => [m[1]!, Number(m[2]!.replace(/,/g, ''))]));
    const atEval = labels(evaluated);
    expect(Object.keys(atEval).sort()).toEqual(['0.5', '0.8', '1.0']);
    for (const step of Object.values(atEval)) expect(step % 20).toBe(0);
    // Paused, g samples the selected temperature at the step shown: that row says so, the others keep theirs.
    keys('train', 'p');
    const held = await waitFor('train', 'PAUSED again', (s) => s.includes('PAUSED') && s);
    const heldAt = stepOf(held)!;
    keys('train', 'g');
    const sampled = await waitFor('train', `a new T=0.8 sample at step ${heldAt}`, (s) => labels(s)['0.8'] === heldAt && s);
    const after = labels(sampled);
    expect(after['0.5']).toBe(labels(held)['0.5']);
    expect(after['1.0']).toBe(labels(held)['1.0']);
    expectFits(sampled);

    keys('train', 'q');
    const done = await waitFor('train', 'the exit', (s) => s.includes('CHARNN_EXIT=') && s, 60_000);
    expect(done).toContain('CHARNN_EXIT=0');
    expect(done).toMatch(/DONE +stopped at step \d+/);

    const checkpoint = loadCheckpoint(path.join(runDir, 'latest'));
    expect(checkpoint.meta.progress.step).toBeGreaterThanOrEqual(20);
    expect(checkpoint.meta.model).toMatchObject({ cell: 'lstm', layers: 1, hidden: 64 });
  });

  it('charnn train: closing the terminal (SIGHUP) saves latest/ and exits 0', async () => {
    const corpus = smallCorpus(dir, 12_000);
    const out = path.join(dir, 'hangup');
    const exitFile = path.join(dir, 'hangup.exit');
    // The shell ignores the hang-up so that it can record charnn's exit code; charnn installs its own handler.
    const command = `trap '' HUP; ${[process.execPath, BIN, 'train', corpus, '--layers', '1', '--hidden', '32', '--batch', '8', '--seq-len', '32',
      '--workers', '1', '--eval-every', '100000', '--sample-length', '0', '--out', out].map(quote).join(' ')}; echo $? > ${quote(exitFile)}`;
    tmux('new-session', '-d', '-s', 'hangup', '-x', String(WIDTH), '-y', String(HEIGHT), '-c', ROOT, command);
    const seen = await waitFor('hangup', 'training steps', (s) => (stepOf(s) ?? 0) >= 3 && stepOf(s), 90_000);
    expect(fs.existsSync(path.join(out, 'latest'))).toBe(false);
    tmux('kill-session', '-t', 'hangup');
    const code = await waitUntil(() => fs.existsSync(exitFile) && fs.readFileSync(exitFile, 'utf8').trim(), { what: `charnn's exit code in ${exitFile}` });
    expect(code).toBe('0');
    const checkpoint = loadCheckpoint(path.join(out, 'latest'));
    expect(checkpoint.meta.progress.step).toBeGreaterThanOrEqual(seen!);
  });

  it('charnn sample: typed text streams a continuation; Esc stops it; settings change live; a fixed seed matches generate', async () => {
    // A model of its own, trained a fixed number of steps: its samples are the same text on every run. (The
    // dashboard test's checkpoint stops wherever q lands, so its samples — their line breaks and blanks — vary.)
    const checkpoint = path.join(trainTiny(dir, 'gru'), 'latest');
    start('sample', ['sample', checkpoint, '--length', '100000']);
    const ready = await waitFor('sample', 'the sampler', (s) => s.includes('READY') && s);
    expect(ready).toMatch(/charnn sample · .* · fresh state/);
    // At 80 columns a long length shortens the labels (top-k → k).
    expect(ready).toMatch(/READY +T 0\.8 +(top-)?k off +(top-)?p off +len 100000 +seed (random|rnd) +heat off +top5 off/);
    expectFits(ready);

    // The whole /help is reachable at 80×24: PgDn (as the terminal sends it) pages to its last line, Esc closes it.
    type('sample', '/help');
    await waitFor('sample', 'the typed command', (s) => s.includes('› /help'));
    keys('sample', 'Enter');
    const range = (s: string) => /└─ lines (\d+)–(\d+) of (\d+) · ↑↓ PgUp PgDn scroll · Esc closes/.exec(s)?.slice(1).map(Number) ?? null;
    const help = await waitFor('sample', 'the help box', (s) => range(s)?.[0] === 1 && s);
    expect(help).not.toContain('deletes a word.');
    expectFits(help);
    for (let i = 0; i < 10 && range(screen('sample'))![1] !== range(help)![2]; i++) {
      const from = range(screen('sample'))![0]!;
      keys('sample', 'NPage');
      await waitFor('sample', 'the next page of the help', (s) => (range(s)?.[0] ?? 0) > from);
    }
    const helpEnd = screen('sample');
    expect(helpEnd).toContain('deletes a word.');
    expectFits(helpEnd);
    keys('sample', 'Escape');
    await waitFor('sample', 'the help closed', (s) => !s.includes('Esc closes') && s.includes('READY'));

    type('sample', 'ROMEO:');
    await waitFor('sample', 'the typed text', (s) => /^› ROMEO:/m.test(s));
    keys('sample', 'Enter');
    // Streams: the count grows while the text comes in.
    const a = await waitFor('sample', 'generation', (s) => Number(/GENERATING (\d+)\/100000/.exec(s)?.[1] ?? 0));
    const b = await waitFor('sample', 'more characters', (s) => {
      const n = Number(/GENERATING (\d+)\/100000/.exec(s)?.[1] ?? 0);
      return n > a && n;
    });
    expect(b).toBeGreaterThan(a);
    // (Whether the typed text heads the continuation is checked on the seeded run below: while 100,000
    // characters stream in, it may already have scrolled away by the time the screen is read.)
    keys('sample', 'Escape');
    const stopped = await waitFor('sample', 'the stop', (s) => s.includes('READY') && s);
    expect(stopped).toMatch(/stopped after \d+ of 100000 characters/);
    expectFits(stopped);

    // Controls, one line at a time.
    for (const [line, shown] of [
      ['/temp 0.5', /T 0\.5 /],
      ['/topk 20', /k 20 /],
      ['/len 60', /len 60 /],
      ['/seed 5', /seed 5 /],
      ['/heat', /heat (≥50%|on)/],
      ['/top', /^next +"/m],
      ['/reset', /fresh state/],
    ] as const) {
      type('sample', line);
      await waitFor('sample', line, (s) => s.includes(`› ${line}`));
      keys('sample', 'Enter');
      await waitFor('sample', `the effect of ${line}`, (s) => shown.test(s));
    }
    // Out-of-vocabulary text is named inline and not sent.
    type('sample', 'ROMEO€');
    await waitFor('sample', 'the typed text', (s) => s.includes('› ROMEO€'));
    keys('sample', 'Enter');
    await waitFor('sample', 'the vocabulary message', (s) => s.includes(`not in the model's vocabulary: "€"`));
    keys('sample', 'C-u');

    // After /reset with a fixed seed, the sampler continues the text exactly as charnn generate does.
    const generated = await runCli(['generate', checkpoint, '--prime', 'ROMEO:', '--seed', '5', '--temperature', '0.5', '--top-k', '20', '--length', '60']);
    expect(generated.code).toBe(0);
    const expected = screenRows(generated.stdout.replace(/\n$/, ''));
    expect(expected[0]).toMatch(/^ROMEO:/);
    type('sample', 'ROMEO:');
    await waitFor('sample', 'the typed text', (s) => /^› ROMEO:/m.test(s));
    keys('sample', 'Enter');
    // The transcript's rows lie between the header (row 0) and the top-5 row, below the reset note unless
    // the text pushed it off the top; empty rows pad a short transcript at its end. The status line can
    // reach the screen a moment before the last rows of the text: wait for the whole frame.
    await waitFor('sample', `the seeded generation, as generate prints it:\n${expected.join('\n')}\n`, (s) => {
      if (!/context 66 chars/.test(s) || !s.includes('READY')) return false;
      const lines = s.split('\n');
      const note = lines.findIndex((l) => l.includes('context reset: the model starts from a fresh state'));
      let next = lines.length - 1;
      while (next > 0 && !lines[next]!.startsWith('next ')) next--;
      const shown = dropEmptyEnd(lines.slice(note >= 0 ? note + 1 : 1, next));
      if (shown.length === 0) return false;
      const want = note >= 0 ? expected : expected.slice(-shown.length);
      return shown.length === want.length && shown.every((row, i) => row === want[i]);
    });

    type('sample', '/quit');
    await waitFor('sample', 'the typed command', (s) => s.includes('› /quit'));
    keys('sample', 'Enter');
    const exited = await waitFor('sample', 'the exit', (s) => s.includes('CHARNN_EXIT=') && s);
    expect(exited).toContain('CHARNN_EXIT=0');
  });
});
