/**
 * Fine-tuning (issue 12): `train new.txt --init-from <checkpoint>` starts a new
 * run from a trained model's weights, with the new text's extra characters
 * appended to the vocabulary. After the same number of steps with the same
 * seed it predicts the new text better than a fresh model, and it keeps the
 * characters only the old text had.
 */
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT, runCli, tempDir } from '../helpers/cli.js';
import { runInProcess } from '../helpers/in-process.js';

const MODEL = ['--cell', 'lstm', '--layers', '1', '--hidden', '64', '--embedding', '16'];
const RUN = ['--batch', '16', '--seq-len', '32', '--lr', '0.01', '--eval-batches', '0', '--sample-length', '0', '--no-ui', '--backend', 'wasm', '--workers', '1'];
const STEPS = 30;

const meta = (run: string, sub = 'latest') => JSON.parse(fs.readFileSync(path.join(run, sub, 'charnn.json'), 'utf8'));

let dir: string;
let base: string;
let newText: string;
let oldOnly: string[];
let oldSlice: (from: number, to: number) => string;

beforeAll(async () => {
  dir = tempDir('charnn-finetune-');
  const shakespeare = fs.readFileSync(path.join(ROOT, 'corpora', 'tinyshakespeare.txt'), 'utf8');
  oldSlice = (from, to) => shakespeare.slice(from, to);
  const oldFile = path.join(dir, 'old.txt');
  fs.writeFileSync(oldFile, shakespeare.slice(0, 30_000));
  // The new text: more Shakespeare, lower-cased (capitals become old-only characters),
  // with typographic apostrophes and reversed semicolons (new characters).
  const text = shakespeare.slice(30_000, 36_000).toLowerCase().replace(/'/g, '’').replace(/;/g, '⁏');
  newText = path.join(dir, 'new.txt');
  fs.writeFileSync(newText, text);
  oldOnly = [...new Set(shakespeare.slice(0, 30_000))].filter((c) => !text.includes(c));
  base = path.join(dir, 'base');
  const r = await runCli(['train', oldFile, ...MODEL, ...RUN, '--max-steps', '150', '--eval-every', '150', '--out', base]);
  if (r.code !== 0) throw new Error(r.stderr);
});

describe('train --init-from', () => {
  it('fine-tunes better than a fresh model in the same steps, adds the new characters and keeps the old ones', async () => {
    const tuned = path.join(dir, 'tuned');
    const fresh = path.join(dir, 'fresh');
    const [t, f] = await Promise.all([
      runCli(['train', newText, '--init-from', path.join(base, 'latest'), ...RUN, '--max-steps', String(STEPS), '--eval-every', String(STEPS), '--out', tuned]),
      runCli(['train', newText, ...MODEL, ...RUN, '--max-steps', String(STEPS), '--eval-every', String(STEPS), '--out', fresh]),
    ]);
    expect(t.code, t.stderr).toBe(0);
    expect(f.code, f.stderr).toBe(0);
    expect(t.stderr).toMatch(/note: fine-tuning from .*base[/\\]latest \(step 150, trained on old\): added 2 new characters: "’" "⁏" \(vocabulary \d+ → \d+\)/);

    const source = meta(base);
    const tunedMeta = meta(tuned);
    // A new run: step 0 → STEPS, the source recorded, every old character at its old id, the new ones appended.
    expect(tunedMeta.progress.step).toBe(STEPS);
    expect(tunedMeta.history.val.at(-1)[0]).toBe(STEPS);
    expect(tunedMeta.initFrom).toMatchObject({ step: 150, corpus: 'old', vocabSize: source.vocabulary.length, added: ['’', '⁏'] });
    expect(tunedMeta.initFrom.path).toBe(path.join(base, 'latest'));
    expect(tunedMeta.vocabulary).toEqual([...source.vocabulary, '’', '⁏']);
    expect(tunedMeta.model).toMatchObject({ cell: 'lstm', layers: 1, hidden: 64, embedding: 16 });

    // Same seed, same steps, same validation text: the fine-tuned model predicts it better.
    const tunedLoss = tunedMeta.history.val.at(-1)[1];
    const freshLoss = meta(fresh).history.val.at(-1)[1];
    expect(tunedLoss).toBeLessThan(freshLoss);

    // It still models the characters only the old text had (here: capitals): it scores the old
    // text without skipping any, and writes some (about 1 in 1,500 characters after 30 steps
    // on lower-case text, in the old text's context).
    const prime = oldSlice(200, 300); // '… know Caius Marcius is chief enemy to the people.\n\nAll:\n…'
    const sample = await runCli(['generate', tuned, '--prime', prime, '--length', '2000', '--num', '4', '--temperature', '1', '--seed', '1',
      '--format', 'jsonl', '--backend', 'wasm']);
    expect(sample.code).toBe(0);
    const written = sample.stdout.trim().split('\n').map((line) => JSON.parse(line).text as string).join('');
    expect([...written].filter((c) => oldOnly.includes(c)).length).toBeGreaterThan(0);
    const old = await runCli(['eval', tuned, path.join(dir, 'old.txt'), '--json', '--backend', 'wasm']);
    expect(JSON.parse(old.stdout)).toMatchObject({ skipped: 0 });

    const info = await runCli(['info', tuned]);
    expect(info.stdout).toMatch(/fine-tuned from .*base[/\\]latest \(step 150, old\), 2 characters added/);
  });

  it('refuses shape flags, --resume and a missing text in one line', async () => {
    const cases: [string[], RegExp][] = [
      [['train', newText, '--init-from', base, '--hidden', '128'], /^charnn: --hidden cannot be used with --init-from: the model keeps the checkpoint's shape \(drop --hidden, or train a new model without --init-from\)\n$/],
      [['train', newText, '--init-from', base, '--cell', 'gru'], /^charnn: --cell cannot be used with --init-from/],
      [['train', newText, '--init-from', base, '--resume', base], /^charnn: --init-from and --resume cannot be combined/],
      [['train', '--init-from', base], /^charnn: --init-from needs the text to fine-tune on/],
    ];
    const results = await Promise.all(cases.map(([args]) => runInProcess(args)));
    results.forEach((r, i) => {
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(cases[i]![1]);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    });
  });
});
