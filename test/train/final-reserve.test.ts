/**
 * --max-time is the whole session (src/train/final-reserve.ts, trainer.ts):
 * training stops early enough for the final evaluation and save, which the
 * events announce, and a final evaluation too long for the time left is cut
 * short at the limit. A fake engine and fake saves advance an injected
 * clock, so what is measured is the run's own account of time, not the
 * machine's.
 */
import { describe, expect, it } from 'vitest';
import { Vocabulary } from '../../src/data/vocabulary.js';
import type { ModelConfig } from '../../src/model/config.js';
import { zeroState } from '../../src/model/state.js';
import { DEFAULT_TRAIN_CONFIG, type TrainConfig } from '../../src/settings/train-settings.js';
import type { TrainerEvent } from '../../src/train/events.js';
import { Trainer } from '../../src/train/trainer.js';
import { fakeEngine } from '../helpers/fake-engine.js';

const model: ModelConfig = { cell: 'gru', vocabSize: 3, embedding: 2, hidden: 2, layers: 1, dropout: 0 };

interface Costs {
  stepMs: number;
  batchMs: number;
  /** What the callbacks after an evaluation (saves, samples) take, and a save. */
  afterEvalMs: number;
  saveMs: number;
  /** What the callbacks' preparation (loading TF.js) takes, before the session's clock starts. */
  prepareMs?: number;
}

/** A run on a fake engine whose passes, and whose callbacks, take `costs` of the fake clock; its events and that clock. */
function timedRun(training: Partial<TrainConfig>, costs: Costs, valChars: number): { trainer: Trainer; events: TrainerEvent[]; clock: () => number } {
  let now = 0;
  const engine = fakeEngine({
    gradients: async (_w, batch) => {
      now += costs.stepMs;
      return { loss: 1, grads: new Map([['w', Float32Array.of(0.5)]]), finals: zeroState(model, batch.batchSize) };
    },
    lossSum: async (_w, batch, state) => {
      now += costs.batchMs;
      return { lossSum: batch.batchSize * batch.seqLen, finals: state };
    },
  });
  const ids = Uint16Array.from({ length: 360 + valChars }, (_, i) => i % 3);
  const trainer = new Trainer({
    corpus: { name: 'fake', path: '/fake', bytes: ids.length, chars: ids.length, trainChars: 360, valChars },
    vocab: new Vocabulary(['a', 'b', 'c']), normalization: 'none', trainIds: ids.subarray(0, 360), valIds: ids.subarray(360), model,
    training: {
      ...DEFAULT_TRAIN_CONFIG, batchSize: 2, seqLen: 4, evalBatches: 0, firstEvalMs: 0, evalEveryMs: 0, stateResets: 0, maxEpochs: null, sampleLength: 0, ...training,
    },
    params: new Map([['w', Float32Array.of(1)]]), engine, outDir: '/fake/run', backend: 'cpu', valLayout: { batchSize: 2, seqLen: 4 },
    notes: [], initFrom: null, resume: null, clock: () => now,
  });
  trainer.use({
    prepare: async () => void (now += costs.prepareMs ?? 0),
    evaluated: async () => void (now += costs.afterEvalMs),
    save: async () => void (now += costs.saveMs),
  });
  const events: TrainerEvent[] = [];
  trainer.subscribe((e) => events.push(e));
  return { trainer, events, clock: () => now };
}

/** The last event of a type. */
function last<T extends TrainerEvent['type']>(events: TrainerEvent[], type: T): Extract<TrainerEvent, { type: T }> {
  const found = events.filter((e): e is Extract<TrainerEvent, { type: T }> => e.type === type).at(-1);
  if (!found) throw new Error(`no ${type} event`);
  return found;
}

/** The events after the last step, by type (and phase). */
const ending = (events: TrainerEvent[]): string[] =>
  events.slice(events.lastIndexOf(last(events, 'step')) + 1).map((e) => (e.type === 'phase' ? `phase ${e.phase}` : e.type));

