import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/engine/tfjs/backend/index.js';
import { Vocabulary } from '../../src/data/vocabulary.js';
import { CharRnn } from '../../src/engine/tfjs/char-rnn.js';
import type { CellType } from '../../src/model/config.js';
import { disposeParams, initParams } from '../../src/engine/tfjs/param-tensors.js';
import { DEFAULT_SAMPLING, type SamplingOptions } from '../../src/sample/distribution.js';
import { generate } from '../../src/sample/generate.js';
import { Sampler } from '../../src/sample/sampler.js';
import { TfjsStepModel } from '../../src/engine/tfjs/engine.js';
import { SamplingSession, type GeneratedChar } from '../../src/sample/session.js';
import { Rng } from '../../src/util/rng.js';

const vocab = Vocabulary.fromText('abcdefgh ijklmnop\nqrstuvwxyz.,!?');

interface Tiny {
  model: CharRnn;
  sampler: Sampler;
  session: SamplingSession;
}

function tiny(cell: CellType, options: ConstructorParameters<typeof SamplingSession>[2] = {}): Tiny {
  const config = { cell, vocabSize: vocab.size, embedding: 8, hidden: 16, layers: 2, dropout: 0 };
  const model = new CharRnn(config, initParams(config, new Rng(cell.length)));
  const sampler = new Sampler(TfjsStepModel.of(model));
  return { model, sampler, session: new SamplingSession(sampler, vocab, options) };
}

async function collect(gen: AsyncGenerator<GeneratedChar, void, void>): Promise<GeneratedChar[]> {
  const out: GeneratedChar[] = [];
  for await (const c of gen) out.push(c);
  return out;
}

const text = (chars: GeneratedChar[]) => chars.map((c) => c.char).join('');
const T1: SamplingOptions = { ...DEFAULT_SAMPLING, temperature: 1 };

const made: Tiny[] = [];
function make(cell: CellType, options?: ConstructorParameters<typeof SamplingSession>[2]): SamplingSession {
  const t = tiny(cell, options);
  made.push(t);
  return t.session;
}

beforeAll(async () => {
  await initBackend('wasm');
});

afterAll(() => {
  for (const t of made) {
    t.session.dispose();
    t.sampler.dispose();
    disposeParams(t.model.params);
  }
});

describe.each(['rnn', 'lstm', 'gru'] as const)('SamplingSession (%s)', (cell) => {
  it('gives the same text for the same seed after a reset', async () => {
    const s = make(cell);
    expect(s.feed('hello world').ok).toBe(true);
    const first = text(await collect(s.generate(40, T1, new Rng(7))));
    s.reset();
    expect(s.position).toBe(0);
    s.feed('hello world');
    const again = text(await collect(s.generate(40, T1, new Rng(7))));
    expect(again).toBe(first);
    expect(first).toHaveLength(40);
  });

  it('continues from its state: what was fed before changes the state and the next distribution', () => {
    const s = make(cell);
    s.feed('ab');
    s.feed('cd');
    const continued = s.snapshot();
    s.reset();
    s.feed('cd');
    const fresh = s.snapshot();
    expect(continued.state.length).toBe(fresh.state.length);
    const diff = continued.state.reduce((m, a, i) => Math.max(m, ...a.map((v, j) => Math.abs(v - fresh.state[i]![j]!))), 0);
    expect(diff).toBeGreaterThan(1e-4);
    const logitDiff = Math.max(...continued.logits!.map((v, j) => Math.abs(v - fresh.logits![j]!)));
    expect(logitDiff).toBeGreaterThan(1e-5);
    // Feeding in two parts is the same as feeding at once.
    s.reset();
    s.feed('abcd');
    const once = s.snapshot();
    once.state.forEach((a, i) => a.forEach((v, j) => expect(v).toBeCloseTo(continued.state[i]![j]!, 4)));
  });

  it('feeds every generated character back, so generation continues exactly where it stopped', async () => {
    const s = make(cell);
    s.feed('the ');
    const rng = new Rng(3);
    const whole = text(await collect(s.generate(30, T1, rng)));
    s.reset();
    s.feed('the ');
    const rng2 = new Rng(3);
    const part1 = text(await collect(s.generate(12, T1, rng2)));
    const part2 = text(await collect(s.generate(18, T1, rng2)));
    expect(part1 + part2).toBe(whole);
    expect(s.position).toBe(4 + 30);
  });

  it('stops when asked, with the state matching what was yielded', async () => {
    const s = make(cell);
    s.feed('stop ');
    let n = 0;
    const got = await collect(s.generate(1000, T1, new Rng(1), () => n++ >= 5));
    expect(got).toHaveLength(5);
    expect(s.generating).toBe(false);
    // Breaking out of the loop also ends the generation cleanly.
    for await (const _ of s.generate(1000, T1, new Rng(1))) break;
    expect(s.generating).toBe(false);
    expect(s.position).toBe(5 + 5 + 1);
  });
});

