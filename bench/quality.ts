/**
 * Quality per time: trains on Tiny Shakespeare with the defaults (plus any
 * flags given) for --max-time, and prints the best validation loss reached
 * by each 5-minute mark, with the machine's load before and after.
 *
 *   npm run build && node dist/bench/quality.js [--minutes 20] [--out dir] [-- extra train flags]
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { optionValue } from './args.js';

const args = process.argv.slice(2);
const dashes = args.indexOf('--');
const own = dashes >= 0 ? args.slice(0, dashes) : args;
const extra = dashes >= 0 ? args.slice(dashes + 1) : [];
const option = (name: string): string | undefined => optionValue(own, name);
const minutes = Number(option('--minutes') ?? 20);
const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.join(here, '..', '..');
const out = option('--out') ?? fs.mkdtempSync(path.join(os.tmpdir(), 'charnn-quality-'));
const loadBefore = os.loadavg()[0]!;

const child = spawn(process.execPath, [path.join(root, 'bin', 'charnn.js'), 'train', path.join(root, 'corpora', 'tinyshakespeare.txt'),
  '--max-time', `${minutes}m`, '--json', '--out', out, ...extra], { stdio: ['ignore', 'pipe', 'inherit'] });
let elapsedMs = 0;
let header = '';
const evals: { minutes: number; step: number; val: number }[] = [];
for await (const line of readline.createInterface({ input: child.stdout })) {
  const e = JSON.parse(line) as { type: string; [k: string]: unknown };
  if (e.type === 'start') {
    const i = e['info'] as Record<string, unknown>;
    header = `${i['cell']} ${i['layers']}×${i['hidden']}, dropout ${i['dropout']}, batch ${i['batchSize']}×${i['seqLen']}, ${i['params']} params, engine ${i['engine']}`;
  } else if (e.type === 'step') elapsedMs = e['elapsedMs'] as number;
  else if (e.type === 'eval') evals.push({ minutes: elapsedMs / 60_000, step: e['step'] as number, val: e['valLoss'] as number });
  else if (e.type === 'note') process.stderr.write(`note: ${e['message']}\n`);
}
const loadAfter = os.loadavg()[0]!;
process.stdout.write(`${header}; ${minutes} minutes; load ${loadBefore.toFixed(2)} → ${loadAfter.toFixed(2)}; run in ${out}\n\n| minutes | step | best val (nats) |\n|---:|---:|---:|\n`);
for (let m = 5; m <= minutes; m += 5) {
  const upTo = evals.filter((e) => e.minutes <= m + 0.05);
  if (upTo.length === 0) continue;
  const best = upTo.reduce((a, b) => (b.val < a.val ? b : a));
  process.stdout.write(`| ${m} | ${upTo.at(-1)!.step} | ${best.val.toFixed(4)} |\n`);
}