describe('a time limit', () => {
  it('stops training at the limit minus the measured final evaluation and save, and ends within it', async () => {
    // Validation: 4 batches of 50 ms; saves and samples after an evaluation 300 ms; a step 100 ms.
    const { trainer, events } = timedRun({ maxTimeMs: 60_000, evalEvery: 100 }, { stepMs: 100, batchMs: 50, afterEvalMs: 300, saveMs: 200 }, 40);
    const done = await trainer.run();
    expect(done.reason).toBe('max-time');
    // The reserve: 1.25 × (4 × 50 + 300) + one step = 725 ms; training stops at the first step ending past 60 s − 725 ms.
    const lastStep = last(events, 'step');
    expect(lastStep.elapsedMs).toBeGreaterThanOrEqual(60_000 - 725);
    expect(lastStep.elapsedMs).toBeLessThan(60_000 - 725 + 100);
    // The final evaluation (200 ms) and its saves (300 ms) are in the session, which ends within the limit.
    expect(done.sessionMs).toBe(lastStep.elapsedMs + 200 + 300);
    expect(done.sessionMs).toBeLessThanOrEqual(60_000);
    expect(ending(events)).toEqual(['phase evaluating', 'eval', 'phase saving', 'done']);
    expect(last(events, 'phase')).toMatchObject({ phase: 'saving', reason: 'max-time', step: done.step });
    // The cosine was planned to end where training ended.
    const lastLr = lastStep.lr;
    expect(lastLr).toBeLessThan(DEFAULT_TRAIN_CONFIG.lr * (DEFAULT_TRAIN_CONFIG.lrFinal + 0.01));
  });

  it('before anything was timed, keeps an estimate from the model\'s size, not most of a short limit; loading happens off the clock', async () => {
    // A 3 s limit, no evaluation before the end; preparing the saves (TF.js) takes 1 s, before the clock starts.
    const { trainer, events, clock } = timedRun(
      { maxTimeMs: 3_000, evalEvery: 1_000_000 }, { stepMs: 10, batchMs: 5, afterEvalMs: 40, saveMs: 20, prepareMs: 1_000 }, 40,
    );
    const done = await trainer.run();
    expect(done.reason).toBe('max-time');
    // Estimated: two saves of 1 parameter at 50 ms each, no samples, 4 validation batches at 0.4 of a
    // 10 ms step: 1.25 × (100 + 16) + 10 = 155 ms kept (a second more when the first save still loaded TF.js).
    const lastStep = last(events, 'step');
    expect(lastStep.elapsedMs).toBeGreaterThanOrEqual(3_000 - 155);
    expect(lastStep.elapsedMs).toBeLessThan(3_000 - 155 + 10);
    expect(done.sessionMs).toBe(lastStep.elapsedMs + 4 * 5 + 40);
    expect(done.sessionMs).toBeLessThanOrEqual(3_000);
    // The preparation is not in the session.
    expect(clock()).toBe(1_000 + done.sessionMs);
  });

  it('cuts a final evaluation that would overrun it short at the limit, and says so', async () => {
    // 20 validation batches of 1 s: a whole evaluation (20 s) is more than the quarter of the limit the end may keep.
    // best/ comes from full evaluations (every 10 steps while they leave time to train).
    const { trainer, events } = timedRun({ maxTimeMs: 60_000, evalEvery: 10 }, { stepMs: 100, batchMs: 1_000, afterEvalMs: 300, saveMs: 200 }, 161);
    const done = await trainer.run();
    expect(events.filter((e) => e.type === 'eval').map((e) => e.step)).toEqual([10, 20, last(events, 'step').step]);
    // Kept: a quarter of the limit for the pass, 1.25 × 300 ms for the saves after it and a step: 15.475 s. The
    // evaluation reads batches while one more and the saves fit (until 60 − 0.375 − 1 = 58.625 s).
    const lastStep = last(events, 'step');
    expect(lastStep.elapsedMs).toBeGreaterThanOrEqual(60_000 - 15_475);
    expect(lastStep.elapsedMs).toBeLessThan(60_000 - 15_475 + 100);
    expect(last(events, 'eval')).toMatchObject({ quick: { batches: 15, of: 20, cut: true }, improved: false, valBatches: 15 });
    expect(ending(events)).toEqual(['phase evaluating', 'eval', 'note', 'phase saving', 'done']);
    expect(last(events, 'note')).toMatchObject({
      message: 'the final evaluation was cut short at the time limit: it read 15 of 20 validation batches (a shorter evaluation rather than overrunning --max-time); it does not replace best/',
    });
    expect(done.sessionMs).toBeLessThanOrEqual(60_000);
  });

  it('a cut-short final evaluation of a run with no best/ yet becomes its first best/, and the note says so', async () => {
    // No evaluation before the end (none by steps or by the clock), and the whole one (500 batches, 20 s) does not fit in
    // the quarter of the limit it may take once the margin is added. Nothing was measured before the end, so the fake
    // costs are what the run estimates: a batch 0.4 of a step, the saves after it ~50 ms.
    const { trainer, events } = timedRun({ maxTimeMs: 60_000, evalEvery: 1_000_000 }, { stepMs: 100, batchMs: 40, afterEvalMs: 30, saveMs: 20 }, 4_001);
    const done = await trainer.run();
    expect(events.filter((e) => e.type === 'eval')).toHaveLength(1);
    const evaluation = last(events, 'eval');
    expect(evaluation).toMatchObject({ quick: { cut: true }, improved: true });
    expect(done.bestValLoss).toBe(evaluation.valLoss);
    expect(last(events, 'note').message).toMatch(/^the final evaluation was cut short at the time limit: it read \d+ of 500 validation batches \(.*\); the run had no best\/ yet, so this model becomes its first best\/$/);
    expect(done.sessionMs).toBeLessThanOrEqual(60_000);
  });

  it('where best/ came from a first look, ends with a last look at its batches rather than a whole evaluation that does not fit', async () => {
    // The same 20 s evaluation; only a first look (8 batches, at 1 s) before the end.
    const { trainer, events } = timedRun(
      { maxTimeMs: 60_000, evalEvery: 1_000_000, firstEvalMs: 1_000 }, { stepMs: 100, batchMs: 1_000, afterEvalMs: 300, saveMs: 200 }, 161,
    );
    const done = await trainer.run();
    // Kept for the end: 1.25 × (8 × 1 s + 0.3 s) + a step = 10.475 s.
    expect(last(events, 'step').elapsedMs).toBeGreaterThanOrEqual(60_000 - 10_475);
    expect(last(events, 'step').elapsedMs).toBeLessThan(60_000 - 10_475 + 100);
    expect(last(events, 'eval')).toMatchObject({ quick: { batches: 8, of: 20, last: true }, valBatches: 8 });
    expect(ending(events)).toEqual(['phase evaluating', 'eval', 'phase saving', 'done']);
    expect(done.sessionMs).toBeLessThanOrEqual(60_000);
  });

  it('a stop or a step limit is announced the same way: the final phases, then done', async () => {
    const { trainer, events } = timedRun({ maxSteps: 7, evalEvery: 5 }, { stepMs: 100, batchMs: 50, afterEvalMs: 300, saveMs: 200 }, 40);
    await trainer.run();
    expect(ending(events)).toEqual(['phase evaluating', 'eval', 'phase saving', 'done']);
    const stopped = timedRun({ maxSteps: 100, evalEvery: 5 }, { stepMs: 100, batchMs: 50, afterEvalMs: 300, saveMs: 200 }, 40);
    stopped.trainer.subscribe((e) => e.type === 'step' && e.step === 5 && stopped.trainer.send({ type: 'stop' }));
    await stopped.trainer.run();
    expect(ending(stopped.events).slice(-2)).toEqual(['phase saving', 'done']);
  });
});
