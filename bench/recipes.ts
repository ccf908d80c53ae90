/**
 * `npm run recipes`: issue 20's recipe study — which training recipe gives
 * the lowest validation loss in the same minutes on this machine. One model
 * (a grid candidate, by default the GRU 2×256 the defaults choose for budgets
 * up to 10 minutes), trained on Tiny Shakespeare for --minutes with the
 * defaults' recipe (`base`) and with each variant below, every one with
 * every --seeds seed. Runs go --jobs side by side with --threads threads
 * each, so they share the machine alike: compare rows of one table, never of
 * two.
 *
 *   npm run recipes -- [--minutes 5] [--jobs 2] [--threads 1] [--seeds 1,2] [--model gru-2x256] [--only base,batch-64,…] [--out dir]
 *
 * Prints one row per recipe: its steps, the characters it trained on, best
 * validation loss (nats, whole validation split) per seed, their mean and the
 * difference from `base`. Not part of `npm test`: it takes the minutes it
 * measures (rows × seeds × minutes / jobs).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { checkFlags, optionValue, positiveOption, wholeOption } from './args.js';
import { trainFor, type RunResult } from './train-run.js';
import { GRID } from '../src/train/budget/grid.js';
import { candidateName } from '../src/train/budget/choose.js';

/** The recipes measured: a name, what it changes from the defaults, the flags that do it. */
const RECIPES: { name: string; what: string; flags: string[] }[] = [
  { name: 'base', what: 'the defaults for the model: its lr and seq-len, batch 32, Adam cosine to 5%, warm-up 100, clip 5, embedding 64', flags: [] },
  { name: 'batch-64', what: 'batch 64, lr 2.8e-3 (√2 ×)', flags: ['--batch', '64', '--lr', '0.0028'] },
  { name: 'batch-64-lr4', what: 'batch 64, lr 4e-3', flags: ['--batch', '64', '--lr', '0.004'] },
  { name: 'batch-16', what: 'batch 16, lr 1.4e-3 (1/√2 ×)', flags: ['--batch', '16', '--lr', '0.0014'] },
  { name: 'lr-3', what: 'lr 3e-3', flags: ['--lr', '0.003'] },
  { name: 'lr-4', what: 'lr 4e-3', flags: ['--lr', '0.004'] },
  { name: 'lr-6', what: 'lr 6e-3', flags: ['--lr', '0.006'] },
  { name: 'lr-1.4', what: 'lr 1.4e-3', flags: ['--lr', '0.0014'] },
  { name: 'seq-50', what: 'seq-len 50', flags: ['--seq-len', '50'] },
  { name: 'seq-50-lr3', what: 'seq-len 50, lr 3e-3', flags: ['--seq-len', '50', '--lr', '0.003'] },
  { name: 'seq-50-lr4', what: 'seq-len 50, lr 4e-3', flags: ['--seq-len', '50', '--lr', '0.004'] },
  { name: 'seq-50-lr3-d0', what: 'seq-len 50, lr 3e-3, no dropout', flags: ['--seq-len', '50', '--lr', '0.003', '--dropout', '0'] },
  { name: 'seq-200', what: 'seq-len 200', flags: ['--seq-len', '200'] },
  { name: 'clip-1', what: 'clip 1', flags: ['--clip', '1'] },
  { name: 'no-clip', what: 'no clipping', flags: ['--clip', '0'] },
  { name: 'dropout-0', what: 'no dropout', flags: ['--dropout', '0'] },
  { name: 'dropout-0.2', what: 'dropout 0.2', flags: ['--dropout', '0.2'] },
  { name: 'embedding-128', what: 'embedding 128', flags: ['--embedding', '128'] },
  { name: 'lr-final-0.01', what: 'cosine down to 1% of lr', flags: ['--lr-final', '0.01'] },
  { name: 'no-warmup', what: 'no warm-up', flags: ['--warmup', '0'] },
  { name: 'beta2-0.99', what: 'Adam β2 0.99', flags: ['--adam-beta2', '0.99'] },
  { name: 'beta2-0.95', what: 'Adam β2 0.95', flags: ['--adam-beta2', '0.95'] },
  { name: 'no-resets', what: 'state resets only at epoch starts', flags: ['--state-resets', '0'] },
  { name: 'locked', what: 'the same dropout, one mask per sequence (variational)', flags: ['--dropout-mask', 'sequence'] },
  { name: 'locked-0.2', what: 'dropout 0.2, one mask per sequence', flags: ['--dropout-mask', 'sequence', '--dropout', '0.2'] },
  { name: 'weight-drop-0.2', what: 'weight drop 0.2 on the recurrent matrices', flags: ['--weight-drop', '0.2'] },
  { name: 'weight-drop-0.2-d0', what: 'weight drop 0.2, no output dropout', flags: ['--weight-drop', '0.2', '--dropout', '0'] },
  { name: 'embedding-dropout-0.1', what: 'embedding dropout 0.1 (whole characters)', flags: ['--embedding-dropout', '0.1'] },
];

