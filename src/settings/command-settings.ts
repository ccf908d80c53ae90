/**
 * The numeric flags of single commands that are not stored in a checkpoint
 * (generate's --num, compare's --lags, neurons' --chars, …), declared like
 * the stored settings: flag, kind of value, default, help and, above all, an
 * upper bound. Every number a user types sizes some allocation, loop or
 * thread pool; a value beyond its bound is refused with one line naming the
 * flag and its range, before anything is allocated.
 */
import { GENERATE_MAX_LENGTH, MAX_BEAM } from './sampling-settings.js';
import type { Setting } from './setting.js';
import { MAX_SEQ_LEN, MAX_WORKERS } from './train-settings.js';
import { atMost, listOf, orNull, positiveInt, positiveNumber, showBound } from './values.js';

export const ENGINE_SETTINGS = {
  threads: { flag: '--threads <n>', type: orNull(positiveInt), default: null, max: MAX_WORKERS, help: 'threads of the ort engine (default: every core)' },
} satisfies Record<string, Setting<unknown>>;

export const GENERATE_SETTINGS = {
  maxLength: { flag: '--max-length <n>', type: positiveInt, default: 10_000, max: GENERATE_MAX_LENGTH, help: 'upper bound for --length 0' },
  /** --num samples of a prompt run as one batch: at most a training batch's streams. */
  num: { flag: '--num <n>', type: positiveInt, default: 1, max: 4096, help: 'samples per prompt, generated together as one batch' },
  beam: {
    flag: '--beam <n>', type: orNull(positiveInt), default: null, max: MAX_BEAM,
    help: `the n most likely continuations by beam search instead of random samples (1–${MAX_BEAM}; --num k prints the k best)`,
  },
} satisfies Record<string, Setting<unknown>>;

/**
 * `charnn compare --task recall`: every BPTT window is one episode of lag + 4
 * characters, so a lag is bounded like --seq-len.
 */
const MAX_RECALL_LAG = MAX_SEQ_LEN - 4;

export const RECALL_SETTINGS = {
  lags: {
    flag: '--lags <list>', type: listOf(atMost(positiveInt, MAX_RECALL_LAG), `whole numbers from 1 to ${MAX_RECALL_LAG}`), default: [5, 20, 50], max: 64,
    help: 'recall task: filler characters between marker and recall, comma-separated',
  },
  episodes: { flag: '--episodes <n>', type: positiveInt, default: 512, max: 65_536, help: 'recall task: held-out episodes scored per run' },
} satisfies Record<string, Setting<unknown>>;

/**
 * Bounds of the recall task as a whole: its text is generated before
 * training, one episode of lag + 4 characters per stream and step, one byte
 * per character (data/recall-task.ts' makeRecallIds).
 */
const RECALL_LIMITS = {
  /** Characters of the generated training or held-out text: 256 MiB; lag 4,000 at the default budget (256 million) fits. */
  textChars: 2 ** 28,
} as const;

export const GRADIENTS_SETTINGS = {
  batches: { flag: '--batches <n>', type: positiveInt, default: 4, max: 10_000, help: 'windows averaged over (consecutive, state carried)' },
  threshold: {
    flag: '--threshold <x>', type: positiveNumber, default: 1e-3, max: 1,
    help: 'report the distance where the norm falls below this fraction of its k = 1 value',
  },
} satisfies Record<string, Setting<unknown>>;

export const NEURONS_SETTINGS = {
  top: { flag: '--top <n>', type: positiveInt, default: 3, max: 1000, help: 'units shown per property' },
  chars: { flag: '--chars <n>', type: positiveInt, default: 2000, max: 1_000_000, help: 'characters of the text to read' },
  width: { flag: '--width <n>', type: orNull(positiveInt), default: null, max: 1000, help: 'columns to fit (default: the terminal\'s, or 80)' },
} satisfies Record<string, Setting<unknown>>;

/** The recall task's size, as runRecall builds it. */
interface RecallSize {
  lags: readonly number[];
  batchSize: number;
  steps: number;
  episodes: number;
}

/**
 * What makes a recall comparison too big to build, and which flags to
 * lower, or null: every lag's training text ((--batch × --max-steps
 * + 1) episodes of lag + 4 characters) and held-out text (--episodes,
 * rounded up to 16) must stay within RECALL_LIMITS.textChars.
 */
export function recallLimitProblem(r: RecallSize): { problem: string; fix: string } | null {
  const lag = Math.max(...r.lags);
  const episode = lag + 4;
  const train = (r.batchSize * r.steps + 1) * episode;
  const limit = RECALL_LIMITS.textChars;
  if (train > limit) {
    return {
      problem: `--batch ${r.batchSize} × --max-steps ${r.steps} episodes of ${episode} characters (--lags ${lag}) are ${showBound(train)} characters of task text, more than the limit of ${showBound(limit)}`,
      fix: 'lower --max-steps, --batch or --lags',
    };
  }
  const heldOut = Math.ceil(r.episodes / 16) * 16 * episode;
  if (heldOut > limit) {
    return {
      problem: `--episodes ${r.episodes} of ${episode} characters (--lags ${lag}) are ${showBound(heldOut)} characters of task text, more than the limit of ${showBound(limit)}`,
      fix: 'lower --episodes or --lags',
    };
  }
  return null;
}
