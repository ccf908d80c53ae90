/**
 * Everything between "the user asked for a run" and a ready Trainer: read
 * and encode the corpus, split it, build or restore the model, decide what
 * the flags leave open (the tfjs engine's workers, a resume's limits), and
 * refuse combinations that cannot work (a resume whose model flags contradict
 * the checkpoint, a corpus with characters the resumed vocabulary lacks).
 */
import path from 'node:path';
import { splitTrainVal } from '../data/batches.js';
import { linkNotes, readCorpus, type Corpus, type Normalization } from '../data/corpus.js';
import { showChar, Vocabulary } from '../data/vocabulary.js';
import type { ModelConfig } from '../model/config.js';
import { extendVocabulary } from '../model/extend-vocabulary.js';
import { initParamArrays, type ParamArrays } from '../model/params.js';
import { Rng } from '../util/rng.js';
import { usageError } from '../util/errors.js';
import { shellWord } from '../util/escape.js';
import { openRecordedCorpus } from '../checkpoint/corpus.js';
import { loadCheckpoint, loadTrainingState, runDirectoryOf } from '../checkpoint/load.js';
import type { CorpusInfo, InitFrom, ModelChoice } from '../checkpoint/meta.js';
import { claimRunDirectory, type ClaimedRunDirectory, type RunDirectoryRequest } from '../checkpoint/run-directory.js';
import { DEFAULT_MODEL_CONFIG, MODEL_SETTINGS, modelLimitProblem, type ModelSettings } from '../settings/model-settings.js';
import { CORPUS_SETTINGS, DEFAULT_CORPUS_SETTINGS } from '../settings/corpus-settings.js';
import { RUNS_DIR } from '../settings/runs-dir.js';
import { checkInitFrom, checkResume } from '../settings/setting.js';
import { DEFAULT_TRAIN_CONFIG, TRAIN_SETTINGS, trainLimitProblem, type TrainConfig } from '../settings/train-settings.js';
import { defaultLimits } from './default-limits.js';
import { fitRunLayout, type RunLayout } from './run-layout.js';
import type { Trainer, TrainerSetup } from './trainer.js';
import { createTrainer } from './create-trainer.js';
import type { Engine, EngineSettings } from '../engine/engine.js';
import { createEngine } from '../engine/select.js';
import { checkMemory, memoryBudget } from '../engine/tfjs/backend/memory-budget.js';
import { trainingStepBytes } from '../model/memory.js';
import type { TokenIds } from '../data/id-builder.js';
import type { Layout } from '../data/layout.js';
import { fixedModelReason, modelForBudget, NO_BUDGET } from './budget/for-run.js';
import { resumedLimits, runWorkers } from './request-decisions.js';

export interface TrainRequest {
  corpusPath: string;
  /** --normalize when given (a new run defaults to none; a resume or fine-tune reads the text as its checkpoint did). */
  normalization?: Normalization;
  /** Model settings the user gave (defaults fill the rest of a new run; a resume refuses changes, a fine-tune any). */
  model: Partial<ModelSettings>;
  /** Training settings the user gave (defaults, or a resumed checkpoint's, fill the rest); the workers come with the engine. */
  training: Partial<Omit<TrainConfig, 'workers'>>;
  outDir: string | null;
  /** Start a new run in an --out that holds one, replacing its checkpoints. */
  force?: boolean;
  resume: string | null;
  /** Start a new run from this checkpoint's weights (fine-tuning). */
  initFrom?: string | null;
  /** The engine that runs the passes; its workers when --workers was given (else: runWorkers). */
  engine: EngineSettings;
}

/** How many added characters the fine-tuning note lists. */
const SHOW_ADDED = 24;

export function defaultOutDir(corpusName: string, cell: string): string {
  return path.join(RUNS_DIR, `${corpusName}-${cell}`);
}

/**
 * The trainer of a request, its run directory chosen (run-directory.ts:
 * never another run's), created, checked for writing and locked until the
 * trainer is disposed.
 */
export async function prepareTraining(request: TrainRequest, tell: (message: string) => void = () => {}): Promise<Trainer> {
  if (request.resume) return prepareResume(request, request.resume);
  const workers = runWorkers(request.engine, null);
  return request.initFrom ? prepareInitFrom(request, request.initFrom, workers) : prepareNew(request, workers, tell);
}

