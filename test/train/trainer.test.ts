/**
 * The loop and its callbacks (src/train/trainer.ts, callback.ts), on a fake
 * engine: when the hooks are called, that every end saves, that commands
 * reach them, and that divergence goes back to what `restore` offers.
 */
import { describe, expect, it } from 'vitest';
import { Vocabulary } from '../../src/data/vocabulary.js';
import type { Engine } from '../../src/engine/engine.js';
import type { ModelConfig } from '../../src/model/config.js';
import { zeroState } from '../../src/model/state.js';
import { DEFAULT_TRAIN_CONFIG, type TrainConfig } from '../../src/settings/train-settings.js';
import type { TrainerCallback, TrainingSnapshot } from '../../src/train/callback.js';
import type { TrainerEvent } from '../../src/train/events.js';
import { Trainer } from '../../src/train/trainer.js';
import { fakeEngine } from '../helpers/fake-engine.js';

const model: ModelConfig = { cell: 'gru', vocabSize: 3, embedding: 2, hidden: 2, layers: 1, dropout: 0 };

/** Loss 1 per character, gradient 0.5 on the one weight; `nanCalls` lists gradient calls (from 1) that come back NaN. */
function lossOneEngine(nanCalls: number[] = []): Engine {
  let calls = 0;
  return fakeEngine({
    gradients: async (_w, batch) => {
      calls++;
      return { loss: nanCalls.includes(calls) ? NaN : 1, grads: new Map([['w', Float32Array.of(0.5)]]), finals: zeroState(model, batch.batchSize) };
    },
    lossSum: async (_w, batch, state) => ({ lossSum: batch.batchSize * batch.seqLen, finals: state }),
  });
}

function trainer(training: Partial<TrainConfig>, engine = lossOneEngine(), valChars = 40): Trainer {
  const ids = Uint16Array.from({ length: 360 + valChars }, (_, i) => i % 3);
  return new Trainer({
    corpus: { name: 'fake', path: '/fake', bytes: ids.length, chars: ids.length, trainChars: 360, valChars },
    vocab: new Vocabulary(['a', 'b', 'c']), normalization: 'none', trainIds: ids.subarray(0, 360), valIds: ids.subarray(360), model,
    training: { ...DEFAULT_TRAIN_CONFIG, batchSize: 2, seqLen: 4, evalBatches: 1, firstEvalMs: 0, evalEveryMs: 0, schedule: 'step', stateResets: 0, maxEpochs: null, ...training },
    params: new Map([['w', Float32Array.of(1)]]), engine, outDir: '/fake/run', backend: 'cpu', valLayout: { batchSize: 2, seqLen: 4 },
    notes: [], initFrom: null, resume: null,
  });
}

/** A callback that logs its hooks (with the step) into `log`. */
function recording(log: string[], restore?: () => TrainingSnapshot | null): TrainerCallback {
  return {
    evaluated: async (m, e) => void log.push(`evaluated@${m.state.progress.step}${e.improved ? ' best' : ''}`),
    save: async (m) => void log.push(`save@${m.state.progress.step}`),
    sample: async (m, t) => void log.push(`sample@${m.state.progress.step} ${t ?? 'default'}`),
    restore: () => {
      const state = restore?.() ?? null;
      log.push(`restore${state ? '' : ' (none)'}`);
      return state && { from: '/fake/run/latest', state };
    },
  };
}

describe('Trainer callbacks', () => {
  it('are awaited after every evaluation; a run that ends on an evaluation needs no further save', async () => {
    const t = trainer({ maxSteps: 7, evalEvery: 3 });
    const log: string[] = [];
    t.use(recording(log));
    const done = await t.run();
    expect(log).toEqual(['evaluated@3 best', 'evaluated@6', 'evaluated@7']);
    expect(done).toMatchObject({ step: 7, reason: 'max-steps', latestPath: '/fake/run/latest', bestPath: '/fake/run/best' });
  });

  it('a stop saves; save and sample commands reach the callbacks between steps', async () => {
    // An evaluation of 24 batches, more than a first look's 8: a stop does not wait for it.
    const t = trainer({ maxSteps: 100, evalEvery: 50, evalBatches: 0 }, lossOneEngine(), 200);
    const log: string[] = [];
    const events: TrainerEvent[] = [];
    t.use(recording(log));
    t.subscribe((e) => {
      events.push(e);
      if (e.type === 'step' && e.step === 2) {
        t.send({ type: 'save' });
        t.send({ type: 'sample', temperatures: [0.5] });
      }
      if (e.type === 'step' && e.step === 4) t.send({ type: 'stop' });
    });
    const done = await t.run();
    expect(log).toEqual(['save@2', 'sample@2 0.5', 'save@4']);
    expect(done).toMatchObject({ step: 4, reason: 'stopped', bestPath: null });
    expect(events.at(-1)).toBe(done);
  });

  it('a stop evaluates when the whole evaluation is no larger than a first look', async () => {
    const t = trainer({ maxSteps: 100, evalEvery: 50 });
    const log: string[] = [];
    t.use(recording(log));
    t.subscribe((e) => e.type === 'step' && e.step === 4 && t.send({ type: 'stop' }));
    const done = await t.run();
    expect(log).toEqual(['evaluated@4 best']);
    expect(done).toMatchObject({ step: 4, reason: 'stopped', bestPath: '/fake/run/best' });
  });

  it('after maxBadSteps diverged steps in a row, goes back to what restore offers, counting a recovery', async () => {
    let saved: TrainingSnapshot | null = null;
    const t = trainer({ maxSteps: 8, evalEvery: 3, maxBadSteps: 2 }, lossOneEngine([5, 6]));
    const log: string[] = [];
    t.use({ evaluated: async (m) => void (saved = structuredClone(m.state)) });
    t.use(recording(log, () => saved));
    const warnings: string[] = [];
    t.subscribe((e) => e.type === 'warning' && warnings.push(e.message));
    await t.run();
    expect(log).toEqual(['evaluated@3 best', 'restore', 'evaluated@6', 'evaluated@8']);
    expect(warnings).toEqual([
      'loss became NaN (gradient norm 0.5); step skipped',
      'diverged: restored /fake/run/latest (step 3) and halved the learning rate (recovery 1 of 3)',
    ]);
    expect(saved!.progress.recoveries).toBe(1);
  });

  it('divergence with nothing to restore ends the run with one clear error', async () => {
    const t = trainer({ maxSteps: 8, evalEvery: 5, maxBadSteps: 2 }, lossOneEngine([2, 3]));
    const log: string[] = [];
    t.use(recording(log));
    await expect(t.run()).rejects.toThrow('training diverged at step 1 before any checkpoint was written');
    expect(log).toEqual(['restore (none)']);
  });
});
