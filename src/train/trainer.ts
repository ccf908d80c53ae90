/**
 * The training loop. It schedules steps (step.ts) on the run's state
 * (run-state.ts), evaluations, pauses and stops, recovers from divergence
 * and measures throughput; it tells the world through TrainerEvents
 * (events.ts) and takes TrainCommands. It prints nothing and writes nothing:
 * saving and sampling are callbacks (callback.ts) that act at its moments,
 * attached by createTrainer.
 */
import { BatchStream } from '../data/batches.js';
import type { Layout } from '../data/layout.js';
import type { Normalization, TokenIds } from '../data/corpus.js';
import type { Vocabulary } from '../data/vocabulary.js';
import { parameterCount, type ModelConfig } from '../model/config.js';
import type { ParamArrays } from '../model/params.js';
import { regularisation } from '../model/dropout.js';
import type { Engine } from '../engine/engine.js';
import { runtimeError } from '../util/errors.js';
import type { CorpusInfo, InitFrom, ModelChoice } from '../checkpoint/meta.js';
import { budgetText } from './budget/choose.js';
import { runCheckpointDirs } from '../checkpoint/save.js';
import type { Restored, RunMoment, TrainerCallback } from './callback.js';
import type { TrainConfig } from './config.js';
import { FinalReserve, type FinalPlan } from './final-reserve.js';
import { Controls } from './controls.js';
import { DivergenceWatch } from './divergence.js';
import { EvalClock } from './eval-clock.js';
import { evaluate, evaluationSize } from './evaluate.js';
import type { DoneEvent, EvalEvent, PhaseEvent, RunInfo, StateEvent, StopReason, TrainCommand, TrainerEvent, TrainerEventListener } from './events.js';
import { RunLimits } from './limits.js';
import { RunSpeed } from './run-speed.js';
import { RunState, type ResumedState } from './run-state.js';
import { learningRateAt, ScheduleLength, type SchedulePlan } from './lr-schedule.js';
import { divergedLoss, trainStep } from './step.js';
import { Throughput } from './throughput.js';

/** Everything a run is made of (train/setup.ts prepares it). */
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
  /** The run directory (checkpoints go to its latest/ and best/). */
  outDir: string;
  backend: string;
  /** Streams and window length of validation (what the validation text holds, at most the training layout). */
  valLayout: Layout;
  /** Lines for the user about choices made for this run (a shrunk layout, …). */
  notes: string[];
  /** The checkpoint a fine-tuned run started from (recorded in every checkpoint it writes). */
  initFrom: InitFrom | null;
  /** How the model was chosen for the run's --max-time (absent or null: flags or the fixed default). */
  choice?: ModelChoice | null;
  /** Time of --max-time already spent before the trainer runs (measuring the candidates for `choice`). */
  spentMs?: number;
  /** Called once when the trainer is disposed: releases the run directory's lock. */
  release?: () => void;
  /** A resumed run: the checkpoint it continues, and its saved state. */
  resume: ({ from: string } & ResumedState) | null;
  /** Milliseconds of a monotonic clock (default performance.now; tests give their own). */
  clock?: () => number;
}

/**
 * The note after a final evaluation the time limit cut short. It is compared
 * with nothing, so it never replaces best/; a run with no best/ yet makes it
 * the first (as the eval line says).
 */
function cutEvaluationNote(batches: number, wanted: number, firstBest: boolean): string {
  const read = `the final evaluation was cut short at the time limit: it read ${batches} of ${wanted} validation batches (a shorter evaluation rather than overrunning --max-time)`;
  return firstBest ? `${read}; the run had no best/ yet, so this model becomes its first best/` : `${read}; it does not replace best/`;
}

