/**
 * charnn.json is untrusted (issue 22): every number in it is a whole number
 * where it counts something, within a bound where it sizes or steps
 * something, finite where it is a loss; every string is well-formed Unicode.
 * A hostile value is refused by parseMeta with one line naming the field.
 * In-process; hostile-checkpoint.test.ts runs a few through the real binary.
 */
import { describe, expect, it } from 'vitest';
import { checkpointMeta, parseMeta } from '../../src/checkpoint/meta.js';
import { DEFAULT_MODEL_CONFIG } from '../../src/settings/model-settings.js';
import { DEFAULT_TRAIN_CONFIG } from '../../src/settings/train-settings.js';
import { CharnnError } from '../../src/util/errors.js';

const VOCAB = ['\n', ' ', 'a', 'b', 'c', '日', '😀'];

/** A valid charnn.json, as an object to edit. */
function valid(): Record<string, any> {
  return JSON.parse(JSON.stringify(checkpointMeta({
    backend: 'wasm', engine: 'ort, 2 threads', model: { ...DEFAULT_MODEL_CONFIG, vocabSize: VOCAB.length }, vocabulary: VOCAB, normalization: 'none',
    corpus: { name: 'tiny.txt', path: '/tmp/tiny.txt', bytes: 12_000, chars: 10_000, trainChars: 9_000, valChars: 1_000 },
    training: { ...DEFAULT_TRAIN_CONFIG },
    progress: { step: 400, epoch: 1, batch: 0, rngState: [1, 2, 3, 4], bestValLoss: 1.5, bestStep: 400, elapsedMs: 60_000, recoveries: 0 },
    history: { train: [[200, 2.1], [400, 1.7]], val: [[400, 1.5]] },
    initFrom: { path: '/runs/base/best', step: 1000, corpus: 'base.txt', vocabSize: 6, added: ['😀'] },
    choice: {
      summary: 'LSTM 2×384, dropout 0.2 — the best for 30 min at 14.2k chars/s', budgetMs: 1_800_000, probeMs: 4_200,
      candidates: [{ name: 'GRU 2×256', dropout: 0.1, charsPerSec: 21_000, expectedVal: 1.61 }, { name: 'LSTM 2×512', dropout: 0.25, charsPerSec: null, expectedVal: null }],
    },
  }))) as Record<string, any>;
}

/** The message parseMeta refuses `meta` with (a usage error, exit 2), or null when it accepts it. */
function problem(edit: (m: Record<string, any>) => void): string | null {
  const meta = valid();
  edit(meta);
  try {
    parseMeta(JSON.stringify(meta), '/ckpt');
    return null;
  } catch (error) {
    expect(error).toBeInstanceOf(CharnnError);
    expect((error as CharnnError).exitCode).toBe(2);
    const line = (error as CharnnError).message;
    expect(line.split('\n')).toHaveLength(1);
    return line.replace(/^checkpoint \/ckpt is damaged: /, '');
  }
}

