/** Korean and emoji corpora train and generate characters of their own script. */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers/cli.js';

const korean = '옛날 옛적에 한 마을에 착한 소년이 살았습니다. 소년은 매일 산에 올라 나무를 했습니다.\n';
const emoji = '😀 good 👍🏽 day 🌧️ rain 🌈 then sun ☀️ and 🐈 cat 🐕 dog\n';

describe.each([
  ['korean', korean, /[\uac00-\ud7a3]/u, 'none'],
  ['korean-nfd', korean, /[\u1100-\u11ff]/u, 'nfd'],
  ['emoji', emoji, /\p{Extended_Pictographic}/u, 'none'],
])('%s corpus', (name, line, script, normalize) => {
  it('trains and generates characters of that script, with no broken code points', async () => {
    const dir = tempDir();
    const corpus = path.join(dir, `${name}.txt`);
    fs.writeFileSync(corpus, line.repeat(60));
    const out = path.join(dir, 'run');
    const train = await runCli([
      'train', corpus, '--cell', 'gru', '--layers', '1', '--hidden', '32', '--embedding', '16', '--batch', '4', '--seq-len', '32',
      '--max-steps', '30', '--eval-every', '30', '--eval-batches', '1', '--sample-length', '0', '--lr', '0.01',
      '--normalize', normalize, '--no-ui', '--out', out,
    ]);
    expect(train.stderr).not.toMatch(/\n\s+at /);
    expect(train.code).toBe(0);
    const gen = await runCli(['generate', out, '--length', '300', '--seed', '1', '--temperature', '0.5']);
    expect(gen.code).toBe(0);
    expect(gen.stdout).toMatch(script);
    // No lone surrogates: every code point is whole.
    expect(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(gen.stdout)).toBe(false);
    const vocab: string[] = JSON.parse(fs.readFileSync(path.join(out, 'latest', 'charnn.json'), 'utf8')).vocabulary;
    expect(vocab.every((c) => [...c].length === 1)).toBe(true);
  });
});
