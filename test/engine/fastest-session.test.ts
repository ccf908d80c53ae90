/**
 * FastestSession (src/engine/ort/fastest-session.ts): the candidates take
 * turns in a trial, the faster one then takes the calls, trials recur and
 * may change the choice, shapes are timed apart — and the candidates it
 * chooses between (one thread, a pool of two) give the same sampling steps
 * bit for bit, so the choice changes speed only.
 */
import { describe, expect, it } from 'vitest';
import { FastestSession, type Runner } from '../../src/engine/ort/fastest-session.js';
import { OrtEngine } from '../../src/engine/ort/engine.js';
import { buildGraph, names } from '../../src/engine/ort/model-graph.js';
import { floatTensor, intTensor, OrtSession } from '../../src/engine/ort/runtime.js';
import type { ModelConfig } from '../../src/model/config.js';
import { initParamArrays } from '../../src/model/params.js';
import { Rng } from '../../src/util/rng.js';

/** A clock that only the fake runners move: the trials see exactly the times they are given, however busy the machine. */
function fakeClock(): { now: () => number; advance: (ms: number) => void } {
  let t = 0;
  return { now: () => t, advance: (ms) => (t += ms) };
}

/** A runner that takes `ms` per call on `clock` and counts its calls. */
function fake(clock: { advance: (ms: number) => void }, ms: () => number): Runner & { calls: number } {
  return {
    calls: 0,
    run() {
      this.calls++;
      clock.advance(ms());
      return {};
    },
    dispose() {},
  };
}

describe('FastestSession', () => {
  it('times the candidates in turns, then gives the calls to the faster one, per shape', () => {
    const clock = fakeClock();
    let slowFirst = true;
    const a = fake(clock, () => (slowFirst ? 1 : 0.05));
    const b = fake(clock, () => 0.3);
    const session = new FastestSession([a, b], undefined, clock.now);
    for (let i = 0; i < 100; i++) session.run('n1', {}, {});
    // 8 calls each in the trial (calls of 0.3–1 ms), then the rest on b.
    expect(a.calls).toBe(8);
    expect(b.calls).toBe(92);
    expect(session.chosen('n1')).toBe(1);
    // Another shape has its own trial.
    slowFirst = false;
    for (let i = 0; i < 100; i++) session.run('n64', {}, {});
    expect(session.chosen('n64')).toBe(0);
    expect(session.chosen('n1')).toBe(1);
  });

  it('runs a new trial after a while, which can change the choice', () => {
    const clock = fakeClock();
    let aMs = 0.6;
    const a = fake(clock, () => aMs);
    const b = fake(clock, () => 0.4);
    // Between trials: the least time given, or 40 × the trial (8 calls each: 8 ms), so 320 ms.
    const session = new FastestSession([a, b], 30, clock.now);
    for (let i = 0; i < 20; i++) session.run('w', {}, {});
    expect(session.chosen('w')).toBe(1);
    aMs = 0.05;
    const before = b.calls;
    while (session.chosen('w') !== 0 && b.calls < 10_000) session.run('w', {}, {});
    expect(session.chosen('w')).toBe(0);
    // b took the calls until 320 ms after the first trial, then the second trial found a faster.
    expect(b.calls - before).toBeGreaterThanOrEqual(Math.floor((320 - 0.4 * (20 - 16)) / 0.4));
    expect(b.calls - before).toBeLessThanOrEqual(Math.ceil(320 / 0.4) + 8);
  });

  it('gives long calls short trials: as many as fit in 40 ms, at least 3', () => {
    const clock = fakeClock();
    const a = fake(clock, () => 10);
    const b = fake(clock, () => 2);
    const session = new FastestSession([a, b], undefined, clock.now);
    for (let i = 0; i < 10; i++) session.run('w', {}, {});
    // A round of 12 ms: 3 calls each.
    expect(a.calls).toBe(3);
    expect(session.chosen('w')).toBe(1);
  });

  it('one candidate: every call on it', () => {
    const a = fake(fakeClock(), () => 0);
    const session = new FastestSession([a]);
    for (let i = 0; i < 5; i++) session.run('x', {}, {});
    expect(a.calls).toBe(5);
  });
});

describe('the candidates', () => {
  it('one thread and a pool of two give bit-identical sampling steps (2×256 LSTM: the pool splits every matMul)', () => {
    const config: ModelConfig = { cell: 'lstm', vocabSize: 30, embedding: 16, hidden: 256, layers: 2, dropout: 0 };
    const weights = initParamArrays(config, new Rng(4));
    const engine = new OrtEngine(config, 1);
    const table = engine.session('table', 0, 0).run(engine.weightFeeds(weights, 'table'), { [names.table]: null })[names.table]!;
    const graph = buildGraph(config, 'logits', { batch: 0, steps: 1 }, new Map([...weights, [names.table, table.data as Float32Array]]));
    const sessions = [new OrtSession(graph, 1, { spin: false }), new OrtSession(graph, 2, { spin: true })];
    for (const streams of [1, 5]) {
      const rng = new Rng(streams);
      const ids = Array.from({ length: 40 }, () => Int32Array.from({ length: streams }, () => rng.int(config.vocabSize)));
      const runs = sessions.map((session) => {
        let state: Float32Array = new Float32Array(4 * streams * config.hidden);
        const logits: Float32Array[] = [];
        for (const step of ids) {
          const out = session.run({ [names.tokens]: intTensor(step, [streams]), [names.state]: floatTensor(state, [4 * streams, config.hidden]) }, { [names.logits]: null, [names.final]: null });
          logits.push(out[names.logits]!.data as Float32Array);
          state = out[names.final]!.data as Float32Array;
        }
        return { logits, state };
      });
      expect(runs[1]!.logits).toEqual(runs[0]!.logits);
      expect(runs[1]!.state).toEqual(runs[0]!.state);
    }
    sessions.forEach((s) => s.dispose());
    void engine.dispose();
  });
});
