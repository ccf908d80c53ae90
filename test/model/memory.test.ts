/**
 * Sizing TF.js work before it runs (issue 22): the estimate of a training
 * step's and a forward pass's tensors is checked against tf.profile's peak
 * on the wasm backend: never below it. (Calibrated on the built dist, whose
 * peaks run higher than under vitest at these small shapes: within 25% at
 * gigabytes there, up to 4× above here; hence the loose upper bound.) The budgets
 * name what bounds them, and one real-binary refusal of work far beyond
 * the wasm heap (it used to end as "memory access out of bounds" at 4.3 GB).
 */
import * as tf from '../../src/tf.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/engine/tfjs/backend/index.js';
import { checkMemory, memoryBudget, WASM_HEAP_BYTES } from '../../src/engine/tfjs/backend/memory-budget.js';
import { CharRnn } from '../../src/engine/tfjs/char-rnn.js';
import { CELL_TYPES, type CellType, type ModelConfig } from '../../src/model/config.js';
import { forwardBytes, trainingStepBytes } from '../../src/model/memory.js';
import { initParams } from '../../src/engine/tfjs/param-tensors.js';
import { CharnnError } from '../../src/util/errors.js';
import { Rng } from '../../src/util/rng.js';
import fs from 'node:fs';
import path from 'node:path';
import { ROOT, runCli, tempDir } from '../helpers/cli.js';
import { runInProcess } from '../helpers/in-process.js';

beforeAll(async () => {
  await initBackend('wasm');
});

/** tf.profile's peak bytes of one training step and of one forward pass of `config` over `n` streams × `t` steps. */
async function measured(config: ModelConfig, n: number, t: number): Promise<{ step: number; forward: number }> {
  const model = new CharRnn(config, initParams(config, new Rng(1)));
  const inputs = Int32Array.from({ length: n * t }, (_, i) => i % config.vocabSize);
  const targets = Int32Array.from({ length: n * t }, (_, i) => (i * 7) % config.vocabSize);
  const state = model.zeroState(n);
  try {
    const step = await tf.profile(() => {
      const r = model.lossAndGradients({ inputs, targets, batchSize: n, seqLen: t }, state);
      return [r.loss, ...r.grads.values()];
    });
    const forward = await tf.profile(() => [model.sequenceLogits({ inputs, batchSize: n, seqLen: t }, state).logits]);
    tf.dispose([step.result, forward.result]);
    return { step: step.peakBytes, forward: forward.peakBytes };
  } finally {
    tf.dispose(state as unknown as tf.Tensor[]);
    tf.dispose([...model.params.values()]);
  }
}

describe('the estimate of a TF.js pass', () => {
  it.each(CELL_TYPES.map((cell) => [cell, 2, 128, 65] as [CellType, number, number, number]))(
    '%s, %i layer(s) of %i, vocabulary %i: at or above the measured peak, within 5×',
    async (cell, layers, hidden, vocabSize) => {
      const config: ModelConfig = { cell, layers, hidden, embedding: 16, vocabSize, dropout: 0 };
      const { step, forward } = await measured(config, 32, 64);
      const estimate = { step: trainingStepBytes(config, 32, 64), forward: forwardBytes(config, 32, 64) };
      expect(estimate.step).toBeGreaterThanOrEqual(step);
      expect(estimate.step).toBeLessThan(5 * step);
      expect(estimate.forward).toBeGreaterThanOrEqual(forward);
      expect(estimate.forward).toBeLessThan(5 * forward);
    },
  );

  it('grows with every size the user gives', () => {
    const base: ModelConfig = { cell: 'lstm', layers: 2, hidden: 128, embedding: 16, vocabSize: 65, dropout: 0 };
    const bytes = trainingStepBytes(base, 32, 100);
    expect(trainingStepBytes(base, 64, 100)).toBeGreaterThan(1.9 * bytes);
    expect(trainingStepBytes(base, 32, 200)).toBeGreaterThan(1.9 * bytes);
    expect(trainingStepBytes({ ...base, hidden: 256 }, 32, 100)).toBeGreaterThan(1.9 * bytes);
    expect(trainingStepBytes({ ...base, layers: 4 }, 32, 100)).toBeGreaterThan(1.9 * bytes);
    expect(trainingStepBytes({ ...base, cell: 'rnn' }, 32, 100)).toBeLessThan(bytes);
  });
});

describe('budgets', () => {
  it('the wasm heap bounds each thread; the machine bounds the rest, shared by workers', () => {
    expect(memoryBudget('wasm', 1, 64 * 2 ** 30)).toEqual({ bytes: 0.95 * WASM_HEAP_BYTES, what: 'the 4 GiB WebAssembly heap of the wasm backend' });
    expect(memoryBudget('wasm', 8, 16 * 2 ** 30)).toEqual({ bytes: 2 * 2 ** 30, what: 'the 16 GiB of memory available shared by 8 workers' });
    expect(memoryBudget('cpu', 1, 3 * 2 ** 30)).toEqual({ bytes: 3 * 2 ** 30, what: 'the 3.0 GiB of memory available' });
  });

  it('refuses in one line naming the size and what to lower', () => {
    let error: unknown;
    try {
      checkMemory('a training step', 10 * 2 ** 30, memoryBudget('wasm', 1, 64 * 2 ** 30), 'lower --batch or --seq-len');
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(CharnnError);
    expect([(error as CharnnError).message, (error as CharnnError).hint, (error as CharnnError).exitCode]).toEqual([
      'a training step needs about 10 GiB of tensors, more than the 4 GiB WebAssembly heap of the wasm backend', 'lower --batch or --seq-len', 2,
    ]);
    expect(() => checkMemory('a training step', 2 ** 30, memoryBudget('wasm', 1, 64 * 2 ** 30), 'lower --batch')).not.toThrow();
  });
});

describe('commands refuse before they start', () => {
  it('train --engine tfjs: a step far beyond the wasm heap, before the run directory exists', async () => {
    const out = path.join(tempDir('charnn-memory-'), 'run');
    const r = await runInProcess([
      'train', path.join(ROOT, 'corpora', 'tinyshakespeare.txt'), '--engine', 'tfjs', '--backend', 'wasm', '--workers', '2',
      '--batch', '256', '--seq-len', '1024', '--hidden', '1024', '--no-ui', '--out', out,
    ]);
    expect(r.stderr).toBe(
      'charnn: a training step of lstm 2×1024 on batch 256 × seq-len 1024 (128 streams per worker) needs about 36 GiB of tensors, more than the 4 GiB WebAssembly heap of the wasm backend (lower --batch, --seq-len, --hidden or --layers)\n',
    );
    expect(r.code).toBe(2);
    expect(fs.existsSync(out)).toBe(false);
  });
});

describe('the real binary', () => {
  it('compare --task recall --lags 4000 --episodes 4000 --batch 4096 is refused before training, in one line', async () => {
    const r = await runCli(['compare', '--task', 'recall', '--lags', '4000', '--episodes', '4000', '--batch', '4096', '--max-steps', '1', '--no-ui', '--backend', 'wasm']);
    expect(r.stderr).toBe(
      'charnn: recall training of rnn 1×64 on 4096 episodes of 4004 characters needs about 61 GiB of tensors, more than the 4 GiB WebAssembly heap of the wasm backend (lower --batch, --lags or --hidden)\n',
    );
    expect(r.stdout).toBe('');
    expect(r.code).toBe(2);
  });
});