/** Builds the trainer in a claimed run directory; the claim is released with the trainer (or now, if building fails). */
async function inRunDirectory(claim: RunDirectoryRequest, build: (run: ClaimedRunDirectory) => Promise<TrainerSetup>, started?: Engine): Promise<Trainer> {
  const run = withEngine(started, () => claimRunDirectory(claim));
  try {
    return createTrainer({ ...(await build(run)), release: run.release });
  } catch (error) {
    run.release();
    await started?.dispose();
    throw error;
  }
}

/** Runs `step`; if it throws, an engine already started is disposed (its sessions would outlive the refusal). */
function withEngine<T>(engine: Engine | undefined, step: () => T): T {
  try {
    return step();
  } catch (error) {
    void engine?.dispose();
    throw error;
  }
}

/** @param tell what the user should see before the run starts (the model being chosen for a budget). */
function prepareNew(request: TrainRequest, workers: number, tell: (message: string) => void): Promise<Trainer> {
  const normalization = request.normalization ?? DEFAULT_CORPUS_SETTINGS.normalization;
  const corpus = readCorpus(request.corpusPath, normalization);
  const vocab = corpus.vocab;
  return newRun(request, workers, corpus, async (training, trainIds) => {
    const model: ModelConfig = { ...DEFAULT_MODEL_CONFIG, ...request.model, vocabSize: vocab.size };
    const tooLarge = modelLimitProblem(model);
    if (tooLarge) throw usageError(`the model is too large: ${tooLarge}`, 'use fewer --layers or a smaller --hidden or --embedding');
    const fixed = fixedModelReason(request.model, request.training, request.engine.name, trainIds.length);
    if (fixed !== null) {
      return { model, params: () => initParamArrays(model, new Rng(training.seed)), initFrom: null, notes: fixed === NO_BUDGET ? [] : [fixed] };
    }
    // A time budget and no size given: the model expected to be best at the deadline on this machine now (budget/for-run.ts).
    const chosen = await modelForBudget({
      given: request.model, givenTraining: request.training, base: model, training, trainIds, makeEngine: (m) => createEngine(m, runEngine(request, training)), tell,
    });
    return {
      model: chosen.model, recipe: chosen.recipe, params: () => initParamArrays(chosen.model, new Rng(training.seed)), initFrom: null, notes: chosen.notes,
      engine: chosen.engine, choice: chosen.record, spentMs: chosen.record.probeMs,
    };
  });
}

/**
 * Fine-tuning: a new run (step 0, fresh optimizer) on a new text, starting
 * from a checkpoint's weights. Characters of the text the checkpoint lacks
 * are appended to its vocabulary; its own characters all stay.
 */
function prepareInitFrom(request: TrainRequest, from: string, workers: number): Promise<Trainer> {
  checkInitFrom(MODEL_SETTINGS, request.model);
  checkInitFrom(TRAIN_SETTINGS, request.training);
  checkInitFrom(CORPUS_SETTINGS, { normalization: request.normalization });
  const source = loadCheckpoint(from);
  const meta = source.meta;
  // The checkpoint's characters keep their ids; the text's new ones are appended.
  const corpus = readCorpus(request.corpusPath, meta.normalization, { vocab: source.vocab, unknown: 'add' });
  const vocab = corpus.vocab;
  const added = vocab.chars.slice(source.vocab.size);
  return newRun(request, workers, corpus, (training) => {
    // The regularisation is the fine-tune's own where given; the shape is the checkpoint's.
    const r = request.model;
    const model: ModelConfig = {
      ...meta.model, vocabSize: vocab.size, dropout: r.dropout ?? meta.model.dropout, dropoutMask: r.dropoutMask ?? meta.model.dropoutMask,
      weightDrop: r.weightDrop ?? meta.model.weightDrop, embeddingDropout: r.embeddingDropout ?? meta.model.embeddingDropout,
    };
    const tooLarge = modelLimitProblem(model);
    if (tooLarge) throw usageError(`the fine-tuned model would be too large: ${tooLarge}`, 'fine-tune on a text with fewer new characters');
    const shown = added.slice(0, SHOW_ADDED).map(showChar).join(' ');
    const more = added.length > SHOW_ADDED ? ` and ${added.length - SHOW_ADDED} more` : '';
    return {
      model,
      params: () => extendVocabulary(meta.model, source.params, vocab.size, new Rng(training.seed)),
      initFrom: { path: source.dir, step: meta.progress.step, corpus: meta.corpus.name, vocabSize: meta.model.vocabSize, added: [...added] },
      notes: [
        `fine-tuning from ${source.dir} (step ${meta.progress.step}, trained on ${meta.corpus.name}): ` +
          (added.length === 0 ? `no new characters (vocabulary ${vocab.size})` : `added ${added.length} new character${added.length === 1 ? '' : 's'}: ${shown}${more} (vocabulary ${meta.model.vocabSize} → ${vocab.size})`),
      ],
    };
  });
}

