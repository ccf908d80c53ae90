/** Fast smoke tests of the real binary: compare (text and recall) and gradients on tiny sizes. */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, smallCorpus, tempDir } from '../helpers/cli.js';
import { runInProcess } from '../helpers/in-process.js';

const dir = tempDir('charnn-compare-');
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('charnn compare', () => {
  it('trains every cell on the engine train uses and prints the final table as JSON', async () => {
    const corpus = smallCorpus(dir);
    const out = path.join(dir, 'runs');
    const r = await runCli([
      'compare', corpus, '--max-steps', '3', '--hidden', '16', '--layers', '1', '--embedding', '8', '--batch', '4', '--seq-len', '16',
      '--eval-every', '2', '--eval-batches', '2', '--sample-length', '10', '--engine', 'ort', '--threads', '1', '--out', out, '--json',
    ]);
    expect(r.stderr).not.toMatch(/internal error/);
    expect(r.code).toBe(0);
    const result = JSON.parse(r.stdout);
    expect(result).toMatchObject({
      task: 'text', corpus: 'small', match: 'hidden', engine: 'ort', budget: { engine: 'ort, 1 thread', maxSteps: 3, batchSize: 4, seqLen: 16, evalEvery: 2 },
    });
    // Every run says so at its start, and its checkpoints record it.
    expect(r.stderr).toMatch(/^compare: small: 3 steps each on ort, 1 thread,/m);
    expect(result.rows.map((row: { cell: string }) => row.cell)).toEqual(['rnn', 'lstm', 'gru']);
    for (const row of result.rows) {
      expect(row).toMatchObject({ hidden: 16, layers: 1, steps: 3, stopped: false });
      expect(row.val.map(([step]: [number]) => step)).toEqual([2, 3]);
      expect(row.bestValLoss).toBeGreaterThan(0);
      expect(row.bestValBpc).toBeCloseTo(row.bestValLoss / Math.LN2, 9);
      expect(row.msPerStep).toBeGreaterThan(0);
      expect(row.charsPerSec).toBeCloseTo((4 * 16 * 1000) / row.msPerStep, 6);
      expect(typeof row.sample).toBe('string');
      expect(JSON.parse(fs.readFileSync(path.join(out, row.cell, 'latest', 'charnn.json'), 'utf8')).engine).toMatch(/^ort/);
    }
    // Equal hidden sizes: the LSTM has the most parameters, the RNN the fewest.
    const [rnn, lstm, gru] = result.rows.map((row: { params: number }) => row.params);
    expect(rnn).toBeLessThan(gru);
    expect(gru).toBeLessThan(lstm);
    // Progress went to stderr.
    expect(r.stderr).toMatch(/lstm: step 2 val/);
  });

  it('matches parameter counts and prints a plain table without a terminal', async () => {
    const corpus = smallCorpus(dir);
    const r = await runCli([
      'compare', corpus, '--cells', 'rnn,lstm', '--match', 'params', '--max-steps', '2', '--hidden', '16', '--layers', '1', '--embedding', '8',
      '--batch', '4', '--seq-len', '16', '--eval-batches', '1', '--sample-length', '0', '--engine', 'tfjs', '--backend', 'wasm', '--out', path.join(dir, 'runs2'),
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/each on tfjs wasm,/);
    expect(r.stdout).toMatch(/same hidden size|hidden sizes matched/);
    const rows = r.stdout.split('\n').filter((l) => /^ (rnn|lstm) /.test(l));
    expect(rows.length).toBe(2);
    const hidden = (cell: string) => Number(rows.find((l) => l.startsWith(` ${cell}`))!.trim().split(/\s+/)[1]);
    expect(hidden('lstm')).toBe(16);
    expect(hidden('rnn')).toBeGreaterThan(16);
  });

  it('runs the recall task and reports accuracy per cell and lag', async () => {
    const r = await runCli(['compare', '--task', 'recall', '--lags', '2,3', '--cells', 'rnn,gru', '--max-steps', '5', '--hidden', '8', '--episodes', '32', '--backend', 'wasm', '--json']);
    expect(r.code).toBe(0);
    const result = JSON.parse(r.stdout);
    expect(result).toMatchObject({ task: 'recall', chance: 0.25, lags: [2, 3], budget: { steps: 5, fixedLag: false } });
    expect(result.results.map((x: { cell: string; lag: number }) => `${x.cell}@${x.lag}`)).toEqual(['rnn@2', 'gru@2', 'rnn@3', 'gru@3']);
    for (const x of result.results) {
      expect(x.accuracy).toBeGreaterThanOrEqual(0);
      expect(x.accuracy).toBeLessThanOrEqual(1);
      expect(x.evalCount).toBe(32);
    }
  });

  it('rejects a corpus with --task recall and an unknown cell', async () => {
    const a = await runInProcess(['compare', 'corpora/tinyshakespeare.txt', '--task', 'recall']);
    expect(a.code).toBe(2);
    expect(a.stderr).toMatch(/takes no corpus/);
    const ort = await runInProcess(['compare', '--task', 'recall', '--engine', 'ort']);
    expect(ort.code).toBe(2);
    expect(ort.stderr.trim().split('\n')).toEqual([
      'charnn: --engine ort does not apply to --task recall, which trains on TF.js (it reads per-step gradients) (drop it, or use --task text)',
    ]);
    const b = await runCli(['compare', '--cells', 'rnn,transformer']);
    expect(b.code).toBe(2);
    expect(b.stderr).toMatch(/unknown cell "transformer"/);
  });
});

describe('charnn gradients', () => {
  it('prints the raw series as JSON', async () => {
    const corpus = smallCorpus(dir);
    const r = await runCli(['gradients', corpus, '--span', '10', '--hidden', '16', '--embedding', '8', '--batches', '2', '--batch', '4', '--backend', 'wasm', '--json']);
    expect(r.code).toBe(0);
    const result = JSON.parse(r.stdout);
    expect(result).toMatchObject({ span: 10, threshold: 1e-3, windows: 2, streams: 4 });
    expect(result.models.map((m: { cell: string }) => m.cell)).toEqual(['rnn', 'lstm', 'gru']);
    for (const m of result.models) {
      expect(m.source).toBe('fresh');
      expect(m.norms.length).toBe(11);
      expect(m.relative[1]).toBe(1);
      expect(m.layers).toBe(2);
    }
  });

  it('measures a trained checkpoint and prints a chart and table without a terminal', async () => {
    const out = path.join(dir, 'runs', 'gru');
    if (!fs.existsSync(out)) return; // the compare test above made it
    const r = await runCli(['gradients', '--checkpoint', out, '--span', '8', '--batches', '1', '--batch', '2', '--backend', 'wasm']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/‖∂L_T\/∂h_\{T−k\}‖/);
    expect(r.stdout).toMatch(/^gru\s+16\s+1\s/m);
  });
});