describe('SamplingSession', () => {
  it('reports characters outside the vocabulary and leaves the state alone', () => {
    const s = make('lstm');
    s.feed('abc');
    const before = s.snapshot();
    const r = s.feed('abc ÄB zé');
    expect(r).toEqual({ ok: false, missing: ['Ä', 'B', 'é'] });
    const after = s.snapshot();
    expect(after.logits).toEqual(before.logits);
    expect(s.position).toBe(3);
  });

  it('normalises fed text first', () => {
    const s = make('gru', { normalize: (t) => t.toLowerCase() });
    expect(s.feed('ABC')).toEqual({ ok: true, chars: 3 });
  });

  it('is reproducible across sessions and reproduces `charnn generate` for the same seed and prime', async () => {
    const a = make('lstm');
    const b = make('lstm');
    a.feed('hi there');
    b.feed('hi there');
    const sampling: SamplingOptions = { temperature: 0.7, topK: 10, topP: 0.95 };
    const ta = text(await collect(a.generate(50, sampling, new Rng(99))));
    const tb = text(await collect(b.generate(50, sampling, new Rng(99))));
    expect(ta).toBe(tb);
    const t = tiny('lstm');
    made.push(t);
    const [batch] = await generate(t.sampler, vocab, [{ prime: 'hi there', rng: new Rng(99), sampling }], { length: 50, maxLength: 50, stop: [] });
    expect(batch!.text).toBe(ta);
    // Different seeds, different text (50 characters from a 31-letter vocabulary).
    a.reset();
    a.feed('hi there');
    expect(text(await collect(a.generate(50, sampling, new Rng(100))))).not.toBe(ta);
  });

  it('starts a fresh stream as after a line break, like generate without a prime', async () => {
    const s = make('rnn');
    const t = tiny('rnn');
    made.push(t);
    const ours = text(await collect(s.generate(30, T1, new Rng(5))));
    const [theirs] = await generate(t.sampler, vocab, [{ prime: '', rng: new Rng(5), sampling: T1 }], { length: 30, maxLength: 30, stop: [] });
    expect(ours).toBe(theirs!.text);
  });

  it('reports raw probabilities and surprisal, and the top candidates of the next character', async () => {
    const s = make('gru');
    s.feed('a');
    const top = s.topCandidates(5);
    expect(top).toHaveLength(5);
    for (let i = 1; i < top.length; i++) expect(top[i - 1]!.prob).toBeGreaterThanOrEqual(top[i]!.prob);
    const all = s.topCandidates(vocab.size);
    expect(all.reduce((sum, c) => sum + c.prob, 0)).toBeCloseTo(1, 5);
    // Greedy decoding picks the top candidate, and reports its probability.
    const [c] = await collect(s.generate(1, { temperature: 0, topK: 0, topP: 1 }, new Rng(1)));
    expect(c!.char).toBe(top[0]!.char);
    expect(c!.prob).toBeCloseTo(top[0]!.prob, 6);
    expect(c!.surprisal).toBeCloseTo(-Math.log2(c!.prob), 9);
    expect(c!.logprob).toBeCloseTo(Math.log(c!.prob), 9);
    // Candidates are available on a fresh session too, without changing it.
    s.reset();
    expect(s.topCandidates(3)).toHaveLength(3);
    expect(s.fresh).toBe(true);
  });

  it('refuses to feed or reset while generating', async () => {
    const s = make('rnn');
    const gen = s.generate(10, T1, new Rng(1));
    await gen.next();
    expect(() => s.feed('a')).toThrow(/generation is running/);
    expect(() => s.reset()).toThrow(/generation is running/);
    await gen.return();
    expect(s.feed('a').ok).toBe(true);
  });

  it('yields to the event loop between characters', async () => {
    const s = make('lstm');
    // A chain of immediates advances only when the generator lets the event loop run.
    let immediates = 0;
    let running = true;
    const tick = () => {
      immediates++;
      if (running) setImmediate(tick);
    };
    setImmediate(tick);
    await collect(s.generate(50, T1, new Rng(1)));
    running = false;
    expect(immediates).toBeGreaterThanOrEqual(45);
  });
});
