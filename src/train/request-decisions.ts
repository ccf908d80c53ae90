/**
 * What the train flags leave open, decided here for every caller of
 * prepareTraining (the CLI only collects flags): how many threads the tfjs
 * engine splits each batch over, and which limits a resumed run keeps.
 */
import os from 'node:os';
import type { EngineSettings } from '../engine/engine.js';
import { defaultWorkers } from '../engine/tfjs/backend/names.js';
import type { TrainConfig } from '../settings/train-settings.js';
import { checkAddressSpace } from '../util/process-limits.js';

/**
 * The tfjs engine's data-parallel threads of a run: --workers; else a resumed
 * run's own; else, for a new run, as many as its backend uses well (one on the
 * ort engine, whose threads are its own), refused before anything is read if
 * their heaps would pass ulimit -v (a given --workers was checked at start-up).
 */
export function runWorkers(engine: EngineSettings, resumed: number | null): number {
  if (engine.workers !== undefined) return engine.workers;
  if (resumed !== null) return resumed;
  if (engine.name === 'ort') return 1;
  const workers = defaultWorkers(engine.backend, os.availableParallelism());
  checkAddressSpace('tfjs', workers, '--workers');
  return workers;
}

/**
 * A resumed run keeps its own limits unless new ones are given; new ones
 * replace the old ones entirely (the learning rate goes on from where it was
 * down to its floor at the new limit: lr-schedule.ts).
 */
export function resumedLimits<T extends Partial<TrainConfig>>(given: T): T {
  if (given.maxSteps === undefined && given.maxEpochs === undefined && given.maxTimeMs === undefined) return given;
  const training = { ...given };
  training.maxSteps ??= null;
  training.maxEpochs ??= null;
  training.maxTimeMs ??= null;
  return training;
}
