/**
 * A checkpoint may come from anyone (issue 11): every hostile one is refused
 * with one line and exit 2, before anything large is read or allocated —
 * within 64 MB read, 500 MB of peak memory and 10 s of CPU time (a busy
 * machine stretches wall time at will; these it does not) — and strings
 * from a checkpoint never reach the terminal raw. Real binary, copies of a
 * tiny trained checkpoint.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli, runCliMeasured, tempDir, type CliResult, type MeasuredResult } from '../helpers/cli.js';
import { trainTiny } from '../helpers/tiny-run.js';

const MAX_RSS_MB = 500;
/** The largest file charnn reads whole is a 32 MB charnn.json; the 2 GB and 3 GB ones must stay unread. */
const MAX_READ_BYTES = 64 * 2 ** 20;
/** Start-up and a refusal take well under a second of CPU time; 10 s allows a processor 5× slower. */
const MAX_CPU_MS = 10_000;
const TINY = ['--layers', '1', '--hidden', '32', '--embedding', '16', '--batch', '8', '--seq-len', '32', '--eval-batches', '1',
  '--sample-length', '0', '--no-ui', '--backend', 'wasm', '--workers', '1'];
/** Raw ESC, BEL or C1 control characters: what must never be printed from a checkpoint. */
// eslint-disable-next-line no-control-regex
const RAW_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202e]/;

let dir: string;
let run: string;

function copy(name: string, damage: (ckpt: string) => void): string {
  const ckpt = path.join(dir, name);
  fs.cpSync(path.join(run, 'latest'), ckpt, { recursive: true });
  damage(ckpt);
  return ckpt;
}

function editJson(file: string, edit: (json: Record<string, any>) => void): void {
  const json = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, any>;
  edit(json);
  fs.writeFileSync(file, JSON.stringify(json));
}

const editMeta = (ckpt: string, edit: (m: Record<string, any>) => void) => editJson(path.join(ckpt, 'charnn.json'), edit);

/** Within the bounds of bytes read, memory and CPU time. */
function expectBounded(r: MeasuredResult): void {
  expect(r.peakRssMb, 'peak RSS in MB').toBeLessThan(MAX_RSS_MB);
  expect(r.cpuMs, 'CPU time in ms').toBeLessThan(MAX_CPU_MS);
  if (r.readBytes !== null) expect(r.readBytes, 'bytes read').toBeLessThan(MAX_READ_BYTES);
}

/** Exactly one line on stderr, matching `message`, exit 2, within the bounds. */
function expectRefused(r: MeasuredResult, message: RegExp): void {
  expect(r.stderr, r.stderr).not.toMatch(/\n\s+at |internal error|Assertion|heap/i);
  expect(r.stderr.split('\n').filter((l) => l.length > 0), r.stderr).toHaveLength(1);
  expect(r.stderr).toMatch(message);
  expect(r.stderr).not.toMatch(RAW_CONTROL);
  expect(r.code, r.stderr).toBe(2);
  expectBounded(r);
}

beforeAll(() => {
  dir = tempDir('charnn-hostile-');
  run = trainTiny(dir, 'lstm', ['--workers', '1']);
});

describe('files that are not regular files inside the checkpoint', () => {
  it.concurrent('weights.bin → /dev/zero (info, generate)', async () => {
    const ckpt = copy('zero', (c) => {
      fs.rmSync(path.join(c, 'weights.bin'));
      fs.symlinkSync('/dev/zero', path.join(c, 'weights.bin'));
    });
    for (const args of [['info', ckpt], ['generate', ckpt, '--length', '5']]) {
      expectRefused(await runCliMeasured(args), /^charnn: checkpoint .*zero is damaged: weight file weights\.bin is a symbolic link \(a checkpoint holds only regular files\)/);
    }
  });

  it.concurrent('weights.bin is a FIFO (nobody ever writes to it)', async () => {
    const ckpt = copy('fifo', (c) => {
      fs.rmSync(path.join(c, 'weights.bin'));
      expect(spawnSync('mkfifo', [path.join(c, 'weights.bin')]).status).toBe(0);
    });
    // Opening a FIFO would block for ever: the deadline (generous for a slow machine) turns that into a failure.
    expectRefused(await runCliMeasured(['info', ckpt], { timeoutMs: 60_000 }), /is damaged: weight file weights\.bin is not a regular file/);
  });

  it.concurrent('state.bin → /dev/zero on --resume; charnn.json → a file outside', async () => {
    const ckpt = copy('state-zero', (c) => {
      fs.rmSync(path.join(c, 'state.bin'));
      fs.symlinkSync('/dev/zero', path.join(c, 'state.bin'));
    });
    expectRefused(await runCliMeasured(['train', '--resume', ckpt, ...TINY, '--max-steps', '12']), /is damaged: state file state\.bin is a symbolic link/);
    const outside = copy('meta-outside', (c) => {
      fs.renameSync(path.join(c, 'charnn.json'), path.join(dir, 'elsewhere.json'));
      fs.symlinkSync(path.join(dir, 'elsewhere.json'), path.join(c, 'charnn.json'));
    });
    expectRefused(await runCliMeasured(['info', outside]), /is damaged: file charnn\.json is a symbolic link/);
  });

  it.concurrent('a run directory whose best/ is a symbolic link', async () => {
    const runCopy = path.join(dir, 'linked-run');
    fs.mkdirSync(runCopy);
    fs.symlinkSync(path.join(run, 'best'), path.join(runCopy, 'best'));
    expectRefused(await runCliMeasured(['generate', runCopy]), /^charnn: run directory .*linked-run is damaged: best is a symbolic link/);
  });
});

