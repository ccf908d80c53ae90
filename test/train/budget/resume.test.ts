/**
 * A run whose model was chosen for its budget keeps that model, and the
 * record of why, when it is resumed, even with a new --max-time: a resume
 * never chooses again (its shape is fixed by its checkpoint).
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { smallCorpus, tempDir } from '../../helpers/cli.js';
import { runInProcess } from '../../helpers/in-process.js';

const TINY = ['--layers', '1', '--hidden', '16', '--embedding', '8', '--batch', '4', '--seq-len', '16', '--eval-every', '3', '--eval-batches', '1',
  '--sample-length', '0', '--no-ui', '--engine', 'ort', '--threads', '1'];
const meta = (dir: string): Record<string, any> => JSON.parse(fs.readFileSync(path.join(dir, 'latest', 'charnn.json'), 'utf8'));

describe('resuming a run whose model was chosen for its budget', () => {
  it('keeps the model and the choice, whatever the new limits', async () => {
    const dir = tempDir();
    const out = path.join(dir, 'run');
    const first = await runInProcess(['train', smallCorpus(dir), ...TINY, '--max-steps', '3', '--out', out]);
    expect(first.code, first.stderr).toBe(0);
    // What a budget-chosen run records (src/train/budget/for-run.ts); this run's own model stays as trained.
    const saved = meta(out);
    const choice = {
      summary: 'LSTM 1×16, dropout 0, lr 2e-3, seq-len 16 — the best for 5 min at 9.0k chars/s', budgetMs: 300_000, probeMs: 1200,
      candidates: [{ name: 'LSTM 1×16', dropout: 0, charsPerSec: 9000, expectedVal: 2.5 }],
    };
    fs.writeFileSync(path.join(out, 'latest', 'charnn.json'), JSON.stringify({ ...saved, choice }));
    const resumed = await runInProcess(['train', '--resume', out, '--max-time', '30m', '--max-steps', '6', '--no-ui']);
    expect(resumed.code, resumed.stderr).toBe(0);
    const after = meta(out);
    expect(after.progress.step).toBe(6);
    expect(after.model).toEqual(saved.model);
    expect(after.training).toMatchObject({ lr: saved.training.lr, seqLen: saved.training.seqLen });
    expect(after.choice).toEqual(choice);
    expect(resumed.stderr).not.toMatch(/the best for/);
  });
});
