/**
 * Beam search on models whose distribution is known: a hand-built bigram
 * model (greedy takes the likelier first step into a flat continuation, the
 * beam finds the better pair), an exhaustive check against brute force, and
 * beam 1 against temperature 0 for every cell.
 */
import * as tf from '../../src/tf.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/engine/tfjs/backend/index.js';
import { Vocabulary } from '../../src/data/vocabulary.js';
import { CharRnn } from '../../src/engine/tfjs/char-rnn.js';
import type { ModelConfig } from '../../src/model/config.js';
import { layerParam } from '../../src/model/params.js';
import { disposeParams, initParams, type Params } from '../../src/engine/tfjs/param-tensors.js';
import { beamSearch } from '../../src/sample/beam.js';
import { logSoftmax } from '../../src/sample/distribution.js';
import { generate } from '../../src/sample/generate.js';
import { Sampler } from '../../src/sample/sampler.js';
import { TfjsStepModel } from '../../src/engine/tfjs/engine.js';
import { Rng } from '../../src/util/rng.js';

const CHARS = ['\n', 'a', 'b', 'c', 'd', 'x', 'y', 'z'];
const vocab = new Vocabulary(CHARS);
const V = CHARS.length;

/** P(next | current) of the bigram model; rows not listed are uniform. */
const TABLE: Record<string, Record<string, number>> = {
  a: { b: 0.6, c: 0.4 },
  b: { x: 0.34, y: 0.33, z: 0.33 },
  c: { d: 0.95, x: 0.05 },
};

function bigram(current: string, next: string): number {
  const row = TABLE[current];
  const eps = 1e-6;
  if (!row) return 1 / V;
  // Every character keeps a tiny share so log p is finite; rows still sum to 1.
  const listed = Object.keys(row).length;
  return (row[next] ?? 0) * (1 - eps * (V - listed)) + (row[next] === undefined ? eps : 0);
}

/** An RNN whose hidden state is the one-hot current character (tanh(20) rounds to 1 in float32) and whose output layer holds log P(next | current). */
function bigramModel(): CharRnn {
  const config: ModelConfig = { cell: 'rnn', vocabSize: V, embedding: V, hidden: V, layers: 1, dropout: 0 };
  const eye = (scale: number) => tf.mul(tf.eye(V), scale) as tf.Tensor2D;
  const logTable = CHARS.flatMap((c) => CHARS.map((n) => Math.log(bigram(c, n))));
  const params: Params = new Map<string, tf.Tensor>([
    ['embedding', eye(1)],
    [layerParam(0, 'kernel'), eye(20)],
    [layerParam(0, 'recurrent'), tf.zeros([V, V])],
    [layerParam(0, 'bias'), tf.zeros([V])],
    ['output.kernel', tf.tensor2d(logTable, [V, V])],
    ['output.bias', tf.zeros([V])],
  ]);
  return new CharRnn(config, params);
}

const logP = (prime: string, text: string): number => {
  let prev = prime.at(-1)!;
  let sum = 0;
  for (const ch of text) {
    sum += Math.log(bigram(prev, ch));
    prev = ch;
  }
  return sum;
};

const models: CharRnn[] = [];
const samplers: Sampler[] = [];
function samplerFor(model: CharRnn): Sampler {
  models.push(model);
  const s = new Sampler(TfjsStepModel.of(model));
  samplers.push(s);
  return s;
}

beforeAll(async () => {
  await initBackend('wasm');
});

afterAll(() => {
  for (const s of samplers) s.dispose();
  for (const m of models) disposeParams(m.params);
});