describe('sizes are known before reading', () => {
  it.concurrent('the manifest lists weights.bin 2,000 times', async () => {
    const ckpt = copy('repeated', (c) =>
      editJson(path.join(c, 'model.json'), (m) => {
        m.weightsManifest[0].paths = Array.from({ length: 2000 }, () => './weights.bin');
      }),
    );
    expectRefused(await runCliMeasured(['info', ckpt]), /is damaged: model\.json lists a weight file more than once/);
  });

  it.concurrent('a weight file larger than the config needs', async () => {
    const ckpt = copy('grown', (c) => fs.truncateSync(path.join(c, 'weights.bin'), 3 * 2 ** 30));
    expectRefused(await runCliMeasured(['info', ckpt]), /is damaged: weight data is 3221225472 bytes, the manifest needs \d+/);
  });

  it.concurrent('a 2 GB charnn.json and a 1 GB model.json (sparse files)', async () => {
    const meta = copy('big-meta', (c) => fs.truncateSync(path.join(c, 'charnn.json'), 2 * 2 ** 30));
    expectRefused(await runCliMeasured(['info', meta]), /is damaged: file charnn\.json is 2,147,483,648 bytes, more than the 33,554,432 it can be/);
    const model = copy('big-model', (c) => fs.truncateSync(path.join(c, 'model.json'), 2 ** 30));
    expectRefused(await runCliMeasured(['info', model]), /is damaged: file model\.json is 1,073,741,824 bytes, more than the 16,777,216 it can be/);
  });

  it.concurrent('the largest charnn.json accepted (a loss history of a million points) stays within the bounds', async () => {
    const ckpt = copy('long-history', (c) => editMeta(c, (m) => {
      const points = Array.from({ length: 550_000 }, (_, i) => [i, 3.123456789012345]);
      m.history = { train: points, val: points };
    }));
    expect(fs.statSync(path.join(ckpt, 'charnn.json')).size).toBeGreaterThan(28 * 2 ** 20);
    const r = await runCliMeasured(['info', ckpt]);
    expect(r.code, r.stderr).toBe(0);
    expectBounded(r);
  });

  it.concurrent('state.bin tensors whose shapes the model does not have', async () => {
    const ckpt = copy('state-shapes', (c) => editMeta(c, (m) => {
      m.state.tensors[0].shape = [1e9, 1e9];
    }));
    expectRefused(await runCliMeasured(['train', '--resume', ckpt, ...TINY, '--max-steps', '12']), /is damaged: state\.bin tensor adam\.m\/embedding has shape \[1000000000,1000000000\] but the model needs/);
  });
});

describe('config numbers are bounded before allocating', () => {
  it.concurrent.each<[string, (m: Record<string, any>) => void, RegExp]>([
    ['layers 10,000,000', (m) => (m.model.layers = 10_000_000), /model layers 10000000 exceeds the limit of 64/],
    ['hidden 1e9', (m) => (m.model.hidden = 1e9), /model hidden 1000000000 exceeds the limit of 16,384/],
    ['embedding 1e8', (m) => (m.model.embedding = 1e8), /model embedding 100000000 exceeds the limit of 16,384/],
    ['64 layers of 16,384', (m) => Object.assign(m.model, { layers: 64, hidden: 16384 }), /model [\d,]+ parameters exceed the limit of 536,870,912/],
    ['batch size 1e9', (m) => (m.training.batchSize = 1e9), /training batchSize 1000000000 exceeds the limit of 4,096/],
    ['100,000 workers', (m) => (m.training.workers = 100_000), /training workers 100000 exceeds the limit of 256/],
  ])('%s', async (_, edit, message) => {
    const ckpt = copy(`limits-${_.replace(/\W+/g, '-')}`, (c) => editMeta(c, edit));
    expectRefused(await runCliMeasured(['info', ckpt]), new RegExp(`^charnn: checkpoint .* is damaged: ${message.source}`));
  });

  // test/checkpoint/meta-bounds.test.ts checks the other fields in-process.
  it.concurrent('progress.step 1e300 (info would print 300 digits, --resume save it)', async () => {
    const ckpt = copy('step-1e300', (c) => editMeta(c, (m) => {
      m.progress.step = 1e300;
    }));
    expectRefused(await runCliMeasured(['info', ckpt]), /^charnn: checkpoint .* is damaged: progress\.step must be a whole number from 0 to 1e\+12/);
  });

  it.concurrent('a lone surrogate in the vocabulary is not carried into a fine-tune', async () => {
    const ckpt = copy('surrogate', (c) => editMeta(c, (m) => {
      m.vocabulary[m.vocabulary.length - 1] = '\ud800';
    }));
    const out = path.join(dir, 'surrogate-run');
    expectRefused(
      await runCliMeasured(['train', path.join(dir, 'small.txt'), '--init-from', ckpt, '--out', out, '--no-ui', '--max-steps', '1']),
      /^charnn: checkpoint .* is damaged: vocabulary entry \d+ \("\\ud800"\) is not well-formed Unicode/,
    );
    expect(fs.existsSync(out)).toBe(false);
  });

  it.concurrent('model.vocabSize 2,000,000', async () => {
    const ckpt = copy('vocab', (c) => editMeta(c, (m) => {
      m.model.vocabSize = 2_000_000;
    }));
    expectRefused(await runCliMeasured(['info', ckpt]), /model vocabSize 2000000 exceeds the limit of 1,114,112/);
  });
});

