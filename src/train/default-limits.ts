/**
 * How long a new run trains and how often it validates when the user did
 * not say. char-rnn's 50 epochs and a validation every 200 steps suit a
 * megabyte of text; on a short one (a 2,500-character article is one step
 * per epoch) they would stop after 50 steps, long before the model has
 * learnt anything, and validate once. So a run trains for 50 epochs but at
 * least 1,000 steps, and validates every 200 steps or every 10 epochs,
 * whichever comes first (at least 10 steps apart), so best/ catches the
 * model before a short text is learnt by heart.
 */
import { TRAIN_SETTINGS } from '../settings/train-settings.js';

const DEFAULT_EPOCHS = 50;
const MIN_DEFAULT_STEPS = 1000;
/** --eval-every's default (200). */
const DEFAULT_EVAL_EVERY = TRAIN_SETTINGS.evalEvery.default;
const EVAL_EPOCHS = 10;
const MIN_EVAL_EVERY = 10;

interface DefaultLimits {
  maxEpochs: number | null;
  evalEvery: number;
  /** What differs from the usual defaults, for the user. */
  notes: string[];
}

/**
 * @param stepsPerEpoch training windows per epoch (≥ 1).
 * @param given what the user set: a limit (any of --max-steps/--max-epochs/--max-time), --eval-every.
 */
export function defaultLimits(stepsPerEpoch: number, given: { limit: boolean; evalEvery: number | undefined; maxEpochs: number | null }): DefaultLimits {
  const notes: string[] = [];
  let maxEpochs = given.maxEpochs;
  if (!given.limit) {
    maxEpochs = Math.max(DEFAULT_EPOCHS, Math.ceil(MIN_DEFAULT_STEPS / stepsPerEpoch));
    if (maxEpochs > DEFAULT_EPOCHS) {
      notes.push(`${DEFAULT_EPOCHS} epochs of this text are only ${DEFAULT_EPOCHS * stepsPerEpoch} steps: training for ${maxEpochs.toLocaleString('en-US')} epochs (${(maxEpochs * stepsPerEpoch).toLocaleString('en-US')} steps) unless --max-steps, --max-epochs or --max-time says otherwise`);
    }
  }
  let evalEvery = given.evalEvery ?? DEFAULT_EVAL_EVERY;
  if (given.evalEvery === undefined) {
    evalEvery = Math.min(DEFAULT_EVAL_EVERY, Math.max(MIN_EVAL_EVERY, EVAL_EPOCHS * stepsPerEpoch));
    if (evalEvery < DEFAULT_EVAL_EVERY) notes.push(`validation every ${evalEvery} steps (${EVAL_EPOCHS} epochs of this text); best/ keeps the model that predicts the held-out text best`);
  }
  return { maxEpochs, evalEvery, notes };
}
