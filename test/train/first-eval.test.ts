/** The first validation of a session comes by time (--first-eval), then every --eval-every steps. */
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/backend/index.js';
import { prepareTraining, type TrainRequest } from '../../src/train/setup.js';
import { smallCorpus, tempDir } from '../helpers/cli.js';

let dir: string;
let corpus: string;

beforeAll(async () => {
  await initBackend('wasm');
  dir = tempDir();
  corpus = smallCorpus(dir, 6_000);
});

async function evalSteps(name: string, firstEvalMs: number, evalEvery: number, maxSteps: number): Promise<number[]> {
  const request: TrainRequest = {
    corpusPath: corpus, normalization: 'none', model: { cell: 'gru', layers: 1, hidden: 8, embedding: 4, dropout: 0 },
    training: { batchSize: 2, seqLen: 16, maxSteps, maxEpochs: null, evalEvery, evalBatches: 1, sampleLength: 0, seed: 1, workers: 1, firstEvalMs },
    outDir: path.join(dir, name), resume: null, backend: 'wasm', engine: 'tfjs', threads: 1,
  };
  const trainer = prepareTraining(request);
  const steps: number[] = [];
  trainer.subscribe((e) => {
    if (e.type === 'eval') steps.push(e.step);
  });
  await trainer.run();
  trainer.dispose();
  return steps;
}

describe('first evaluation', () => {
  it('comes once firstEvalMs of training have passed, then every evalEvery steps', async () => {
    expect(await evalSteps('soon', 1, 4, 9)).toEqual([1, 4, 8, 9]);
  });

  it('waits for evalEvery when it is off or far away', async () => {
    expect(await evalSteps('off', 0, 4, 9)).toEqual([4, 8, 9]);
    expect(await evalSteps('later', 3_600_000, 4, 9)).toEqual([4, 8, 9]);
  });
});
