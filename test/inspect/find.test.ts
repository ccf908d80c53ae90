/**
 * --find on a hand-built model whose units copy known signals (unit 2: upper
 * case, unit 4: digits, inverted) ranks them first for those properties; the
 * properties themselves on small texts; the gate statistics and readings.
 */
import * as tf from '../../src/tf.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/engine/tfjs/backend/index.js';
import { Vocabulary } from '../../src/data/vocabulary.js';
import { previewWindow, rankUnits } from '../../src/inspect/find.js';
import { describeFinding, gateStatistics, layerFindings } from '../../src/inspect/gates.js';
import { PROPERTIES } from '../../src/inspect/properties.js';
import { record, type Activations } from '../../src/inspect/record.js';
import { CharRnn } from '../../src/engine/tfjs/char-rnn.js';
import type { ModelConfig } from '../../src/model/config.js';
import { layerParam } from '../../src/model/params.js';
import { disposeParams, initParams } from '../../src/engine/tfjs/param-tensors.js';
import { Rng } from '../../src/util/rng.js';

const TEXT = 'In 1599 the Globe opened (on Bankside) and "Julius Caesar" played; ROMEO: 2 or 3 times [at least]!\n'.repeat(6);
const vocab = Vocabulary.fromText(TEXT);
const chars = Array.from(TEXT);
const ids = vocab.encode(TEXT);
const models: CharRnn[] = [];

beforeAll(async () => {
  await initBackend('wasm');
});
afterAll(() => models.forEach((m) => disposeParams(m.params)));

const values = (key: string, text: string) => Array.from(PROPERTIES.find((p) => p.key === key)!.values(Array.from(text)));

describe('properties of the text', () => {
  it('quotes, brackets, position in line, word starts, case, digits, indentation', () => {
    expect(values('quotes', 'a "bc" d')).toEqual([0, 0, 1, 1, 1, 0, 0, 0]);
    expect(values('quotes', "it's 'so' o'er")).toEqual([0, 0, 0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0]);
    expect(values('quotes', '“a”')).toEqual([1, 1, 0]);
    expect(values('brackets', 'a(b[c])d)')).toEqual([0, 1, 1, 2, 2, 1, 0, 0, 0]);
    expect(values('column', 'ab\ncd')).toEqual([0, 1, 2, 0, 1]);
    expect(values('word-start', 'ab cd,e')).toEqual([1, 0, 0, 1, 0, 0, 1]);
    expect(values('upper', 'aB1É')).toEqual([0, 1, 0, 1]);
    expect(values('digit', 'aB1É')).toEqual([0, 0, 1, 0]);
    expect(values('indent', 'a\n  b\n\tc')).toEqual([0, 0, 1, 2, 2, 2, 4, 4]);
  });
});

/**
 * A 1-layer LSTM of 6 units with random weights, except that unit 2 copies
 * "upper case" and unit 4 "not a digit": their input, forget and output
 * gates are pinned open/shut/open by large biases and their candidate reads
 * a ±1 column of the embedding, so c = ±tanh(4) and h = o·tanh(c) follow the
 * character alone.
 */
