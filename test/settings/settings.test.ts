/** The settings tables: defaults within their own bounds, stored configs checked and completed, resume and fine-tune refusals, and the flags made from them. */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeProgram } from '../../src/cli/main.js';
import { recallLimitProblem } from '../../src/settings/command-settings.js';
import { CORPUS_SETTINGS } from '../../src/settings/corpus-settings.js';
import { DEFAULT_MODEL_CONFIG, MODEL_SETTINGS } from '../../src/settings/model-settings.js';
import { DEFAULT_SAMPLING_SETTINGS, SAMPLING_SETTINGS } from '../../src/settings/sampling-settings.js';
import { checkInitFrom, checkResume, limitProblem, storedProblem, type Setting } from '../../src/settings/setting.js';
import { DEFAULT_TRAIN_CONFIG, TRAIN_SETTINGS, trainLimitProblem } from '../../src/settings/train-settings.js';
import { duration, durationOrZero, positiveInt, ValueError } from '../../src/settings/values.js';
import { CharnnError } from '../../src/util/errors.js';
import { runInProcess } from '../helpers/in-process.js';

const tables = { model: MODEL_SETTINGS, training: TRAIN_SETTINGS, sampling: SAMPLING_SETTINGS, corpus: CORPUS_SETTINGS } as const;

/** The one line charnn prints on stderr for `args`, which must be refused as a usage error (exit 2): only bad flags are given, so no action runs. */
async function usageLine(args: string[]): Promise<string> {
  const result = await runInProcess(args);
  expect(result.code).toBe(2);
  return result.stderr.trim();
}

function refusal(run: () => void): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(CharnnError);
    const e = error as CharnnError;
    expect(e.exitCode).toBe(2);
    return `${e.message} (${e.hint})`;
  }
  throw new Error('not refused');
}

describe('the settings tables', () => {
  it.each(Object.entries(tables))('%s: every default is a value of its kind, within its bound', (_name, table) => {
    for (const [key, s] of Object.entries(table) as [string, Setting<unknown>][]) {
      expect(s.type.is(s.default), key).toBe(true);
      if (s.max !== undefined) expect(limitProblem({ [key]: s } as never, { [key]: s.default } as never), key).toBeNull();
      if (s.flag !== undefined) expect(s.help, key).toBeTruthy();
    }
  });

  it('are import-light: no commander, and none of train/, checkpoint/ or cli/ (which all read them)', () => {
    const dir = path.resolve('src/settings');
    for (const file of fs.readdirSync(dir)) {
      const text = fs.readFileSync(path.join(dir, file), 'utf8');
      const imports = [...text.matchAll(/from '([^']+)'/g)].map((m) => m[1]!);
      for (const spec of imports) expect(spec, `${file} imports ${spec}`).toMatch(/^\.\/|^\.\.\/(model\/config|data\/corpus|util\/errors)\.js$/);
    }
    // A flag's text that is no value of its kind is a ValueError; cli/parsers.ts makes it commander's InvalidArgumentError.
    expect(() => positiveInt.parse('0')).toThrow(ValueError);
    expect(() => positiveInt.parse('0')).toThrow('expected a positive whole number, got "0".');
  });

  it('the defaults come from the tables', () => {
    expect(DEFAULT_MODEL_CONFIG).toEqual({ cell: 'lstm', layers: 2, hidden: 512, embedding: 64, dropout: 0.25, dropoutMask: 'step', weightDrop: 0, embeddingDropout: 0 });
    expect(DEFAULT_TRAIN_CONFIG.sampleTemperatures).toEqual([0.5, 0.8, 1]);
    expect(DEFAULT_TRAIN_CONFIG.sampleTemperatures).not.toBe(TRAIN_SETTINGS.sampleTemperatures.default);
    expect(DEFAULT_SAMPLING_SETTINGS).toEqual({ temperature: 0.8, topK: 0, topP: 1, length: 200, seed: null });
  });
});

