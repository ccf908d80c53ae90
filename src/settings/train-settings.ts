/**
 * The training settings (`charnn train`'s hyper-parameters and limits):
 * flag, kind of value, bound, default, help, what a checkpoint written
 * before the setting existed gets, and what a resume may not change. The
 * config is stored in every checkpoint.
 */
import { defaultsOf, limitProblem, type SettingsTable } from './setting.js';
import {
  atMost, choice, count, duration, durationOrZero, fraction, integer, listOf, nonNegativeNumber, openFraction, orNull, positiveInt, positiveNumber, ValueError,
  type ValueType,
} from './values.js';

/** Training hyper-parameters and stopping limits; stored in every checkpoint. */
export interface TrainConfig {
  batchSize: number;
  seqLen: number;
  valFrac: number;
  /** Peak learning rate. */
  lr: number;
  /**
   * cosine: linear warm-up over warmupSteps (at most a tenth of scheduleSteps),
   * then a cosine from lr down to lr·lrFinal at scheduleSteps (held there
   * after); step: lr·lrDecay every lrDecayEvery steps (char-rnn's schedule).
   */
  schedule: 'cosine' | 'step';
  warmupSteps: number;
  lrFinal: number;
  /**
   * The step at which the cosine reaches its floor, decided from the run's
   * limits (--max-steps, --max-epochs, or --max-time with the step rate
   * measured as the run goes, re-estimated when the speed changes) and
   * stored, so a resume continues the same schedule; null until decided,
   * and for a run without limits (the lr then stays at its peak).
   */
  scheduleSteps: number | null;
  /**
   * Where the current plan of the schedule starts: the step and the
   * schedule's position there (train/lr-schedule.ts schedulePosition). Set when
   * the plan changed on the way (a re-estimated length, a resume with new
   * limits): the rate goes on from where it was instead of jumping. Null: the
   * plan of a run that knew its length from the start.
   */
  scheduleFrom: ScheduleAnchor | null;
  /** Multiply the learning rate by this every lrDecayEvery steps (schedule step; 1 = off). */
  lrDecay: number;
  lrDecayEvery: number;
  clip: number;
  /** Adam's decay of the squared-gradient average (β2). */
  adamBeta2: number;
  seed: number;
  maxSteps: number | null;
  maxEpochs: number | null;
  maxTimeMs: number | null;
  evalEvery: number;
  /**
   * The first validation (with samples and a checkpoint) of a session comes
   * after this much training time and once the model has learnt something
   * (train/eval-clock.ts), unless an evalEvery step comes first, so a run
   * shows its worth early; 0 = only every evalEvery steps (and evalEveryMs).
   * It reads at most FIRST_EVAL_BATCHES of the validation batches.
   */
  firstEvalMs: number;
  /**
   * Besides every evalEvery steps, a session validates (with samples and a
   * checkpoint) once this much training time passed since its last
   * validation, so a slow machine still shows the model improving; the
   * interval stretches so that these take at most a tenth of the time
   * (train/eval-clock.ts). 0 = only every evalEvery steps.
   */
  evalEveryMs: number;
  /** Validation batches per eval; 0 = the whole validation split. */
  evalBatches: number;
  /** Sample temperatures shown after each eval (empty = no samples). */
  sampleTemperatures: number[];
  sampleLength: number;
  /** How many `latest` snapshots to keep. */
  keep: number;
  /** Non-finite steps in a row before recovery kicks in. */
  maxBadSteps: number;
  /** Restores of the last good checkpoint with a halved learning rate before giving up. */
  maxRecoveries: number;
  /** Threads computing gradients on shards of each batch (data parallel). */
  workers: number;
  /**
   * Share of the streams whose carried state is reset to zero before each
   * window (drawn per stream from the run's RNG), so that the zero state an
   * unprimed sample starts from is one the model has learnt to read from.
   */
  stateResets: number;
}

/** A step and the learning-rate schedule's position there (0 … 1 warm-up, 1 … 2 cosine). */
export interface ScheduleAnchor {
  step: number;
  position: number;
}

