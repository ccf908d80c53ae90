/** Korean and emoji corpora train and generate characters of their own script. */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers/cli.js';

const korean = '옛날 옛적에 한 마을에 착한 소년이 살았습니다. 소년은 매일 산에 올라 나무를 했습니다.\n';
const emoji = '😀 good 👍🏽 day 🌧️ rain 🌈 then sun ☀️ and 🐈 cat 🐕 dog\n';

describe.each([
  ['korean', korean, /[\uac00-\ud7a3]/u, 'none'],
  ['korean-nfd', korean, /[\uac00-\ud7a3]/u, 'nfd'], // trained on jamo, printed composed
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
      '--normalize', normalize, '--dropout', '0', '--schedule', 'step', '--no-ui', '--out', out,
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
    if (normalize !== 'nfd') return;
    // An NFD model writes jamo; charnn prints them composed (NFC), the prime included, unless --keep-nfd.
    // (Jamo the model strings together in an impossible order stay jamo.)
    expect(gen.stdout).toBe(gen.stdout.normalize('NFC'));
    const [kept, primed, stopped, escaped] = await Promise.all([
      runCli(['generate', out, '--length', '300', '--seed', '1', '--temperature', '0.5', '--keep-nfd']),
      runCli(['generate', out, '--prime', '옛날', '--length', '50', '--seed', '1', '--format', 'jsonl']),
      runCli(['generate', out, '--length', '0', '--stop', '산', '--seed', '2', '--temperature', '0.2', '--format', 'jsonl']),
      runCli(['generate', out, '--length', '0', '--stop', '\\uC0B0', '--seed', '2', '--temperature', '0.2', '--format', 'jsonl']),
    ]);
    expect(kept.stdout).toMatch(/[\u1100-\u11ff]/u);
    expect(kept.stdout.normalize('NFC')).toBe(gen.stdout);
    const record = JSON.parse(primed.stdout);
    expect(record.prompt).toBe('옛날');
    expect(record.text).toBe(record.text.normalize('NFC'));
    // A stop string typed composed (or as \uXXXX escapes) ends the decomposed text.
    expect(JSON.parse(stopped.stdout)).toMatchObject({ stopped: '산' });
    expect(JSON.parse(escaped.stdout)).toMatchObject({ stopped: '산', text: JSON.parse(stopped.stdout).text });
  });
});
