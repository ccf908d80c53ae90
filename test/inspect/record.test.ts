/**
 * The recorded activations are the model's own forward pass: h (and c)
 * equal the state the model reaches step by step, and every gate equals
 * the cell's equations recomputed here in plain arithmetic from the weights,
 * within 1e-5, for every cell, across a window boundary.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/engine/tfjs/backend/index.js';
import { record, type Activations } from '../../src/inspect/record.js';
import { CharRnn, disposeState, type ModelState } from '../../src/engine/tfjs/char-rnn.js';
import { cellDescriptor, gateCount } from '../../src/model/cells/descriptors.js';
import type { CellType, ModelConfig } from '../../src/model/config.js';
import { layerParam } from '../../src/model/params.js';
import { disposeParams, initParams } from '../../src/engine/tfjs/param-tensors.js';
import { Rng } from '../../src/util/rng.js';

const V = 7;
const H = 5;
const T = 300; // longer than one recording window (256 steps)
const TOLERANCE = 1e-5;

const models: CharRnn[] = [];
beforeAll(async () => {
  await initBackend('wasm');
});
afterAll(() => models.forEach((m) => disposeParams(m.params)));

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i]! - b[i]!));
  return d;
}

/** The row t of a recorded T·H signal. */
const row = (x: Float32Array, t: number): Float32Array => x.subarray(t * H, (t + 1) * H);

describe.each(['rnn', 'lstm', 'gru'] as CellType[])('record (%s)', (cell) => {
  let model: CharRnn;
  let ids: Int32Array;
  let a: Activations;

  beforeAll(async () => {
    const config: ModelConfig = { cell, vocabSize: V, embedding: 3, hidden: H, layers: 2, dropout: 0 };
    model = new CharRnn(config, initParams(config, new Rng(cell.length)));
    models.push(model);
    const rng = new Rng(4);
    ids = Int32Array.from({ length: T }, () => Math.floor(rng.next() * V));
    a = await record(model, ids);
  });

  it('records every signal of the cell', () => {
    expect(a.signals).toEqual(cellDescriptor(cell).signals);
    expect(a.length).toBe(T);
    for (const layer of a.layers) for (const s of a.signals) expect(layer[s]!.length).toBe(T * H);
  });

  it('h (and c) equal the state of the model stepped one character at a time', () => {
    let state: ModelState = model.zeroState(1);
    let worst = 0;
    for (let t = 0; t < T; t++) {
      const { logits, finals } = model.sequenceLogits({ inputs: ids.subarray(t, t + 1), batchSize: 1, seqLen: 1 }, state);
      logits.dispose();
      disposeState(state);
      state = finals;
      state.forEach((s, l) => {
        worst = Math.max(worst, maxDiff(row(a.layers[l]!.h!, t), s.h.dataSync() as Float32Array));
        if (s.c) worst = Math.max(worst, maxDiff(row(a.layers[l]!.c!, t), s.c.dataSync() as Float32Array));
      });
    }
    disposeState(state);
    expect(worst).toBeLessThan(TOLERANCE);
  });

  it('every gate equals the cell equations recomputed from the weights', () => {
    const p = (name: string) => model.params.get(name)!.dataSync() as Float32Array;
    const embedding = p('embedding');
    let worst = 0;
    const check = (got: ArrayLike<number>, want: ArrayLike<number>) => (worst = Math.max(worst, maxDiff(got, want)));
    for (let l = 0; l < 2; l++) {
      const kernel = p(layerParam(l, 'kernel'));
      const recurrent = p(layerParam(l, 'recurrent'));
      const bias = p(layerParam(l, 'bias'));
      const G = gateCount(cell) * H;
      const rec = a.layers[l]!;
      for (let t = 0; t < T; t++) {
        const x = l === 0 ? embedding.subarray(ids[t]! * 3, ids[t]! * 3 + 3) : row(a.layers[l - 1]!.h!, t);
        const hPrev = t > 0 ? row(rec.h!, t - 1) : new Float32Array(H);
        // x·kernel + bias, and h·recurrent (GRU: the candidate's recurrent part comes after the reset).
        const xw = Array.from({ length: G }, (_, j) => bias[j]! + Array.from(x).reduce((s, xi, d) => s + xi * kernel[d * G + j]!, 0));
        const hw = (h: ArrayLike<number>, j: number) => Array.from(h).reduce((s, hi, d) => s + hi * recurrent[d * G + j]!, 0);
        if (cell === 'rnn') {
          check(row(rec.h!, t), xw.map((v, j) => Math.tanh(v + hw(hPrev, j))));
        } else if (cell === 'lstm') {
          const pre = xw.map((v, j) => v + hw(hPrev, j));
          const i = pre.slice(0, H).map(sigmoid);
          const f = pre.slice(H, 2 * H).map(sigmoid);
          const o = pre.slice(2 * H, 3 * H).map(sigmoid);
          const g = pre.slice(3 * H).map(Math.tanh);
          const cPrev = t > 0 ? row(rec.c!, t - 1) : new Float32Array(H);
          const c = f.map((fu, u) => fu * cPrev[u]! + i[u]! * g[u]!);
          check(row(rec.i!, t), i);
          check(row(rec.f!, t), f);
          check(row(rec.o!, t), o);
          check(row(rec.g!, t), g);
          check(row(rec.c!, t), c);
          check(row(rec.h!, t), c.map((cu, u) => o[u]! * Math.tanh(cu)));
        } else {
          const z = Array.from({ length: H }, (_, u) => sigmoid(xw[u]! + hw(hPrev, u)));
          const r = Array.from({ length: H }, (_, u) => sigmoid(xw[H + u]! + hw(hPrev, H + u)));
          const reset = Array.from(hPrev, (h, u) => r[u]! * h);
          const candidate = Array.from({ length: H }, (_, u) => Math.tanh(xw[2 * H + u]! + hw(reset, 2 * H + u)));
          check(row(rec.z!, t), z);
          check(row(rec.r!, t), r);
          check(row(rec.h!, t), z.map((zu, u) => zu * hPrev[u]! + (1 - zu) * candidate[u]!));
        }
      }
    }
    expect(worst).toBeLessThan(TOLERANCE);
  });

  it('records only the signals asked for', async () => {
    const some = await record(model, ids.subarray(0, 10), ['h']);
    expect(some.signals).toEqual(['h']);
    expect(Object.keys(some.layers[0]!)).toEqual(['h']);
    expect(Array.from(some.layers[1]!.h!)).toEqual(Array.from(a.layers[1]!.h!.subarray(0, 10 * H)));
  });
});
