/**
 * `charnn compare`: train several cells on the same corpus, seed and budget,
 * one after another (fair on a small machine: no run steals cores from
 * another), and report one row per cell. Each run is an ordinary Trainer
 * writing ordinary checkpoints to <outDir>/<cell>, so the models can be
 * sampled, evaluated or measured (`charnn gradients --checkpoint …`) later.
 *
 * Plain logic, no UI: the trainers' events are re-emitted tagged with the
 * cell, and the app decides what to show.
 */
import path from 'node:path';
import { readCorpus, type Normalization } from '../data/corpus.js';
import type { CellType, ModelConfig } from '../model/config.js';
import { DEFAULT_MODEL_CONFIG } from '../settings/model-settings.js';
import { DEFAULT_TRAIN_CONFIG, type TrainConfig } from '../settings/train-settings.js';
import type { EngineSettings } from '../engine/engine.js';
import type { TrainEvent } from '../train/events.js';
import { prepareTraining } from '../train/setup.js';
import type { Trainer } from '../train/trainer.js';
import { matchParams, sameHidden, type ModelShape, type SizedCell } from './match-params.js';

export type MatchMode = 'hidden' | 'params';

interface CompareRequest {
  corpusPath: string;
  normalization: Normalization;
  cells: CellType[];
  match: MatchMode;
  hidden: number;
  layers: number;
  embedding: number;
  dropout: number;
  /** Training settings shared by every run (limits, batch layout, seed…). */
  training: Partial<TrainConfig>;
  /** Each run writes its checkpoints to <outDir>/<cell>. */
  outDir: string;
  /** What trains every run: the engine charnn train would use, with one tfjs worker. */
  engine: EngineSettings;
}

export interface CompareBudget {
  /** What trains the runs: "ort", "ort, 2 threads", "tfjs wasm". */
  engine: string;
  maxSteps: number | null;
  maxTimeMs: number | null;
  batchSize: number;
  seqLen: number;
  seed: number;
  lr: number;
  evalEvery: number;
  evalBatches: number;
}

export interface CompareRow {
  cell: CellType;
  hidden: number;
  layers: number;
  params: number;
  steps: number;
  /** Training time of the run (steps, evaluations, samples and saves). */
  elapsedMs: number;
  /** Median time of one training step (forward, backward, Adam), evaluations excluded. */
  msPerStep: number | null;
  /** batch × seq-len / msPerStep. */
  charsPerSec: number | null;
  bestValLoss: number | null;
  bestValBpc: number | null;
  bestStep: number | null;
  lastValLoss: number | null;
  /** The last sample drawn during the run (temperature in sampleTemperature). */
  sample: string | null;
  sampleTemperature: number | null;
  /** [step, validation loss] of every evaluation. */
  val: [number, number][];
  outDir: string;
  stopped: boolean;
}

interface CompareStart {
  type: 'plan';
  corpus: string;
  runs: SizedCell[];
  match: MatchMode;
  budget: CompareBudget;
}

export type CompareEvent =
  | CompareStart
  | { type: 'train'; cell: CellType; index: number; event: TrainEvent }
  | { type: 'result'; index: number; row: CompareRow }
  | { type: 'done'; rows: CompareRow[]; stopped: boolean };

type CompareListener = (event: CompareEvent) => void;

/** Evaluations per run when the budget is a number of steps. */
const EVALS_PER_RUN = 10;

/** Eval interval for a budget: about ten evaluations, at least 25 steps apart. */
function defaultEvalEvery(maxSteps: number | null): number {
  return maxSteps === null ? 100 : Math.max(25, Math.round(maxSteps / EVALS_PER_RUN));
}

export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** What trains the runs, as the budget line shows it: "ort", "ort, 2 threads", "tfjs wasm". */
function engineLabel(engine: EngineSettings): string {
  if (engine.name !== 'ort') return `tfjs ${engine.backend}`;
  return `ort${engine.threads > 0 ? `, ${engine.threads} thread${engine.threads === 1 ? '' : 's'}` : ''}`;
}

/**
 * Collects one row from a run's events. Step times are the gaps between
 * consecutive step events with nothing else (evaluation, sample, save) in
 * between.
 */
class RowCollector {
  private gaps: number[] = [];
  private lastStepMs: number | null = null;
  private row: CompareRow;

  constructor(sized: SizedCell, layers: number, outDir: string, private readonly charsPerStep: number) {
    this.row = {
      cell: sized.cell, hidden: sized.hidden, layers, params: sized.params, steps: 0, elapsedMs: 0, msPerStep: null, charsPerSec: null,
      bestValLoss: null, bestValBpc: null, bestStep: null, lastValLoss: null, sample: null, sampleTemperature: null, val: [], outDir, stopped: false,
    };
  }