describe('a stored config', () => {
  it('gets the values of its time for settings added later, and must have the others', () => {
    const old: Record<string, unknown> = { batchSize: 16, seqLen: 50, valFrac: 0.1, lr: 0.002 };
    expect(storedProblem('training', TRAIN_SETTINGS, old)).toBeNull();
    // Older runs continue as they were trained: step decay, no state resets; later settings take their defaults.
    expect(old).toMatchObject({ schedule: 'step', stateResets: 0, scheduleSteps: null, maxSteps: null, keep: 1, sampleTemperatures: [0.5, 0.8, 1] });
    expect(old.sampleTemperatures).not.toBe(TRAIN_SETTINGS.sampleTemperatures.default);
    expect(storedProblem('training', TRAIN_SETTINGS, { seqLen: 50, valFrac: 0.1, lr: 0.002 })).toBe('training.batchSize must be a positive whole number');
  });

  it('names the field and what it must be', () => {
    const config = (over: Record<string, unknown>) => ({ ...DEFAULT_TRAIN_CONFIG, ...over });
    expect(storedProblem('training', TRAIN_SETTINGS, config({ valFrac: 1 }))).toBe('training.valFrac must be a number between 0 and 1 (exclusive)');
    expect(storedProblem('training', TRAIN_SETTINGS, config({ maxTimeMs: -5 }))).toBe('training.maxTimeMs must be a number of milliseconds > 0 or null');
    expect(storedProblem('training', TRAIN_SETTINGS, config({ sampleTemperatures: [1, 'hot'] }))).toBe('training.sampleTemperatures must be a list of numbers from 0 to 100');
    expect(storedProblem('training', TRAIN_SETTINGS, config({ schedule: 'linear' }))).toBe('training.schedule must be one of cosine, step');
    expect(storedProblem('model', MODEL_SETTINGS, { ...DEFAULT_MODEL_CONFIG, dropout: 1 })).toBe('model.dropout must be a rate in [0, 1)');
    expect(storedProblem('', CORPUS_SETTINGS, {})).toBe('normalization must be one of none, nfc, nfd');
  });

  it('is bounded like the flags', () => {
    expect(trainLimitProblem({ ...DEFAULT_TRAIN_CONFIG, sampleLength: 2_000_000 })).toBe('sampleLength 2000000 exceeds the limit of 1,000,000');
    expect(trainLimitProblem({ ...DEFAULT_TRAIN_CONFIG, sampleTemperatures: Array(33).fill(1) })).toBe('sampleTemperatures has 33 entries, more than the limit of 32');
    expect(trainLimitProblem({ ...DEFAULT_TRAIN_CONFIG, batchSize: 1024, seqLen: 1024 })).toBe('batchSize × seqLen 1,048,576 exceeds the limit of 262,144');
  });
});