describe('flags are bounded the same way', () => {
  it.concurrent('train --layers 64 --hidden 16384 (136 billion parameters)', async () => {
    const r = await runCliMeasured(['train', path.join(dir, 'small.txt'), '--layers', '64', '--hidden', '16384', '--no-ui', '--out', path.join(dir, 'too-large')]);
    expectRefused(r, /^charnn: the model is too large: 136,374,\d{3},\d{3} parameters exceed the limit of 536,870,912 \(use fewer --layers/);
    expect(fs.existsSync(path.join(dir, 'too-large'))).toBe(false);
  });
});

describe('prompts are read with a bound', () => {
  it.concurrent('--prompts /dev/zero and an endless stdin', async () => {
    expectRefused(await runCliMeasured(['generate', run, '--prompts', '/dev/zero']), /^charnn: the prompts from \/dev\/zero are larger than 16 MB/);
    expectRefused(await runCliMeasured(['generate', run, '--prompts', '-'], { input: Buffer.alloc(20 * 2 ** 20, 0x61) }), /^charnn: the prompts from stdin are larger than 16 MB/);
  });
});

describe('strings from a checkpoint are escaped', () => {
  const OSC52 = '\u001b]52;c;ZWNobyBwd25lZA==\u0007';
  const CLEAR = '\u001b[2J\u001b[H';

  it.concurrent('info (text and JSON), train --resume headers and error messages', async () => {
    const ckpt = copy('escapes', (c) => editMeta(c, (m) => {
      m.corpus.name = `evil${OSC52}`;
      m.corpus.path = `/tmp/${CLEAR}x\u009b31m\u202eabc`;
      m.createdAt = `2024\u0007`;
      m.charnnVersion = '\u001b]0;title\u0007';
    }));
    const check = (r: CliResult, what: string) => {
      expect(r.stdout + r.stderr, what).not.toMatch(RAW_CONTROL);
      expect(r.code, `${what}: ${r.stderr}`).toBe(0);
    };
    const text = await runCli(['info', ckpt]);
    check(text, 'info');
    expect(text.stdout).toContain('evil\\x1b]52;c;ZWNobyBwd25lZA==\\x07');
    expect(text.stdout).toContain('/tmp/\\x1b[2J\\x1b[Hx\\x9b31m\\u202eabc');
    const json = await runCli(['info', ckpt, '--json']);
    check(json, 'info --json');
    expect(JSON.parse(json.stdout).corpus.name).toBe(`evil${OSC52}`);
    // The resumed run keeps the checkpoint's corpus name: the plain header escapes it.
    const resumed = await runCli(['train', path.join(dir, 'small.txt'), '--resume', ckpt, ...TINY, '--max-steps', '11', '--out', path.join(dir, 'escapes-run')]);
    check(resumed, 'train --resume');
    expect(resumed.stderr).toMatch(/^run evil\\x1b\]52;c;/m);
    // Error messages quote checkpoint contents (a weight's name): escaped too.
    const named = copy('escapes-error', (c) => editJson(path.join(c, 'model.json'), (m) => {
      m.weightsManifest[0].weights[0].name = `w${CLEAR}`;
      m.weightsManifest[0].weights[0].shape = [1, 1];
    }));
    const error = await runCli(['generate', named]);
    expect(error.code).toBe(2);
    expect(error.stderr).not.toMatch(RAW_CONTROL);
    expect(error.stderr).toContain('weight w\\x1b[2J\\x1b[H has shape [1,1]');
  });
});
