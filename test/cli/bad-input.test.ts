/**
 * Bad input never crashes (issue 6): every case expects one clear line on
 * stderr naming the problem (and what to do), exit code 2 for wrong usage and
 * 1 for failures at run time, no stack trace, and nothing already on disk
 * changed. Most cases run in-process, through the program the binary runs
 * (test/helpers/in-process.ts); a few of each kind, and those where the
 * process itself matters (stdin, ulimit, a closed stdout, CHARNN_DEBUG), run
 * the real binary.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { BIN, NODE_FLAGS, hashTree, ROOT, runCli, smallCorpus, tempDir, type CliResult } from '../helpers/cli.js';
import { trainTiny } from '../helpers/tiny-run.js';
import { runInProcess } from '../helpers/in-process.js';

let dir: string;
let corpus: string;
/** A tiny trained run directory (latest/ and best/ at step 10); never modified. */
let run: string;

/** Flags for fast training runs in these tests. */
const TINY = ['--layers', '1', '--hidden', '32', '--embedding', '16', '--batch', '8', '--seq-len', '32', '--eval-batches', '1',
  '--sample-length', '0', '--no-ui', '--backend', 'wasm', '--workers', '1'];

const STACK = /\n\s+at /;

/**
 * The error line: exactly one line of stderr is charnn's (or commander's)
 * message, and it matches `message`. Training may print progress lines
 * before it; nothing may look like a stack trace or an internal error.
 */
function expectError(r: CliResult, code: 1 | 2, message: RegExp): string {
  const stderr = r.stderr;
  expect(stderr, 'stack trace on stderr').not.toMatch(STACK);
  expect(stderr).not.toMatch(/internal error|TypeError|ReferenceError|RangeError|Uncaught/);
  const lines = stderr.split('\n').filter((l) => /^(charnn|error):? /.test(l));
  expect(lines, `stderr: ${stderr}`).toHaveLength(1);
  expect(lines[0]).toMatch(message);
  expect(r.code, `stderr: ${stderr}`).toBe(code);
  expect(r.signal).toBeNull();
  return lines[0]!;
}

/** charnn's own errors also say what to do: "charnn: <problem> (<hint>)". */
function expectHint(line: string): void {
  expect(line).toMatch(/^charnn: .+ \(.+\)$/);
}

/**
 * Usage errors (commander's): one line, "charnn <command>: <problem> (did
 * you mean …? see charnn <command> --help)"; `problem` is matched against
 * the part before the parenthesis.
 */
function expectUsage(r: CliResult, problem: RegExp, suggestion?: string): void {
  const line = expectError(r, 2, /./);
  expect(r.stderr.trim().split('\n'), r.stderr).toHaveLength(1);
  const parts = /^(charnn(?: [a-z]+)?): (.+) \((?:did you mean (.+)\? )?see (charnn(?: [a-z]+)?) --help\)$/.exec(line);
  expect(parts, line).not.toBeNull();
  expect(parts![4]).toBe(parts![1]);
  expect(parts![2]).toMatch(problem);
  expect(parts![3]).toBe(suggestion);
}


/** A private copy of the fixture's latest/ checkpoint, changed by `damage`. */
function checkpointCopy(name: string, damage: (ckpt: string) => void): string {
  const ckpt = path.join(dir, name);
  fs.cpSync(path.join(run, 'latest'), ckpt, { recursive: true });
  damage(ckpt);
  return ckpt;
}

function editMeta(ckpt: string, edit: (meta: Record<string, any>) => void): void {
  const file = path.join(ckpt, 'charnn.json');
  const meta = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, any>;
  edit(meta);
  fs.writeFileSync(file, JSON.stringify(meta, null, 1));
}

/** Runs `args` and checks the error, and that the files under `watched` are byte-for-byte unchanged. */
async function expectUntouched(watched: string, args: string[], code: 1 | 2, message: RegExp): Promise<string> {
  const before = hashTree(watched);
  const r = await runInProcess(args);
  const line = expectError(r, code, message);
  expect(hashTree(watched)).toEqual(before);
  return line;
}

