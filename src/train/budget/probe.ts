/**
 * How fast this machine trains each candidate model now: a few training
 * steps of each, on the run's own first batches, in the run's first seconds.
 * The speeds feed ./choose.ts. A candidate that could not win even at 1.5×
 * the speed its size predicts (from the candidates already measured) is not
 * measured, and none is once the probe has taken its share of the budget, so
 * the probe costs a few seconds, not one per candidate. A candidate that
 * differs from a measured one only in dropout takes its speed.
 */
import type { Engine } from '../../engine/engine.js';
import { parameterCount, type ModelConfig } from '../../model/config.js';
import { uniformArray } from '../../model/init.js';
import { parameterSpecs, type ParamArrays } from '../../model/params.js';
import { zeroState } from '../../model/state.js';
import { BatchStream } from '../../data/batches.js';
import { fitLayout } from '../../data/layout.js';
import type { TokenIds } from '../../data/id-builder.js';
import { Rng } from '../../util/rng.js';
import { chooseModel, type Candidate, type Choice } from './choose.js';
import { expectedLoss } from './expected-loss.js';

/** Timed steps per candidate: at least this many, and at least MIN_MS of them. */
const MIN_STEPS = 2;
const MAX_STEPS = 6;
const MIN_MS = 400;
/** How much faster than its size predicts an unmeasured candidate could be, for it to be worth measuring. */
const OPTIMISM = 1.5;

export interface ProbeRequest {
  candidates: readonly Candidate[];
  /** The model each candidate is trained as (the vocabulary, embedding and dropout of this run). */
  model: (c: Candidate) => ModelConfig;
  /** An engine for a model (the run's engine, threads and backend). */
  makeEngine: (model: ModelConfig) => Promise<Engine>;
  trainIds: TokenIds;
  batchSize: number;
  /** The seq-len each candidate trains with (its own, or the user's --seq-len). */
  seqLen: (c: Candidate) => number;
  /** Training time left once the probe is over, given the ms the probe took so far. */
  trainingMs: (probeMs: number) => number;
  /** ln(vocabulary size). */
  untrained: number;
  /** Once the probe has taken this long, the candidates not yet measured are left out (the first is always measured). */
  maxProbeMs: number;
  /** Milliseconds of a monotonic clock. */
  clock: () => number;
}

export interface ProbeResult {
  choice: Choice;
  /** The chosen model's engine, warmed up (the others are disposed). */
  engine: Engine;
  /** How long the probe took. */
  probeMs: number;
}

/** Measures the candidates smallest first, skipping those that cannot win, and chooses. */
export async function probeAndChoose(r: ProbeRequest): Promise<ProbeResult> {
  const start = r.clock();
  const size = (c: Candidate): number => parameterCount(r.model(c));
  const order = r.candidates.map((_, i) => i).sort((a, b) => size(r.candidates[a]!) - size(r.candidates[b]!));
  const speeds: (number | null)[] = r.candidates.map(() => null);
  const engines = new Map<number, Engine>();
  const streams = new Map<number, BatchStream>();
  // A text too short for the candidate's window is measured with the layout the run will shrink to (src/train/run-layout.ts).
  const batches = (seqLen: number): BatchStream => {
    const cached = streams.get(seqLen);
    if (cached) return cached;
    const fit = fitLayout(r.trainIds.length, { batchSize: r.batchSize, seqLen }) ?? { batchSize: r.batchSize, seqLen };
    return streams.set(seqLen, new BatchStream(r.trainIds, fit.batchSize, fit.seqLen, 'training')).get(seqLen)!;
  };
  try {
    for (const i of order) {
      const candidate = r.candidates[i]!;
      // The same model with other dropout trains as fast: its speed is the one measured.
      const twin = order.find((j) => speeds[j] !== null && sameShape(r, j, i));
      if (twin !== undefined) {
        speeds[i] = speeds[twin]!;
        continue;
      }
      if (engines.size > 0 && r.clock() - start >= r.maxProbeMs) break;
      if (!worthMeasuring(r, speeds, i, r.trainingMs(r.clock() - start))) continue;
      const model = r.model(candidate);
      const engine = await r.makeEngine(model);
      engines.set(i, engine);
      speeds[i] = await measure(engine, model, batches(r.seqLen(candidate)), r.clock);
    }
    const choice = chooseModel(r.candidates, speeds, r.trainingMs(r.clock() - start), r.untrained);
    const engine = engines.get(choice.index) ?? await r.makeEngine(r.model(r.candidates[choice.index]!));
    engines.delete(choice.index);
    return { choice, engine, probeMs: r.clock() - start };
  } finally {
    for (const engine of engines.values()) await engine.dispose();
  }
}

/** Whether candidates i and j differ only in dropout (the same products per step). */
function sameShape(r: ProbeRequest, i: number, j: number): boolean {
  const [a, b] = [r.candidates[i]!, r.candidates[j]!];
  return a.cell === b.cell && a.layers === b.layers && a.hidden === b.hidden && r.seqLen(a) === r.seqLen(b);
}

/**
 * Whether candidate i could beat the best measured one: its speed estimated
 * from the nearest measured candidate's, scaled by parameter count (the
 * recurrent products dominate), times OPTIMISM.
 */
function worthMeasuring(r: ProbeRequest, speeds: readonly (number | null)[], i: number, trainingMs: number): boolean {
  const measured = speeds.flatMap((s, j) => (s === null ? [] : [j]));
  if (measured.length === 0) return true;
  const best = Math.min(...measured.map((j) => expectedLoss(r.candidates[j]!.curve, (speeds[j]! * trainingMs) / 1000, r.untrained)));
  const params = (j: number): number => parameterCount(r.model(r.candidates[j]!));
  const nearest = measured.reduce((a, b) => (Math.abs(Math.log(params(b) / params(i))) < Math.abs(Math.log(params(a) / params(i))) ? b : a));
  const optimistic = (speeds[nearest]! * params(nearest)) / params(i) * OPTIMISM;
  return expectedLoss(r.candidates[i]!.curve, (optimistic * trainingMs) / 1000, r.untrained) < best;
}

/** Training chars/s of one model: a warm-up step (graph building), then timed steps. Values do not matter for speed: weights U(±0.1). */
async function measure(engine: Engine, model: ModelConfig, batches: BatchStream, clock: () => number): Promise<number> {
  const rng = new Rng(1);
  const weights: ParamArrays = new Map(parameterSpecs(model).map((s) => [s.name, uniformArray(rng, s.shape.reduce((a, b) => a * b, 1), 0.1)]));
  const state = zeroState(model, batches.batchSize);
  const window = (k: number): Parameters<Engine['gradients']>[1] => ({
    ...batches.batch(k % batches.batchesPerEpoch), batchSize: batches.batchSize, seqLen: batches.seqLen,
  });
  await engine.gradients(weights, window(0), state, rng);
  const t0 = clock();
  let steps = 0;
  while (steps < MAX_STEPS && (steps < MIN_STEPS || clock() - t0 < MIN_MS)) {
    await engine.gradients(weights, window(1 + steps), state, rng);
    steps++;
  }
  return (steps * batches.batchSize * batches.seqLen * 1000) / Math.max(1e-3, clock() - t0);
}