  add(event: TrainEvent): void {
    const r = this.row;
    switch (event.type) {
      case 'start':
        r.params = event.info.params;
        return;
      case 'step':
        if (this.lastStepMs !== null) this.gaps.push(event.elapsedMs - this.lastStepMs);
        this.lastStepMs = event.elapsedMs;
        r.steps = event.step;
        r.elapsedMs = event.elapsedMs;
        return;
      case 'eval':
        r.val.push([event.step, event.valLoss]);
        r.lastValLoss = event.valLoss;
        if (event.improved) {
          r.bestValLoss = event.valLoss;
          r.bestValBpc = event.valLoss / Math.LN2;
          r.bestStep = event.step;
        }
        this.lastStepMs = null;
        return;
      case 'sample':
        if (event.samples.length > 0) {
          r.sample = event.samples[0]!.text;
          r.sampleTemperature = event.samples[0]!.temperature;
        }
        this.lastStepMs = null;
        return;
      case 'done':
        r.steps = event.step;
        r.elapsedMs = event.elapsedMs;
        r.stopped = event.reason === 'stopped';
        return;
      default:
        this.lastStepMs = null;
    }
  }

  result(): CompareRow {
    const ms = median(this.gaps);
    return { ...this.row, msPerStep: ms, charsPerSec: ms !== null && ms > 0 ? (this.charsPerStep * 1000) / ms : null, val: [...this.row.val] };
  }
}

export class Comparison {
  private listeners = new Set<CompareListener>();
  private current: Trainer | null = null;
  private stopRequested = false;
  readonly runs: SizedCell[];
  readonly budget: CompareBudget;
  readonly corpusName: string;
  private readonly training: TrainConfig;

  constructor(private readonly request: CompareRequest) {
    // Parameter counts depend on the vocabulary, so the corpus is read first
    // (prepareTraining reads it again for each run; that is cheap).
    const corpus = readCorpus(request.corpusPath, request.normalization);
    this.corpusName = corpus.name;
    const vocabSize = corpus.vocab.size;
    const shape: ModelShape = { vocabSize, embedding: request.embedding, layers: request.layers, dropout: request.dropout };
    this.runs = request.match === 'params' ? matchParams(request.cells, shape, request.hidden) : sameHidden(request.cells, shape, request.hidden);
    this.training = {
      ...DEFAULT_TRAIN_CONFIG,
      sampleTemperatures: [0.8],
      sampleLength: 120,
      evalBatches: 20,
      // Every run of a comparison validates at the same steps (looks by the clock would differ with each engine's speed).
      evalEveryMs: 0,
      ...request.training,
    };
    if (request.training.evalEvery === undefined) this.training.evalEvery = defaultEvalEvery(this.training.maxSteps);
    const t = this.training;
    this.budget = {
      engine: engineLabel(request.engine),
      maxSteps: t.maxSteps, maxTimeMs: t.maxTimeMs, batchSize: t.batchSize, seqLen: t.seqLen, seed: t.seed, lr: t.lr,
      evalEvery: t.evalEvery, evalBatches: t.evalBatches,
    };
  }

  subscribe(listener: CompareListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(event: CompareEvent): void {
    for (const listener of this.listeners) listener(event);
  }

  /** Stops the running trainer (it saves latest/) and skips the cells after it. */
  stop(): void {
    this.stopRequested = true;
    this.current?.send({ type: 'stop' });
  }

  /** The plan event: corpus, cells with their sizes, budget. */
  plan(): CompareStart {
    return { type: 'plan', corpus: this.corpusName, runs: this.runs, match: this.request.match, budget: this.budget };
  }

  async run(): Promise<CompareRow[]> {
    const r = this.request;
    const rows: CompareRow[] = [];
    const runs = this.runs;
    this.emit(this.plan());
    for (let index = 0; index < runs.length && !this.stopRequested; index++) {
      const model: Omit<ModelConfig, 'vocabSize'> = {
        ...DEFAULT_MODEL_CONFIG, cell: runs[index]!.cell, hidden: runs[index]!.hidden, layers: r.layers, embedding: r.embedding, dropout: r.dropout,
      };
      const outDir = path.join(r.outDir, model.cell);
      const trainer = await prepareTraining({
        corpusPath: r.corpusPath, normalization: r.normalization, model, training: this.training, outDir, resume: null, engine: r.engine,
      });
      const collector = new RowCollector(runs[index]!, r.layers, path.resolve(outDir), this.training.batchSize * this.training.seqLen);
      const unsubscribe = trainer.subscribe((event) => {
        collector.add(event);
        this.emit({ type: 'train', cell: model.cell, index, event });
      });
      this.current = trainer;
      if (this.stopRequested) trainer.send({ type: 'stop' });
      try {
        await trainer.run();
      } finally {
        unsubscribe();
        this.current = null;
        trainer.dispose();
      }
      const row = collector.result();
      rows.push(row);
      this.emit({ type: 'result', index, row });
    }
    this.emit({ type: 'done', rows, stopped: this.stopRequested });
    return rows;
  }
}