/** Runs charnn under `ulimit -f blocks` (dash counts 512-byte blocks). */
function runLimited(blocks: number, args: string[]): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('/bin/sh', ['-c', `ulimit -f ${blocks} && exec "$0" "$@"`, process.execPath, BIN, ...args], {
      cwd: ROOT, env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

/** Runs charnn and closes its stdout as soon as `enough` bytes have arrived (`| head -c enough`). */
function runClosingStdout(args: string[], enough: number): Promise<CliResult & { received: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...NODE_FLAGS, BIN, ...args], { cwd: ROOT, env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let received = 0;
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      received += d.length;
      if (received >= enough) child.stdout.destroy();
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout: '', stderr, received });
    });
  });
}

beforeAll(() => {
  dir = tempDir('charnn-bad-input-');
  corpus = smallCorpus(dir);
  run = trainTiny(dir, 'lstm', ['--workers', '1']);
});

describe('corpus', () => {
  it.concurrent('missing path', async () => {
    const out = path.join(dir, 'out-missing');
    const line = expectError(await runCli(['train', path.join(dir, 'no-such.txt'), ...TINY, '--out', out]), 2, /^charnn: corpus not found: .*no-such\.txt/);
    expectHint(line);
    expect(fs.existsSync(out)).toBe(false);
  });

  it.concurrent('a directory with no text files', async () => {
    const empty = path.join(dir, 'empty-dir');
    fs.mkdirSync(path.join(empty, 'sub'), { recursive: true });
    fs.writeFileSync(path.join(empty, '.hidden'), 'hidden files are skipped');
    expectHint(expectError(await runInProcess(['train', empty, ...TINY, '--out', path.join(dir, 'out-empty-dir')]), 2, /^charnn: corpus directory has no text files: /));
  });

  it.concurrent('an empty file', async () => {
    const file = path.join(dir, 'empty.txt');
    fs.writeFileSync(file, '');
    expectHint(expectError(await runInProcess(['train', file, ...TINY, '--out', path.join(dir, 'out-empty')]), 2, /^charnn: corpus file is empty: .*empty\.txt/));
  });

  it.concurrent('a binary file', async () => {
    const file = path.join(dir, 'image.png');
    fs.writeFileSync(file, Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]));
    expectHint(expectError(await runInProcess(['train', file, ...TINY, '--out', path.join(dir, 'out-binary')]), 2, /^charnn: corpus file looks binary \(NUL byte at offset 8\): .*image\.png/));
  });

  it.concurrent('invalid UTF-8', async () => {
    const file = path.join(dir, 'latin1.txt');
    fs.writeFileSync(file, Buffer.concat([Buffer.from('caf'), Buffer.from([0xe9]), Buffer.from(' au lait\n'.repeat(100))]));
    expectHint(expectError(await runInProcess(['train', file, ...TINY, '--out', path.join(dir, 'out-latin1')]), 2, /^charnn: corpus file is not valid UTF-8 at byte 3: .*latin1\.txt \(convert it to UTF-8/));
  });

  it.concurrent('a corpus too short for one stream of 16 characters', async () => {
    const file = path.join(dir, 'short.txt');
    fs.writeFileSync(file, 'To be, or not.\n'); // 15 characters: 13 for training
    const out = path.join(dir, 'out-short');
    const line = expectError(await runInProcess(['train', file, ...TINY, '--out', out]), 2,
      /^charnn: the corpus is too short to train on: its training part has 13 characters, and one stream of 16 needs 17 \(use a longer text\)$/);
    expectHint(line);
    expect(fs.existsSync(out)).toBe(false);
  });

  it.concurrent('a corpus whose validation split cannot hold one stream of 16 characters', async () => {
    const file = path.join(dir, 'smallval.txt');
    fs.writeFileSync(file, fs.readFileSync(corpus, 'utf8').slice(0, 100)); // 90 train, 10 validation characters
    const out = path.join(dir, 'out-smallval');
    expectError(await runInProcess(['train', file, ...TINY, '--out', out]), 2,
      /^charnn: the validation part \(the last 10% of the corpus\) has 10 characters, and one stream of 16 needs 17 \(use a larger --val-frac \(at least 0\.17\) or a longer text\)$/);
    expect(fs.existsSync(out)).toBe(false);
  });
});