/** What distinguishes a fresh model from a fine-tuned one, decided once the training config is known. */
interface ModelStart {
  model: ModelConfig;
  /** Drawn only once the step is known to fit: a large model's orthogonal blocks take seconds to draw. */
  params: () => ParamArrays;
  initFrom: InitFrom | null;
  notes: string[];
  /** The model's engine when choosing the model started it already. */
  engine?: Engine;
  /** How the model was chosen for the time budget. */
  choice?: ModelChoice;
  /** Time of --max-time the choice took. */
  spentMs?: number;
  /** The learning rate and seq-len the chosen model trains with, when chosen for the time budget. */
  recipe?: Pick<TrainConfig, 'lr' | 'seqLen'>;
}

/** A new run (fresh or fine-tuned) on a corpus: its training settings and layout fitted to the text, then its model started. */
async function newRun(request: TrainRequest, workers: number, corpus: Corpus, start: (training: TrainConfig, trainIds: TokenIds) => ModelStart | Promise<ModelStart>): Promise<Trainer> {
  const requested: TrainConfig = { ...DEFAULT_TRAIN_CONFIG, ...request.training, workers };
  const tooMuch = trainLimitProblem(requested);
  if (tooMuch) throw usageError(`a training step would be too large: ${tooMuch}`, 'use a smaller --batch or --seq-len');
  const { train, val } = splitTrainVal(corpus.ids, requested.valFrac);
  const planned = planTraining(request, requested, train.length, val.length);
  const { model, params, initFrom, notes, engine, choice, spentMs, recipe } = await start(planned.training, train);
  // A model chosen for the time budget brings the learning rate and seq-len it was measured with.
  const { training, layout, schedule } = recipe ? planTraining(request, { ...requested, ...recipe }, train.length, val.length) : planned;
  return launch(request, {
    corpus, recorded: { name: corpus.name }, train, val, valLayout: layout.val, model, training,
    claim: { given: request.outDir, fallback: defaultOutDir(corpus.name, model.cell), resuming: null, force: request.force ?? false },
    memoryHint: 'lower --batch, --seq-len, --hidden or --layers',
    weights: () => ({ params: params(), resume: null }),
    notes: [...notes, ...layout.notes, ...schedule.notes], initFrom, choice: choice ?? null, spentMs, engine,
  });
}

/** A run once its corpus is read and its model and training are decided: what differs between a new run, a fine-tune and a resume. */
interface RunPlan {
  corpus: Corpus;
  /** What charnn.json keeps of the corpus besides what was read now: its name (a resume: all it recorded). */
  recorded: { name: string } & Partial<CorpusInfo>;
  train: TokenIds;
  val: TokenIds;
  valLayout: Layout;
  model: ModelConfig;
  training: TrainConfig;
  /** The run directory: a new one, or the resumed run's. */
  claim: RunDirectoryRequest;
  /** What to change when the tfjs engine's step would not fit its backend. */
  memoryHint: string;
  /** The weights (and a resumed run's saved state): read or drawn only once the step is known to fit (a large model's orthogonal blocks take seconds to draw). */
  weights: () => { params: ParamArrays; resume: TrainerSetup['resume'] };
  /** The run's own notes, after the run directory's and the corpus's. */
  notes: string[];
  initFrom: InitFrom | null;
  choice: ModelChoice | null;
  spentMs?: number;
  /** The model's engine when choosing the model started it already; else it starts once the run directory is claimed. */
  engine?: Engine;
}

