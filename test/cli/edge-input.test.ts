/**
 * Inputs at the edges (issues 11 and 12): UTF-16 files get the iconv command
 * that converts them; binary files in a corpus directory are skipped and
 * listed; a temperature so small that logit / T overflows samples like
 * argmax; --max-time counts the clock the final report prints; eval streams
 * any size in flat memory and shows progress on stderr when it is not a
 * terminal. Real binary.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { BIN, ROOT, runCli, runCliMeasured, smallCorpus, tempDir, trainTiny } from '../helpers/cli.js';

const TINY = ['--layers', '1', '--hidden', '16', '--embedding', '8', '--batch', '4', '--seq-len', '16', '--eval-batches', '1',
  '--sample-length', '0', '--workers', '1', '--no-ui'];

let dir: string;
let run: string;

beforeAll(() => {
  dir = tempDir('charnn-edge-');
  run = trainTiny(dir, 'gru', ['--workers', '1']);
});

describe('corpus files', () => {
  it.concurrent('a UTF-16 file is refused with the iconv command; a directory\'s binary files and links leading out of it are skipped and listed', async () => {
    const utf16 = path.join(dir, 'notes-utf16.txt');
    fs.writeFileSync(utf16, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('To be, or not to be\n'.repeat(50), 'utf16le')]));
    const refused = await runCli(['train', utf16, ...TINY, '--out', path.join(dir, 'utf16-run')]);
    expect(refused.stderr).toBe(`charnn: corpus file is UTF-16 (it starts with a UTF-16 byte order mark), not UTF-8: ${utf16} (convert it first: iconv -f UTF-16 -t UTF-8 ${utf16} > ${path.join(dir, 'notes-utf16.utf8.txt')})\n`);
    expect(refused.code).toBe(2);

    const texts = path.join(dir, 'texts');
    fs.mkdirSync(path.join(texts, 'img'), { recursive: true });
    fs.copyFileSync(smallCorpus(dir, 12_000), path.join(texts, 'play.txt'));
    fs.writeFileSync(path.join(texts, 'img', 'cover.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]));
    fs.writeFileSync(path.join(texts, 'archive.zip'), Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0, 0, 0]));
    // A text file outside the directory, reached through a link in it (sl/b.txt -> /etc/passwd): never read.
    const secret = path.join(dir, 'secret.txt');
    fs.writeFileSync(secret, 'root:x:0:0:root:/root:/bin/bash\n'.repeat(20));
    fs.mkdirSync(path.join(texts, 'sl'));
    fs.symlinkSync(secret, path.join(texts, 'sl', 'b.txt'));
    const trained = await runCli(['train', texts, ...TINY, '--max-steps', '2', '--out', path.join(dir, 'texts-run')]);
    expect(trained.code, trained.stderr).toBe(0);
    expect(trained.stderr).toMatch(new RegExp(`^note: skipped 2 binary files in ${texts}: archive\\.zip, img/cover\\.png$`, 'm'));
    expect(trained.stderr).toMatch(new RegExp(`^note: skipped 1 link leading outside ${texts}: sl/b\\.txt → ${fs.realpathSync(secret)}$`, 'm'));
    const evaluated = await runCli(['eval', path.join(dir, 'texts-run'), texts]);
    expect(evaluated.code, evaluated.stderr).toBe(0);
    expect(evaluated.stderr).toMatch(/^charnn: note: .*texts: skipped 2 binary files: archive\.zip, img\/cover\.png$/m);
    expect(evaluated.stderr).toMatch(new RegExp(`^charnn: note: .*texts: skipped 1 link leading outside ${texts}: sl/b\\.txt → ${fs.realpathSync(secret)}$`, 'm'));
    expect(evaluated.stdout).toMatch(/texts: 11,999 characters/);
  });
});

describe('eval of a large text', () => {
  it.concurrent('streams in flat memory and, off a terminal, prints a progress line every ~5 s', async () => {
    const text = path.join(dir, 'large.txt');
    const shakespeare = fs.readFileSync(path.join(ROOT, 'corpora', 'tinyshakespeare.txt'));
    fs.writeFileSync(text, Buffer.concat([shakespeare, shakespeare]));
    const started = performance.now();
    const r = await runCliMeasured(['eval', run, text, '--json']);
    const seconds = (performance.now() - started) / 1000;
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).chars).toBeGreaterThan(2_000_000);
    expect(r.peakRssMb, 'peak RSS in MB').toBeLessThan(300);
    const progress = r.stderr.split('\n').filter((l) => l.startsWith('eval: '));
    for (const line of progress) expect(line).toMatch(/^eval: .*large\.txt: \d+%, [\d,]+ characters \([\d,]+ chars\/s(, .+ left)?\)$/);
    // A line every 5 s after the start (the last may fall after the end).
    expect(progress.length).toBeGreaterThanOrEqual(Math.floor(seconds / 5) - 2);
    if (seconds > 7) expect(progress.length).toBeGreaterThan(0);
  });
});

describe('sampling', () => {
  it.concurrent('--temperature 1e-308 and 5e-324 sample exactly what --temperature 0 (argmax) does', async () => {
    const args = ['generate', run, '--prime', 'The ', '--length', '80', '--seed', '3'];
    const [argmax, tiny, tiniest] = await Promise.all(['0', '1e-308', '5e-324'].map((t) => runCli([...args, '--temperature', t])));
    expect(argmax.code, argmax.stderr).toBe(0);
    expect(tiny.stdout).toBe(argmax.stdout);
    expect(tiniest.stdout).toBe(argmax.stdout);
  });
});

describe('--max-time', () => {
  it.concurrent('the final report counts the same clock as the limit, final evaluation and save included, and keeps within it', async () => {
    // A validation split large enough that the final evaluation takes seconds.
    const corpus = path.join(dir, 'shakespeare.txt');
    fs.copyFileSync(path.join(ROOT, 'corpora', 'tinyshakespeare.txt'), corpus);
    const args = ['train', corpus, '--layers', '1', '--hidden', '192', '--embedding', '16', '--batch', '8', '--seq-len', '32', '--val-frac', '0.5',
      '--eval-every', '1000000', '--sample-length', '0', '--workers', '1', '--no-ui', '--max-time', '2s', '--out', path.join(dir, 'timed')];
    const { stderr, sessionMs } = await new Promise<{ stderr: string; sessionMs: number }>((resolve, reject) => {
      const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
      let text = '';
      let started = 0;
      child.stderr.setEncoding('utf8').on('data', (d: string) => {
        text += d;
        if (!started && /^step /m.test(text)) started = performance.now();
      });
      child.on('error', reject);
      child.on('close', () => resolve({ stderr: text, sessionMs: performance.now() - started }));
    });
    const done = /^done at step \d+: reached time limit after (\d+)s/m.exec(stderr);
    expect(done, stderr).not.toBeNull();
    const reported = Number(done![1]) * 1000;
    // The limit is the whole session: training stopped early enough for the end (cut short here, the split is that large).
    expect(reported).toBeLessThanOrEqual(2000);
    // From the first step line to the exit: what the session took, as the report should say.
    expect(Math.abs(reported - sessionMs), `reported ${reported} ms, observed ${Math.round(sessionMs)} ms`).toBeLessThan(1500);
  });
});