describe('flags', () => {
  it.concurrent('unknown cell', async () => {
    expectUsage(await runInProcess(['train', corpus, '--cell', 'lstn']), /^option '--cell <type>' argument 'lstn' is invalid\. Allowed choices are rnn, lstm, gru\.$/);
  });

  it.concurrent.each([
    ['non-numeric', '--hidden', 'abc', /argument 'abc' is invalid\. expected a positive whole number up to 16,384, got "abc"\.$/],
    ['negative', '--layers', '-2', /argument '-2' is invalid\. expected a positive whole number up to 64, got "-2"\.$/],
    ['zero', '--batch', '0', /argument '0' is invalid\. expected a positive whole number up to 4,096, got "0"\.$/],
    ['fractional', '--seq-len', '1.5', /argument '1\.5' is invalid\. expected a positive whole number up to 4,096, got "1\.5"\.$/],
  ])('%s size: %s %s', async (_, flag, value, message) => {
    expectUsage(await runInProcess(['train', corpus, flag, value]), new RegExp(`^option '${flag} <\\w+>' ${message.source}`));
  });

  it.concurrent.each([
    ['--state-resets', '1.5', /^option '--state-resets <share>' argument '1\.5' is invalid\. expected a number from 0 to 1, got "1\.5"\./],
    ['--first-eval', 'soon', /^option '--first-eval <duration>' argument 'soon' is invalid\. expected a duration such as 90s/],
    ['--engine', 'gpu', /^option '--engine <name>' argument 'gpu' is invalid\. Allowed choices are auto, ort, tfjs\./],
    ['--lr-final', '2', /^option '--lr-final <x>' argument '2' is invalid\. expected a number from 0 to 1, got "2"\./],
  ])('%s %s', async (flag, value, message) => {
    expectUsage(await runInProcess(['train', corpus, flag, value]), message);
  });

  it.concurrent.each([
    [['--engine', 'tfjs', '--threads', '2'], /^--threads sizes the ort engine's thread pool \(with --engine tfjs use --workers/],
    [['--engine', 'ort', '--workers', '2'], /^--workers splits batches over threads on the tfjs engine only \(with --engine ort use --threads\)/],
  ])('refuses the other engine\'s thread flag: %j', async (flags, message) => {
    const r = await runInProcess(['train', corpus, ...flags]);
    expect(expectError(r, 2, /./).replace(/^charnn: /, '')).toMatch(message);
  });

  it.concurrent.each(['0', '1.5'])('--val-frac %s outside (0, 1)', async (value) => {
    expectUsage(await runInProcess(['train', corpus, '--val-frac', value]), /^option '--val-frac <x>' argument '.*' is invalid\. expected a number( between 0 and 1 \(exclusive\))?, got/);
  });

  it.concurrent.each(['0', '1.5'])('--top-p %s outside (0, 1]', async (value) => {
    const before = hashTree(run);
    expectUsage(await runInProcess(['generate', run, '--top-p', value]), /^option '--top-p <x>' argument '.*' is invalid\. expected a number( in \(0, 1\])?, got/);
    expect(hashTree(run)).toEqual(before);
  });

  it.concurrent.each(['5x', '-5m', '1h30'])('bad --max-time "%s"', async (value) => {
    expectUsage(await runInProcess(['train', corpus, '--max-time', value]),
      /^option '--max-time <duration>' argument '.*' is invalid\. expected a duration such as 90s, 20m, 1h30m or 2d up to 3650d, got/);
  });

  it.concurrent('unknown flag with a "did you mean"', async () => {
    const r = await runCli(['train', corpus, '--hiden', '64']);
    expectUsage(r, /^unknown option '--hiden'$/, '--hidden');
    expect(r.stderr).toMatch(/^charnn train: /);
  });

  it.concurrent('unknown flag of generate with a "did you mean"', async () => {
    const r = await runInProcess(['generate', run, '--temprature', '0.5']);
    expectUsage(r, /^unknown option '--temprature'$/, '--temperature');
  });

  it.concurrent('unknown flag without a close match', async () => {
    expectUsage(await runInProcess(['train', corpus, '--frobnicate']), /^unknown option '--frobnicate'$/);
  });

  it.concurrent('unknown command with a "did you mean"', async () => {
    const r = await runCli(['trian', corpus]);
    expectUsage(r, /^unknown command 'trian'$/, 'train');
    expect(r.stderr.trim()).toMatch(/^charnn: .* see charnn --help\)$/);
  });
});

