/**
 * A trainer with what every run needs besides the loop: its checkpoints
 * (latest/ and best/ in the run directory, and the way back on divergence)
 * and its samples after each evaluation.
 */
import { checkpointCallback } from './callbacks/checkpoints.js';
import { sampleCallback } from './callbacks/samples.js';
import { Trainer, type TrainerSetup } from './trainer.js';

export function createTrainer(setup: TrainerSetup): Trainer {
  const trainer = new Trainer(setup);
  trainer.use(checkpointCallback(setup.outDir, {
    backend: setup.backend, engine: setup.engine.label, model: setup.model, vocabulary: setup.vocab.chars,
    normalization: setup.normalization, corpus: setup.corpus, initFrom: setup.initFrom, choice: setup.choice ?? null,
  }));
  trainer.use(sampleCallback(setup));
  return trainer;
}