/** The one way from a plan to a trainer: check the step fits, take the weights, claim the run directory, start the engine. */
function launch(request: TrainRequest, plan: RunPlan): Promise<Trainer> {
  const { corpus, train, val, model, training, engine } = plan;
  const { params, resume } = withEngine(engine, () => {
    checkStepMemory(request, model, training, plan.memoryHint);
    return plan.weights();
  });
  return inRunDirectory(plan.claim, async (run) => ({
    engine: engine ?? await createEngine(model, runEngine(request, training)), choice: plan.choice, spentMs: plan.spentMs,
    corpus: { ...plan.recorded, path: corpus.path, bytes: corpus.bytes, sha256: corpus.sha256, chars: corpus.ids.length, trainChars: train.length, valChars: val.length },
    vocab: corpus.vocab, normalization: corpus.normalization, trainIds: train, valIds: val, model, training, params,
    outDir: run.dir, backend: request.engine.backend, resume,
    valLayout: plan.valLayout, notes: [...run.notes, ...corpusNotes(corpus), ...plan.notes], initFrom: plan.initFrom,
  }), engine);
}

/** The corpus's training and validation parts, and the batch layout they hold (at most the one asked for: run-layout.ts). */
function splitAndFit(corpus: Corpus, training: TrainConfig): { train: TokenIds; val: TokenIds; layout: RunLayout } {
  const { train, val } = splitTrainVal(corpus.ids, training.valFrac);
  return { train, val, layout: fitRunLayout(train.length, val.length, training, training.valFrac) };
}

/** A new run's training settings with its layout fitted to the text (a short text trains with a smaller one; charnn.json records the one used) and its default limits. */
function planTraining(request: TrainRequest, requested: TrainConfig, trainChars: number, valChars: number): { training: TrainConfig; layout: RunLayout; schedule: ReturnType<typeof defaultLimits> } {
  const layout = fitRunLayout(trainChars, valChars, requested, requested.valFrac);
  const stepsPerEpoch = Math.floor(Math.floor((trainChars - 1) / layout.train.batchSize) / layout.train.seqLen);
  const t = request.training;
  const schedule = defaultLimits(stepsPerEpoch, {
    limit: t.maxSteps != null || t.maxEpochs != null || t.maxTimeMs != null, evalEvery: t.evalEvery, maxEpochs: requested.maxEpochs,
  });
  const training: TrainConfig = {
    ...requested, batchSize: layout.train.batchSize, seqLen: layout.train.seqLen, maxEpochs: schedule.maxEpochs, evalEvery: schedule.evalEvery,
  };
  return { training, layout, schedule };
}

function prepareResume(request: TrainRequest, from: string): Promise<Trainer> {
  // A run directory means its latest/: the newest state, not best/ (whose later steps would be lost).
  const checkpoint = loadCheckpoint(from, 'latest');
  const meta = checkpoint.meta;
  checkResume(MODEL_SETTINGS, request.model, meta.model);
  checkResume(TRAIN_SETTINGS, request.training, meta.training);
  checkResume(CORPUS_SETTINGS, { normalization: request.normalization }, { normalization: meta.normalization });
  const corpusPath = request.corpusPath || meta.corpus.path;
  if (!request.corpusPath) openRecordedCorpus(corpusPath, `pass the corpus it was trained on: charnn train <corpus> --resume ${shellWord(from)}`);
  const corpus = readCorpus(corpusPath, meta.normalization, { vocab: checkpoint.vocab, unknown: 'skip' });
  const change = corpusChange(meta.corpus, corpus);
  if (change) {
    // The data cursor and best-val only mean something on the same text: refused, not silently reset.
    throw usageError(
      `the corpus changed since this checkpoint was saved (${change})`,
      `resume on the text it was trained on, or start a new run from its weights: charnn train ${shellWord(corpusPath)} --init-from ${shellWord(from)}`,
    );
  }
  const missing = corpus.missing;
  if (missing.length > 0) {
    throw usageError(
      `the corpus has ${missing.length} character(s) the checkpoint's vocabulary lacks: ${missing.slice(0, 8).map((c) => JSON.stringify(c)).join(' ')}`,
      'resume on the corpus the checkpoint was trained on',
    );
  }
  const training: TrainConfig = { ...meta.training, ...resumedLimits(request.training), workers: runWorkers(request.engine, meta.training.workers) };
  refuseReachedSteps(from, meta.progress.step, training.maxSteps, request.training.maxSteps !== undefined);
  const { train, val, layout } = splitAndFit(corpus, training);
  if (layout.train.batchSize !== training.batchSize || layout.train.seqLen !== training.seqLen) {
    throw usageError(
      `the corpus's training part (${train.length} characters) is too short for the checkpoint's batch ${training.batchSize} × seq-len ${training.seqLen}`,
      'resume on the corpus the checkpoint was trained on',
    );
  }
  return launch(request, {
    corpus, recorded: meta.corpus, train, val, valLayout: layout.val, model: meta.model, training,
    claim: {
      given: request.outDir, fallback: '', resuming: runDirectoryOf(checkpoint.dir), force: request.force ?? false,
      resumedFrom: { dir: checkpoint.dir, step: meta.progress.step },
    },
    memoryHint: 'a resumed run keeps its shape and batch: use --engine ort, or more --workers (each has its own wasm heap)',
    weights: () => {
      const state = loadTrainingState(checkpoint);
      return {
        params: checkpoint.params,
        resume: { from: checkpoint.dir, progress: { ...meta.progress }, history: meta.history, optimizer: state?.optimizer ?? null, carried: state?.carried ?? null },
      };
    },
    notes: layout.notes, initFrom: meta.initFrom, choice: meta.choice ?? null,
  });
}

