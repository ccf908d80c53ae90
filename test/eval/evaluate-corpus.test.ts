/**
 * Evaluation in blocks (src/eval/evaluate-corpus.ts): a text longer than a
 * block is evaluated block by block, never held whole; every character but
 * the first is predicted exactly once, characters the model lacks are
 * counted across blocks, and the loss stays that of the whole text (each
 * block warms up on the end of the one before: test/eval/exact.test.ts).
 */
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/engine/tfjs/backend/index.js';
import { openCorpus } from '../../src/data/corpus.js';
import { Vocabulary } from '../../src/data/vocabulary.js';
import { createStepModel } from '../../src/engine/select.js';
import { evaluateCorpus } from '../../src/eval/evaluate-corpus.js';
import type { EvalModel } from '../../src/eval/evaluate-text.js';
import type { ModelConfig } from '../../src/model/config.js';
import { initParamArrays } from '../../src/model/params.js';
import { Rng } from '../../src/util/rng.js';
import { ROOT, tempDir } from '../helpers/cli.js';

let model: EvalModel;
let vocab: Vocabulary;
let file: string;
let text: string;

beforeAll(async () => {
  await initBackend('cpu');
  text = fs.readFileSync(path.join(ROOT, 'corpora', 'tinyshakespeare.txt'), 'utf8').slice(0, 20_000);
  // The model knows every character but 'z' and 'Z'.
  vocab = new Vocabulary(Vocabulary.fromText(text).chars.filter((c) => c !== 'z' && c !== 'Z'));
  const config: ModelConfig = { cell: 'gru', vocabSize: vocab.size, embedding: 8, hidden: 16, layers: 1, dropout: 0 };
  const weights = initParamArrays(config, new Rng(3));
  model = { steps: await createStepModel(config, weights, { name: 'ort', backend: 'cpu', threads: 0 }), weights, workerBackend: null };
  file = path.join(tempDir('charnn-eval-blocks-'), 'text.txt');
  fs.writeFileSync(file, text);
});

describe('evaluateCorpus', () => {
  it('blocks of 3,000 ids: every character predicted once, the loss within 1e-4 nats of one block', async () => {
    const source = openCorpus(file);
    const unknown = [...text].filter((c) => c === 'z' || c === 'Z');
    const missing = unknown.length;
    const whole = await evaluateCorpus(model, vocab, source, 'none');
    const blocked = await evaluateCorpus(model, vocab, source, 'none', { blockChars: 3000 });
    expect(whole.chars).toBe(text.length - missing - 1);
    expect(blocked.chars).toBe(whole.chars);
    expect(blocked.skipped).toBe(missing);
    expect(missing).toBeGreaterThan(10);
    expect(new Set(blocked.missing)).toEqual(new Set(unknown));
    expect(Math.abs(blocked.loss! - whole.loss!)).toBeLessThanOrEqual(1e-4);
  });
});
