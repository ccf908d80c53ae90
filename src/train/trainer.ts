/**
 * The training loop. It knows nothing of printing: it emits TrainEvents and
 * takes TrainCommands; the app decides what to show or save (minGPT-style
 * callbacks).
 */
import path from 'node:path';
import { BatchStream } from '../data/batches.js';
import { displayText } from '../data/display.js';
import type { Layout } from '../data/layout.js';
import type { Normalization, TokenIds } from '../data/corpus.js';
import type { Vocabulary } from '../data/vocabulary.js';
import { parameterCount, type ModelConfig } from '../model/config.js';
import { type ParamArrays } from '../model/params.js';
import { resetStreams, zeroState, type StateArrays } from '../model/state.js';
import type { Engine } from '../engine/engine.js';
import { generate } from '../sample/generate.js';
import { Sampler } from '../sample/sampler.js';
import { Rng } from '../util/rng.js';
import { runtimeError } from '../util/errors.js';
import { loadCheckpoint, loadTrainingState } from '../checkpoint/load.js';
import { checkpointMeta, type CorpusInfo, type History, type InitFrom, type Progress } from '../checkpoint/meta.js';
import { NonFiniteCheckpointError, saveCheckpoint, type OptimizerState } from '../checkpoint/save.js';
import { FIRST_EVAL_BATCHES, learningRateAt, type TrainConfig } from './config.js';
import type { DoneEvent, RunInfo, StopReason, TrainCommand, TrainEvent, TrainEventListener } from './events.js';
import { Adam, clipScale, globalNorm } from './optimizer.js';
import { evaluate } from './evaluate.js';
import { pickResets } from './state-resets.js';
import { ScheduleDecider, type ScheduleDecision } from './schedule.js';
import { faultLoss } from './fault-injection.js';


export interface TrainerSetup {
  corpus: CorpusInfo;
  vocab: Vocabulary;
  normalization: Normalization;
  /** The corpus's code-point ids (2 bytes each while the vocabulary allows). */
  trainIds: TokenIds;
  valIds: TokenIds;
  model: ModelConfig;
  training: TrainConfig;
  /** The weights (internal layout); the trainer updates them in place. */
  params: ParamArrays;
  /** Runs the passes; the trainer disposes it. */
  engine: Engine;
  outDir: string;
  backend: string;
  /** Streams and window length of validation (what the validation text holds, at most the training layout). */
  valLayout: Layout;
  /** Lines for the user about choices made for this run (a shrunk layout, …). */
  notes: string[];
  /** The checkpoint a fine-tuned run started from (recorded in every checkpoint it writes). */
  initFrom: InitFrom | null;
  /** Called once when the trainer is disposed: releases the run directory's lock. */
  release?: () => void;
  /** Progress, history, optimizer and carried state of a resumed run. */
  resume: {
    from: string;
    progress: Progress;
    history: History;
    /** Null when the checkpoint holds none (the moments start from zero). */
    optimizer: OptimizerState | null;
    carried: StateArrays | null;
  } | null;
}

export class Trainer {
  private listeners = new Set<TrainEventListener>();
  private commands: TrainCommand[] = [];
  private wake: (() => void) | null = null;
  private weights: ParamArrays;
  private readonly engine: Engine;
  private adam: Adam;
  private readonly trainStream: BatchStream;
  private readonly valStream: BatchStream;
  private rng: Rng;
  private progress: Progress;
  private history: History;
  private carried: StateArrays;
  private paused = false;
  private decider: ScheduleDecider | null = null;
  private stopRequested = false;

  constructor(private readonly setup: TrainerSetup) {
    const t = setup.training;
    this.weights = setup.params;
    this.engine = setup.engine;
    this.trainStream = new BatchStream(setup.trainIds, t.batchSize, t.seqLen, 'training');
    this.valStream = new BatchStream(setup.valIds, setup.valLayout.batchSize, setup.valLayout.seqLen, 'validation');
    const r = setup.resume;
    this.adam = r?.optimizer ? Adam.fromState(r.optimizer) : new Adam();
    this.progress = r?.progress ?? {
      step: 0, epoch: 0, batch: 0, rngState: new Rng(t.seed).state, bestValLoss: null, bestStep: null, elapsedMs: 0, recoveries: 0,
    };
    this.history = r?.history ?? { train: [], val: [] };
    this.rng = new Rng(this.progress.rngState);
    this.carried = r?.carried ?? zeroState(setup.model, t.batchSize);
  }