export class Trainer {
  private readonly listeners = new Set<TrainerEventListener>();
  private readonly callbacks: TrainerCallback[] = [];
  private readonly controls = new Controls();
  /** The run's config as given; the learning rate's plan, decided on the way, is the schedule's (RunMoment.training has both). */
  private readonly training: TrainConfig;
  private readonly engine: Engine;
  private readonly trainStream: BatchStream;
  private readonly valStream: BatchStream;
  private readonly limits: RunLimits;
  private readonly divergence: DivergenceWatch;
  private schedule: ScheduleLength | null = null;
  /** The learning rate's plan as the schedule last returned it (the saved one until the run starts). */
  private plan: SchedulePlan;
  private readonly state: RunState;
  private readonly clock: () => number;
  private readonly speed: RunSpeed;
  /** The time kept for the end of a time-limited run (null: no time limit). */
  private readonly reserve: FinalReserve | null;
  private sessionStart = 0;
  private pausedMs = 0;
  /** best/ holds a model only a look (part of the validation split) measured this session: a later look at the same batches may replace it. */
  private bestByLook = false;

  constructor(private readonly setup: TrainerSetup) {
    const t = (this.training = { ...setup.training });
    this.plan = { scheduleSteps: t.scheduleSteps, scheduleFrom: t.scheduleFrom };
    this.engine = setup.engine;
    this.trainStream = new BatchStream(setup.trainIds, t.batchSize, t.seqLen, 'training');
    this.valStream = new BatchStream(setup.valIds, setup.valLayout.batchSize, setup.valLayout.seqLen, 'validation');
    this.state = new RunState(setup.model, t.batchSize, this.trainStream.batchesPerEpoch, setup.params, t.seed, setup.resume, { beta2: t.adamBeta2 });
    this.limits = new RunLimits(t, this.state.progress.step, this.trainStream.batchesPerEpoch);
    this.divergence = new DivergenceWatch(t);
    this.clock = setup.clock ?? (() => performance.now());
    this.speed = new RunSpeed({
      charsPerStep: t.batchSize * t.seqLen, charsPerValBatch: this.valStream.batchSize * this.valStream.seqLen, params: parameterCount(setup.model),
      sampleChars: t.sampleLength * t.sampleTemperatures.length,
    });
    this.reserve = t.maxTimeMs === null ? null : new FinalReserve(this.speed, t.maxTimeMs, this.fullEvalBatches());
  }

  /** Validation batches of a full evaluation. */
  private fullEvalBatches(): number {
    return evaluationSize(this.training.evalBatches, this.valStream.batchesPerEpoch, false).batches;
  }

  /** Validation batches of a look (the first ones a full evaluation reads). */
  private lookBatches(): number {
    return evaluationSize(this.training.evalBatches, this.valStream.batchesPerEpoch, true).batches;
  }

  /** Training time of this session so far (pauses excluded). */
  private sessionMs(): number {
    return this.clock() - this.sessionStart - this.pausedMs;
  }

  /** The config with the learning rate's plan as it stands: what the rate and the checkpoints (RunMoment.training) read. */
  private config(): TrainConfig {
    return { ...this.training, ...this.plan };
  }