describe('beam search', () => {
  it('beam 3 finds the most likely pair that greedy (beam 1, temperature 0) misses', async () => {
    const sampler = samplerFor(bigramModel());
    const settings = { length: 2, maxLength: 100, stop: [] };
    const [greedy] = await generate(sampler, vocab, [{ prime: 'a', rng: new Rng(1), sampling: { temperature: 0, topK: 0, topP: 1 } }], settings);
    expect(greedy!.text).toBe('bx');
    const one = await beamSearch(sampler, vocab, 'a', { ...settings, beam: 1 });
    expect(one.map((r) => r.text)).toEqual(['bx']);
    const three = await beamSearch(sampler, vocab, 'a', { ...settings, beam: 3 });
    expect(three.map((r) => r.text)).toEqual(['cd', 'bx', 'by']);
    for (const r of three) {
      expect(r.logprob).toBeCloseTo(logP('a', r.text), 5);
      expect(r).toMatchObject({ length: 2, stopped: null });
    }
    expect(Math.exp(three[0]!.logprob)).toBeCloseTo(0.4 * 0.95, 5);
    expect(three[0]!.logprob).toBeGreaterThan(greedy!.logprob);
  });

  it('ends a continuation at a stop string, which counts in its logprob but not in its text', async () => {
    const sampler = samplerFor(bigramModel());
    const results = await beamSearch(sampler, vocab, 'a', { beam: 2, length: 0, maxLength: 5, stop: ['d'] });
    expect(results[0]).toMatchObject({ text: 'c', stopped: 'd', length: 2 });
    expect(results[0]!.logprob).toBeCloseTo(logP('a', 'cd'), 5);
    // The runner-up's logprob, too, is its text's plus its stop string's.
    const second = results[1]!;
    expect(second.logprob).toBeLessThan(results[0]!.logprob);
    expect(second.logprob).toBeCloseTo(logP('a', second.text + (second.stopped ?? '')), 5);
  });

  it('is exact when the beam holds every prefix: the 64 best of 512 three-character texts, in order', async () => {
    const config: ModelConfig = { cell: 'lstm', vocabSize: V, embedding: 4, hidden: 6, layers: 2, dropout: 0 };
    const model = new CharRnn(config, initParams(config, new Rng(3)));
    const sampler = samplerFor(model);
    const results = await beamSearch(sampler, vocab, 'ab', { beam: 64, length: 3, maxLength: 3, stop: [] });
    // Brute force: the model's log-probability of every text of length 3.
    const all: { text: string; logprob: number }[] = [];
    for (let a = 0; a < V; a++) {
      for (let b = 0; b < V; b++) {
        const ids = vocab.encode(`ab${CHARS[a]}${CHARS[b]}`);
        const { state, logits } = sampler.feed(sampler.zeroState(1), ids.subarray(0, 2));
        let lp = logSoftmax(logits)[a]!;
        const s1 = sampler.step(state, Int32Array.of(a));
        lp += logSoftmax(s1.logits)[b]!;
        const s2 = sampler.step(s1.state, Int32Array.of(b));
        const last = logSoftmax(s2.logits);
        for (let c = 0; c < V; c++) all.push({ text: CHARS[a]! + CHARS[b]! + CHARS[c]!, logprob: lp + last[c]! });
      }
    }
    all.sort((x, y) => y.logprob - x.logprob);
    expect(results).toHaveLength(64);
    expect(results.map((r) => r.text)).toEqual(all.slice(0, 64).map((r) => r.text));
    results.forEach((r, i) => expect(r.logprob).toBeCloseTo(all[i]!.logprob, 4));
  });

  it.each(['rnn', 'lstm', 'gru'] as const)('beam 1 equals temperature 0 (%s)', async (cell) => {
    const text = Vocabulary.fromText('the quick brown fox jumps over the lazy dog\n');
    const config: ModelConfig = { cell, vocabSize: text.size, embedding: 8, hidden: 16, layers: 2, dropout: 0 };
    const sampler = samplerFor(new CharRnn(config, initParams(config, new Rng(11))));
    const settings = { length: 60, maxLength: 60, stop: ['fox'] };
    const [greedy] = await generate(sampler, text, [{ prime: 'the ', rng: new Rng(1), sampling: { temperature: 0, topK: 0, topP: 1 } }], settings);
    const [beam] = await beamSearch(sampler, text, 'the ', { ...settings, beam: 1 });
    expect(beam!.text).toBe(greedy!.text);
    expect(beam!.stopped).toBe(greedy!.stopped);
    expect(beam!.logprob).toBeCloseTo(greedy!.logprob, 6);
  });

  it('returns only the continuations that exist when the beam is wider', async () => {
    const sampler = samplerFor(bigramModel());
    const results = await beamSearch(sampler, vocab, 'a', { beam: 20, length: 1, maxLength: 1, stop: [] });
    expect(results).toHaveLength(V);
    expect(new Set(results.map((r) => r.text)).size).toBe(V);
    expect(results[0]!.text).toBe('b');
  });
});
