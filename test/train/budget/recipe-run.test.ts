/**
 * A run whose model is chosen for its time budget trains with the learning
 * rate and seq-len that model was measured with (src/train/budget/grid.ts),
 * and records them; --lr and --seq-len given by the user win.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { GRID } from '../../../src/train/budget/grid.js';
import { tempDir } from '../../helpers/cli.js';
import { runInProcess } from '../../helpers/in-process.js';

/** A text long enough to be chosen for with Tiny Shakespeare's grid (more than half its training characters): words from a small generator. */
function longText(dir: string): string {
  const words = ['the', 'king', 'and', 'queen', 'of', 'a', 'night', 'we', 'shall', 'speak', 'no', 'more', 'thou', 'art'];
  let x = 1;
  const parts: string[] = [];
  for (let n = 0; n < GRID.trainChars * 0.6; ) {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    const word = words[x % words.length]!;
    parts.push(word);
    n += word.length + 1;
  }
  const file = path.join(dir, 'long.txt');
  fs.writeFileSync(file, parts.join(' '));
  return file;
}

const QUICK = ['--max-time', '3s', '--sample-length', '0', '--eval-batches', '1', '--no-ui', '--engine', 'ort', '--threads', '1'];
const meta = (out: string): Record<string, any> => JSON.parse(fs.readFileSync(path.join(out, 'latest', 'charnn.json'), 'utf8'));

describe('a run whose model is chosen for its budget', () => {
  it('trains with that model\'s learning rate and seq-len, and the user\'s --lr and --seq-len win', async () => {
    const dir = tempDir();
    const corpus = longText(dir);
    const own = path.join(dir, 'own');
    const first = await runInProcess(['train', corpus, ...QUICK, '--out', own]);
    expect(first.code, first.stderr).toBe(0);
    const m = meta(own);
    const chosen = GRID.candidates.find((c) => c.cell === m.model.cell && c.layers === m.model.layers && c.hidden === m.model.hidden);
    expect(chosen, JSON.stringify(m.model)).toBeDefined();
    expect(m.training).toMatchObject({ lr: chosen!.lr, seqLen: chosen!.seqLen });
    expect(m.choice.summary).toContain(`seq-len ${chosen!.seqLen} — the best for 3 s`);

    const given = path.join(dir, 'given');
    const second = await runInProcess(['train', corpus, ...QUICK, '--lr', '0.001', '--seq-len', '40', '--out', given]);
    expect(second.code, second.stderr).toBe(0);
    expect(meta(given).training).toMatchObject({ lr: 0.001, seqLen: 40 });
    expect(meta(given).choice.summary).toContain('lr 1e-3, seq-len 40');
  });
});