describe('charnn.json bounds', () => {
  it('accepts what charnn writes', () => {
    expect(problem(() => {})).toBeNull();
  });

  it('reads a checkpoint written before models were chosen for a budget as having no choice', () => {
    expect(problem((m) => delete m.choice)).toBeNull();
    const meta = valid();
    delete meta.choice;
    expect(parseMeta(JSON.stringify(meta), '/ckpt').choice).toBeNull();
  });

  it.each<[string, (m: Record<string, any>) => void, RegExp]>([
    ['progress.step 1e300', (m) => (m.progress.step = 1e300), /^progress\.step must be a whole number from 0 to 1e\+12$/],
    ['progress.step 2^53', (m) => (m.progress.step = 2 ** 53), /^progress\.step must be/],
    ['progress.step 1.5', (m) => (m.progress.step = 1.5), /^progress\.step must be/],
    ['progress.epoch 1e20', (m) => (m.progress.epoch = 1e20), /^progress\.epoch must be a whole number from 0/],
    ['progress.batch 1e300', (m) => (m.progress.batch = 1e300), /^progress\.batch must be a non-negative integer$/],
    ['progress.bestStep after progress.step', (m) => (m.progress.bestStep = 401), /^progress\.bestStep must be a whole number from 0 to progress\.step \(400\) or null$/],
    ['progress.bestValLoss negative', (m) => (m.progress.bestValLoss = -1), /^progress\.bestValLoss must be a loss from 0 to 1e\+4 or null$/],
    ['progress.bestValLoss 1e300', (m) => (m.progress.bestValLoss = 1e300), /^progress\.bestValLoss must be a loss from 0 to 1e\+4 or null$/],
    ['progress.elapsedMs 1e18', (m) => (m.progress.elapsedMs = 1e18), /^progress\.elapsedMs must be a number of milliseconds from 0 to 3\.1536e\+13$/],
    ['progress.elapsedMs 1e300', (m) => (m.progress.elapsedMs = 1e300), /^progress\.elapsedMs must be a number of milliseconds from 0 to/],
    ['progress.recoveries 1e300', (m) => (m.progress.recoveries = 1e300), /^progress\.recoveries must be a whole number from 0 to 1,000,000$/],
    ['history.train loss not a number', (m) => (m.history.train[1] = [400, 'low']), /^history\.train\[1\] must be a \[step, loss\] pair: a step from 0 to 1e\+12 and a loss from 0 to 1e\+4$/],
    ['history.train loss 1e300', (m) => (m.history.train[1] = [400, 1e300]), /^history\.train\[1\] must be a \[step, loss\] pair: a step from 0 to 1e\+12 and a loss from 0 to 1e\+4$/],
    ['history.val loss just above 1e4', (m) => (m.history.val[0] = [400, 10_000.5]), /^history\.val\[0\] must be a \[step, loss\] pair/],
    ['history.val loss negative', (m) => (m.history.val[0] = [400, -0.5]), /^history\.val\[0\] must be a \[step, loss\] pair/],
    ['history.time 1e18 ms', (m) => (m.history.time = [[400, 1e18]]), /^history\.time\[0\] must be a \[step, milliseconds\] pair: a step from 0 to 1e\+12 and a number of milliseconds from 0 to 3\.1536e\+13$/],
    ['history.val step 1e300', (m) => (m.history.val[0] = [1e300, 1.5]), /^history\.val\[0\] must be a \[step, loss\] pair/],
    ['history.val of 1,000,001 points', (m) => (m.history.val = Array.from({ length: 1_000_001 }, () => [1, 1])), /^history\.val has 1000001 points, more than the 1,000,000 charnn keeps$/],
    ['corpus.chars 1e300', (m) => (m.corpus.chars = 1e300), /^corpus\.chars must be a whole number from 0 to 1,099,511,627,776$/],
    ['corpus.trainChars beyond corpus.chars', (m) => (m.corpus.trainChars = 20_000), /^corpus\.trainChars \+ corpus\.valChars exceed corpus\.chars 10000$/],
    ['choice.summary of 10,000 characters', (m) => (m.choice.summary = 'x'.repeat(10_000)), /^choice must hold a summary of at most 400 characters of well-formed Unicode$/],
    ['choice.budgetMs 1e300', (m) => (m.choice.budgetMs = 1e300), /^choice budgetMs must be a number of milliseconds from 0 to 3\.1536e\+13$/],
    ['choice.candidates 1,000 long', (m) => (m.choice.candidates = Array.from({ length: 1000 }, () => m.choice.candidates[0])), /^choice candidates must be a list of at most 64$/],
    ['choice.candidates[1].expectedVal 1e300', (m) => (m.choice.candidates[1].expectedVal = 1e300), /^choice candidates\[1\] must hold a name, a dropout in \[0, 1\)/],
    ['choice.candidates[0].name a lone surrogate', (m) => (m.choice.candidates[0].name = '\ud800'), /^choice candidates\[0\] must hold/],
    ['initFrom.step 1e300', (m) => (m.initFrom.step = 1e300), /^initFrom\.step must be a whole number from 0 to 1e\+12/],
    ['state.adamStep 1e300', (m) => (m.state = { file: 'state.bin', adamStep: 1e300, tensors: [] }), /^state\.adamStep must be a whole number from 0 to 1e\+12$/],
    ['training.maxSteps 1e300', (m) => (m.training.maxSteps = 1e300), /^training\.maxSteps must be a positive whole number or null$/],
    ['training.maxSteps 1e13', (m) => (m.training.maxSteps = 1e13), /^training maxSteps 10000000000000 exceeds the limit of 1,000,000,000,000$/],
    ['training.scheduleSteps 1e13', (m) => (m.training.scheduleSteps = 1e13), /^training scheduleSteps 10000000000000 exceeds the limit/],
    ['training.lr 1e300', (m) => (m.training.lr = 1e300), /^training lr 1e\+300 exceeds the limit of 10$/],
    ['training.maxTimeMs 1e300', (m) => (m.training.maxTimeMs = 1e300), /^training maxTimeMs 1e\+300 exceeds the limit/],
    ['training.sampleTemperatures [1e300]', (m) => (m.training.sampleTemperatures = [1e300]), /^training\.sampleTemperatures must be a list of numbers from 0 to 100$/],
    ['a lone surrogate in the vocabulary', (m) => (m.vocabulary[2] = '\ud800'), /^vocabulary entry 2 \("\\ud800"\) is not well-formed Unicode \(a lone surrogate\)$/],
    ['a lone surrogate added by a fine-tune', (m) => { m.vocabulary[6] = '\udc00'; m.initFrom.added = ['\udc00']; }, /^vocabulary entry 6/],
    ['a lone surrogate in corpus.name', (m) => (m.corpus.name = 'a\ud83d'), /^corpus\.name must be a string of well-formed Unicode$/],
    ['a lone surrogate in corpus.path', (m) => (m.corpus.path = '/tmp/\udfff'), /^corpus\.path must be a string of well-formed Unicode$/],
    ['a lone surrogate in createdAt', (m) => (m.createdAt = '\ud800'), /^createdAt must be a string of well-formed Unicode$/],
    ['a lone surrogate in initFrom.path', (m) => (m.initFrom.path = '\ud800'), /^initFrom must hold the source path and corpus, strings of well-formed Unicode$/],
  ])('refuses %s, naming the field', (_, edit, message) => {
    expect(problem(edit)).toMatch(message);
  });

  it('accepts the bounds themselves: a loss of 1e4 nats, a time of a thousand years', () => {
    expect(problem((m) => {
      m.history.train[1] = [400, 1e4];
      m.progress.bestValLoss = 1e4;
      m.history.time = [[400, 1000 * 365 * 86_400_000]];
      m.progress.elapsedMs = 1000 * 365 * 86_400_000;
    })).toBeNull();
  });

  it('refuses 1e400 (Infinity once parsed) as a loss or a step', () => {
    const text = JSON.stringify(valid());
    const refuse = (edited: string) => () => parseMeta(edited, '/ckpt');
    expect(refuse(text.replace('"bestValLoss":1.5', '"bestValLoss":1e400'))).toThrow(/progress\.bestValLoss must be a loss from 0/);
    expect(refuse(text.replace('[400,1.7]', '[400,1e400]'))).toThrow(/history\.train\[1\] must be a \[step, loss\] pair/);
    expect(refuse(text.replace('"step":400', '"step":1e400'))).toThrow(/progress\.step must be a whole number from 0 to 1e\+12/);
  });

  it('a surrogate pair is a character like any other', () => {
    expect(problem((m) => (m.corpus.name = 'emoji 😀 ok'))).toBeNull();
  });
});
