/**
 * Child process of the bench: a real training run (the trainer with its
 * evaluations, samples and checkpoints) of a 2 × 256 LSTM on Tiny
 * Shakespeare, reporting as one JSON line on stdout the peak RSS and the RSS
 * at the first evaluation and at the end (a leak shows as growth). Run alone
 * so its RSS is its own.
 *   node dist/bench/memory-probe.js <engine> <steps> <outDir>
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { initBackend } from '../src/engine/tfjs/backend/index.js';
import type { EngineName } from '../src/engine/engine.js';
import { prepareTraining } from '../src/train/setup.js';

const [engineArg, stepsArg, outArg] = process.argv.slice(2);
const engine = (engineArg ?? 'ort') as EngineName;
const steps = Number(stepsArg ?? 100);
const here = path.dirname(fileURLToPath(import.meta.url));
const backend = await initBackend(engine === 'ort' ? 'cpu' : 'wasm');
const trainer = await prepareTraining({
  corpusPath: path.join(here, '..', '..', 'corpora', 'tinyshakespeare.txt'),
  normalization: 'none',
  model: { cell: 'lstm', layers: 2, hidden: 256, embedding: 64, dropout: 0.2 },
  training: { batchSize: 32, seqLen: 100, maxSteps: steps, maxEpochs: null, evalEvery: Math.max(1, Math.floor(steps / 4)), firstEvalMs: 0 },
  outDir: outArg!,
  resume: null,
  engine: { name: engine, backend, threads: 0, workers: 1 },
});
const rss = (): number => process.memoryUsage().rss / 2 ** 20;
let rssAtFirstEval = 0;
trainer.subscribe((e) => {
  if (e.type === 'eval' && rssAtFirstEval === 0) rssAtFirstEval = rss();
});
await trainer.run();
const rssAtEnd = rss();
trainer.dispose();
process.stdout.write(`${JSON.stringify({ engine, steps, rssAtFirstEval, rssAtEnd, peakRssMb: process.resourceUsage().maxRSS / 1024 })}\n`);