describe('checkpoints', () => {
  it.concurrent('missing directory (info, generate, train --resume)', async () => {
    const missing = path.join(dir, 'no-such-run');
    for (const args of [['generate', missing], ['train', '--resume', missing, ...TINY]]) {
      expectHint(expectError(await runInProcess(args), 2, /^charnn: checkpoint not found: .*no-such-run \(pass a checkpoint or run directory/));
    }
    expect(fs.existsSync(missing)).toBe(false);
  });

  it.concurrent('missing weight file', async () => {
    const ckpt = checkpointCopy('no-weights', (c) => fs.rmSync(path.join(c, 'weights.bin')));
    for (const args of [['generate', ckpt, '--length', '5']]) {
      expectHint(await expectUntouched(ckpt, args, 2, /^charnn: checkpoint .*no-weights is damaged: weight file weights\.bin is missing or unreadable/));
    }
  });

  it.concurrent('truncated weight file', async () => {
    const ckpt = checkpointCopy('truncated', (c) => fs.truncateSync(path.join(c, 'weights.bin'), 1000));
    for (const args of [['info', ckpt]]) {
      await expectUntouched(ckpt, args, 2, /^charnn: checkpoint .*truncated is damaged: weight data is 1000 bytes, the manifest needs \d+ \(truncated file\?\)/);
    }
  });

  it.concurrent('truncated optimizer state on --resume', async () => {
    const ckpt = checkpointCopy('truncated-state', (c) => fs.truncateSync(path.join(c, 'state.bin'), 100));
    await expectUntouched(ckpt, ['train', '--resume', ckpt, ...TINY, '--max-steps', '12'], 2, /^charnn: checkpoint .*truncated-state is damaged: state\.bin is 100 bytes, expected \d+ \(truncated file\?\)/);
  });

  it.concurrent('malformed charnn.json', async () => {
    const ckpt = checkpointCopy('malformed', (c) => fs.writeFileSync(path.join(c, 'charnn.json'), '{"format": "charnn-checkpoint", "version": 1, '));
    for (const args of [['generate', ckpt], ['train', '--resume', ckpt, ...TINY]]) {
      expectHint(await expectUntouched(ckpt, args, 2, /^charnn: checkpoint .*malformed is damaged: charnn\.json is not valid JSON/));
    }
  });

  it.concurrent('malformed model.json', async () => {
    const ckpt = checkpointCopy('bad-model-json', (c) => fs.writeFileSync(path.join(c, 'model.json'), '{"weightsManifest": [{"paths": ["../../etc/passwd"], "weights": []}]}'));
    await expectUntouched(ckpt, ['info', ckpt], 2, /^charnn: checkpoint .*bad-model-json is damaged: model\.json lists weight paths that are not plain file names/);
  });

  // Each edit is checked by `info`; those that matter most for training also by `train --resume`.
  it.concurrent.each<[string, (m: Record<string, any>) => void, RegExp, boolean]>([
    ['hidden is a string', (m) => (m.model.hidden = 'big'), /model\.hidden must be a positive whole number/, false],
    ['unknown cell', (m) => (m.model.cell = 'transformer'), /model\.cell must be one of rnn, lstm, gru/, false],
    ['negative batch size', (m) => (m.training.batchSize = -3), /training\.batchSize must be a positive whole number/, true],
    ['best loss is text', (m) => (m.progress.bestValLoss = 'low'), /progress\.bestValLoss must be a loss from 0 to 1e\+4 or null/, false],
    ['data cursor past the epoch', (m) => (m.progress.batch = 1e6), /progress\.batch 1000000 is beyond the \d+ batches of an epoch/, true],
    ['vocabulary entry of two characters', (m) => (m.vocabulary[m.vocabulary.length - 1] = 'ab'), /vocabulary is invalid \(vocabulary entry \d+ is not a single character: "ab"\)/, false],
    ['state file outside the checkpoint', (m) => (m.state.file = '../../state.bin'), /state\.file must be a plain file name/, false],
  ])('hand-edited charnn.json: %s', async (name, edit, message, resume) => {
    const ckpt = checkpointCopy(`edited-${name.replace(/\W+/g, '-')}`, (c) => editMeta(c, edit));
    const commands = [['info', ckpt], ...(resume ? [['train', '--resume', ckpt, ...TINY, '--max-steps', '12']] : [])];
    for (const args of commands) {
      const line = await expectUntouched(ckpt, args, 2, new RegExp(`^charnn: checkpoint .* is damaged: ${message.source}`));
      expectHint(line);
    }
  });

  it.concurrent('a format version newer than this charnn', async () => {
    const ckpt = checkpointCopy('future', (c) => editMeta(c, (m) => (m.version = 99)));
    for (const args of [['info', ckpt], ['train', '--resume', ckpt, ...TINY]]) {
      expectHint(await expectUntouched(ckpt, args, 2, /^charnn: checkpoint .*future has format version 99, newer than this charnn understands \(1\) \(upgrade charnn/));
    }
  });

  it.concurrent('weights whose shapes do not match the config', async () => {
    const ckpt = checkpointCopy('shapes', (c) => editMeta(c, (m) => (m.model.hidden = 48)));
    for (const args of [['generate', ckpt, '--length', '5'], ['train', '--resume', ckpt, ...TINY, '--hidden', '48']]) {
      await expectUntouched(ckpt, args, 2, /^charnn: checkpoint .*shapes is damaged: weight lstm\w*\/kernel has shape \[16,128\] but the config needs \[16,192\]/);
    }
  });

  it.concurrent('a run directory with neither best/ nor latest/', async () => {
    const empty = path.join(dir, 'empty-run');
    fs.mkdirSync(path.join(empty, 'logs'), { recursive: true });
    for (const args of [['generate', empty], ['train', '--resume', empty, ...TINY]]) {
      expectHint(await expectUntouched(empty, args, 2, /^charnn: .*empty-run holds no checkpoint \(no charnn\.json, no best\/ or latest\/\)/));
    }
  });

  it.concurrent('a file instead of a checkpoint directory', async () => {
    const text = fs.readFileSync(corpus, 'utf8');
    expectError(await runCli(['info', corpus]), 2, /^charnn: .*small\.txt is a file, not a checkpoint directory/);
    expect(fs.readFileSync(corpus, 'utf8')).toBe(text);
  });

  it.concurrent('stack traces only on request (CHARNN_DEBUG=1)', async () => {
    const r = await runCli(['info', path.join(dir, 'no-such-run')], { env: { CHARNN_DEBUG: '1' } });
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n')[0]).toMatch(/^charnn: checkpoint not found/);
    expect(r.stderr).toMatch(STACK);
  });
});

describe('generation', () => {
  it.concurrent('prime characters outside the vocabulary', async () => {
    const line = await expectUntouched(run, ['generate', run, '--prime', 'Zebra€', '--length', '5'], 2,
      /^charnn: the prime text has characters the model never saw: .*"€"/);
    expectHint(line);
  });

  it.concurrent('prompt characters outside the vocabulary', async () => {
    const prompts = path.join(dir, 'prompts-bad.txt');
    fs.writeFileSync(prompts, 'ROMEO:\nJULIET €\n');
    await expectUntouched(run, ['generate', run, '--prompts', prompts, '--length', '5'], 2, /^charnn: prompt 2 has characters the model never saw: .*"€"/);
  });

  it.concurrent('empty prompts file (and empty stdin)', async () => {
    const prompts = path.join(dir, 'prompts-empty.txt');
    fs.writeFileSync(prompts, '');
    expectHint(expectError(await runInProcess(['generate', run, '--prompts', prompts]), 2, /^charnn: the prompts file .*prompts-empty\.txt is empty/));
    expectError(await runCli(['generate', run, '--prompts', '-'], { input: '' }), 2, /^charnn: .*(no prompts on stdin|prompts on stdin is empty)/);
  });

  it.concurrent('missing prompts file', async () => {
    expectError(await runCli(['generate', run, '--prompts', path.join(dir, 'no-prompts.txt')]), 2, /^charnn: cannot read prompts from .*no-prompts\.txt/);
  });

  it.concurrent.each([
    ['--length', '999999999999'],
    ['--max-length', '50000000'],
  ])('%s %s is refused (generation is bounded)', async (flag, value) => {
    const r = await runInProcess(['generate', run, flag, value, ...(flag === '--max-length' ? ['--length', '0'] : [])]);
    expectUsage(r, new RegExp(`^option '${flag} <n>' argument '${value}' is invalid\\. expected a (positive )?whole number( ≥ 0)? up to 10,000,000`));
    expect(r.stdout).toBe('');
  });
});

describe('output', () => {
  it.concurrent('--out under a regular file is refused before training', async () => {
    const blocker = path.join(dir, 'blocker.txt');
    fs.writeFileSync(blocker, 'a file, not a directory');
    const r = await runInProcess(['train', corpus, ...TINY, '--max-steps', '5', '--out', path.join(blocker, 'run')]);
    expectHint(expectError(r, 2, /^charnn: cannot write checkpoints to .*blocker\.txt\/run: .*blocker\.txt is a file, not a directory \(pass --out with a directory you can write to\)/));
    expect(r.stderr).not.toMatch(/^step /m);
    expect(fs.readFileSync(blocker, 'utf8')).toBe('a file, not a directory');
  });

  it.concurrent('--out that is itself a regular file', async () => {
    const blocker = path.join(dir, 'out-is-file');
    fs.writeFileSync(blocker, 'keep me');
    const r = await runInProcess(['train', corpus, ...TINY, '--max-steps', '5', '--out', blocker]);
    expectError(r, 2, /^charnn: cannot write checkpoints to .*out-is-file: .*out-is-file is a file, not a directory/);
    expect(fs.readFileSync(blocker, 'utf8')).toBe('keep me');
  });

  it.concurrent('the disk filling up during a save (ulimit -f)', async () => {
    const copy = path.join(dir, 'full-disk-run');
    fs.cpSync(run, copy, { recursive: true });
    const before = hashTree(copy);
    // weights.bin alone is ~36 kB; 16 blocks are 8 kB under dash.
    const r = await runLimited(16, ['train', '--resume', path.join(copy, 'latest'), ...TINY, '--max-steps', '13', '--eval-every', '1']);
    expectHint(expectError(r, 1, /^charnn: could not save the latest checkpoint to .*full-disk-run\/latest: the disk is full \(free disk space or choose another --out; the previous checkpoint is intact\)$/));
    expect(hashTree(copy)).toEqual(before);
    expect(fs.readdirSync(copy).sort()).toEqual(['best', 'latest']);
    const info = await runInProcess(['info', path.join(copy, 'latest'), '--json']);
    expect(info.code).toBe(0);
    expect(JSON.parse(info.stdout).step).toBe(10);
  });

  it.concurrent('stdout closed early: generate | head', async () => {
    const r = await runClosingStdout(['generate', run, '--length', '200000', '--seed', '1'], 10);
    expect(r.received).toBeGreaterThanOrEqual(10);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });

  it.concurrent('stdout closed early: train --json | head saves latest/ and exits 0', async () => {
    const out = path.join(dir, 'json-closed');
    const r = await runClosingStdout(['train', corpus, ...TINY, '--json', '--max-steps', '100000', '--eval-every', '100000', '--out', out], 1);
    expect(r.stderr).not.toMatch(STACK);
    expect(r.stderr).toMatch(/^charnn: stdout was closed, saving latest\/ and stopping$/m);
    expect(r.code).toBe(0);
    const info = await runInProcess(['info', path.join(out, 'latest'), '--json']);
    expect(info.code).toBe(0);
    expect(JSON.parse(info.stdout).step).toBeGreaterThan(0);
  });
});
