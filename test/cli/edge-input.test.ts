/**
 * Inputs at the edges (issues 11 and 12): UTF-16 files get the iconv command
 * that converts them; binary files in a corpus directory are skipped and
 * listed; a temperature so small that logit / T overflows samples like
 * argmax; --max-time counts the clock the final report prints; eval streams
 * any size in flat memory and shows progress on stderr when it is not a
 * terminal. Real binary; no wall-clock bound (a busy machine stretches wall
 * time at will).
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { BIN, NODE_FLAGS, ROOT, runCli, runCliMeasured, smallCorpus, tempDir } from '../helpers/cli.js';
import { trainTiny } from '../helpers/tiny-run.js';
import { cpuMsOf, usageProbe } from '../helpers/usage.js';

const TINY = ['--layers', '1', '--hidden', '16', '--embedding', '8', '--batch', '4', '--seq-len', '16', '--eval-batches', '1',
  '--sample-length', '0', '--workers', '1', '--no-ui'];

let dir: string;
let run: string;

beforeAll(() => {
  dir = tempDir('charnn-edge-');
  run = trainTiny(dir, 'gru', ['--workers', '1']);
});

describe('corpus files', () => {
  it.concurrent('a UTF-16 file is refused with the iconv command; a directory\'s binary files, links leading out of it, links to directories and broken links are skipped and listed', async () => {
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
    fs.symlinkSync(path.join(texts, 'img'), path.join(texts, 'pictures'));
    fs.symlinkSync('gone.txt', path.join(texts, 'old.txt'));
    const trained = await runCli(['train', texts, ...TINY, '--max-steps', '2', '--out', path.join(dir, 'texts-run')]);
    expect(trained.code, trained.stderr).toBe(0);
    expect(trained.stderr).toMatch(new RegExp(`^note: skipped 2 binary files in ${texts}: archive\\.zip, img/cover\\.png$`, 'm'));
    expect(trained.stderr).toMatch(new RegExp(`^note: skipped 1 link leading outside ${texts}: sl/b\\.txt → ${fs.realpathSync(secret)}$`, 'm'));
    expect(trained.stderr).toMatch(new RegExp(`^note: skipped 1 link to a directory \\(not followed\\): pictures → ${fs.realpathSync(path.join(texts, 'img'))}$`, 'm'));
    expect(trained.stderr).toMatch(/^note: skipped 1 broken link: old\.txt → gone\.txt$/m);
    const evaluated = await runCli(['eval', path.join(dir, 'texts-run'), texts]);
    expect(evaluated.code, evaluated.stderr).toBe(0);
    expect(evaluated.stderr).toMatch(/^charnn: note: .*texts: skipped 2 binary files: archive\.zip, img\/cover\.png$/m);
    expect(evaluated.stderr).toMatch(new RegExp(`^charnn: note: .*texts: skipped 1 link leading outside ${texts}: sl/b\\.txt → ${fs.realpathSync(secret)}$`, 'm'));
    expect(evaluated.stderr).toMatch(/^charnn: note: .*texts: skipped 1 link to a directory \(not followed\): pictures → .*img$/m);
    expect(evaluated.stderr).toMatch(/^charnn: note: .*texts: skipped 1 broken link: old\.txt → gone\.txt$/m);
    expect(evaluated.stdout).toMatch(/texts: 11,999 characters/);
  });
});

describe('eval of a large text', () => {
  it.concurrent('streams in flat memory and, off a terminal, prints progress lines', async () => {
    const text = path.join(dir, 'large.txt');
    const shakespeare = fs.readFileSync(path.join(ROOT, 'corpora', 'tinyshakespeare.txt'));
    fs.writeFileSync(text, Buffer.concat([shakespeare, shakespeare]));
    // A line at every update instead of every 5 s (test/cli/eval-progress.test.ts checks the interval).
    const r = await runCliMeasured(['eval', run, text, '--json'], { env: { CHARNN_EVAL_PROGRESS_MS: '0' } });
    expect(r.code, r.stderr).toBe(0);
    const chars = JSON.parse(r.stdout).chars as number;
    expect(chars).toBeGreaterThan(2_000_000);
    expect(r.peakRssMb, 'peak RSS in MB').toBeLessThan(300);
    const lines = r.stderr.trimEnd().split('\n');
    for (const line of lines) expect(line).toMatch(/^eval: .*large\.txt: \d+%, [\d,]+ characters \([\d,]+ chars\/s(, .+ left)?\)$/);
    const done = lines.map((l) => Number(/ ([\d,]+) characters/.exec(l)![1]!.replace(/,/g, '')));
    expect(done.length).toBeGreaterThan(10);
    for (let i = 1; i < done.length; i++) expect(done[i]).toBeGreaterThanOrEqual(done[i - 1]!);
    expect(lines.at(-1)).toMatch(/: 100%, /);
    expect(done.at(-1)).toBe(chars);
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
  it.concurrent('the final report counts the same clock as the limit, final evaluation and save included', async () => {
    // A validation split large enough that the final evaluation costs seconds of CPU time.
    const corpus = path.join(dir, 'shakespeare.txt');
    fs.copyFileSync(path.join(ROOT, 'corpora', 'tinyshakespeare.txt'), corpus);
    const args = ['train', corpus, '--layers', '1', '--hidden', '96', '--embedding', '16', '--batch', '8', '--seq-len', '32', '--val-frac', '0.5',
      '--eval-every', '1000000', '--sample-length', '0', '--workers', '1', '--json', '--max-time', '2s', '--out', path.join(dir, 'timed')];
    const probe = usageProbe();
    /** The process's CPU time when each step's line arrived. */
    const cpuAtStep = new Map<number, number>();
    const events = await new Promise<{ type: string; [k: string]: unknown }[]>((resolve, reject) => {
      const child = spawn(process.execPath, [...NODE_FLAGS, ...probe.nodeArgs, BIN, ...args], { cwd: ROOT, env: { ...process.env, ...probe.env }, stdio: ['ignore', 'pipe', 'pipe'] });
      const seen: { type: string; [k: string]: unknown }[] = [];
      let buffer = '';
      child.stdout.setEncoding('utf8').on('data', (d: string) => {
        buffer += d;
        let newline: number;
        while ((newline = buffer.indexOf('\n')) >= 0) {
          const event = JSON.parse(buffer.slice(0, newline)) as { type: string; step: number };
          buffer = buffer.slice(newline + 1);
          seen.push(event);
          if (event.type === 'step') {
            try {
              cpuAtStep.set(event.step, cpuMsOf(child.pid!));
            } catch {
              // Exited meanwhile: that step is not the last.
            }
          }
        }
      });
      child.stderr.resume();
      child.on('error', reject);
      child.on('close', () => resolve(seen));
    });
    const done = events.find((e) => e.type === 'done') as { reason: string; sessionMs: number; elapsedMs: number } | undefined;
    expect(done, JSON.stringify(events.slice(-3))).toBeDefined();
    expect(done!.reason).toBe('max-time');
    // Whether the session keeps within the limit is test/train/final-reserve.test.ts's (an injected clock).
    // After the last step: the final evaluation and the save. By the run's own clock they took
    // finalMs; the CPU time they used (measured from outside, from the last step line's arrival to
    // the exit) cannot exceed their wall time on every core. A report that left them out would
    // give finalMs ≈ 0 against seconds of CPU time.
    const last = events.filter((e) => e.type === 'step').at(-1) as unknown as { step: number; elapsedMs: number };
    const finalMs = done!.elapsedMs - last.elapsedMs;
    const finalCpuMs = probe.read()!.cpuMs - cpuAtStep.get(last.step)!;
    /** CPU time of the exit after the done event (measured: well under 100 ms). */
    const EXIT_CPU_MS = 300;
    expect(finalMs, `final evaluation and save: ${Math.round(finalMs)} ms by the run's clock, ${Math.round(finalCpuMs)} ms of CPU time`)
      .toBeGreaterThanOrEqual((finalCpuMs - EXIT_CPU_MS) / os.availableParallelism());
  });
});
