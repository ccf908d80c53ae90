/**
 * `charnn eval` is exact (issue 22): the text is cut into parallel segments
 * that each warm up on the characters before them (src/eval/segments.ts), so
 * the loss equals that of one sequential pass over the whole text, which
 * this test computes on its own — one stream, the model's logits step after
 * step, log-softmax in float64 — with several segments, worker threads, and
 * blocks that carry their context over. Without the warm-up the same
 * segments miss by more than the tolerance, so the comparison can fail.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/engine/tfjs/backend/index.js';
import { openCorpus } from '../../src/data/corpus.js';
import { Vocabulary } from '../../src/data/vocabulary.js';
import { createStepModel } from '../../src/engine/select.js';
import { evaluateCorpus } from '../../src/eval/evaluate-corpus.js';
import { evaluateIds, type EvalModel } from '../../src/eval/evaluate-text.js';
import { segmentation, WARMUP } from '../../src/eval/segments.js';
import type { ModelConfig } from '../../src/model/config.js';
import { initParamArrays } from '../../src/model/params.js';
import { zeroState } from '../../src/model/state.js';
import { Rng } from '../../src/util/rng.js';
import { ROOT, tempDir } from '../helpers/cli.js';

/** |segmented − sequential| allowed, nats per character. */
const TOLERANCE = 1e-4;

let model: EvalModel;
let vocab: Vocabulary;
let text: string;
let ids: Int32Array;
/** Mean loss of one sequential pass over `ids`. */
let sequential: number;

/** One stream over the whole text, a window of logits at a time; the loss summed here in float64. */
function sequentialLoss(m: EvalModel, all: Int32Array): number {
  const { vocabSize } = m.steps.config;
  let state = zeroState(m.steps.config, 1);
  let sum = 0;
  const WINDOW = 100;
  for (let start = 0; start < all.length - 1; start += WINDOW) {
    const steps = Math.min(WINDOW, all.length - 1 - start);
    const out = m.steps.run(state, all.subarray(start, start + steps), steps, true);
    state = out.state;
    for (let t = 0; t < steps; t++) {
      const row = out.logits.subarray(t * vocabSize, (t + 1) * vocabSize);
      let max = -Infinity;
      for (const x of row) max = Math.max(max, x);
      let z = 0;
      for (const x of row) z += Math.exp(x - max);
      sum += max + Math.log(z) - row[all[start + t + 1]!]!;
    }
  }
  return sum / (all.length - 1);
}

beforeAll(async () => {
  await initBackend('wasm');
  text = fs.readFileSync(path.join(ROOT, 'corpora', 'tinyshakespeare.txt'), 'utf8').slice(0, 6_000);
  vocab = Vocabulary.fromText(text);
  ids = vocab.encodeLossy(text).ids;
  const config: ModelConfig = { cell: 'lstm', vocabSize: vocab.size, embedding: 8, hidden: 24, layers: 2, dropout: 0 };
  // Random weights whose predictions hang on the state, as a trained model's do: the output
  // layer ×10, and forget gates biased open (+1, block f of i, f, o, g) so the state carries
  // far enough that a segment started cold misses (the recurrence still forgets its start).
  const weights = new Map([...initParamArrays(config, new Rng(5))].map(([name, values]) => [name, name === 'output.kernel' ? values.map((x) => 10 * x) : values]));
  for (const l of [0, 1]) weights.get(`layer${l}.bias`)!.fill(1, config.hidden, 2 * config.hidden);
  // The TF.js engine: worker threads rebuild it from the weights.
  model = { steps: await createStepModel(config, weights, { name: 'tfjs', backend: 'wasm', threads: 0 }), weights, workerBackend: 'wasm' };
  sequential = sequentialLoss(model, ids);
});

afterAll(() => model?.steps.dispose());

describe('eval', () => {
  it('cut into segments with warm-ups, on two threads, gives the loss of one sequential pass', async () => {
    const r = await evaluateIds(model, ids, { streams: 6, workers: 2, minCharsPerWorker: 1 });
    expect(r.count).toBe(ids.length - 1);
    const loss = r.lossSum / r.count;
    expect(Math.abs(loss - sequential), `segmented ${loss}, sequential ${sequential}`).toBeLessThanOrEqual(TOLERANCE);
  });

  it('with many short segments too; from the zero state instead, the same segments miss', async () => {
    const seg = segmentation(ids.length, { streams: 30 });
    expect(seg.segment).toBe(Math.ceil((ids.length - 1 - WARMUP) / 30));
    const warm = await evaluateIds(model, ids, { streams: 30 });
    expect(Math.abs(warm.lossSum / warm.count - sequential)).toBeLessThanOrEqual(TOLERANCE);
    const cold = await evaluateIds(model, ids, { streams: 30, warmup: 0 });
    expect(cold.count).toBe(ids.length - 1);
    expect(Math.abs(cold.lossSum / cold.count - sequential)).toBeGreaterThan(2 * TOLERANCE);
  });

  it('in blocks, each warmed up on the end of the one before, gives the loss of one sequential pass', async () => {
    const file = path.join(tempDir('charnn-eval-exact-'), 'text.txt');
    fs.writeFileSync(file, text);
    const blocked = await evaluateCorpus(model, vocab, openCorpus(file), 'none', { blockChars: 1500 });
    expect(blocked.chars).toBe(ids.length - 1);
    expect(Math.abs(blocked.loss! - sequential), `blocked ${blocked.loss}, sequential ${sequential}`).toBeLessThanOrEqual(TOLERANCE);
  });

  it('a text no longer than the warm-up is one segment from its start', async () => {
    const short = ids.subarray(0, WARMUP / 2);
    const r = await evaluateIds(model, short);
    expect(r.count).toBe(short.length - 1);
    expect(r.lossSum / r.count).toBeCloseTo(sequentialLoss(model, short), 5);
  });
});