const args = process.argv.slice(2);
// usage() is a function declaration: hoisted, so flags are checked before anything runs.
checkFlags(args, ['--minutes', '--jobs', '--threads', '--seeds', '--model', '--only', '--out'], [], usage);
function usage(message: string): never {
  process.stderr.write(`recipes: ${message}\n`);
  process.exit(2);
}
const minutes = positiveOption(args, '--minutes', '5', usage);
const jobs = wholeOption(args, '--jobs', '2', usage);
const threads = wholeOption(args, '--threads', '1', usage);
const seeds = (optionValue(args, '--seeds') ?? '1,2').split(',').map(Number);
if (seeds.some((s) => !Number.isInteger(s) || s < 0)) usage('--seeds takes whole numbers separated by commas, e.g. 1,2');
const key = (c: (typeof GRID.candidates)[number]): string => `${c.cell}-${c.layers}x${c.hidden}`;
const modelName = optionValue(args, '--model') ?? 'gru-2x256';
const model = GRID.candidates.find((c) => key(c) === modelName) ?? usage(`--model ${modelName}: use ${GRID.candidates.map(key).join(', ')}`);
const only = optionValue(args, '--only')?.split(',');
const unknown = only?.filter((name) => !RECIPES.some((r) => r.name === name)) ?? [];
if (unknown.length > 0) usage(`--only ${unknown.join(',')}: use ${RECIPES.map((r) => r.name).join(', ')}`);
const recipes = RECIPES.filter((r) => r.name === 'base' || !only || only.includes(r.name));
const given = optionValue(args, '--out');
if (given !== undefined && fs.existsSync(given) && fs.readdirSync(given).length > 0) usage(`--out ${given} is not empty; give a new directory (earlier results stay)`);
const out = given ?? fs.mkdtempSync(path.join(os.tmpdir(), 'charnn-recipes-'));
fs.mkdirSync(out, { recursive: true });
const log = (line: string): void => void process.stderr.write(`${line}\n`);

// The model with its own recipe (the lr and seq-len it trains at when the defaults choose it).
const modelFlags = ['--cell', model.cell, '--layers', String(model.layers), '--hidden', String(model.hidden), '--dropout', String(model.dropout),
  '--lr', String(model.lr), '--seq-len', String(model.seqLen)];
const runs = recipes.flatMap((recipe) => seeds.map((seed) => ({ recipe, seed })));
const results = new Map<string, RunResult>();
const header = `${os.cpus()[0]?.model ?? 'unknown CPU'}, ${os.availableParallelism()} cores, load ${os.loadavg()[0]!.toFixed(2)}; `
  + `${candidateName(model)}, dropout ${model.dropout}, lr ${model.lr}, seq-len ${model.seqLen}, ${minutes} min per run, ${jobs} side by side with ${threads} thread${threads === 1 ? '' : 's'} each, seeds ${seeds.join(', ')}`;
log(`${header}; ${runs.length} runs, about ${Math.ceil(runs.length / jobs) * minutes} minutes; runs in ${out}`);

let next = 0;
async function worker(): Promise<void> {
  while (next < runs.length) {
    const { recipe, seed } = runs[next++]!;
    const name = `${recipe.name}-seed${seed}`;
    log(`${name}…`);
    // The recipe's own flags come last, so --dropout in one replaces the model's.
    const r = await trainFor(out, name, minutes, ['--seed', String(seed), '--threads', String(threads), ...modelFlags, ...recipe.flags]);
    results.set(name, r);
    log(`${name}: ${r.steps} steps, best val ${r.best.toFixed(3)}`);
  }
}
await Promise.all(Array.from({ length: Math.min(jobs, runs.length) }, worker));
fs.writeFileSync(path.join(out, 'results.json'), `${JSON.stringify({ header, results: Object.fromEntries(results) }, null, 2)}\n`);

const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
const bests = (name: string): number[] => seeds.map((seed) => results.get(`${name}-seed${seed}`)!.best);
const baseMean = mean(bests('base'));
process.stdout.write(`${header}; load after ${os.loadavg()[0]!.toFixed(2)}; runs in ${out}\n\n`
  + `| recipe | what changes | steps | chars trained | best val per seed | mean | vs base |\n|---|---|---:|---:|---|---:|---:|\n`);
for (const recipe of recipes) {
  const rs = seeds.map((seed) => results.get(`${recipe.name}-seed${seed}`)!);
  const m = mean(bests(recipe.name));
  const diff = recipe.name === 'base' ? '' : `${m - baseMean >= 0 ? '+' : '−'}${Math.abs(m - baseMean).toFixed(3)}`;
  process.stdout.write(`| ${recipe.name} | ${recipe.what} | ${Math.round(mean(rs.map((r) => r.steps)))} | ${(mean(rs.map((r) => r.chars)) / 1e6).toFixed(2)} M `
    + `| ${rs.map((r) => r.best.toFixed(3)).join(' / ')} | ${m.toFixed(3)} | ${diff} |\n`);
}
if (seeds.length > 1) process.stdout.write(`\nbase: seeds ${bests('base').map((b) => b.toFixed(3)).join(' and ')} — differences within their spread are noise.\n`);
