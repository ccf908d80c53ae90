/**
 * What a training run tells the world. The trainer never prints: it emits
 * these events and the app (plain reporter, JSON reporter, Ink dashboard)
 * decides what to show or save. Every field is plain data so events can cross
 * a worker_threads boundary and be written as JSON lines unchanged.
 */
import type { CellType, DropoutMask } from '../model/config.js';

export interface RunInfo {
  corpusName: string;
  /** Code points in the corpus after normalisation. */
  corpusChars: number;
  corpusBytes: number;
  trainChars: number;
  valChars: number;
  vocabSize: number;
  cell: CellType;
  layers: number;
  hidden: number;
  embedding: number;
  dropout: number;
  /** The rest of the regularisation (src/model/dropout.ts). */
  dropoutMask: DropoutMask;
  weightDrop: number;
  embeddingDropout: number;
  params: number;
  /** TF.js backend in use (checkpoints go through it; the tfjs engine computes on it). */
  backend: string;
  /** What runs the passes, e.g. "ort, 2 threads" or "tfjs wasm". */
  engine: string;
  batchSize: number;
  seqLen: number;
  stepsPerEpoch: number;
  maxSteps: number | null;
  maxEpochs: number | null;
  maxTimeMs: number | null;
  /** Step the run starts from (non-zero when resuming). */
  startStep: number;
  outDir: string;
  resumedFrom: string | null;
  /** Lines for the user about choices made for this run (a layout shrunk to fit a short text, …). */
  notes: string[];
  /** How the model was chosen for a time budget, for the header ("best for 30 min"); null when flags or the fixed default chose it. */
  chosenFor?: string | null;
  /** The temperatures of the run's samples (its own on a resume): the dashboard's `t` cycles through them. */
  sampleTemperatures: number[];
}

export interface StepEvent {
  type: 'step';
  step: number;
  /** Fractional epoch, e.g. 1.25 = a quarter through the second epoch. */
  epoch: number;
  /** Mean training loss of this step in nats per character. */
  loss: number;
  lr: number;
  /** Global gradient norm before clipping. */
  gradNorm: number;
  charsPerSec: number;
  elapsedMs: number;
  /** 0..1 towards the nearest stopping limit. */
  progress: number;
  etaMs: number | null;
}

export interface EvalEvent {
  type: 'eval';
  step: number;
  epoch: number;
  valLoss: number;
  valBpc: number;
  /** Mean training loss since the previous eval. */
  trainLoss: number;
  trainBpc: number;
  bestValLoss: number;
  improved: boolean;
  valBatches: number;
  /**
   * Set for the session's first, time-triggered look: it read `batches` of
   * the `of` validation batches (it never replaces a best/); `timed` for a
   * later look by the clock at the same batches (--eval-every-time: it
   * replaces a best/ that a look measured when better, never one that a
   * full evaluation measured); `last` for the
   * look at the same batches when the user stops before the first full
   * evaluation (it replaces the first look's best/ when better); `cut` for
   * a final evaluation the time limit cut short after `batches` (it never
   * replaces a best/ either).
   */
  quick?: { batches: number; of: number; timed?: true; last?: true; cut?: true };
}

/**
 * The run has stopped training and is finishing: the final evaluation
 * (`evaluating`), then writing its checkpoints and samples (`saving`). Done
 * follows.
 */
export interface PhaseEvent {
  type: 'phase';
  step: number;
  phase: 'evaluating' | 'saving';
  reason: StopReason;
}

export interface SampleEvent {
  type: 'sample';
  step: number;
  samples: { temperature: number; text: string }[];
}

export interface CheckpointEvent {
  type: 'checkpoint';
  step: number;
  kind: 'latest' | 'best';
  path: string;
}

/** Something the run decided on its way that the user should know (e.g. the schedule's length). */
interface NoteEvent {
  type: 'note';
  step: number;
  message: string;
  /** Notes of one topic supersede each other where only the newest matters (the dashboard; a log keeps them all). */
  topic?: string;
}

export interface WarningEvent {
  type: 'warning';
  step: number;
  message: string;
}

export interface StateEvent {
  type: 'paused' | 'resumed';
  step: number;
}

export type StopReason = 'max-steps' | 'max-epochs' | 'max-time' | 'stopped';

export interface DoneEvent {
  type: 'done';
  step: number;
  reason: StopReason;
  /** Training time of the whole run, summed over resumes. */
  elapsedMs: number;
  /**
   * Training time of this session, up to and including the final save: the
   * clock --max-time counts (pauses excluded), and what "after …" reports.
   */
  sessionMs: number;
  bestValLoss: number | null;
  latestPath: string | null;
  bestPath: string | null;
}

/**
 * The run failed. Never emitted by the Trainer itself (its failures reject
 * run()): a worker session reports its worker's failure with it
 * (train/worker-session.ts, step −1 when unknown), and the dashboard's feed
 * when the worker died without a word (cli/train-dashboard.ts).
 */
export interface ErrorEvent {
  type: 'error';
  step: number;
  message: string;
}

interface StartEvent {
  type: 'start';
  info: RunInfo;
}

/** What the Trainer emits, in order: start, then steps, evaluations, checkpoints, samples, notes and warnings, pauses, the final phases, and done last. */
export type TrainerEvent =
  | StartEvent
  | StepEvent
  | EvalEvent
  | SampleEvent
  | CheckpointEvent
  | WarningEvent
  | NoteEvent
  | StateEvent
  | PhaseEvent
  | DoneEvent;

/** What a training session reports: the trainer's events, and an error when the session failed. */
export type TrainEvent = TrainerEvent | ErrorEvent;

export type TrainerEventListener = (event: TrainerEvent) => void;
export type TrainEventListener = (event: TrainEvent) => void;

/** Commands an app can send to a running trainer (key presses, signals). */
export type TrainCommand =
  | { type: 'pause' }
  | { type: 'resume' }
  | { type: 'toggle-pause' }
  | { type: 'save' }
  | { type: 'sample'; temperatures?: number[] }
  | { type: 'stop' };
