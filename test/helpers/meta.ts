/**
 * charnn.json files written by hand for tests that only read a checkpoint's
 * meta data (listing, resolving `run@step`, charting): every setting at its
 * default, a two-character vocabulary, and the progress and history asked for.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { History } from '../../src/checkpoint/meta.js';
import { defaultsOf } from '../../src/settings/setting.js';
import { CORPUS_SETTINGS } from '../../src/settings/corpus-settings.js';
import { MODEL_SETTINGS } from '../../src/settings/model-settings.js';
import { TRAIN_SETTINGS } from '../../src/settings/train-settings.js';

export interface MetaOptions {
  step?: number;
  elapsedMs?: number;
  bestValLoss?: number | null;
  bestStep?: number | null;
  history?: History;
  training?: Record<string, unknown>;
}

/** A charnn.json parseMeta accepts, as an object. */
export function validMeta(options: MetaOptions = {}): Record<string, unknown> {
  return {
    format: 'charnn-checkpoint', version: 1,
    model: { ...defaultsOf(MODEL_SETTINGS), vocabSize: 2 },
    vocabulary: ['a', 'b'], ...defaultsOf(CORPUS_SETTINGS),
    corpus: { name: 'c', path: '/c', bytes: 100_000, chars: 100_000, trainChars: 90_000, valChars: 10_000 },
    training: { ...defaultsOf(TRAIN_SETTINGS), ...options.training },
    progress: {
      step: options.step ?? 0, epoch: 0, batch: 0, rngState: [1, 2, 3, 4], bestValLoss: options.bestValLoss ?? null, bestStep: options.bestStep ?? null,
      elapsedMs: options.elapsedMs ?? 0, recoveries: 0,
    },
    history: options.history ?? { train: [], val: [] },
  };
}

/** Writes `dir`/charnn.json (creating `dir`) and returns `dir`. */
export function writeMetaOnly(dir: string, options: MetaOptions = {}): string {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'charnn.json'), JSON.stringify(validMeta(options)));
  return dir;
}
