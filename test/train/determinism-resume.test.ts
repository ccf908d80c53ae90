/**
 * Same seed, same backend: the same loss sequence. N steps, save, resume for
 * N more: the same weights as 2N straight steps (dropout, weight drop, embedding dropout and state resets
 * on, so the RNG state, the data cursor, the carried hidden state and Adam's
 * moments must all survive the checkpoint).
 */
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/engine/tfjs/backend/index.js';
import { loadCheckpoint } from '../../src/checkpoint/load.js';
import { prepareTraining, type TrainRequest } from '../../src/train/setup.js';
import type { StepEvent } from '../../src/train/events.js';
import { smallCorpus, tempDir } from '../helpers/cli.js';
import type { EngineName } from '../../src/engine/engine.js';

let dir: string;
let corpus: string;

beforeAll(async () => {
  await initBackend('wasm');
  dir = tempDir();
  corpus = smallCorpus(dir, 12_000);
});

function request(out: string, maxSteps: number, resume: string | null = null, workers = 1, engine: EngineName = 'tfjs', stateResets = 0.25): TrainRequest {
  return {
    corpusPath: corpus,
    normalization: 'none',
    model: resume ? {} : { cell: 'lstm', layers: 2, hidden: 24, embedding: 8, dropout: 0.2, weightDrop: 0.2, embeddingDropout: 0.1 },
    training: {
      batchSize: 4, seqLen: 16, maxSteps, evalEvery: 6, evalBatches: 2, sampleLength: 0, seed: 3,
      // A schedule that depends on the step alone: the first half's run (limit N) and the straight
      // run (limit 2N) would otherwise plan cosines of different lengths.
      ...(resume ? {} : { maxEpochs: null, stateResets, schedule: 'step' as const }),
    },
    outDir: out,
    resume,
    engine: { name: engine, backend: 'wasm', threads: 2, workers },
  };
}

async function train(req: TrainRequest): Promise<number[]> {
  const trainer = await prepareTraining(req);
  const losses: number[] = [];
  trainer.subscribe((e) => {
    if (e.type === 'step') losses.push((e as StepEvent).loss);
  });
  await trainer.run();
  trainer.dispose();
  return losses;
}

function weights(run: string): Float32Array[] {
  const { params } = loadCheckpoint(path.join(run, 'latest'));
  return [...params.values()];
}

describe('training', () => {
  it('is deterministic for a seed', async () => {
    const a = await train(request(path.join(dir, 'a'), 8));
    const b = await train(request(path.join(dir, 'b'), 8));
    expect(a).toHaveLength(8);
    expect(b).toEqual(a);
  });

  it('resets some streams\' carried state between windows, drawn from the run\'s RNG', async () => {
    const withResets = await train(request(path.join(dir, 'resets'), 8));
    const without = await train(request(path.join(dir, 'no-resets'), 8, null, 1, 'tfjs', 0));
    // The first window starts from zero either way; later ones differ only where streams were reset.
    expect(withResets[0]).toBe(without[0]);
    expect(withResets.slice(1)).not.toEqual(without.slice(1));
  });

  it('refuses a resume whose --max-steps the run has reached (it would train nothing), naming one that trains on', async () => {
    const run = path.join(dir, 'reached');
    await train(request(run, 4));
    await expect(prepareTraining(request(run, 3, run))).rejects.toMatchObject({
      message: expect.stringMatching(/is at step 4 already: --max-steps 3 counts from the start of the run/),
      hint: expect.stringMatching(/--resume .*reached --max-steps 104/),
      exitCode: 2,
    });
    // Without a new limit, the run's own --max-steps 4 is the one reached.
    const plain = request(run, 4, run);
    delete plain.training.maxSteps;
    await expect(prepareTraining(plain)).rejects.toMatchObject({ message: expect.stringMatching(/the --max-steps 4 it was trained with/) });
    // Nothing was written: latest/ is still the one of step 4.
    expect(loadCheckpoint(path.join(run, 'latest')).meta.progress.step).toBe(4);
  });

  it.each([1, 2])('resumes exactly with %i worker(s): N + N steps equal 2N straight steps', async (workers) => {
    const straight = path.join(dir, `straight-${workers}`);
    const split = path.join(dir, `split-${workers}`);
    const straightLosses = await train(request(straight, 12, null, workers));
    const firstHalf = await train(request(split, 6, null, workers));
    const secondHalf = await train(request(split, 12, path.join(split, 'latest'), workers));
    expect(firstHalf).toHaveLength(6);
    expect(secondHalf).toHaveLength(6);
    const resumedLosses = [...firstHalf, ...secondHalf];
    resumedLosses.forEach((loss, i) => expect(Math.abs(loss - straightLosses[i]!)).toBeLessThanOrEqual(1e-5));
    const a = weights(straight);
    const b = weights(split);
    let worst = 0;
    a.forEach((values, i) => values.forEach((v, j) => (worst = Math.max(worst, Math.abs(v - b[i]![j]!)))));
    expect(worst).toBeLessThanOrEqual(1e-5);
    expect(JSON.parse(fs.readFileSync(path.join(split, 'latest', 'charnn.json'), 'utf8')).progress.step).toBe(12);
  });
});

