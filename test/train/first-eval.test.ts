/**
 * The first validation of a session comes by time (--first-eval) once the
 * model has learnt something (here: after FIRST_LOOK_STEPS, as these tiny
 * models at a low rate learn little), then every --eval-every steps.
 */
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/engine/tfjs/backend/index.js';
import { FIRST_LOOK_STEPS } from '../../src/train/eval-clock.js';
import type { EvalEvent } from '../../src/train/events.js';
import { prepareTraining, type TrainRequest } from '../../src/train/setup.js';
import { smallCorpus, tempDir } from '../helpers/cli.js';

let dir: string;
let corpus: string;

beforeAll(async () => {
  await initBackend('wasm');
  dir = tempDir();
  corpus = smallCorpus(dir, 6_000);
});

async function evals(name: string, firstEvalMs: number, evalEvery: number, maxSteps: number, evalBatches = 1): Promise<EvalEvent[]> {
  const request: TrainRequest = {
    corpusPath: corpus, normalization: 'none', model: { cell: 'gru', layers: 1, hidden: 8, embedding: 4, dropout: 0 },
    training: { batchSize: 2, seqLen: 16, maxSteps, maxEpochs: null, evalEvery, evalBatches, sampleLength: 0, seed: 1, firstEvalMs, evalEveryMs: 0 },
    outDir: path.join(dir, name), resume: null, engine: { name: 'tfjs', backend: 'wasm', threads: 1, workers: 1 },
  };
  return evalEventsOf(request);
}

/** Trains as `request` says and returns its evaluation events. */
async function evalEventsOf(request: TrainRequest): Promise<EvalEvent[]> {
  const trainer = await prepareTraining(request);
  const seen: EvalEvent[] = [];
  trainer.subscribe((e) => {
    if (e.type === 'eval') seen.push(e);
  });
  await trainer.run();
  trainer.dispose();
  return seen;
}

const evalSteps = async (...args: Parameters<typeof evals>): Promise<number[]> => (await evals(...args)).map((e) => e.step);

