/** Training hyper-parameters and stopping limits; stored in every checkpoint. */
export interface TrainConfig {
  batchSize: number;
  seqLen: number;
  valFrac: number;
  lr: number;
  /** Multiply the learning rate by this every lrDecayEvery steps (1 = off). */
  lrDecay: number;
  lrDecayEvery: number;
  clip: number;
  seed: number;
  maxSteps: number | null;
  maxEpochs: number | null;
  maxTimeMs: number | null;
  evalEvery: number;
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
}

export const DEFAULT_TRAIN_CONFIG: TrainConfig = {
  batchSize: 32,
  seqLen: 100,
  valFrac: 0.1,
  lr: 2e-3,
  lrDecay: 1,
  lrDecayEvery: 1000,
  clip: 5,
  seed: 1,
  maxSteps: null,
  maxEpochs: null,
  maxTimeMs: null,
  evalEvery: 200,
  evalBatches: 0,
  sampleTemperatures: [0.5, 0.8, 1.0],
  sampleLength: 200,
  keep: 1,
  maxBadSteps: 5,
  maxRecoveries: 3,
  workers: 1,
};

/** Learning rate at a step, with step decay. */
export function learningRateAt(c: Pick<TrainConfig, 'lr' | 'lrDecay' | 'lrDecayEvery'>, step: number, recoveryFactor = 1): number {
  const decays = c.lrDecay === 1 ? 0 : Math.floor(step / c.lrDecayEvery);
  return c.lr * c.lrDecay ** decays * recoveryFactor;
}