function handBuilt(): CharRnn {
  const V = vocab.size;
  const config: ModelConfig = { cell: 'lstm', vocabSize: V, embedding: 4, hidden: 6, layers: 1, dropout: 0 };
  const params = initParams(config, new Rng(1));
  const get = (name: string) => Float32Array.from(params.get(name)!.dataSync() as Float32Array);
  const embedding = get('embedding');
  const kernel = get(layerParam(0, 'kernel'));
  const recurrent = get(layerParam(0, 'recurrent'));
  const bias = get(layerParam(0, 'bias'));
  const H = 6;
  const G = 4 * H;
  vocab.chars.forEach((ch, id) => {
    embedding[id * 4] = /\p{Lu}/u.test(ch) ? 1 : -1;
    embedding[id * 4 + 1] = /\d/.test(ch) ? -1 : 1;
  });
  for (const [unit, column] of [[2, 0], [4, 1]] as const) {
    // Internal gate order i, f, o, g.
    for (const [block, b] of [[0, 10], [1, -10], [2, 10], [3, 0]] as const) {
      const j = block * H + unit;
      bias[j] = b;
      for (let d = 0; d < 4; d++) kernel[d * G + j] = block === 3 && d === column ? 4 : 0;
      for (let d = 0; d < H; d++) recurrent[d * G + j] = 0;
    }
  }
  // The other units read the two signal columns only faintly.
  for (const d of [0, 1]) for (const u of [0, 1, 3, 5]) for (let block = 0; block < 4; block++) kernel[d * G + block * H + u]! *= 0.1;
  const shapes = new Map([...params].map(([k, t]) => [k, t.shape]));
  for (const [name, v] of [['embedding', embedding], [layerParam(0, 'kernel'), kernel], [layerParam(0, 'recurrent'), recurrent], [layerParam(0, 'bias'), bias]] as const) {
    params.get(name)!.dispose();
    params.set(name, tf.tensor(v, shapes.get(name)));
  }
  const model = new CharRnn(config, params);
  models.push(model);
  return model;
}

describe('rankUnits', () => {
  let a: Activations;
  beforeAll(async () => {
    a = await record(handBuilt(), ids);
  });

  it('ranks the unit that copies a property first, with |r| near 1 and its sign', () => {
    const rankings = rankUnits(a, chars, ['h', 'c'], 3);
    const upper = rankings.find((r) => r.property.key === 'upper')!;
    expect(upper.absent).toBeNull();
    expect(upper.units[0]).toMatchObject({ layer: 0, unit: 2 });
    expect(upper.units[0]!.r).toBeGreaterThan(0.999);
    const digit = rankings.find((r) => r.property.key === 'digit')!;
    expect(digit.units[0]).toMatchObject({ layer: 0, unit: 4 });
    expect(digit.units[0]!.r).toBeLessThan(-0.999);
    // Ranked by strength: |r| never increases down the list.
    for (const r of rankings) for (let k = 1; k < r.units.length; k++) expect(Math.abs(r.units[k]!.r)).toBeLessThanOrEqual(Math.abs(r.units[k - 1]!.r));
  });

  it('skips what the text does not show', () => {
    const rankings = rankUnits(a, chars, ['h'], 2);
    expect(rankings.find((r) => r.property.key === 'indent')!.absent).toBe('not in this text');
    for (const key of ['quotes', 'brackets', 'column', 'word-start']) expect(rankings.find((r) => r.property.key === key)!.absent).toBeNull();
  });

  it('previews the stretch where the property changes most', () => {
    const v = Float64Array.from([0, 0, 0, 0, 1, 0, 1, 0, 0, 0]);
    expect(previewWindow(v, 4)).toEqual([3, 7]);
    expect(previewWindow(v, 40)).toEqual([0, 10]);
  });
});

describe('gate statistics', () => {
  it('counts saturation per unit and reads the most saturated gates', async () => {
    const a = await record(handBuilt(), ids);
    const stats = gateStatistics(a);
    expect(stats.map((s) => s.gate)).toEqual(['i', 'f', 'o']);
    const [i, f] = stats;
    // The pinned units: input and output always open, forget always shut.
    expect(i!.right[2]).toBe(1);
    expect(f!.left[4]).toBe(1);
    for (const s of stats) s.left.forEach((x, u) => expect(x + s.right[u]!).toBeLessThanOrEqual(1));
    const findings = layerFindings(stats);
    expect(findings).toHaveLength(1);
    const line = describeFinding(findings[0]!, 0, stats);
    expect(line).toMatch(/^\d+% of layer-1 (input|forget|output) gates are (open \(> 0\.9\)|shut \(< 0\.1\)) more than (90|50)% of the time/);
  });
});