  /** Listens to the run's events; returns the unsubscribe function. */
  subscribe(listener: TrainerEventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Adds a callback; callbacks act in the order they were added. */
  use(callback: TrainerCallback): void {
    this.callbacks.push(callback);
  }

  /** Queues a command; it is handled between steps (a pass in progress finishes first). */
  send(command: TrainCommand): void {
    this.controls.send(command);
  }

  private emit(event: TrainerEvent): void {
    for (const listener of this.listeners) listener(event);
  }

  private runInfo(): RunInfo {
    const s = this.setup;
    return {
      corpusName: s.corpus.name, corpusChars: s.corpus.chars, corpusBytes: s.corpus.bytes,
      trainChars: s.trainIds.length, valChars: s.valIds.length, vocabSize: s.vocab.size,
      cell: s.model.cell, layers: s.model.layers, hidden: s.model.hidden, embedding: s.model.embedding,
      ...regularisation(s.model), params: parameterCount(s.model), backend: s.backend, engine: this.engine.label,
      batchSize: s.training.batchSize, seqLen: s.training.seqLen, stepsPerEpoch: this.trainStream.batchesPerEpoch,
      maxSteps: s.training.maxSteps, maxEpochs: s.training.maxEpochs, maxTimeMs: s.training.maxTimeMs,
      startStep: this.state.progress.step, outDir: s.outDir, resumedFrom: s.resume?.from ?? null, notes: s.notes,
      chosenFor: s.choice ? `best for ${budgetText(s.choice.budgetMs)}` : null,
      sampleTemperatures: [...this.training.sampleTemperatures],
    };
  }

  /** Calls one hook of every callback in turn, each awaited, with the run as it is now (callbacks do not change it). */
  private async each(call: (callback: TrainerCallback, moment: RunMoment) => Promise<void> | undefined): Promise<void> {
    const moment: RunMoment = {
      state: this.state.snapshot(),
      training: this.config(),
      emit: (event) => this.emit(event),
      stopPending: () => this.controls.stopPending(),
    };
    for (const callback of this.callbacks) await call(callback, moment);
  }

  private async save(): Promise<void> {
    const started = this.clock();
    await this.each((callback, moment) => callback.save?.(moment));
    this.speed.recordSave(this.clock() - started);
  }

  /**
   * Evaluates, then lets the callbacks save and sample; null when a stop
   * request, or the time limit, cut the evaluation short (nothing saved yet).
   * @param look 'full' reads the evaluation's batches; 'first' (the
   *   session's first, time-triggered evaluation) at most FIRST_EVAL_BATCHES
   *   of them; 'timed' (a later look by the clock) as many, which may replace
   *   a best/ that a look measured (the same batches), not one a full
   *   evaluation did; 'last' as many as the first, at a stop: the whole evaluation
   *   when it is no larger, else a look comparable only with a best/ that a
   *   look measured — it may replace it. A pending stop does not cut
   *   a last look short (it is that small).
   * @param final the reason the run ends, for its final evaluation: the
   *   time limit then cuts it short rather than let the run overrun — what
   *   it read is reported as a cut look (it never replaces best/).
   */
  private async runEval(trainLossSinceEval: number, look: 'full' | 'first' | 'timed' | 'last' = 'full', final: StopReason | null = null): Promise<EvalEvent | null> {
    const started = this.clock();
    const last = look === 'last';
    const { batches: wanted, quick } = evaluationSize(this.training.evalBatches, this.valStream.batchesPerEpoch, look !== 'full');
    const userStop = (): boolean => !last && this.controls.stopPending();
    const reserve = this.reserve;
    const timeUp = (): boolean => reserve !== null && this.sessionMs() >= reserve.evalDeadlineMs();
    const { loss: valLoss, batches, interrupted, prefixLoss } = await evaluate(
      this.engine, this.setup.model, this.state.weights, this.valStream, wanted, () => userStop() || timeUp(), this.lookBatches(),
    );
    const passMs = this.clock() - started;
    const cut = interrupted && !userStop();
    if (interrupted && !(cut && final !== null && batches > 0)) return null;
    const comparable = last || (look === 'timed' && this.bestByLook);
    // While best/ holds what a look measured, a full evaluation is compared on the look's batches (the first ones it read).
    const compared = !quick && this.bestByLook && Number.isFinite(prefixLoss) ? prefixLoss : valLoss;
    const improved = this.state.recordEvaluation(valLoss, trainLossSinceEval, (quick !== undefined && !comparable) || cut, compared);
    const { progress } = this.state;
    const shown = cut ? { batches, of: wanted, cut: true as const } : quick && last ? { ...quick, last } : quick && look === 'timed' ? { ...quick, timed: true as const } : quick;
    const evaluation: EvalEvent = {
      type: 'eval', step: progress.step, epoch: this.state.epoch, valLoss, valBpc: valLoss / Math.LN2,
      trainLoss: trainLossSinceEval, trainBpc: trainLossSinceEval / Math.LN2, bestValLoss: progress.bestValLoss!, improved, valBatches: batches,
      ...(shown ? { quick: shown } : {}),
    };
    this.emit(evaluation);
    if (cut) {
      this.emit({
        type: 'note', step: progress.step,
        message: cutEvaluationNote(batches, wanted, evaluation.improved),
      });
    }
    if (final !== null) this.emit({ type: 'phase', step: progress.step, phase: 'saving', reason: final });
    const afterStart = this.clock();
    await this.each((callback, moment) => callback.evaluated?.(moment, evaluation));
    if (!cut) {
      this.speed.recordEval(batches, passMs, this.clock() - afterStart);
      this.schedule?.evaluated();
    }
    // A session's looks read the same batches, so a later one compares with a best/ one of them measured; a full evaluation ends that.
    this.bestByLook = shown !== undefined ? evaluation.improved || this.bestByLook : false;
    return evaluation;
  }

  /** Back to the last saved state, with the learning rate halved; an error when there is none. */
  private recover(): void {
    const restored = this.restored();
    if (!restored) throw runtimeError(`training diverged at step ${this.state.progress.step} before any checkpoint was written`, 'lower --lr or --clip and start again');
    this.state.restore(restored.state);
    this.divergence.reset();
    const { step, recoveries } = this.state.progress;
    this.emit({
      type: 'warning', step,
      message: `diverged: restored ${restored.from} (step ${step}) and halved the learning rate (recovery ${recoveries} of ${this.training.maxRecoveries})`,
    });
  }

  /** The first saved state a callback offers, or null (also when reading it failed). */
  private restored(): Restored | null {
    try {
      for (const callback of this.callbacks) {
        const restored = callback.restore?.();
        if (restored) return restored;
      }
    } catch {
      // An unreadable checkpoint is no way back.
    }
    return null;
  }

  /**
   * Trains until a limit or a stop; the final state is always saved. A time
   * limit counts the whole session: training stops early enough for the
   * final evaluation and save (final-reserve.ts). Rejects with the error that
   * ended the run.
   */
  async run(): Promise<DoneEvent> {
    const t = this.training;
    this.emit({ type: 'start', info: this.runInfo() });
    for (const callback of this.callbacks) await callback.prepare?.();
    this.sessionStart = this.clock() - (this.setup.spentMs ?? 0);
    this.pausedMs = 0;
    const elapsedBase = this.state.progress.elapsedMs;
    let lossSum = 0;
    let lossCount = 0;
    this.bestByLook = false;
    const throughput = new Throughput();
    const maxLoss = divergedLoss(this.setup.vocab.size);
    const commandActions = {
      emit: (event: StateEvent) => this.emit(event),
      save: () => this.save(),
      sample: (temperatures: number[] | undefined) => this.each((callback, moment) => callback.sample?.(moment, temperatures)),
    };
    // The end a time-limited run plans for; best/ from a look is compared with a last look at its batches.
    const firstLookBatches = this.lookBatches();
    const evalClock = new EvalClock(t, this.speed, firstLookBatches, this.setup.vocab.size);
    const schedule = (this.schedule = new ScheduleLength(
      t, { stepsPerEpoch: this.trainStream.batchesPerEpoch, evalBatches: this.fullEvalBatches(), looks: evalClock }, this.speed, this.state.progress.step,
      (message) => this.emit({ type: 'note', step: this.state.progress.step, message, topic: 'learning rate' }),
    ));
    this.plan = schedule.start();
    const finalPlan = (): FinalPlan | null => this.reserve?.plan(this.bestByLook ? firstLookBatches : null) ?? null;
    const reserveMs = (): number => finalPlan()?.ms ?? 0;
    let reason: StopReason | null = null;
    while ((reason = this.controls.stopped ? 'stopped' : this.limits.reached(this.state.progress, this.sessionMs(), reserveMs())) === null) {
      const pauseStart = this.clock();
      const held = this.controls.holding;
      await this.controls.handle(this.state.progress.step, commandActions);
      if (held) this.pausedMs += this.clock() - pauseStart;
      if (this.controls.stopped) continue;
      await new Promise<void>((resolve) => setImmediate(resolve));

      const stepStart = this.clock();
      const { progress } = this.state;
      const carried = this.state.prepareCarried(t.stateResets);
      const batch = { ...this.trainStream.batch(progress.batch), batchSize: t.batchSize, seqLen: t.seqLen };
      const lr = learningRateAt(this.config(), progress.step, 0.5 ** progress.recoveries);
      const outcome = await trainStep(this.engine, this.state.adam, this.state.weights, batch, carried, this.state.rng, { lr, clip: t.clip, maxLoss });
      if (!outcome.applied) {
        const { warning, action } = this.divergence.diverged(outcome.loss, outcome.gradNorm, progress.recoveries);
        if (warning) this.emit({ type: 'warning', step: progress.step, message: warning });
        if (action === 'fail') throw this.divergence.failure(progress.recoveries);
        if (action === 'recover') this.recover();
        // Skip this window's data but keep going.
        else this.state.advanceCursor();
        continue;
      }
      this.divergence.reset();
      this.state.stepped(outcome.finals);
      evalClock.stepped(outcome.loss);
      lossSum += outcome.loss;
      lossCount++;

      const stepMs = this.clock() - stepStart;
      this.speed.recordStep(stepMs);
      const now = this.sessionMs();
      if (t.maxTimeMs !== null) this.plan = schedule.stepped(progress.step, now, t.maxTimeMs - reserveMs() - now);
      const charsPerSec = throughput.record(t.batchSize * t.seqLen, stepMs);
      progress.elapsedMs = elapsedBase + now;
      const fraction = this.limits.fraction(progress, now);
      this.emit({
        type: 'step', step: progress.step, epoch: this.state.epoch, loss: outcome.loss, lr, gradNorm: outcome.gradNorm, charsPerSec,
        elapsedMs: progress.elapsedMs, progress: fraction, etaMs: fraction > 0 && fraction < 1 ? (now * (1 - fraction)) / fraction : null,
      });
      // Every evalEvery steps, and looks by the clock (eval-clock.ts: the session's first once the model
      // has learnt something, then every evalEveryMs of training, unless an evaluation by steps is
      // close) — unless the run is about to end: its final evaluation comes next.
      const byStep = progress.step % t.evalEvery === 0;
      const nextFullMs = (t.evalEvery - (progress.step % t.evalEvery)) * (this.speed.stepMs() ?? stepMs);
      const byClock = byStep ? null : evalClock.due(now, progress.step, nextFullMs);
      const endsFirst = this.reserve !== null && t.maxTimeMs !== null && now + this.reserve.finalMs() + reserveMs() >= t.maxTimeMs;
      if ((byStep || byClock) && !endsFirst) {
        await this.runEval(lossSum / lossCount, byClock ?? 'full');
        evalClock.evaluated(this.sessionMs());
        lossSum = 0;
        lossCount = 0;
      }
    }
    // The final state is always saved. It is also evaluated when steps were
    // taken since the last eval — a user who asked to stop waits only for a
    // pass no longer than a first look: the whole evaluation when it is that
    // small, else a last look at the first look's batches when only a first
    // look measured best/. So best/ (what sample and generate use) is not left
    // holding the model of a few seconds in when a better one was trained.
    // The time limit cuts the final evaluation short rather than be overrun.
    this.state.progress.elapsedMs = elapsedBase + this.sessionMs();
    const smallEvaluation = !evaluationSize(t.evalBatches, this.valStream.batchesPerEpoch, true).quick;
    const look = reason !== 'stopped' ? (reason === 'max-time' ? finalPlan()?.look ?? 'full' : 'full') : smallEvaluation || this.bestByLook ? 'last' : null;
    const phase = (kind: PhaseEvent['phase']): void => this.emit({ type: 'phase', step: this.state.progress.step, phase: kind, reason: reason! });
    let saved = false;
    if (lossCount > 0 && look) {
      phase('evaluating');
      saved = (await this.runEval(lossSum / lossCount, look, reason)) !== null;
    }
    if (!saved) {
      phase('saving');
      await this.save();
    }
    // One clock for the limit and the report: the session, final evaluation and save included.
    const session = this.sessionMs();
    const dirs = runCheckpointDirs(this.setup.outDir);
    const done: DoneEvent = {
      type: 'done', step: this.state.progress.step, reason, elapsedMs: elapsedBase + session, sessionMs: session, bestValLoss: this.state.progress.bestValLoss,
      latestPath: dirs.latest, bestPath: this.state.progress.bestValLoss === null ? null : dirs.best,
    };
    this.emit(done);
    return done;
  }

  /** Releases the engine (its workers) and the run directory's lock. */
  dispose(): void {
    void this.engine.dispose();
    this.setup.release?.();
  }
}
