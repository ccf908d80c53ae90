/**
 * No run ever replaces another's checkpoints (issue 11): a second `train`
 * without --out picks a fresh directory, an --out that holds a run is refused
 * (naming --resume and --force), --force replaces only what charnn wrote,
 * `--resume <run dir>` continues latest/, a run directory is locked while a
 * trainer writes to it, start-up cleanup removes only charnn's own
 * temporaries, and a resume on a changed corpus is refused. Real binary;
 * the refusals, which end before training starts, in-process.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { BIN, NODE_FLAGS, hashTree, ROOT, runCli, smallCorpus, tempDir, type CliResult } from '../helpers/cli.js';
import { runInProcess } from '../helpers/in-process.js';
import { waitFor } from '../helpers/wait.js';

const TINY = ['--layers', '1', '--hidden', '16', '--embedding', '8', '--batch', '4', '--seq-len', '16', '--eval-batches', '1',
  '--sample-length', '0', '--workers', '1', '--no-ui'];

let dir: string;
let corpus: string;


const stepIn = (checkpoint: string): number => JSON.parse(fs.readFileSync(path.join(checkpoint, 'charnn.json'), 'utf8')).progress.step;

/** Exactly one charnn line on stderr, matching `message`, and exit code `code`. */
function expectOneLine(r: CliResult, code: number, message: RegExp): void {
  const lines = r.stderr.split('\n').filter((l) => l.startsWith('charnn'));
  expect(lines, r.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(message);
  expect(r.stderr).not.toMatch(/\n\s+at /);
  expect(r.code, r.stderr).toBe(code);
}

async function train(args: string[], cwd = ROOT): Promise<CliResult> {
  return runCli(['train', ...args, ...TINY], { cwd });
}

/** A train that is refused before it starts: in-process (test/helpers/in-process.ts), no Node start-up. */
async function refused(args: string[]): Promise<CliResult> {
  return runInProcess(['train', ...args, ...TINY]);
}

beforeAll(() => {
  dir = tempDir('charnn-rundir-');
  corpus = smallCorpus(dir, 12_000);
});

describe('a second train never replaces a run', () => {
  it.concurrent('without --out: the default directory is left alone, the next free one is used and named', async () => {
    const cwd = path.join(dir, 'default');
    fs.mkdirSync(cwd);
    const first = await train([corpus, '--max-steps', '6', '--eval-every', '3'], cwd);
    expect(first.code, first.stderr).toBe(0);
    const before = hashTree(path.join(cwd, 'checkpoints', 'small-lstm'));
    const second = await train([corpus, '--max-steps', '2'], cwd);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stderr).toMatch(/^note: checkpoints\/small-lstm holds a run \(at step 6\); this run writes to checkpoints\/small-lstm-2 \(continue that one with --resume checkpoints\/small-lstm\)$/m);
    expect(second.stderr).toMatch(/^run small · .* · → checkpoints\/small-lstm-2$/m);
    expect(hashTree(path.join(cwd, 'checkpoints', 'small-lstm'))).toEqual(before);
    expect(stepIn(path.join(cwd, 'checkpoints', 'small-lstm-2', 'latest'))).toBe(2);
  });

  it.concurrent('--out holding a run: refused with --resume and --force named; --force replaces only checkpoints', async () => {
    const out = path.join(dir, 'given');
    expect((await train([corpus, '--max-steps', '4', '--eval-every', '2', '--keep', '2', '--out', out])).code).toBe(0);
    fs.writeFileSync(path.join(out, 'my-notes.txt'), 'keep me');
    const before = hashTree(out);
    const refusal = await refused([corpus, '--max-steps', '2', '--out', out]);
    expectOneLine(refusal, 2, new RegExp(`^charnn: ${out} already holds a run \\(at step 4\\) \\(continue it with --resume ${out}, or pass --force to start a new run there and replace its checkpoints\\)$`));
    expect(hashTree(out)).toEqual(before);

    const forced = await train([corpus, '--max-steps', '1', '--out', out, '--force']);
    expect(forced.code, forced.stderr).toBe(0);
    expect(forced.stderr).toMatch(/^note: --force: this new run replaces a run \(at step 4\) in .*given, whose checkpoints were removed$/m);
    expect(fs.readdirSync(out).filter((f) => !f.startsWith('.')).sort()).toEqual(['best', 'latest', 'my-notes.txt']);
    expect(fs.readFileSync(path.join(out, 'my-notes.txt'), 'utf8')).toBe('keep me');
    expect(stepIn(path.join(out, 'best'))).toBe(1);
  });

  it.concurrent('an --out whose latest/ is not charnn\'s is refused, even with --force', async () => {
    const out = path.join(dir, 'foreign');
    fs.mkdirSync(path.join(out, 'latest'), { recursive: true });
    fs.writeFileSync(path.join(out, 'latest', 'photo.jpg'), 'not a checkpoint');
    expectOneLine(await refused([corpus, '--max-steps', '1', '--out', out, '--force']), 2, /^charnn: .*foreign\/latest exists and is not a charnn checkpoint; a run would replace it \(move it away, or train into another --out\)$/);
    expect(fs.readFileSync(path.join(out, 'latest', 'photo.jpg'), 'utf8')).toBe('not a checkpoint');
  });

  it.concurrent('a checkpoint holding anything charnn did not write is refused by --force and --resume, and nothing is removed', async () => {
    const out = path.join(dir, 'annotated');
    expect((await train([corpus, '--max-steps', '2', '--eval-every', '1', '--keep', '2', '--out', out])).code).toBe(0);
    fs.writeFileSync(path.join(out, 'best', 'notes.txt'), 'why this run was good');
    fs.mkdirSync(path.join(out, 'latest-1', 'plots'));
    fs.writeFileSync(path.join(out, 'latest-1', 'plots', 'loss.svg'), '<svg/>');
    const before = hashTree(out);
    expectOneLine(await refused([corpus, '--max-steps', '1', '--out', out, '--force']), 2,
      /^charnn: .*annotated\/best\/notes\.txt is a file charnn did not write; --force would delete it \(move it away, or train into another --out\)$/);
    expect(hashTree(out)).toEqual(before);
    expectOneLine(await refused(['--resume', out, '--max-steps', '3']), 2,
      /^charnn: .*annotated\/best\/notes\.txt is a file charnn did not write; the run would delete it when it saves \(move it away, or resume into another --out\)$/);
    expect(hashTree(out)).toEqual(before);
    // Without the note, --force removes only the checkpoints it may: the snapshot holding plots/ is refused too.
    fs.renameSync(path.join(out, 'best', 'notes.txt'), path.join(out, 'notes.txt'));
    expectOneLine(await refused([corpus, '--max-steps', '1', '--out', out, '--force']), 2,
      /^charnn: .*annotated\/latest-1\/plots is a directory charnn did not write; --force would delete it/);
    expect(fs.readFileSync(path.join(out, 'latest-1', 'plots', 'loss.svg'), 'utf8')).toBe('<svg/>');
    expect(fs.existsSync(path.join(out, 'best', 'charnn.json'))).toBe(true);
  });
});

