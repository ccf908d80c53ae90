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
   * Length of the cosine in steps, decided once per run from its limits
   * (--max-steps, --max-epochs, or --max-time with the step rate measured at
   * the start) and stored, so a resume continues the same schedule; null
   * until decided, and for a run without limits (the lr then stays at its peak).
   */
  scheduleSteps: number | null;
  /** Multiply the learning rate by this every lrDecayEvery steps (schedule step; 1 = off). */
  lrDecay: number;
  lrDecayEvery: number;
  clip: number;
  seed: number;
  maxSteps: number | null;
  maxEpochs: number | null;
  maxTimeMs: number | null;
  evalEvery: number;
  /**
   * The first validation (with samples and a checkpoint) of a session comes
   * after this much training time, unless an evalEvery step comes first, so
   * a run shows its worth within seconds; 0 = only every evalEvery steps.
   * It reads at most FIRST_EVAL_BATCHES of the validation batches.
   */
  firstEvalMs: number;
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

/**
 * Validation batches the session's first, time-triggered look reads (a
 * megabyte corpus has 35 of 32 × 100 characters): it is there to show a
 * loss and samples within seconds, so it is a first look, not a verdict —
 * it gives a new run its first best/ but never replaces one.
 */
export const FIRST_EVAL_BATCHES = 8;

export const DEFAULT_TRAIN_CONFIG: TrainConfig = {
  batchSize: 32,
  seqLen: 100,
  valFrac: 0.1,
  lr: 2e-3,
  schedule: 'cosine',
  warmupSteps: 100,
  lrFinal: 0.05,
  scheduleSteps: null,
  lrDecay: 1,
  lrDecayEvery: 1000,
  clip: 5,
  seed: 1,
  maxSteps: null,
  maxEpochs: null,
  maxTimeMs: null,
  evalEvery: 200,
  firstEvalMs: 5_000,
  evalBatches: 0,
  sampleTemperatures: [0.5, 0.8, 1.0],
  sampleLength: 200,
  keep: 1,
  maxBadSteps: 5,
  maxRecoveries: 3,
  workers: 1,
  stateResets: 0.05,
};

/**
 * Upper bounds of the settings that size allocations or threads, checked
 * for flags and for configs read from checkpoints alike.
 */
export const TRAIN_LIMITS = {
  batchSize: 4096,
  /** Truncated BPTT beyond a few thousand characters only costs memory (it grows with the window). */
  seqLen: 4096,
  /** batchSize × seqLen: the characters of one step, whose activations a step keeps (e.g. 256 × 1024). */
  batchChars: 2 ** 18,
  workers: 256,
  sampleTemperatures: 32,
  sampleLength: 1_000_000,
} as const;

/** What exceeds TRAIN_LIMITS in a config, named by its config field, or null. */
export function trainLimitProblem(c: Pick<TrainConfig, 'batchSize' | 'seqLen' | 'workers' | 'sampleTemperatures' | 'sampleLength'>): string | null {
  for (const key of ['batchSize', 'seqLen', 'workers', 'sampleLength'] as const) {
    if (c[key] > TRAIN_LIMITS[key]) return `${key} ${c[key]} exceeds the limit of ${TRAIN_LIMITS[key].toLocaleString('en-US')}`;
  }
  if (c.batchSize * c.seqLen > TRAIN_LIMITS.batchChars) return `batchSize × seqLen ${(c.batchSize * c.seqLen).toLocaleString('en-US')} exceeds the limit of ${TRAIN_LIMITS.batchChars.toLocaleString('en-US')}`;
  if (c.sampleTemperatures.length > TRAIN_LIMITS.sampleTemperatures) return `${c.sampleTemperatures.length} sample temperatures exceed the limit of ${TRAIN_LIMITS.sampleTemperatures}`;
  return null;
}

export type ScheduleConfig = Pick<TrainConfig, 'lr' | 'schedule' | 'warmupSteps' | 'lrFinal' | 'scheduleSteps' | 'lrDecay' | 'lrDecayEvery'>;

/**
 * Steps of warm-up: warmupSteps, but at most a tenth of the schedule, so a short
 * run (a fine-tune of a few minutes, --max-steps 50) is not all warm-up.
 */
export function warmupLength(c: Pick<ScheduleConfig, 'warmupSteps' | 'scheduleSteps'>): number {
  return c.scheduleSteps === null ? c.warmupSteps : Math.min(c.warmupSteps, Math.floor(c.scheduleSteps / 10));
}

/** Learning rate for the update at `step` (0-based). */
export function learningRateAt(c: ScheduleConfig, step: number, recoveryFactor = 1): number {
  if (c.schedule === 'step') {
    const decays = c.lrDecay === 1 ? 0 : Math.floor(step / c.lrDecayEvery);
    return c.lr * c.lrDecay ** decays * recoveryFactor;
  }
  const warmup = warmupLength(c);
  if (step < warmup) return (c.lr * (step + 1) / warmup) * recoveryFactor;
  if (c.scheduleSteps === null || c.scheduleSteps <= warmup) return c.lr * recoveryFactor;
  const progress = Math.min(1, (step - warmup) / (c.scheduleSteps - warmup));
  return c.lr * (c.lrFinal + (1 - c.lrFinal) * 0.5 * (1 + Math.cos(Math.PI * progress))) * recoveryFactor;
}