const scheduleAnchor: ValueType<ScheduleAnchor> = {
  what: 'a step and a schedule position',
  stored: '{ "step": a whole number ≥ 0, "position": a number from 0 to 2 }',
  is: (x): x is ScheduleAnchor => {
    const a = x as Partial<ScheduleAnchor> | null;
    return typeof a === 'object' && a !== null && Number.isSafeInteger(a.step) && a.step! >= 0
      && typeof a.position === 'number' && a.position >= 0 && a.position <= 2;
  },
  parse: () => {
    throw new ValueError('the schedule anchor is not a flag');
  },
};
/**
 * The most steps any step count may name (--max-steps, --eval-every,
 * --warmup, a checkpoint's progress.step): far beyond any run on a CPU, and
 * small enough that sums and products of steps stay exact doubles.
 */
export const MAX_STEPS = 1e12;
/** The longest truncated-BPTT window (--seq-len): beyond a few thousand characters it only costs memory. */
export const MAX_SEQ_LEN = 4096;
/** The longest duration a flag may give (ten years): --max-time, --first-eval. */
const MAX_DURATION_MS = 10 * 365 * 86_400_000;
/** The hottest sampling temperature (the sampler's /temp bound too): beyond it every character is about as likely. */
export const MAX_TEMPERATURE = 100;

/** The most threads --workers starts (and --threads: settings/command-settings.ts): more than any CPU has cores. */
export const MAX_WORKERS = 256;

/** Why a resume cannot change the data layout. */
const LAYOUT = 'the data cursor depends on it';

/**
 * In the order `charnn train --help` lists them. Bounds: truncated BPTT
 * beyond a few thousand characters only costs memory (it grows with the
 * window); the step's size as a whole is bounded by TRAIN_LIMITS.
 */
