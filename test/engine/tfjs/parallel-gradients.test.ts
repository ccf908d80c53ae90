/**
 * Data-parallel gradients on TF.js (src/engine/tfjs/parallel/): a gradient
 * worker that cannot start fails the step with its own error instead of
 * leaving it waiting, and disposing ends the workers. (That a run with
 * workers follows the single-thread run is in test/train/determinism-resume.test.ts.)
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../src/engine/tfjs/backend/index.js';
import type { BackendName } from '../../../src/engine/tfjs/backend/names.js';
import { ParallelGradients } from '../../../src/engine/tfjs/parallel/parallel-gradients.js';
import type { ModelConfig } from '../../../src/model/config.js';
import { initParamArrays } from '../../../src/model/params.js';
import { zeroState } from '../../../src/model/state.js';
import { CharnnError } from '../../../src/util/errors.js';
import { Rng } from '../../../src/util/rng.js';

const config: ModelConfig = { cell: 'gru', vocabSize: 5, embedding: 3, hidden: 4, layers: 1, dropout: 0 };
const batch = { inputs: Int32Array.from({ length: 8 }, (_, i) => i % 5), targets: Int32Array.from({ length: 8 }, (_, i) => (i + 1) % 5), batchSize: 4, seqLen: 2 };

beforeAll(async () => {
  await initBackend('cpu');
});

describe('ParallelGradients', () => {
  it('a gradient worker that cannot start fails the step with its error, and dispose() returns', async () => {
    const parallel = new ParallelGradients(config, 2, 'bogus' as BackendName);
    const error = await parallel.compute(initParamArrays(config, new Rng(1)), batch, zeroState(config, 4), new Rng(2)).then(() => null, (e: unknown) => e);
    expect(error).toBeInstanceOf(CharnnError);
    expect((error as CharnnError).message).toBe('unknown backend "bogus"');
    await parallel.dispose();
  });
});
