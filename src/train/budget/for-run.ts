/**
 * Budget-aware defaults for a new run: when the user gives a time
 * (--max-time) and leaves the model's size to charnn, the model is the
 * measured candidate (./grid.ts) expected to reach the lowest validation loss
 * at the deadline on this machine at its current speed (./probe.ts,
 * ./choose.ts). Flags the user gave always win: --cell, --layers and --hidden
 * narrow the candidates, --dropout, --lr and --seq-len replace theirs (a
 * candidate brings the dropout, rate and seq-len it was measured best with),
 * and the other regularisers given (--weight-drop, …) apply to the chosen
 * model; --max-steps or --max-epochs keep today's fixed default. The
 * candidates and their curves are those measured on the text nearest the
 * run's in length (./grid.ts): a short text overfits sooner, and its best
 * model is another.
 */
import type { ModelChoice } from '../../checkpoint/meta.js';
import type { Engine } from '../../engine/engine.js';
import type { ModelConfig } from '../../model/config.js';
import { describeRegularisation } from '../../model/dropout.js';
import type { TokenIds } from '../../data/id-builder.js';
import type { ModelSettings } from '../../settings/model-settings.js';
import type { TrainConfig } from '../../settings/train-settings.js';
import { budgetText, candidateName, charsPerSecond, describeChoice, type Candidate, type LongRun } from './choose.js';
import { GRID, gridFor, type Grid } from './grid.js';
import { probeAndChoose } from './probe.js';


export interface BudgetModel {
  model: ModelConfig;
  /** The chosen candidate's learning rate and seq-len, where the user did not give them. */
  recipe: Pick<TrainConfig, 'lr' | 'seqLen'>;
  /** Its engine, already warmed up by the probe. */
  engine: Engine;
  /** What charnn.json records of the choice. */
  record: ModelChoice;
  /** The run's notes about its model: the choice, then whose curves it was chosen from (a short text) and why it trains with weight drop (a long run). */
  notes: string[];
}

/**
 * A training step takes this share of a time-limited run's wall time; the
 * rest goes to validation, samples, saves and the final evaluation (the same
 * share for every candidate, so it scales the budget without changing the ranking much).
 */
const TRAINING_SHARE = 0.9;
/** The probe's share of the budget (at least the first, smallest candidate is measured). */
const PROBE_SHARE = 0.05;

/** fixedModelReason's answer for a run without a time budget (nothing to tell the user). */
export const NO_BUDGET = 'no time budget';

/** The grid's candidates the user's flags allow: --cell, --layers and --hidden must match. */
export function allowedCandidates(given: Partial<ModelSettings>, grid: Grid = GRID): Candidate[] {
  return grid.candidates.filter((c) => (given.cell === undefined || c.cell === given.cell)
    && (given.layers === undefined || c.layers === given.layers) && (given.hidden === undefined || c.hidden === given.hidden));
}

/**
 * Why this new run keeps the fixed default model, or null when its model is
 * chosen for its budget.
 * @param limits the limits the user gave.
 */
export function fixedModelReason(given: Partial<ModelSettings>, limits: Partial<TrainConfig>, engine: string, trainChars: number): string | null {
  if (limits.maxTimeMs == null || limits.maxSteps != null || limits.maxEpochs != null) return NO_BUDGET;
  if (engine !== 'ort') return 'the model is chosen for a time budget on the ort engine only (it measures each candidate\'s speed): the default model on tfjs';
  const grid = gridFor(trainChars);
  if (allowedCandidates(given, grid).length === 0) {
    const sizes = [...new Set(grid.candidates.map(candidateName))].join(', ');
    return `no measured model matches the --cell, --layers and --hidden given (${sizes}): the default model with those flags`;
  }
  return null;
}

export interface BudgetRequest {
  given: Partial<ModelSettings>;
  /** The training settings the user gave: --lr and --seq-len replace the candidates' own. */
  givenTraining: Partial<TrainConfig>;
  /** The model every candidate shares: vocabulary, embedding (and defaults). */
  base: ModelConfig;
  training: TrainConfig;
  trainIds: TokenIds;
  makeEngine: (model: ModelConfig) => Promise<Engine>;
  clock?: () => number;
  /** Told once, before the candidates are measured (the seconds it takes show no step yet). */
  tell?: (message: string) => void;
}