export const TRAIN_SETTINGS: SettingsTable<TrainConfig> = {
  batchSize: { flag: '--batch <n>', type: positiveInt, default: 32, max: 4096, help: 'parallel streams per step', fixedOnResume: LAYOUT },
  seqLen: { flag: '--seq-len <n>', type: positiveInt, default: 100, max: MAX_SEQ_LEN, help: 'characters per stream per step (truncated BPTT length)', fixedOnResume: LAYOUT },
  valFrac: { flag: '--val-frac <x>', type: openFraction, default: 0.1, help: 'fraction of the corpus (its end) held out for validation', fixedOnResume: LAYOUT },
  lr: { flag: '--lr <x>', type: positiveNumber, default: 2e-3, max: 10, help: 'Adam learning rate' },
  schedule: {
    flag: '--schedule <kind>', type: choice(['cosine', 'step'] as const), default: 'cosine',
    help: 'learning rate: cosine (warm-up, then down to --lr-final × --lr over the run\'s limit) or step (--lr-decay)',
    // Checkpoints from before the cosine schedule were trained with step decay, and continue so.
    whenAbsent: { value: 'step' },
  },
  warmupSteps: { flag: '--warmup <steps>', type: count, default: 100, max: MAX_STEPS, help: 'cosine: steps of linear warm-up (at most a tenth of the run)', whenAbsent: 'default' },
  lrFinal: { flag: '--lr-final <x>', type: fraction, default: 0.05, help: 'cosine: the learning rate at the end, as a fraction of --lr', whenAbsent: 'default' },
  scheduleSteps: { type: orNull(positiveInt), default: null, max: MAX_STEPS, whenAbsent: 'default' },
  scheduleFrom: { type: orNull(scheduleAnchor), default: null, whenAbsent: 'default' },
  lrDecay: { flag: '--lr-decay <x>', type: positiveNumber, default: 1, max: 1, help: 'step: multiply the learning rate by this every --lr-decay-every steps', whenAbsent: 'default' },
  lrDecayEvery: { flag: '--lr-decay-every <n>', type: positiveInt, default: 1000, max: MAX_STEPS, help: 'step: steps between learning-rate decays', whenAbsent: 'default' },
  clip: { flag: '--clip <x>', type: nonNegativeNumber, default: 5, max: 1e6, help: 'clip the global gradient norm to this (0 = off)', whenAbsent: 'default' },
  adamBeta2: {
    flag: '--adam-beta2 <x>', type: openFraction, default: 0.999, whenAbsent: 'default',
    help: 'Adam\'s decay of its squared-gradient average, in (0, 1): lower adapts faster to a changing gradient',
  },
  seed: { flag: '--seed <n>', type: integer, default: 1, max: Number.MAX_SAFE_INTEGER, help: 'random seed (same seed and backend: same run)', whenAbsent: 'default' },
  maxSteps: { flag: '--max-steps <n>', type: orNull(positiveInt), default: null, max: MAX_STEPS, help: 'stop at this step (counted from the start of the run, across resumes)', whenAbsent: 'default' },
  maxEpochs: { flag: '--max-epochs <x>', type: orNull(positiveNumber), default: null, max: 1e6, help: 'stop after this many passes over the training text', whenAbsent: 'default' },
  maxTimeMs: { flag: '--max-time <duration>', type: orNull(duration), default: null, max: MAX_DURATION_MS, shownMax: '3650d', help: 'stop after this long, the final evaluation and save included; with a unit: 90s, 20m, 2h', whenAbsent: 'default' },
  evalEvery: { flag: '--eval-every <n>', type: positiveInt, default: 200, max: MAX_STEPS, help: 'steps between validation, samples and checkpoints', whenAbsent: 'default' },
  firstEvalMs: {
    flag: '--first-eval <duration>', type: durationOrZero, default: 5_000, max: MAX_DURATION_MS, shownMax: '3650d', shownDefault: '5s', whenAbsent: 'default',
    help: 'the first validation, samples and checkpoint come after this much training (with a unit: 5s, 1m) once the model has learnt something (its training loss 15% below that of a uniform guess, or 30 steps; at the latest 1m in), then every --eval-every steps or --eval-every-time (0 = off)',
  },
  evalEveryMs: {
    flag: '--eval-every-time <duration>', type: durationOrZero, default: 60_000, max: MAX_DURATION_MS, shownMax: '3650d', shownDefault: '1m', whenAbsent: 'default',
    help: 'also validate, sample and save when this much training passed since the last validation, if that comes before --eval-every steps: a look at the first 8 validation batches, spaced so it takes at most a tenth of the time (with a unit: 1m, 5m; 0 = off)',
  },
  evalBatches: { flag: '--eval-batches <n>', type: count, default: 0, max: 1e9, help: 'validation batches per evaluation (0 = the whole validation split)', whenAbsent: 'default' },
  sampleTemperatures: {
    flag: '--sample-temperatures <list>', type: listOf(atMost(nonNegativeNumber, MAX_TEMPERATURE), `numbers from 0 to ${MAX_TEMPERATURE}`), default: [0.5, 0.8, 1.0], max: 32,
    help: 'temperatures of the samples shown after each evaluation', whenAbsent: 'default',
  },
  sampleLength: { flag: '--sample-length <n>', type: count, default: 200, max: 1_000_000, help: 'characters per sample after each evaluation (0 = none)', whenAbsent: 'default' },
  keep: { flag: '--keep <n>', type: positiveInt, default: 1, max: 10_000, help: 'how many latest snapshots to keep besides best/', whenAbsent: 'default' },
  maxBadSteps: { type: positiveInt, default: 5, max: 1000, whenAbsent: 'default' },
  maxRecoveries: {
    flag: '--max-recoveries <n>', type: count, default: 3, max: 100, whenAbsent: 'default',
    help: 'times to restore the last checkpoint with a halved learning rate when training diverges',
  },
  stateResets: {
    flag: '--state-resets <share>', type: fraction, default: 0.05,
    help: 'share of the streams whose carried state starts from zero at each window, so unprimed samples start well (0 = only at epoch starts)',
    // Runs written before resets existed continue without them, exactly as they were.
    whenAbsent: { value: 0 },
  },
  workers: {
    flag: '--workers <n>', type: positiveInt, default: 1, max: MAX_WORKERS, shownDefault: null, whenAbsent: 'default',
    help: 'tfjs engine: threads computing gradients on shards of each batch (default: CPU cores on wasm/cpu, 1 on tensorflow)',
  },
};

export const DEFAULT_TRAIN_CONFIG: TrainConfig = defaultsOf(TRAIN_SETTINGS);

/** Bounds of a training step as a whole, besides its settings' own (TRAIN_SETTINGS' max). */
const TRAIN_LIMITS = {
  /** batchSize × seqLen: the characters of one step, whose activations a step keeps (e.g. 256 × 1024). */
  batchChars: 2 ** 18,
} as const;

/** What exceeds the bounds of training settings in a config, named by its config field, or null. */
export function trainLimitProblem(c: TrainConfig): string | null {
  const setting = limitProblem(TRAIN_SETTINGS, c);
  if (setting) return setting;
  if (c.batchSize * c.seqLen > TRAIN_LIMITS.batchChars) {
    return `batchSize × seqLen ${(c.batchSize * c.seqLen).toLocaleString('en-US')} exceeds the limit of ${TRAIN_LIMITS.batchChars.toLocaleString('en-US')}`;
  }
  return null;
}