describe('what a resume and a fine-tune may change', () => {
  const saved = { ...DEFAULT_TRAIN_CONFIG, batchSize: 32 };

  it('a resume keeps the model and the data layout, and may change the rest', () => {
    expect(refusal(() => checkResume(TRAIN_SETTINGS, { batchSize: 64 }, saved))).toBe(
      '--batch 64 conflicts with the checkpoint, which was trained with --batch 32 (drop --batch when resuming: the data cursor depends on it; or start a new run without --resume)',
    );
    expect(refusal(() => checkResume(MODEL_SETTINGS, { cell: 'gru' }, { ...DEFAULT_MODEL_CONFIG }))).toMatch(/^--cell gru conflicts with the checkpoint, which was trained with --cell lstm \(drop --cell when resuming: the model keeps/);
    expect(refusal(() => checkResume(MODEL_SETTINGS, { dropout: 0.1 }, { ...DEFAULT_MODEL_CONFIG }))).toMatch(/^--dropout 0\.1 conflicts/);
    // The same value, and settings a resume may change, pass.
    expect(() => checkResume(TRAIN_SETTINGS, { batchSize: 32, lr: 1, sampleTemperatures: [1], maxSteps: 5 }, saved)).not.toThrow();
    expect(() => checkResume(MODEL_SETTINGS, { ...DEFAULT_MODEL_CONFIG }, { ...DEFAULT_MODEL_CONFIG })).not.toThrow();
  });

  it('a fine-tune keeps the shape: the flags that set it are refused, dropout and training settings are not', () => {
    expect(refusal(() => checkInitFrom(MODEL_SETTINGS, { hidden: 128 }))).toBe(
      '--hidden cannot be used with --init-from: the model keeps the checkpoint\'s shape (drop --hidden, or train a new model without --init-from)',
    );
    expect(() => checkInitFrom(MODEL_SETTINGS, { dropout: 0.1 })).not.toThrow();
    expect(() => checkInitFrom(TRAIN_SETTINGS, { batchSize: 8, seqLen: 20, lr: 1e-4 })).not.toThrow();
  });

  it('both read the text as the checkpoint did: --normalize is refused when it differs, even as none', () => {
    expect(refusal(() => checkResume(CORPUS_SETTINGS, { normalization: 'none' }, { normalization: 'nfd' }))).toMatch(/^--normalize none conflicts with the checkpoint, which was trained with --normalize nfd/);
    expect(() => checkResume(CORPUS_SETTINGS, { normalization: undefined }, { normalization: 'nfd' })).not.toThrow();
    expect(refusal(() => checkInitFrom(CORPUS_SETTINGS, { normalization: 'nfc' }))).toMatch(/^--normalize cannot be used with --init-from: the text is normalised like the checkpoint's corpus/);
  });
});

describe('flags made from the tables', () => {
  const train = makeProgram().commands.find((c) => c.name() === 'train')!;

  it('charnn train has one flag per setting with one, with its default', () => {
    for (const table of [MODEL_SETTINGS, TRAIN_SETTINGS]) {
      for (const s of Object.values(table) as Setting<unknown>[]) {
        if (s.flag === undefined) continue;
        const option = train.options.find((o) => o.flags === s.flag);
        expect(option, s.flag).toBeDefined();
        expect(option!.defaultValue, s.flag).toEqual(s.default === null || s.shownDefault === null ? undefined : s.default);
      }
    }
  });

  it('--resume and --init-from say which flags stay as they were, from the same table', () => {
    const help = (long: string) => train.options.find((o) => o.long === long)!.description;
    expect(help('--resume')).toContain('--cell, --layers, --hidden, --embedding, --dropout, --dropout-mask, --weight-drop, --embedding-dropout, --normalize, --batch, --seq-len and --val-frac stay as they were');
    expect(help('--init-from')).toContain('--cell, --layers, --hidden, --embedding and --normalize stay as they were');
  });

  it.each([
    [['train', '--sample-length', '2000000'], /^charnn train: option '--sample-length <n>' argument '2000000' is invalid\. expected a whole number ≥ 0 up to 1,000,000, got "2000000"\./],
    [['train', '--sample-temperatures', '0.5,-1'], /argument '0\.5,-1' is invalid\. expected a number ≥ 0 up to 100, got "-1"\./],
    [['train', '--hidden', '20000'], /expected a positive whole number up to 16,384, got "20000"\./],
    [['train', '--max-time', '100000d'], /expected a duration such as 90s, 20m, 1h30m or 2d up to 3650d, got "100000d"\./],
    [['train', '--max-time', '5 parsecs'], /expected a duration such as 90s, 20m, 1h30m or 2d up to 3650d, got "5 parsecs"\./],
    // A bare number could be seconds, minutes or hours: every duration flag asks for the unit.
    [['train', '--max-time', '5'], /^charnn train: option '--max-time <duration>' argument '5' is invalid\. expected a duration with a unit, e\.g\. 5s, 5m or 5h, got "5"\./],
    [['train', '--eval-every-time', '3'], /^charnn train: option '--eval-every-time <duration>' argument '3' is invalid\. expected a duration with a unit, e\.g\. 3s, 3m or 3h/],
    [['train', '--first-eval', '2.5'], /^charnn train: option '--first-eval <duration>' argument '2\.5' is invalid\. expected a duration with a unit, e\.g\. 2\.5s, 2\.5m or 2\.5h/],
    [['compare', '--max-time', '90'], /^charnn compare: option '--max-time <duration>' argument '90' is invalid\. expected a duration with a unit, e\.g\. 90s, 90m or 90h/],
    [['generate', 'x', '--top-p', '0'], /^charnn generate: option '--top-p <x>' argument '0' is invalid\. expected a number in \(0, 1\], got "0"\./],
    [['sample', 'x', '--length', '0'], /^charnn sample: option '--length <n>' argument '0' is invalid\. expected a positive whole number up to 100,000, got "0"\./],
    [['gradients', '--hidden', '100000'], /expected a positive whole number up to 16,384, got "100000"\./],
    [['compare', '--batch', '5000'], /expected a positive whole number up to 4,096, got "5000"\./],
    [['compare', '--task', 'recall', '--lags', '5,1000000'], /^charnn compare: option '--lags <list>' argument '5,1000000' is invalid\. expected a positive whole number up to 4,092, got "1000000"\./],
    [['compare', '--task', 'recall', '--episodes', '100000000'], /^charnn compare: option '--episodes <n>' argument '100000000' is invalid\. expected a positive whole number up to 65,536/],
    [['sample', 'x', '--seed', '-1'], /expected a whole number ≥ 0 up to 4,294,967,295, got "-1"\./],
  ])('%j is refused in one line', async (args, message) => {
    const line = await usageLine(args);
    expect(line).toMatch(message);
    expect(line.split('\n')).toHaveLength(1);
  });

  // Every number a flag takes sizes an allocation, a loop, a thread pool or a stored count: each has an
  // upper bound, named in the one line that refuses a value beyond it. Seeds only pick a sequence.
  const huge = '1000000000000000';
  const unbounded = new Set(['--seed']);
  it.each(makeProgram().commands.map((c) => [c.name(), c] as const))('every numeric flag of charnn %s has an upper bound', (_name, command) => {
    for (const option of command.options) {
      const parse = option.parseArg as ((text: string, previous: unknown) => unknown) | undefined;
      if (!parse || option.argChoices || unbounded.has(option.long!)) continue;
      let one: unknown;
      try {
        one = parse('1', undefined);
      } catch {
        continue;
      }
      const numeric = typeof one === 'number' || (Array.isArray(one) && one.every((x) => typeof x === 'number'));
      if (!numeric) continue;
      expect(() => parse(huge, undefined), `${command.name()} ${option.long} ${huge}`).toThrow(/(up to [\d,]+d?|to 1|1\)|1\]), got/);
    }
  });

  it('compare --task recall refuses a task text beyond its bound before building it, naming what to lower', async () => {
    const result = await runInProcess(['compare', '--task', 'recall', '--lags', '4000', '--max-steps', '3000', '--no-ui']);
    expect(result.code).toBe(2);
    expect(result.stderr.trim()).toBe(
      'charnn: compare --task recall: --batch 32 × --max-steps 3000 episodes of 4004 characters (--lags 4000) are 384,388,004 characters of task text, more than the limit of 268,435,456 (lower --max-steps, --batch or --lags)',
    );
    expect(recallLimitProblem({ lags: [5, 20, 50], batchSize: 32, steps: 2000, episodes: 512 })).toBeNull();
    expect(recallLimitProblem({ lags: [4000], batchSize: 32, steps: 2000, episodes: 512 })).toBeNull();
    expect(recallLimitProblem({ lags: [50], batchSize: 1, steps: 1, episodes: 65_536 })).toBeNull();
    // The largest --episodes and --lags just fit; the held-out bound guards callers beyond the flags.
    expect(recallLimitProblem({ lags: [4092], batchSize: 1, steps: 1, episodes: 65_536 })).toBeNull();
    expect(recallLimitProblem({ lags: [4092], batchSize: 1, steps: 1, episodes: 70_000 })?.fix).toBe('lower --episodes or --lags');
  });

  it('durations take their unit; only 0 (off) may go without one', () => {
    expect(duration.parse('1h30m')).toBe(5_400_000);
    expect(duration.parse('90s')).toBe(90_000);
    expect(durationOrZero.parse('0')).toBe(0);
    expect(() => durationOrZero.parse('5')).toThrow(ValueError);
    expect(() => duration.parse(' 12 ')).toThrow('expected a duration with a unit, e.g. 12s, 12m or 12h, got " 12 ".');
  });

  it('--debug and --backend are on every command that needs them', () => {
    for (const command of makeProgram().commands) {
      expect(command.options.some((o) => o.long === '--debug'), command.name()).toBe(true);
    }
  });
});
