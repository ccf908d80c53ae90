/**
 * Evaluations by the clock (src/train/eval-clock.ts, trainer.ts): a look
 * every --eval-every-time of training when --eval-every steps take longer,
 * spaced so looks take at most a tenth of the time, and a first look that
 * waits until the model has learnt something. A fake engine and fake
 * callbacks advance an injected clock: the tests are about the run's own
 * account of time, never the machine's.
 */
import { describe, expect, it } from 'vitest';
import { Vocabulary } from '../../src/data/vocabulary.js';
import type { ModelConfig } from '../../src/model/config.js';
import { zeroState } from '../../src/model/state.js';
import { DEFAULT_TRAIN_CONFIG, type TrainConfig } from '../../src/settings/train-settings.js';
import { FIRST_LOOK_LATEST_MS, FIRST_LOOK_STEPS } from '../../src/train/eval-clock.js';
import type { EvalEvent } from '../../src/train/events.js';
import { Trainer } from '../../src/train/trainer.js';
import { fakeEngine } from '../helpers/fake-engine.js';

const model: ModelConfig = { cell: 'gru', vocabSize: 3, embedding: 2, hidden: 2, layers: 1, dropout: 0 };
const UNIFORM = Math.log(3);

interface Machine {
  stepMs: number;
  /** A validation batch. */
  batchMs: number;
  /** The saves and samples after an evaluation. */
  afterEvalMs: number;
  /** The training loss of the n-th step (from 1); a uniform guess (ln 3) unless given. */
  loss?: (n: number) => number;
  /** The validation loss of batch `batch` (from 0) after `steps` training steps; 1 unless given. */
  valLoss?: (steps: number, batch: number) => number;
}

/** Runs on a fake machine; its evaluations, and the fake time spent in them and in all. */
async function run(training: Partial<TrainConfig>, machine: Machine): Promise<{ evals: EvalEvent[]; evalMs: number; totalMs: number }> {
  let now = 0;
  let calls = 0;
  let evalMs = 0;
  let valBatch = 0;
  const engine = fakeEngine({
    gradients: async (_w, batch) => {
      now += machine.stepMs;
      calls++;
      valBatch = 0;
      return { loss: machine.loss?.(calls) ?? UNIFORM, grads: new Map([['w', Float32Array.of(0.5)]]), finals: zeroState(model, batch.batchSize) };
    },
    lossSum: async (_w, batch, state) => {
      now += machine.batchMs;
      evalMs += machine.batchMs;
      return { lossSum: batch.batchSize * batch.seqLen * (machine.valLoss?.(calls, valBatch++) ?? 1), finals: state };
    },
  });
  // 200 validation characters: 24 batches of 2 × 4, so a look (8 batches) is part of the split.
  const ids = Uint16Array.from({ length: 560 }, (_, i) => i % 3);
  const trainer = new Trainer({
    corpus: { name: 'fake', path: '/fake', bytes: ids.length, chars: ids.length, trainChars: 360, valChars: 200 },
    vocab: new Vocabulary(['a', 'b', 'c']), normalization: 'none', trainIds: ids.subarray(0, 360), valIds: ids.subarray(360), model,
    training: {
      ...DEFAULT_TRAIN_CONFIG, batchSize: 2, seqLen: 4, evalBatches: 0, firstEvalMs: 0, stateResets: 0, maxEpochs: null, sampleLength: 0, schedule: 'step', ...training,
    },
    params: new Map([['w', Float32Array.of(1)]]), engine, outDir: '/fake/run', backend: 'cpu', valLayout: { batchSize: 2, seqLen: 4 },
    notes: [], initFrom: null, resume: null, clock: () => now,
  });
  trainer.use({
    evaluated: async () => {
      now += machine.afterEvalMs;
      evalMs += machine.afterEvalMs;
    },
    save: async () => void (now += machine.afterEvalMs),
  });
  const evals: EvalEvent[] = [];
  trainer.subscribe((e) => {
    if (e.type === 'eval') evals.push(e);
  });
  await trainer.run();
  trainer.dispose();
  return { evals, evalMs, totalMs: now };
}