/**
 * A resume whose --max-steps (counted from the start of the run) the run has
 * already reached would train nothing, re-save latest/ and report a plan
 * ending before it starts: refused, naming a --max-steps that trains on.
 * @param given whether the user passed --max-steps now (else it is the run's own)
 */
function refuseReachedSteps(from: string, step: number, maxSteps: number | null, given: boolean): void {
  if (maxSteps === null || step < maxSteps) return;
  const at = step.toLocaleString('en-US');
  const more = Math.max(maxSteps, step) + Math.max(100, Math.min(maxSteps, step));
  const again = `charnn train --resume ${shellWord(from)} --max-steps ${more}`;
  throw usageError(
    given
      ? `${from} is at step ${at} already: --max-steps ${maxSteps} counts from the start of the run, across resumes, so it trains nothing`
      : `${from} is at step ${at}, the --max-steps ${maxSteps} it was trained with: resuming it as it is trains nothing`,
    `give a larger --max-steps, e.g. ${again}, or a duration with --max-time`,
  );
}

/** What the user should know about how the corpus was read: binary files and symbolic links of a directory left out. */
function corpusNotes(corpus: Corpus): string[] {
  const n = corpus.skipped.length;
  const shown = corpus.skipped.slice(0, 8).join(', ');
  return [
    ...(n > 0 ? [`skipped ${n} binary file${n === 1 ? '' : 's'} in ${corpus.path}: ${shown}${n > 8 ? ` and ${n - 8} more` : ''}`] : []),
    ...linkNotes(corpus),
  ];
}

/** How the corpus differs from the one a checkpoint recorded (size, then hash when recorded), or null. */
function corpusChange(saved: CorpusInfo, now: Corpus): string | null {
  const count = (n: number): string => n.toLocaleString('en-US');
  const hash = (h: string | undefined): string => (h ? `, sha256 ${h.slice(0, 12)}…` : '');
  if (saved.bytes === now.bytes && (saved.sha256 === undefined || saved.sha256 === now.sha256)) return null;
  return `it was ${count(saved.bytes)} bytes${hash(saved.sha256)}; now ${count(now.bytes)} bytes${hash(saved.sha256 ? now.sha256 : undefined)}`;
}


/**
 * The tfjs engine's training step must fit its backend (each worker a shard
 * of the streams, in a wasm heap of its own): refused before the run
 * directory is claimed, where past the wasm heap a kernel would fail with
 * "memory access out of bounds".
 */
function checkStepMemory(request: TrainRequest, model: ModelConfig, training: TrainConfig, hint: string): void {
  if (request.engine.name !== 'tfjs') return;
  const workers = Math.max(1, Math.min(training.workers, training.batchSize));
  const shard = Math.ceil(training.batchSize / workers);
  checkMemory(
    `a training step of ${model.cell} ${model.layers}×${model.hidden} on batch ${training.batchSize} × seq-len ${training.seqLen}${workers > 1 ? ` (${shard} streams per worker)` : ''}`,
    trainingStepBytes(model, shard, training.seqLen), memoryBudget(request.engine.backend, workers), hint,
  );
}

/** The engine settings of this training's passes: its workers, each with a stream of the batch at least. */
function runEngine(request: TrainRequest, training: TrainConfig): EngineSettings {
  return { ...request.engine, workers: Math.min(training.workers, training.batchSize) };
}