describe('data-parallel training', () => {
  it.each([
    ['no dropout', { dropout: 0 }],
    ['dropout 0.3', { dropout: 0.3 }],
    ['every training mask', { dropout: 0.3, dropoutMask: 'sequence', weightDrop: 0.3, embeddingDropout: 0.2 }],
  ] as const)('with 2 workers follows the single-worker run of the same global batch (%s)', async (name, masks) => {
    const dropout = name.replaceAll(' ', '-');
    const base = (out: string, workers: number): TrainRequest => ({
      corpusPath: corpus,
      normalization: 'none',
      model: { cell: 'gru', layers: 2, hidden: 24, embedding: 8, ...masks },
      training: { batchSize: 6, seqLen: 16, maxSteps: 20, maxEpochs: null, evalEvery: 20, evalBatches: 1, sampleLength: 0, seed: 5, stateResets: 0.2 },
      outDir: out,
      resume: null,
      engine: { name: 'tfjs', backend: 'wasm', threads: 0, workers },
    });
    const single = await train(base(path.join(dir, `w1-${dropout}`), 1));
    const parallel = await train(base(path.join(dir, `w2-${dropout}`), 2));
    expect(parallel).toHaveLength(20);
    parallel.forEach((loss, i) => expect(Math.abs(loss - single[i]!)).toBeLessThanOrEqual(1e-4));
  });
});

describe('engines', () => {
  it('ort: the same seed gives the same losses, and N + N steps equal 2N straight steps', async () => {
    const straight = await train(request(path.join(dir, 'ort-straight'), 12, null, 1, 'ort'));
    const again = await train(request(path.join(dir, 'ort-again'), 12, null, 1, 'ort'));
    expect(again).toEqual(straight);
    const split = path.join(dir, 'ort-split');
    const resumed = [...(await train(request(split, 6, null, 1, 'ort'))), ...(await train(request(split, 12, path.join(split, 'latest'), 1, 'ort')))];
    expect(resumed).toEqual(straight);
  });

  it.each([['tfjs', 'ort'], ['ort', 'tfjs']] as const)('a checkpoint trained on %s resumes on %s and follows the run that stayed', async (first, second) => {
    const stayed = await train(request(path.join(dir, `stay-${first}`), 12, null, 1, first));
    const split = path.join(dir, `switch-${first}-${second}`);
    const switched = [...(await train(request(split, 6, null, 1, first))), ...(await train(request(split, 12, path.join(split, 'latest'), 1, second)))];
    expect(switched).toHaveLength(12);
    // The engines differ in float rounding only.
    switched.forEach((loss, i) => expect(Math.abs(loss - stayed[i]!)).toBeLessThanOrEqual(1e-4));
    const meta = JSON.parse(fs.readFileSync(path.join(split, 'latest', 'charnn.json'), 'utf8'));
    expect(meta.engine).toMatch(new RegExp(`^${second}`));
  });
});