describe('first evaluation', () => {
  it('comes once firstEvalMs of training have passed and the model learnt something, then every evalEvery steps', async () => {
    expect(FIRST_LOOK_STEPS).toBe(30);
    expect(await evalSteps('soon', 1, 40, 90)).toEqual([30, 40, 80, 90]);
  });

  it('reads at most 8 validation batches, a first look that gives a new run its first best/ but never replaces one', async () => {
    // 600 validation characters: 18 batches of 2 streams × 16.
    const [first, second, last] = await evals('quick', 1, 40, 45, 0);
    expect(first).toMatchObject({ step: 30, valBatches: 8, quick: { batches: 8, of: 18 }, improved: true });
    expect(second).toMatchObject({ step: 40, valBatches: 18 });
    expect(second!.quick).toBeUndefined();
    expect(last).toMatchObject({ step: 45, valBatches: 18 });
    // Where the whole split is no more than that, the first look reads all of it and counts.
    const [small] = await evals('whole', 1, 40, 45, 1);
    expect(small).toMatchObject({ step: 30, valBatches: 1, improved: true });
    expect(small!.quick).toBeUndefined();
  });

  it('a resumed session\'s first look leaves best/ alone', async () => {
    await evals('resumed', 0, 30, 30, 0);
    const request: TrainRequest = {
      corpusPath: corpus, normalization: 'none', model: {}, training: { maxSteps: 32, firstEvalMs: 1 },
      outDir: null, resume: path.join(dir, 'resumed', 'latest'), engine: { name: 'tfjs', backend: 'wasm', threads: 1 },
    };
    const seen = await evalEventsOf(request);
    // The run is past FIRST_LOOK_STEPS: its first look comes at the session's first step.
    expect(seen[0]).toMatchObject({ step: 31, quick: { batches: 8, of: 18 }, improved: false });
  });

  it('a stop before the first full evaluation takes a last look at the same batches, and best/ gets the better model', async () => {
    const outDir = path.join(dir, 'stopped');
    const trainer = await prepareTraining({
      corpusPath: corpus, normalization: 'none', model: { cell: 'gru', layers: 1, hidden: 16, embedding: 8, dropout: 0 },
      training: { batchSize: 2, seqLen: 16, maxSteps: 1_000, maxEpochs: null, evalEvery: 1_000, evalBatches: 0, sampleLength: 0, seed: 1, firstEvalMs: 1, evalEveryMs: 0, lr: 1e-2, warmupSteps: 0 },
      outDir, resume: null, engine: { name: 'tfjs', backend: 'wasm', threads: 1, workers: 1 },
    });
    const seen: EvalEvent[] = [];
    trainer.subscribe((e) => {
      if (e.type === 'eval') seen.push(e);
      if (e.type === 'step' && e.step === 40) trainer.send({ type: 'stop' });
    });
    const done = await trainer.run();
    trainer.dispose();
    const [first, last] = seen;
    expect(seen).toHaveLength(2);
    expect(first).toMatchObject({ valBatches: 8, quick: { batches: 8, of: 18 }, improved: true });
    // Not at step 1: once the training loss fell 15% below ln(vocabulary), at the latest at FIRST_LOOK_STEPS.
    expect(first!.step).toBeGreaterThan(5);
    expect(first!.step).toBeLessThanOrEqual(FIRST_LOOK_STEPS);
    expect(last).toMatchObject({ step: 40, valBatches: 8, quick: { batches: 8, of: 18, last: true }, improved: true });
    expect(last!.valLoss).toBeLessThan(first!.valLoss);
    expect(done).toMatchObject({ reason: 'stopped', step: 40, bestValLoss: last!.valLoss });
    const stepOf = (kind: string): number => JSON.parse(fs.readFileSync(path.join(outDir, kind, 'charnn.json'), 'utf8')).progress.step;
    expect(stepOf('best')).toBe(40);
    expect(stepOf('latest')).toBe(40);
  });

  it('a stop evaluates when the whole evaluation is no larger than a first look: best/ gets the better model', async () => {
    const outDir = path.join(dir, 'stopped-small');
    const trainer = await prepareTraining({
      corpusPath: corpus, normalization: 'none', model: { cell: 'gru', layers: 1, hidden: 16, embedding: 8, dropout: 0 },
      training: { batchSize: 2, seqLen: 16, maxSteps: 1_000, maxEpochs: null, evalEvery: 4, evalBatches: 2, sampleLength: 0, seed: 1, firstEvalMs: 0, evalEveryMs: 0, lr: 1e-2, warmupSteps: 0 },
      outDir, resume: null, engine: { name: 'tfjs', backend: 'wasm', threads: 1, workers: 1 },
    });
    const seen: EvalEvent[] = [];
    trainer.subscribe((e) => {
      if (e.type === 'eval') seen.push(e);
      if (e.type === 'step' && e.step === 30) trainer.send({ type: 'stop' });
    });
    await trainer.run();
    trainer.dispose();
    const last = seen.at(-1)!;
    expect(last).toMatchObject({ step: 30, valBatches: 2 });
    expect(last.quick).toBeUndefined();
    expect(last.valLoss).toBeLessThan(seen.at(-2)!.valLoss);
    expect(last.improved).toBe(true);
    expect(JSON.parse(fs.readFileSync(path.join(outDir, 'best', 'charnn.json'), 'utf8')).progress.step).toBe(30);
  });

  it('a stop after a full evaluation larger than a first look takes no last look', async () => {
    const trainer = await prepareTraining({
      corpusPath: corpus, normalization: 'none', model: { cell: 'gru', layers: 1, hidden: 8, embedding: 4, dropout: 0 },
      training: { batchSize: 2, seqLen: 16, maxSteps: 1_000, maxEpochs: null, evalEvery: 40, evalBatches: 0, sampleLength: 0, seed: 1, firstEvalMs: 1, evalEveryMs: 0 },
      outDir: path.join(dir, 'stopped-later'), resume: null, engine: { name: 'tfjs', backend: 'wasm', threads: 1, workers: 1 },
    });
    const seen: EvalEvent[] = [];
    trainer.subscribe((e) => {
      if (e.type === 'eval') seen.push(e);
      if (e.type === 'step' && e.step === 42) trainer.send({ type: 'stop' });
    });
    await trainer.run();
    trainer.dispose();
    expect(seen.map((e) => [e.step, e.valBatches])).toEqual([[30, 8], [40, 18]]);
  });

  it('waits for evalEvery when it is off or far away', async () => {
    expect(await evalSteps('off', 0, 4, 9)).toEqual([4, 8, 9]);
    expect(await evalSteps('later', 3_600_000, 4, 9)).toEqual([4, 8, 9]);
  });
});

describe('--eval-every-time', () => {
  it('is recorded in charnn.json and kept by a resume, which may change it', async () => {
    const training = { batchSize: 2, seqLen: 16, maxEpochs: null, evalBatches: 1, sampleLength: 0, seed: 1, firstEvalMs: 0 };
    const outDir = path.join(dir, 'clock');
    const stored = (): unknown => JSON.parse(fs.readFileSync(path.join(outDir, 'latest', 'charnn.json'), 'utf8')).training.evalEveryMs;
    const base = { corpusPath: corpus, normalization: 'none' as const, engine: { name: 'tfjs' as const, backend: 'wasm', threads: 1, workers: 1 } };
    await evalEventsOf({ ...base, model: { cell: 'gru', layers: 1, hidden: 8, embedding: 4, dropout: 0 }, training: { ...training, maxSteps: 2, evalEveryMs: 90_000 }, outDir, resume: null });
    expect(stored()).toBe(90_000);
    await evalEventsOf({ ...base, model: {}, training: { maxSteps: 3 }, outDir: null, resume: outDir });
    expect(stored()).toBe(90_000);
    await evalEventsOf({ ...base, model: {}, training: { maxSteps: 4, evalEveryMs: 0 }, outDir: null, resume: outDir });
    expect(stored()).toBe(0);
  });
});
