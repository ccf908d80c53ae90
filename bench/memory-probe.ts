/**
 * Child process of the bench: trains a 2 × 256 LSTM on an engine and
 * reports, as one JSON line on stdout, the peak RSS and the RSS after step
 * 10 and after the last step (a leak shows as growth). Run alone so its RSS
 * is its own.
 *   node dist/bench/memory-probe.js <engine> <batch> <seqLen> <steps>
 */
import { initBackend } from '../src/backend/index.js';
import type { EngineName } from '../src/engine/engine.js';
import { createEngine } from '../src/engine/select.js';
import { initParamArrays } from '../src/model/params.js';
import { zeroState } from '../src/model/state.js';
import { Adam, clipScale, globalNorm } from '../src/train/optimizer.js';
import { Rng } from '../src/util/rng.js';

const [engineArg, batchArg, seqArg, stepsArg] = process.argv.slice(2);
const name = (engineArg ?? 'ort') as EngineName;
const backend = await initBackend(name === 'ort' ? 'cpu' : 'wasm');
const batchSize = Number(batchArg ?? 32);
const seqLen = Number(seqArg ?? 100);
const steps = Number(stepsArg ?? 100);
const config = { cell: 'lstm' as const, vocabSize: 65, embedding: 64, hidden: 256, layers: 2, dropout: 0.1 };
const engine = createEngine(name, config, { backend, workers: 1, threads: 0 });
const weights = initParamArrays(config, new Rng(1));
const adam = new Adam();
const rng = new Rng(2);
let state = zeroState(config, batchSize);
let rssAt10 = 0;
for (let step = 1; step <= steps; step++) {
  const inputs = new Int32Array(batchSize * seqLen).map(() => rng.int(65));
  const targets = new Int32Array(batchSize * seqLen).map(() => rng.int(65));
  const r = await engine.gradients(weights, { inputs, targets, batchSize, seqLen }, state, rng);
  adam.apply(weights, r.grads, 2e-3, clipScale(globalNorm(r.grads), 5));
  state = r.finals;
  if (step === 10) rssAt10 = process.memoryUsage().rss / 2 ** 20;
}
const rssAtEnd = process.memoryUsage().rss / 2 ** 20;
await engine.dispose();
process.stdout.write(`${JSON.stringify({ engine: name, batchSize, seqLen, steps, rssAt10, rssAtEnd, peakRssMb: process.resourceUsage().maxRSS / 1024 })}\n`);
