/**
 * Child process of the bench: trains a 2 × 256 LSTM and reports, as one JSON
 * line on stdout, the peak RSS and the TF.js tensor count after step 10 and
 * after the last step. Run alone so its RSS is its own.
 *   node dist/bench/memory-probe.js <backend> <batch> <seqLen> <steps>
 */
import * as tf from '@tensorflow/tfjs';
import { initBackend, type BackendName } from '../src/backend/index.js';
import { initParamArrays } from '../src/model/params.js';
import { zeroState } from '../src/model/state.js';
import { TfjsEngine } from '../src/engine/tfjs/engine.js';
import { Adam, clipScale, globalNorm } from '../src/train/optimizer.js';
import { Rng } from '../src/util/rng.js';

const [backendArg, batchArg, seqArg, stepsArg] = process.argv.slice(2);
const backend = await initBackend((backendArg ?? 'wasm') as BackendName);
const batchSize = Number(batchArg ?? 32);
const seqLen = Number(seqArg ?? 64);
const steps = Number(stepsArg ?? 1000);
const config = { cell: 'lstm' as const, vocabSize: 65, embedding: 64, hidden: 256, layers: 2, dropout: 0 };
const weights = initParamArrays(config, new Rng(1));
const engine = new TfjsEngine(config, backend, 1);
const adam = new Adam();
const rng = new Rng(2);
let state = zeroState(config, batchSize);
let tensorsAt10 = -1;
for (let step = 1; step <= steps; step++) {
  const inputs = new Int32Array(batchSize * seqLen).map(() => rng.int(65));
  const targets = new Int32Array(batchSize * seqLen).map(() => rng.int(65));
  const r = await engine.gradients(weights, { inputs, targets, batchSize, seqLen }, state, rng);
  adam.apply(weights, r.grads, 2e-3, clipScale(globalNorm(r.grads), 5));
  state = r.finals;
  if (step === 10) tensorsAt10 = tf.memory().numTensors;
}
const tensorsAtEnd = tf.memory().numTensors;
process.stdout.write(
  `${JSON.stringify({ backend, batchSize, seqLen, steps, tensorsAt10, tensorsAtEnd, peakRssMb: process.resourceUsage().maxRSS / 1024 })}\n`,
);
