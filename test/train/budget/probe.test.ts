/**
 * Measuring the candidates' speeds (src/train/budget/probe.ts) with fake
 * engines on a fake clock: each training step of a candidate costs a fixed
 * number of milliseconds, so the measured speeds, what is measured at all and
 * which engines stay open are exact.
 */
import { describe, expect, it } from 'vitest';
import type { Engine } from '../../../src/engine/engine.js';
import { DEFAULT_CELL, parameterCount, type ModelConfig } from '../../../src/model/config.js';
import type { Candidate } from '../../../src/train/budget/choose.js';
import { probeAndChoose, type ProbeRequest } from '../../../src/train/budget/probe.js';
import { fakeEngine } from '../../helpers/fake-engine.js';

const MIN = 60_000;
const candidate = (hidden: number, curve: Candidate['curve']): Candidate => ({ cell: DEFAULT_CELL, layers: 2, hidden, dropout: 0.1, lr: 0.002, seqLen: 100, curve });
const small = candidate(256, [[1e6, 1.9], [4e6, 1.65], [16e6, 1.58]]);
const middle = candidate(384, [[1e6, 2.0], [4e6, 1.68], [16e6, 1.5]]);
// Learns no faster than the others at any length: it can never win.
const hopeless = candidate(512, [[1e6, 2.5], [4e6, 2.2], [16e6, 2.0]]);
const model = (c: Candidate): ModelConfig => ({ cell: c.cell, layers: c.layers, hidden: c.hidden, dropout: c.dropout, vocabSize: 65, embedding: 64 });

/** A probe over fake engines: a step of a model costs params / 4,000 ms (a 2×256 LSTM: about 220 ms). */
function setup(candidates: Candidate[], overrides: Partial<ProbeRequest> = {}) {
  let now = 0;
  const made: { hidden: number; disposed: boolean }[] = [];
  const request: ProbeRequest = {
    candidates, model, trainIds: new Uint16Array(100_000).map((_, i) => i % 65), batchSize: 32, seqLen: (c) => c.seqLen,
    trainingMs: (spent) => 60 * MIN - spent, untrained: Math.log(65), maxProbeMs: 30_000, clock: () => now,
    makeEngine: async (m) => {
      const record = { hidden: m.hidden, disposed: false };
      made.push(record);
      return fakeEngine({
        gradients: async (_w, _b, state) => {
          now += parameterCount(m) / 4000;
          return { loss: 1, grads: new Map(), finals: state };
        },
        dispose: async () => void (record.disposed = true),
      }) as Engine;
    },
    ...overrides,
  };
  return { request, made, elapsed: () => now };
}

describe('probeAndChoose', () => {
  it('measures each candidate\'s chars/s from its timed steps (the warm-up step not counted)', async () => {
    const { request } = setup([small, middle]);
    const { choice } = await probeAndChoose(request);
    for (const [i, c] of [small, middle].entries()) expect(choice.speeds[i]).toBeCloseTo((3200 * 1000) / (parameterCount(model(c)) / 4000), 6);
  });

  it('returns the chosen model\'s engine open and disposes every other', async () => {
    const { request, made } = setup([small, middle]);
    const { choice, engine } = await probeAndChoose(request);
    expect(made.map((m) => m.hidden)).toEqual([256, 384]);
    const chosen = [small, middle][choice.index]!.hidden;
    expect(made.filter((m) => m.disposed).map((m) => m.hidden)).toEqual([256, 384].filter((h) => h !== chosen));
    await engine.dispose();
    expect(made.every((m) => m.disposed)).toBe(true);
  });

  it('gives a candidate that differs from a measured one only in dropout its speed, and starts its engine only if it is chosen', async () => {
    // The same size with more dropout: slower at first, lower at the end.
    const regularised = { ...candidate(256, [[1e6, 2.0], [4e6, 1.7], [16e6, 1.4]]), dropout: 0.4 };
    for (const [minutes, chosen] of [[1, 0], [600, 1]] as const) {
      const { request, made } = setup([small, regularised], { trainingMs: (spent) => minutes * MIN - spent });
      const { choice, engine } = await probeAndChoose(request);
      expect(made.map((m) => m.hidden)).toEqual(chosen === 0 ? [256] : [256, 256]);
      expect(choice.speeds[1]).toBe(choice.speeds[0]);
      expect(choice.index).toBe(chosen);
      expect(made.filter((m) => !m.disposed)).toHaveLength(1);
      await engine.dispose();
    }
  });

  it('does not start a candidate that could not win even at 1.5× the speed its size predicts', async () => {
    const { request, made } = setup([small, hopeless]);
    const { choice } = await probeAndChoose(request);
    expect(made.map((m) => m.hidden)).toEqual([256]);
    expect(choice.speeds[1]).toBeNull();
    expect(choice.index).toBe(0);
  });

  it('stops measuring once it has taken its share of the budget, and counts its own time against the budget', async () => {
    const { request, made, elapsed } = setup([small, middle], { maxProbeMs: 1 });
    const result = await probeAndChoose(request);
    expect(made.map((m) => m.hidden)).toEqual([256]);
    expect(result.probeMs).toBe(elapsed());
    expect(result.choice.index).toBe(0);
  });

  it('disposes every engine it started when a step fails', async () => {
    const { request, made } = setup([small, middle]);
    let steps = 0;
    const failing: ProbeRequest = {
      ...request,
      makeEngine: async (m) => {
        const engine = await request.makeEngine(m);
        return { ...engine, gradients: async (...args) => (++steps > 4 ? Promise.reject(new Error('out of memory')) : engine.gradients(...args)) };
      },
    };
    await expect(probeAndChoose(failing)).rejects.toThrow('out of memory');
    expect(made.every((m) => m.disposed)).toBe(true);
  });
});
