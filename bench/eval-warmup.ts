/**
 * How long a warm-up `charnn eval`'s segments need (src/eval/segments.ts):
 * for a checkpoint and a text, the loss of one sequential pass (one stream,
 * no warm-up) next to the segmented loss for warm-ups of 0…1024 characters,
 * and the extra work each costs (positions run / positions counted).
 *
 *   npm run build && node dist/bench/eval-warmup.js <checkpoint> [--text file] [--chars 20000] [--from 0]
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadCheckpoint } from '../src/checkpoint/load.js';
import { normalizeText } from '../src/data/corpus.js';
import { createStepModel } from '../src/engine/select.js';
import { evaluateIds, type EvalModel } from '../src/eval/evaluate-text.js';
import { segmentation } from '../src/eval/segments.js';
import { optionValue } from './args.js';

const args = process.argv.slice(2);
const checkpointPath = args[0];
if (!checkpointPath || checkpointPath.startsWith('--')) throw new Error('usage: eval-warmup.js <checkpoint> [--text file] [--chars n] [--from n]');
const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const textFile = optionValue(args, '--text') ?? path.join(root, 'corpora', 'tinyshakespeare.txt');
const chars = Number(optionValue(args, '--chars') ?? 20_000);
const from = Number(optionValue(args, '--from') ?? 0);

const checkpoint = loadCheckpoint(checkpointPath);
const text = normalizeText(fs.readFileSync(textFile, 'utf8'), checkpoint.meta.normalization).slice(from, from + chars);
const { ids } = checkpoint.vocab.encodeLossy(text);
const weights = checkpoint.params;
const model: EvalModel = {
  steps: await createStepModel(checkpoint.meta.model, weights, { name: 'ort', backend: 'cpu', threads: 0 }),
  weights,
  workerBackend: null,
};
const m = checkpoint.meta.model;
const sequential = await evaluateIds(model, ids, { streams: 1, warmup: 0 });
const exact = sequential.lossSum / sequential.count;
process.stdout.write(
  `${m.cell} ${m.layers}×${m.hidden}, step ${checkpoint.meta.progress.step}; ${ids.length.toLocaleString('en-US')} ids of ${path.basename(textFile)} from ${from}\n` +
    `one sequential pass: ${exact.toFixed(6)} nats/char\n\n| warm-up | streams | loss | − sequential | extra work |\n|---:|---:|---:|---:|---:|\n`,
);
for (const warmup of [0, 16, 32, 64, 128, 192, 256, 384, 512, 1024]) {
  const seg = segmentation(ids.length, { warmup });
  const r = await evaluateIds(model, ids, { warmup });
  const loss = r.lossSum / r.count;
  const run = seg.streams * (seg.warmup + seg.segment);
  process.stdout.write(`| ${warmup} | ${seg.streams} | ${loss.toFixed(6)} | ${(loss - exact).toExponential(2)} | +${((100 * (run - seg.total)) / seg.total).toFixed(1)}% |\n`);
}
model.steps.dispose();
