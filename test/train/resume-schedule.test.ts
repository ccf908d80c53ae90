/**
 * A resume continues the learning rate where the run left it (src/train/
 * lr-schedule.ts): the plan a checkpoint is saved with is what the
 * trainer used, and a resume with a new limit goes on from it, never back
 * up. The trainer on a fake engine, the checkpoint a callback's copy.
 */
import { describe, expect, it } from 'vitest';
import { Vocabulary } from '../../src/data/vocabulary.js';
import type { ModelConfig } from '../../src/model/config.js';
import { zeroState } from '../../src/model/state.js';
import { DEFAULT_TRAIN_CONFIG, type TrainConfig } from '../../src/settings/train-settings.js';
import type { TrainingSnapshot } from '../../src/train/callback.js';
import { Trainer } from '../../src/train/trainer.js';
import { fakeEngine } from '../helpers/fake-engine.js';

const model: ModelConfig = { cell: 'gru', vocabSize: 3, embedding: 2, hidden: 2, layers: 1, dropout: 0 };

interface Saved {
  training: TrainConfig;
  state: TrainingSnapshot;
}

/** Trains (resuming `from` when given) until a limit or, with `stopAt`, a stop; the learning rate of each step and the last save. */
async function train(training: Partial<TrainConfig>, from: Saved | null, stopAt?: number): Promise<{ lrs: Map<number, number>; saved: Saved; notes: string[] }> {
  const engine = fakeEngine({
    gradients: async (_w, batch) => ({ loss: 1, grads: new Map([['w', Float32Array.of(0.5)]]), finals: zeroState(model, batch.batchSize) }),
    lossSum: async (_w, batch, state) => ({ lossSum: batch.batchSize * batch.seqLen, finals: state }),
  });
  const ids = Uint16Array.from({ length: 400 }, (_, i) => i % 3);
  const trainer = new Trainer({
    corpus: { name: 'fake', path: '/fake', bytes: 400, chars: 400, trainChars: 360, valChars: 40 },
    vocab: new Vocabulary(['a', 'b', 'c']), normalization: 'none', trainIds: ids.subarray(0, 360), valIds: ids.subarray(360), model,
    // As train/setup.ts merges them: the checkpoint's config, then what the user gave.
    training: { ...(from?.training ?? { ...DEFAULT_TRAIN_CONFIG, batchSize: 2, seqLen: 4, evalBatches: 1, firstEvalMs: 0, evalEveryMs: 0, stateResets: 0, warmupSteps: 10 }), ...training },
    params: new Map([['w', Float32Array.of(1)]]), engine, outDir: '/fake/run', backend: 'cpu', valLayout: { batchSize: 2, seqLen: 4 },
    notes: [], initFrom: null,
    resume: from && { from: '/fake/run/latest', progress: { ...from.state.progress }, history: from.state.history, optimizer: from.state.optimizer, carried: null },
  });
  let saved: Saved | null = null;
  const keep = async (m: { training: TrainConfig; state: TrainingSnapshot }): Promise<void> => void (saved = structuredClone({ training: m.training, state: m.state }));
  trainer.use({ evaluated: keep, save: keep });
  const lrs = new Map<number, number>();
  const notes: string[] = [];
  trainer.subscribe((e) => {
    if (e.type === 'step') lrs.set(e.step - 1, e.lr);
    if (e.type === 'note') notes.push(e.message);
    if (e.type === 'step' && e.step === stopAt) trainer.send({ type: 'stop' });
  });
  await trainer.run();
  return { lrs, saved: saved!, notes };
}

describe('a resume', () => {
  // Planned for 100 steps (45 per epoch: 2 streams × 4 characters of 360), stopped at 40; the lr of its next step.
  const none = { maxSteps: null, maxEpochs: null, maxTimeMs: null };

  it.each([
    ['--max-steps 200', { ...none, maxSteps: 200 }],
    ['--max-epochs 4', { ...none, maxEpochs: 4 }],
  ] as const)('with %s goes on from the learning rate the run had reached, and never back up', async (_flags, limits) => {
    const first = await train({ ...none, maxSteps: 100, evalEvery: 1000 }, null, 40);
    expect(first.saved.state.progress.step).toBe(40);
    expect(first.saved.training).toMatchObject({ scheduleSteps: 100, scheduleFrom: null });
    const last = first.lrs.get(39)!;
    const { lrs, notes } = await train({ ...limits, evalEvery: 1000 }, first.saved);
    // The 41st step's rate is a little below the 40th's, as in the run it continues (it was 2.0e-3 again before).
    expect(lrs.get(40)!).toBeLessThanOrEqual(last);
    expect(lrs.get(40)!).toBeGreaterThan(last * 0.97);
    let previous = lrs.get(40)!;
    for (const [step, lr] of lrs) {
      expect(lr, `step ${step}`).toBeLessThanOrEqual(previous);
      previous = lr;
    }
    expect(previous).toBeCloseTo(DEFAULT_TRAIN_CONFIG.lr * DEFAULT_TRAIN_CONFIG.lrFinal, 6);
    expect(notes[0]).toMatch(/^learning rate: from 1\.\de-3 at step 40 down to 1\.0e-4 at step [\d,]+ \(from the (step|epoch) limit\)$/);
  });

  it('saves the plan it trains with, so a second resume continues the first', async () => {
    const first = await train({ ...none, maxSteps: 100, evalEvery: 1000 }, null, 40);
    const second = await train({ ...none, maxSteps: 200, evalEvery: 1000 }, first.saved, 120);
    expect(second.saved.training).toMatchObject({ scheduleSteps: 200, scheduleFrom: { step: 40 } });
    const third = await train({}, second.saved);
    expect(third.notes).toEqual([]);
    expect(third.lrs.get(120)!).toBeLessThanOrEqual(second.lrs.get(119)!);
    expect(third.lrs.get(120)!).toBeGreaterThan(second.lrs.get(119)! * 0.97);
    expect(third.lrs.get(199)!).toBeCloseTo(1e-4, 6);
  });
});