  get latestDir(): string {
    return path.join(this.setup.outDir, 'latest');
  }

  get bestDir(): string {
    return path.join(this.setup.outDir, 'best');
  }

  subscribe(listener: TrainEventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  send(command: TrainCommand): void {
    this.commands.push(command);
    this.wake?.();
  }

  private emit(event: TrainEvent): void {
    for (const listener of this.listeners) listener(event);
  }

  runInfo(): RunInfo {
    const s = this.setup;
    return {
      corpusName: s.corpus.name, corpusChars: s.corpus.chars, corpusBytes: s.corpus.bytes,
      trainChars: s.trainIds.length, valChars: s.valIds.length, vocabSize: s.vocab.size,
      cell: s.model.cell, layers: s.model.layers, hidden: s.model.hidden, embedding: s.model.embedding,
      dropout: s.model.dropout, params: parameterCount(s.model), backend: s.backend, engine: this.engine.label,
      batchSize: s.training.batchSize, seqLen: s.training.seqLen, stepsPerEpoch: this.trainStream.batchesPerEpoch,
      maxSteps: s.training.maxSteps, maxEpochs: s.training.maxEpochs, maxTimeMs: s.training.maxTimeMs,
      startStep: this.progress.step, outDir: s.outDir, resumedFrom: s.resume?.from ?? null, notes: s.notes,
    };
  }

  private fractionalEpoch(): number {
    return this.progress.epoch + this.progress.batch / this.trainStream.batchesPerEpoch;
  }

  private stopReason(sessionMs: number): StopReason | null {
    const t = this.setup.training;
    if (this.stopRequested) return 'stopped';
    if (t.maxSteps !== null && this.progress.step >= t.maxSteps) return 'max-steps';
    if (t.maxEpochs !== null && this.fractionalEpoch() >= t.maxEpochs) return 'max-epochs';
    if (t.maxTimeMs !== null && sessionMs >= t.maxTimeMs) return 'max-time';
    return null;
  }

  private progressFraction(sessionMs: number): number {
    const t = this.setup.training;
    const start = this.setup.resume?.progress.step ?? 0;
    const fractions = [0];
    if (t.maxSteps !== null) fractions.push((this.progress.step - start) / Math.max(1, t.maxSteps - start));
    if (t.maxEpochs !== null) fractions.push(this.fractionalEpoch() / t.maxEpochs);
    if (t.maxTimeMs !== null) fractions.push(sessionMs / t.maxTimeMs);
    return Math.min(1, Math.max(...fractions));
  }

  /** Handles queued commands; returns once not paused. */
  private async handleCommands(): Promise<void> {
    for (;;) {
      while (this.commands.length > 0) {
        const c = this.commands.shift()!;
        if (c.type === 'stop') this.stopRequested = true;
        else if (c.type === 'pause' || (c.type === 'toggle-pause' && !this.paused)) {
          if (!this.paused) this.emit({ type: 'paused', step: this.progress.step });
          this.paused = true;
        } else if (c.type === 'resume' || c.type === 'toggle-pause') {
          if (this.paused) this.emit({ type: 'resumed', step: this.progress.step });
          this.paused = false;
        } else if (c.type === 'save') await this.saveLatest();
        else if (c.type === 'sample') await this.emitSamples(c.temperatures);
      }
      if (!this.paused || this.stopRequested) return;
      await new Promise<void>((resolve) => (this.wake = resolve));
      this.wake = null;
    }
  }

  private async emitSamples(temperatures = this.setup.training.sampleTemperatures): Promise<void> {
    if (temperatures.length === 0 || this.setup.training.sampleLength <= 0) return;
    const sampler = new Sampler(this.engine.stepModel(this.weights));
    try {
      const requests = temperatures.map((temperature, i) => ({
        prime: '',
        rng: new Rng(this.setup.training.seed * 7919 + this.progress.step * 31 + i),
        sampling: { temperature, topK: 0, topP: 1 },
      }));
      const results = await generate(sampler, this.setup.vocab, requests, {
        length: this.setup.training.sampleLength, maxLength: this.setup.training.sampleLength, stop: [],
      });
      this.emit({ type: 'sample', step: this.progress.step, samples: results.map((r, i) => ({ temperature: temperatures[i]!, text: displayText(r.text, this.setup.normalization) })) });
    } finally {
      sampler.dispose();
    }
  }

  private checkpointMeta() {
    const s = this.setup;
    return checkpointMeta({
      backend: s.backend, engine: this.engine.label, model: s.model, vocabulary: s.vocab.chars, normalization: s.normalization,
      corpus: s.corpus, training: s.training, progress: { ...this.progress, rngState: this.rng.state }, history: this.history, initFrom: s.initFrom,
    });
  }

  private async save(dir: string, kind: 'latest' | 'best'): Promise<void> {
    try {
      const keep = kind === 'latest' ? { keep: this.setup.training.keep } : {};
      await saveCheckpoint(dir, { meta: this.checkpointMeta(), params: this.weights, optimizer: this.adam.toState(), carried: this.carried }, keep);
    } catch (error) {
      if (error instanceof NonFiniteCheckpointError) {
        // Never a NaN checkpoint: the last good one stays for recovery.
        this.emit({ type: 'warning', step: this.progress.step, message: `${error.message} at step ${this.progress.step}; ${kind} checkpoint not saved` });
        return;
      }
      const e = error as NodeJS.ErrnoException;
      const why = e.code === 'ENOSPC' || e.code === 'EFBIG' ? 'the disk is full' : e.code === 'EACCES' || e.code === 'EROFS' ? 'permission denied' : e.message;
      throw runtimeError(`could not save the ${kind} checkpoint to ${dir}: ${why}`, 'free disk space or choose another --out; the previous checkpoint is intact', error);
    }
    this.emit({ type: 'checkpoint', step: this.progress.step, kind, path: dir });
  }

  private saveLatest(): Promise<void> {
    return this.save(this.latestDir, 'latest');
  }

  /** Decides the cosine's length (train/schedule.ts) when the run has not yet. */
  private scheduleDecider(): ScheduleDecider | null {
    const t = this.setup.training;
    if (t.schedule !== 'cosine' || t.scheduleSteps !== null) return null;
    const decider = new ScheduleDecider(t, {
      stepsPerEpoch: this.trainStream.batchesPerEpoch,
      startStep: this.progress.step,
      charsPerStep: t.batchSize * t.seqLen,
      charsPerEval: this.valStream.batchSize * this.valStream.seqLen * (t.evalBatches > 0 ? Math.min(t.evalBatches, this.valStream.batchesPerEpoch) : this.valStream.batchesPerEpoch),
    });
    const now = decider.initial();
    if (now) {
      this.adoptSchedule(now);
      return null;
    }
    return t.maxTimeMs === null ? null : decider;
  }

  private decideSchedule(stepMs: number, sessionMs: number): void {
    if (!this.decider) return;
    this.decider.recordStep(stepMs);
    const decision = this.decider.decide(this.progress.step, sessionMs);
    if (decision) {
      this.adoptSchedule(decision);
      this.decider = null;
    }
  }

  private adoptSchedule(decision: ScheduleDecision): void {
    const t = this.setup.training;
    t.scheduleSteps = decision.steps;
    const floor = t.lr * t.lrFinal;
    this.emit({
      type: 'note', step: this.progress.step,
      message: `learning rate: cosine from ${t.lr.toExponential(1)} to ${floor.toExponential(1)} over ${decision.steps.toLocaleString('en-US')} steps (from ${decision.reason})`,
    });
  }

  /** Whether a stop was asked for, handled or still queued (a command arrives while a pass runs). */
  private stopPending(): boolean {
    return this.stopRequested || this.commands.some((c) => c.type === 'stop');
  }

  /** Evaluates, saves and samples; false when a stop request cut the evaluation short (nothing saved yet). */
  /** @param firstLook the session's first, time-triggered evaluation: at most FIRST_EVAL_BATCHES batches. */
  private async runEval(trainLossSinceEval: number, firstLook = false): Promise<boolean> {
    const started = performance.now();
    const t = this.setup.training;
    const all = this.valStream.batchesPerEpoch;
    const wanted = t.evalBatches > 0 ? Math.min(t.evalBatches, all) : all;
    const quick = firstLook && wanted > FIRST_EVAL_BATCHES ? { batches: FIRST_EVAL_BATCHES, of: wanted } : undefined;
    const done = await this.evaluateAndSave(trainLossSinceEval, quick);
    // A first look is cheaper than the evaluations the schedule has to plan for.
    if (done && !quick) this.decider?.recordEval(performance.now() - started);
    return done;
  }

  private async evaluateAndSave(trainLossSinceEval: number, quick?: { batches: number; of: number }): Promise<boolean> {
    const t = this.setup.training;
    const { loss: valLoss, batches, interrupted } = await evaluate(
      this.engine, this.setup.model, this.weights, this.valStream, quick ? quick.batches : t.evalBatches, () => this.stopPending(),
    );
    if (interrupted) return false;
    // A look at part of the split never replaces an evaluation of all of it (it may give a new run its first best/).
    const improved = this.progress.bestValLoss === null || (!quick && valLoss < this.progress.bestValLoss);
    if (improved) {
      this.progress.bestValLoss = valLoss;
      this.progress.bestStep = this.progress.step;
    }
    this.history.val.push([this.progress.step, valLoss]);
    if (Number.isFinite(trainLossSinceEval)) this.history.train.push([this.progress.step, trainLossSinceEval]);
    this.emit({
      type: 'eval', step: this.progress.step, epoch: this.fractionalEpoch(), valLoss, valBpc: valLoss / Math.LN2,
      trainLoss: trainLossSinceEval, trainBpc: trainLossSinceEval / Math.LN2, bestValLoss: this.progress.bestValLoss!, improved, valBatches: batches,
      ...(quick ? { quick } : {}),
    });
    await this.saveLatest();
    if (improved) await this.save(this.bestDir, 'best');
    if (!this.stopPending()) await this.emitSamples();
    return true;
  }

  /** Restores the last good checkpoint after repeated divergence, halving the learning rate. */
  private recover(): void {
    const loaded = loadCheckpoint(this.latestDir);
    const state = loadTrainingState(loaded)!;
    this.weights = loaded.params;
    this.adam = Adam.fromState(state.optimizer);
    this.carried = state.carried ?? zeroState(this.setup.model, this.setup.training.batchSize);
    const recoveries = this.progress.recoveries + 1;
    this.progress = { ...loaded.meta.progress, recoveries };
    // Back to the checkpoint's moment in every respect: losses recorded after
    // it and random draws made since belong to the abandoned trajectory.
    this.history = loaded.meta.history;
    this.rng = new Rng(loaded.meta.progress.rngState);
  }

  async run(): Promise<DoneEvent> {
    const t = this.setup.training;
    this.emit({ type: 'start', info: this.runInfo() });
    const sessionStart = performance.now();
    let pausedMs = 0;
    const sessionMs = (): number => performance.now() - sessionStart - pausedMs;
    const elapsedBase = this.progress.elapsedMs;
    let lossSum = 0;
    let lossCount = 0;
    let badInARow = 0;
    let evaluated = false;
    const recentRates: number[] = [];
    let reason: StopReason | null = null;
    const vocabLimit = 10 * Math.log(this.setup.vocab.size) + 10;
    this.decider = this.scheduleDecider();
    while ((reason = this.stopReason(sessionMs())) === null) {
      const pauseStart = performance.now();
      const wasPaused = this.paused || this.commands.length > 0;
      await this.handleCommands();
      if (wasPaused) pausedMs += performance.now() - pauseStart;
      if (this.stopRequested) continue;
      await new Promise<void>((resolve) => setImmediate(resolve));

      const stepStart = performance.now();
      // A share of the streams restart from zero, so the zero state unprimed samples start from is familiar.
      if (this.progress.batch === 0) this.carried = zeroState(this.setup.model, t.batchSize);
      else resetStreams(this.carried, pickResets(this.rng, t.batchSize, t.stateResets));
      const { inputs, targets } = this.trainStream.batch(this.progress.batch);
      const batch = { inputs, targets, batchSize: t.batchSize, seqLen: t.seqLen };
      const result = await this.engine.gradients(this.weights, batch, this.carried, this.rng);
      const loss = faultLoss(result.loss);
      const norm = globalNorm(result.grads);
      const lr = learningRateAt(t, this.progress.step, 0.5 ** this.progress.recoveries);
      if (!Number.isFinite(loss) || !Number.isFinite(norm) || loss > vocabLimit) {
        badInARow++;
        // Once per streak: an isolated bad step is worth a line, a streak ends in recovery (its own warning) or an error.
        if (badInARow === 1) {
          this.emit({ type: 'warning', step: this.progress.step, message: `loss became ${loss} (gradient norm ${norm}); step skipped` });
        }
        if (badInARow >= t.maxBadSteps) {
          if (this.progress.recoveries >= t.maxRecoveries) {
            throw runtimeError(
              `training diverged: ${badInARow} non-finite steps in a row after ${this.progress.recoveries} recoveries`,
              'lower --lr or --clip, or resume from the latest checkpoint with a smaller learning rate',
            );
          }
          try {
            this.recover();
          } catch {
            throw runtimeError(`training diverged at step ${this.progress.step} before any checkpoint was written`, 'lower --lr or --clip and start again');
          }
          this.emit({
            type: 'warning', step: this.progress.step,
            message: `diverged: restored ${this.latestDir} (step ${this.progress.step}) and halved the learning rate (recovery ${this.progress.recoveries} of ${t.maxRecoveries})`,
          });
          badInARow = 0;
        } else {
          // Skip this window's data but keep going.
          this.advanceCursor();
        }
        continue;
      }
      badInARow = 0;
      this.adam.apply(this.weights, result.grads, lr, clipScale(norm, t.clip));
      this.carried = result.finals;
      this.progress.step++;
      this.advanceCursor();
      lossSum += loss;
      lossCount++;

      const stepMs = performance.now() - stepStart;
      this.decideSchedule(stepMs, sessionMs());
      recentRates.push((t.batchSize * t.seqLen) / (stepMs / 1000));
      if (recentRates.length > 20) recentRates.shift();
      const charsPerSec = recentRates.reduce((a, b) => a + b, 0) / recentRates.length;
      const now = sessionMs();
      this.progress.elapsedMs = elapsedBase + now;
      const progress = this.progressFraction(now);
      this.emit({
        type: 'step', step: this.progress.step, epoch: this.fractionalEpoch(), loss, lr, gradNorm: norm, charsPerSec,
        elapsedMs: this.progress.elapsedMs, progress, etaMs: progress > 0 && progress < 1 ? (now * (1 - progress)) / progress : null,
      });
      // Every evalEvery steps; the session's first one as soon as firstEvalMs of training have passed.
      const firstByTime = !evaluated && t.firstEvalMs > 0 && now >= t.firstEvalMs;
      if (this.progress.step % t.evalEvery === 0 || firstByTime) {
        await this.runEval(lossSum / lossCount, firstByTime && this.progress.step % t.evalEvery !== 0);
        evaluated = true;
        lossSum = 0;
        lossCount = 0;
      }
    }
    // The final state is always saved. It is also evaluated when steps were
    // taken since the last eval — unless the user asked to stop, who should
    // not wait for a pass over the validation split.
    this.progress.elapsedMs = elapsedBase + sessionMs();
    if (!(lossCount > 0 && reason !== 'stopped' && (await this.runEval(lossSum / lossCount)))) await this.saveLatest();
    // One clock for the limit and the report: the session, final evaluation and save included.
    const session = sessionMs();
    const done: DoneEvent = {
      type: 'done', step: this.progress.step, reason, elapsedMs: elapsedBase + session, sessionMs: session, bestValLoss: this.progress.bestValLoss,
      latestPath: this.latestDir, bestPath: this.progress.bestValLoss === null ? null : this.bestDir,
    };
    this.emit(done);
    return done;
  }

  private advanceCursor(): void {
    this.progress.batch++;
    if (this.progress.batch >= this.trainStream.batchesPerEpoch) {
      this.progress.batch = 0;
      this.progress.epoch++;
    }
  }

  dispose(): void {
    void this.engine.dispose();
    this.setup.release?.();
  }
}