describe('--resume <run dir> continues latest/', () => {
  it.concurrent('even when best/ is older, and keeps the other files of the run directory', async () => {
    const out = path.join(dir, 'resume');
    expect((await train([corpus, '--max-steps', '6', '--eval-every', '3', '--keep', '2', '--out', out])).code).toBe(0);
    // best/ from step 3, latest/ at step 6.
    fs.rmSync(path.join(out, 'best'), { recursive: true });
    fs.cpSync(path.join(out, 'latest-3'), path.join(out, 'best'), { recursive: true });
    // A user's folder that merely looks like a temporary, and a real one a crashed trainer left.
    fs.mkdirSync(path.join(out, 'photos.tmp-2024-backup'));
    fs.writeFileSync(path.join(out, 'photos.tmp-2024-backup', 'beach.jpg'), 'a photo');
    fs.cpSync(path.join(out, 'latest-3'), path.join(out, '.charnn-tmp-999999-zz-latest'), { recursive: true });
    // Naming the older best/ itself would replace the newer latest/ at the first save.
    const before = hashTree(path.join(out, 'latest'));
    expectOneLine(await refused(['--resume', path.join(out, 'best'), '--max-steps', '7']), 2,
      new RegExp(`^charnn: ${out}/latest is at step 6, newer than ${out}/best \\(step 3\\); resuming there would replace it \\(resume the newest state with --resume ${out}, write the continuation elsewhere with --out <dir>, or pass --force to replace it\\)$`));
    expect(hashTree(path.join(out, 'latest'))).toEqual(before);
    const r = await train(['--resume', out, '--max-steps', '7', '--eval-every', '100']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(new RegExp(`resumed from ${out}/latest at step 6`));
    expect(stepIn(path.join(out, 'latest'))).toBe(7);
    expect(fs.readFileSync(path.join(out, 'photos.tmp-2024-backup', 'beach.jpg'), 'utf8')).toBe('a photo');
    expect(fs.existsSync(path.join(out, '.charnn-tmp-999999-zz-latest'))).toBe(false);
    // generate on the run directory still means best/.
    const info = await runCli(['info', out, '--json']);
    expect(JSON.parse(info.stdout).checkpoint).toBe(path.join(out, 'best'));
  });
});

describe('a run directory is locked while a trainer writes to it', () => {
  it.concurrent('a second trainer is refused with one line; a lock left by a dead process is taken over', async () => {
    const out = path.join(dir, 'locked');
    const child = spawn(process.execPath, [...NODE_FLAGS, BIN, 'train', corpus, ...TINY, '--max-steps', '100000', '--eval-every', '5', '--out', out],
      { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    try {
      await waitFor(() => /^checkpoint latest/m.test(stderr), { what: 'the first trainer\'s first checkpoint', timeoutMs: 60_000, seen: () => stderr });
      for (const args of [['--resume', out], [corpus, '--out', out, '--force']]) {
        expectOneLine(await refused([...args, '--max-steps', '100000']), 2,
          new RegExp(`^charnn: .*locked is being trained by another charnn \\(process ${child.pid} since .*\\) \\(wait for it to finish or stop it, or train into another --out\\)$`));
      }
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
    expect(fs.existsSync(path.join(out, '.charnn-lock'))).toBe(false);
    // A lock whose process is gone (a SIGKILL, a reboot).
    fs.writeFileSync(path.join(out, '.charnn-lock'), JSON.stringify({ pid: 999_999, host: (await import('node:os')).hostname(), startedAt: 'then' }));
    // One step more than the run took (a --max-steps it has reached is refused before the lock).
    const at = (JSON.parse(fs.readFileSync(path.join(out, 'latest', 'charnn.json'), 'utf8')) as { progress: { step: number } }).progress.step;
    const resumed = await train(['--resume', out, '--max-steps', String(at + 1)]);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toMatch(/^note: .*locked was locked by process 999999, which is no longer running; took the lock over$/m);
    expect(fs.existsSync(path.join(out, '.charnn-lock'))).toBe(false);
  });
});

describe('--resume on a changed corpus is refused, pointing to --init-from', () => {
  it.concurrent('shorter, same length but different, and the same text elsewhere', async () => {
    const out = path.join(dir, 'changed');
    const text = fs.readFileSync(corpus, 'utf8');
    const own = path.join(dir, 'own.txt');
    fs.writeFileSync(own, text);
    expect((await train([own, '--max-steps', '3', '--eval-every', '3', '--out', out])).code).toBe(0);
    const before = hashTree(out);
    const shorter = path.join(dir, 'shorter.txt');
    fs.writeFileSync(shorter, text.slice(0, 3000));
    expectOneLine(await refused([shorter, '--resume', out, '--max-steps', '5']), 2,
      /^charnn: the corpus changed since this checkpoint was saved \(it was 12,000 bytes, sha256 [0-9a-f]{12}…; now 3,000 bytes, sha256 [0-9a-f]{12}…\) \(resume on the text it was trained on, or start a new run from its weights: charnn train .*shorter\.txt --init-from .*changed\)$/);
    const shuffled = path.join(dir, 'same-size.txt');
    fs.writeFileSync(shuffled, text.slice(6000) + text.slice(0, 6000));
    expectOneLine(await refused([shuffled, '--resume', out, '--max-steps', '5']), 2, /^charnn: the corpus changed since this checkpoint was saved \(it was 12,000 bytes, sha256 \w+…; now 12,000 bytes, sha256 \w+…\)/);
    expect(hashTree(out)).toEqual(before);
    // A checkpoint that records the file-system root as its corpus: refused before anything is walked.
    const hostile = path.join(dir, 'root-corpus');
    fs.cpSync(out, hostile, { recursive: true });
    const metaFile = path.join(hostile, 'latest', 'charnn.json');
    fs.writeFileSync(metaFile, JSON.stringify({ ...JSON.parse(fs.readFileSync(metaFile, 'utf8')), corpus: { ...JSON.parse(fs.readFileSync(metaFile, 'utf8')).corpus, path: '/' } }));
    expectOneLine(await refused(['--resume', hostile, '--max-steps', '5']), 2,
      new RegExp(`^charnn: the checkpoint records its corpus as /, the root of the file system; charnn does not read a whole file system \\(pass the corpus it was trained on: charnn train <corpus> --resume ${hostile}\\)$`));
    const copy = path.join(dir, 'moved.txt');
    fs.copyFileSync(own, copy);
    const same = await train([copy, '--resume', out, '--max-steps', '4', '--eval-every', '100']);
    expect(same.code, same.stderr).toBe(0);
    expect(stepIn(path.join(out, 'latest'))).toBe(4);
  });
});