/** Measures the allowed candidates and returns the chosen model with its engine. */
export async function modelForBudget(r: BudgetRequest): Promise<BudgetModel> {
  const budgetMs = r.training.maxTimeMs!;
  const grid = gridFor(r.trainIds.length);
  const candidates = allowedCandidates(r.given, grid);
  const dropout = (c: Candidate): number => r.given.dropout ?? c.dropout;
  // The rest of the regularisation (--weight-drop, …) is the user's, in r.base.
  const model = (c: Candidate): ModelConfig => ({ ...r.base, cell: c.cell, layers: c.layers, hidden: c.hidden, dropout: dropout(c) });
  const recipe = (c: Candidate): Pick<TrainConfig, 'lr' | 'seqLen'> => ({ lr: r.givenTraining.lr ?? c.lr, seqLen: r.givenTraining.seqLen ?? c.seqLen });
  const trainingMs = (spent: number): number => (budgetMs - spent) * TRAINING_SHARE;
  r.tell?.(`choosing the model for ${budgetText(budgetMs)}: measuring how fast this machine trains ${candidates.length === 1 ? 'it' : `up to ${candidates.length} candidates`}…`);
  const { choice, engine, probeMs } = await probeAndChoose({
    candidates, model, makeEngine: r.makeEngine, trainIds: r.trainIds, batchSize: r.training.batchSize, seqLen: (c) => recipe(c).seqLen,
    trainingMs, untrained: Math.log(r.base.vocabSize), maxProbeMs: budgetMs * PROBE_SHARE, clock: r.clock ?? (() => performance.now()),
  });
  const chosen = candidates[choice.index]!;
  // A run long enough to overfit the chosen model trains it with the weight drop its candidate brings for that (unless the user gave one).
  const passes = (choice.speeds[choice.index]! * trainingMs(probeMs)) / 1000 / Math.max(1, r.trainIds.length);
  const longRun = r.given.weightDrop === undefined && chosen.longRun !== undefined && passes >= chosen.longRun.passes ? chosen.longRun : null;
  const chosenModel: ModelConfig = longRun ? { ...model(chosen), weightDrop: longRun.weightDrop } : model(chosen);
  // The probe's engine has no recurrent masks in its graph: one with them replaces it.
  const chosenEngine = longRun ? await replaceEngine(engine, () => r.makeEngine(chosenModel)) : engine;
  const summary = describeChoice(candidates, choice, budgetMs, describeRegularisation(chosenModel), recipe(chosen));
  // Candidates that differ only in dropout share one measured speed: named once.
  const measured = [...new Set(candidates.flatMap((c, i) => (choice.speeds[i] === null ? [] : [`${candidateName(c)} ${charsPerSecond(choice.speeds[i]!)}`])))];
  return {
    model: chosenModel,
    recipe: recipe(chosen),
    engine: chosenEngine,
    record: {
      summary, budgetMs, probeMs: Math.round(probeMs),
      candidates: candidates.map((c, i) => ({
        name: candidateName(c), dropout: dropout(c), charsPerSec: choice.speeds[i] === null ? null : Math.round(choice.speeds[i]!),
        expectedVal: choice.expected[i] === null ? null : Number(choice.expected[i]!.toFixed(3)),
      })),
    },
    notes: [
      choiceNote(summary, probeMs, measured),
      ...(grid === GRID ? [] : [shortTextNote(r.trainIds.length, grid)]),
      ...(longRun ? [longRunNote(chosen, longRun, passes)] : []),
    ],
  };
}

/** Disposes the probe's engine, then makes the chosen model's. */
async function replaceEngine(old: Engine, make: () => Promise<Engine>): Promise<Engine> {
  await old.dispose();
  return make();
}

/** Why the chosen model trains with weight drop. */
export function longRunNote(c: Candidate, longRun: LongRun, passes: number): string {
  return `weight drop ${longRun.weightDrop}: about ${Math.round(passes)} passes over the text, and past ${longRun.passes} `
    + `the ${candidateName(c)} overfits without it (docs/recipes.md; --weight-drop 0: none)`;
}

/**
 * The run's note about its model: the choice, the speeds it was made from,
 * and how to choose yourself. Kept within three rows of an 80-column
 * dashboard (its notes wrap at 78) for every budget and speed with the
 * candidates' own recipes (a user's flags may add words; the dashboard cuts
 * a longer note with … and `n` pages it).
 * @param measured "GRU 2×256 16.0k" per candidate measured
 */
export function choiceNote(summary: string, probeMs: number, measured: readonly string[]): string {
  return `model: ${summary} (speeds measured in ${(probeMs / 1000).toFixed(1)} s: ${measured.join(', ')}; `
    + `choose with --cell, --layers, --hidden)`;
}

/** Why a short text's model differs: it was chosen from the curves of a text near its length. */
export function shortTextNote(trainChars: number, grid: Grid): string {
  return `a short text (${trainChars.toLocaleString('en-US')} training characters) overfits sooner: `
    + `its model is chosen from the curves of a ${(grid.textChars / 1000).toFixed(0)}k-character text`;
}

