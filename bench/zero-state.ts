/**
 * What a newcomer's first samples are worth: trains as `npm start` does (the
 * defaults, --max-time 30m), keeps the checkpoint of the first regular
 * evaluation (step 200) and stops the run at 5 minutes; for both it scores
 * 2,000-character unprimed samples at T = 1 (`charnn generate`, three seeds)
 * with `charnn eval`, next to the model's loss on the validation tenth of the
 * corpus. Issue 12's target: every sample within 0.2 nats of the validation loss.
 *
 *   npm run build && node dist/bench/zero-state.js [--minutes 5] [--out dir]
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { optionValue } from './args.js';

const args = process.argv.slice(2);
const option = (name: string): string | undefined => optionValue(args, name);
const minutes = Number(option('--minutes') ?? 5);
const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.join(here, '..', '..');
const bin = path.join(root, 'bin', 'charnn.js');
const corpus = path.join(root, 'corpora', 'tinyshakespeare.txt');
const out = option('--out') ?? fs.mkdtempSync(path.join(os.tmpdir(), 'charnn-zero-state-'));
fs.mkdirSync(out, { recursive: true });
const run = path.join(out, 'run');
const atFirstEval = path.join(out, 'at-step-200');
const loadBefore = os.loadavg()[0]!;

// The validation tenth of the corpus, as a file `charnn eval` can read (the trainer's split
// is the last tenth of the characters; this cuts the same text).
const text = fs.readFileSync(corpus, 'utf8');
const chars = Array.from(text);
const valFile = path.join(out, 'validation.txt');
fs.writeFileSync(valFile, chars.slice(Math.floor(chars.length * 0.9)).join(''));

const child = spawn(process.execPath, [bin, 'train', corpus, '--max-time', '30m', '--json', '--out', run], { stdio: ['ignore', 'pipe', 'inherit'] });
let stopSent = false;
let evalAt200 = false;
let copied = false;
for await (const line of readline.createInterface({ input: child.stdout })) {
  const e = JSON.parse(line) as { type: string; step?: number; kind?: string; elapsedMs?: number };
  if (e.type === 'eval' && e.step === 200) evalAt200 = true;
  if (e.type === 'checkpoint' && e.kind === 'best' && evalAt200 && !copied) {
    fs.cpSync(path.join(run, 'best'), atFirstEval, { recursive: true });
    copied = true;
  }
  if (e.type === 'step' && !stopSent && (e.elapsedMs ?? 0) >= minutes * 60_000) {
    stopSent = true;
    child.kill('SIGINT');
  }
}
await new Promise((resolve) => (child.exitCode === null ? child.on('close', resolve) : resolve(null)));
if (!copied) throw new Error('the run never reached its evaluation at step 200 with a new best');

const charnn = (argv: string[]): string => {
  const r = spawnSync(process.execPath, [bin, ...argv], { encoding: 'utf8', maxBuffer: 64 * 2 ** 20 });
  if (r.status !== 0) throw new Error(`charnn ${argv.join(' ')}: ${r.stderr}`);
  return r.stdout;
};
const lossOf = (checkpoint: string, file: string): number => (JSON.parse(charnn(['eval', checkpoint, file, '--json'])) as { loss: number }).loss;

const rows: string[] = [];
let worst = 0;
for (const [label, checkpoint] of [['step 200 (first evaluation)', atFirstEval], [`${minutes} minutes`, path.join(run, 'latest')]] as const) {
  const meta = JSON.parse(fs.readFileSync(path.join(checkpoint, 'charnn.json'), 'utf8')) as { progress: { step: number } };
  const val = lossOf(checkpoint, valFile);
  const samples: number[] = [];
  for (const seed of [1, 2, 3]) {
    const file = path.join(out, `sample-${meta.progress.step}-${seed}.txt`);
    fs.writeFileSync(file, charnn(['generate', checkpoint, '--length', '2000', '--temperature', '1', '--seed', String(seed)]));
    samples.push(lossOf(checkpoint, file));
  }
  const gap = Math.max(...samples.map((s) => s - val));
  worst = Math.max(worst, gap);
  rows.push(`| ${label} | ${meta.progress.step} | ${val.toFixed(3)} | ${samples.map((s) => s.toFixed(3)).join(' / ')} | ${gap >= 0 ? '+' : ''}${gap.toFixed(3)} |`);
}
process.stdout.write(
  `defaults (npm start), load ${loadBefore.toFixed(2)} → ${os.loadavg()[0]!.toFixed(2)}; run in ${out}\n\n` +
  '| checkpoint | step | val (nats) | unprimed 2,000 chars at T=1, seeds 1/2/3 | largest gap |\n|---|---:|---:|---|---:|\n' +
  `${rows.join('\n')}\n\n${worst <= 0.2 ? 'PASS' : 'MISS'}  every unprimed sample within 0.2 nats of the validation loss (largest gap ${worst.toFixed(3)})\n`,
);