describe('evaluations by the clock', () => {
  it('come every --eval-every-time of training on a slow machine, long before --eval-every steps', async () => {
    // 2 s a step: 200 steps would take almost 7 minutes; a look every 59 s of training instead.
    const { evals } = await run({ maxSteps: 100, evalEvery: 200, evalEveryMs: 59_000 }, { stepMs: 2_000, batchMs: 10, afterEvalMs: 300 });
    expect(evals.map((e) => [e.step, e.valBatches])).toEqual([[30, 8], [60, 8], [90, 8], [100, 24]]);
    // The session's first look, then looks by the clock at the same batches, each the best so far (the loss is flat, so equal counts as no better).
    expect(evals[0]!.quick).toEqual({ batches: 8, of: 24 });
    expect(evals[1]!.quick).toEqual({ batches: 8, of: 24, timed: true });
    expect(evals[2]!.quick).toEqual({ batches: 8, of: 24, timed: true });
    expect(evals[3]!.quick).toBeUndefined();
  });

  it('leave a fast machine to --eval-every steps', async () => {
    const { evals } = await run({ maxSteps: 100, evalEvery: 20, evalEveryMs: 59_000 }, { stepMs: 10, batchMs: 1, afterEvalMs: 5 });
    expect(evals.map((e) => [e.step, e.valBatches])).toEqual([[20, 24], [40, 24], [60, 24], [80, 24], [100, 24]]);
  });

  it('restart after an evaluation by steps, and are off at 0', async () => {
    // A look at 30 s (step 30); evaluations by steps at 40 and 80; 30 s after step 40 is step 70.
    const { evals } = await run({ maxSteps: 90, evalEvery: 40, evalEveryMs: 30_000 }, { stepMs: 1_000, batchMs: 1, afterEvalMs: 5 });
    expect(evals.map((e) => e.step)).toEqual([30, 40, 70, 80, 90]);
    const off = await run({ maxSteps: 90, evalEvery: 40, evalEveryMs: 0 }, { stepMs: 1_000, batchMs: 1, afterEvalMs: 5 });
    expect(off.evals.map((e) => e.step)).toEqual([40, 80, 90]);
  });

  it('leave a look to an evaluation by steps that comes within a fifth of the interval', async () => {
    // A look every 30 s of training at 1 s a step, evaluations by steps every 35: the look due at step 65
    // would come 5 s (less than a fifth of 30 s) before the evaluation at 70, which shows the same model
    // on every batch, so it is left out. The session's first look (step 30) comes as asked.
    const { evals } = await run({ maxSteps: 100, evalEvery: 35, evalEveryMs: 30_000 }, { stepMs: 1_000, batchMs: 1, afterEvalMs: 5 });
    expect(evals.map((e) => e.step)).toEqual([30, 35, 70, 100]);
    // 6 s before it (a fifth) the look stays.
    const edge = await run({ maxSteps: 100, evalEvery: 36, evalEveryMs: 30_000 }, { stepMs: 1_000, batchMs: 1, afterEvalMs: 5 });
    expect(edge.evals.map((e) => e.step)).toEqual([30, 36, 66, 72, 100]);
  });

  it('are spaced so that they take at most a tenth of the time when a look is slow', async () => {
    // A look costs 8 × 1 s + 2 s = 10 s, measured by the first (at 10 s, as asked): asked for every 10 s,
    // they come after every 90 s of training instead — 10 s of every 100 s.
    const { evals } = await run({ maxSteps: 400, evalEvery: 10_000, evalEveryMs: 10_000 }, { stepMs: 1_000, batchMs: 1_000, afterEvalMs: 2_000 });
    expect(evals.map((e) => e.step)).toEqual([10, 100, 190, 280, 370, 400]);
  });

  it('replace a best/ that a look measured when better, never one a full evaluation measured', async () => {
    // The validation loss falls as training goes, and the batches after the looks' 8 are harder (2 nats).
    const { evals } = await run(
      { maxSteps: 100, evalEvery: 50, evalEveryMs: 19_000 },
      { stepMs: 1_000, batchMs: 1, afterEvalMs: 5, valLoss: (steps, batch) => (batch < 8 ? 1 : 2) - steps / 1_000 },
    );
    expect(evals.map((e) => [e.step, e.quick?.timed ?? false, e.improved])).toEqual([
      [19, false, true], [38, true, true], [50, false, true], [69, true, false], [88, true, false], [100, false, true],
    ]);
    // The full evaluation at 50 beat the looks on their batches, though not its loss over the whole split: that is the best now.
    const full = evals[2]!;
    expect(full.valLoss).toBeGreaterThan(evals[1]!.valLoss);
    expect(full.bestValLoss).toBe(full.valLoss);
    // A look is not compared with it, however low.
    expect(evals[3]!.valLoss).toBeLessThan(full.bestValLoss);
  });
});

describe('the first look', () => {
  it('waits for the model to learn: a training loss 15% below a uniform guess', async () => {
    // The loss falls 2% of ln 3 a step: the mean of the last 5 steps is 85% of it at step 10.
    const { evals } = await run(
      { maxSteps: 50, evalEvery: 50, firstEvalMs: 1, evalEveryMs: 0 },
      { stepMs: 100, batchMs: 1, afterEvalMs: 5, loss: (n) => UNIFORM * (1 - 0.02 * n) },
    );
    expect(evals.map((e) => e.step)).toEqual([10, 50]);
  });

  it(`waits ${FIRST_LOOK_STEPS} steps for a model whose loss does not fall`, async () => {
    const { evals } = await run({ maxSteps: 50, evalEvery: 50, firstEvalMs: 1, evalEveryMs: 0 }, { stepMs: 100, batchMs: 1, afterEvalMs: 5 });
    expect(evals.map((e) => e.step)).toEqual([FIRST_LOOK_STEPS, 50]);
  });

  it('comes after --first-eval, however early the model learnt (a fine-tune)', async () => {
    const { evals } = await run({ maxSteps: 50, evalEvery: 50, firstEvalMs: 2_000, evalEveryMs: 0 }, { stepMs: 100, batchMs: 1, afterEvalMs: 5, loss: () => 0.5 });
    expect(evals.map((e) => e.step)).toEqual([20, 50]);
  });

  it('comes within a minute on a machine too slow to learn by then', async () => {
    const stepMs = 5_000;
    const { evals } = await run({ maxSteps: 50, evalEvery: 50, firstEvalMs: 1, evalEveryMs: 0 }, { stepMs, batchMs: 1, afterEvalMs: 5 });
    expect(evals.map((e) => e.step)).toEqual([FIRST_LOOK_LATEST_MS / stepMs, 50]);
  });
});
