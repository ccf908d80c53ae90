/**
 * What `charnn compare` does once its options are parsed: the text task
 * (a Comparison of trainer runs) and the recall task (runRecall per cell and
 * lag), each with a live view on a terminal and plain or JSON output otherwise.
 */
import path from 'node:path';
import { initBackend } from '../engine/tfjs/backend/index.js';
import { Comparison, type CompareEvent, type CompareRow, type MatchMode } from '../compare/compare.js';
import { matchParams, sameHidden } from '../compare/match-params.js';
import { DEFAULT_RECALL_BUDGET, DEFAULT_TEXT_COMPARE } from '../compare/defaults.js';
import { runRecall, type RecallRunResult } from '../compare/recall.js';
import { colorFromEnv } from '../ui/shared/color.js';
import type { Normalization } from '../data/corpus.js';
import { DEFAULT_FILLERS, DEFAULT_MARKERS, makeRecallTask } from '../data/recall-task.js';
import type { CellType } from '../model/config.js';
import type { TrainConfig } from '../train/config.js';
import { formatCount, formatDuration } from '../ui/shared/format.js';
import { budgetLine, compareTable, compareRowFromResult, recallChart, recallTable, sampleLines, valLossChart } from '../ui/compare/tables.js';
import { runIn } from '../checkpoint/run-directory.js';
import { recallLimitProblem } from '../settings/command-settings.js';
import { checkMemory, memoryBudget } from '../engine/tfjs/backend/memory-budget.js';
import { forwardBytes, trainingStepBytes } from '../model/memory.js';
import { RUNS_DIR } from '../settings/runs-dir.js';
import { usageError } from '../util/errors.js';
import { escapeControls, safeJson } from '../util/escape.js';
import { flattenText } from '../util/text.js';
import { startEngine, type EngineFlags } from './engine-options.js';
import { stopOnSignals } from './signals.js';
import { writeOut } from './output.js';

export interface CompareOptions extends Omit<EngineFlags, 'workers'> {
  cells: CellType[];
  task: 'text' | 'recall';
  match: MatchMode;
  hidden?: number;
  layers?: number;
  embedding?: number;
  dropout: number;
  normalize: Normalization;
  batch: number;
  seqLen: number;
  lr?: number;
  clip: number;
  seed: number;
  maxSteps?: number;
  maxTime?: number;
  evalEvery?: number;
  evalBatches: number;
  sampleLength: number;
  lags: number[];
  episodes: number;
  recallLoss: 'all' | 'recall';
  carry: boolean;
  fixedLag: boolean;
  out?: string;
  ui: boolean;
  json: boolean;
  debug?: boolean;
}


const interactive = (o: CompareOptions) => !o.json && o.ui && process.stdout.isTTY === true && process.stdin.isTTY === true;

/** SIGINT/SIGTERM: stop gracefully once, exit at once the second time. */
const onSignals = (stop: () => void) =>
  stopOnSignals(stop, { first: () => 'charnn: stopping after the current step (press Ctrl-C again to quit at once)' });


// ---------------------------------------------------------------- text task

export async function runTextCompare(corpusPath: string, o: CompareOptions, explicit: (key: string) => boolean): Promise<void> {
  // The engine charnn train would use (auto: ort where it loads), so a comparison measures what training costs.
  // Every run on one thread of its engine (compare/compare.ts): the cells compete on the same footing.
  const engine = { ...(await startEngine(o)), workers: 1 };
  const training: Partial<TrainConfig> = {
    batchSize: o.batch, seqLen: o.seqLen, lr: o.lr ?? DEFAULT_TEXT_COMPARE.lr, clip: o.clip, seed: o.seed,
    maxSteps: o.maxSteps ?? (o.maxTime === undefined ? DEFAULT_TEXT_COMPARE.maxSteps : null), maxTimeMs: o.maxTime ?? null,
    evalBatches: o.evalBatches, sampleLength: o.sampleLength,
  };
  if (o.evalEvery !== undefined) training.evalEvery = o.evalEvery;
  const comparison = new Comparison({
    corpusPath, normalization: o.normalize, cells: o.cells, match: o.match,
    hidden: o.hidden ?? DEFAULT_TEXT_COMPARE.hidden, layers: o.layers ?? DEFAULT_TEXT_COMPARE.layers, embedding: o.embedding ?? DEFAULT_TEXT_COMPARE.embedding, dropout: o.dropout,
    training, outDir: compareDirectory(o.out ?? null, path.join(RUNS_DIR, `compare-${path.basename(corpusPath).replace(/\.[^.]*$/, '') || 'corpus'}`), o.cells), engine,
  });
  let rows: CompareRow[];
  if (interactive(o)) {
    const { renderCompareApp } = await import('../ui/compare/render-compare.js');
    const app = renderCompareApp(comparison, colorFromEnv());
    const off = onSignals(() => comparison.stop());
    try {
      rows = await comparison.run();
      await app.waitUntilExit();
    } catch (error) {
      app.unmount();
      throw error;
    } finally {
      off();
    }
  } else {
    comparison.subscribe(textProgress((line) => process.stderr.write(`${line}\n`)));
    const off = onSignals(() => comparison.stop());
    try {
      rows = await comparison.run();
    } finally {
      off();
    }
  }
  const plan = comparison.plan();
  if (o.json) {
    await writeOut(`${safeJson({ task: 'text', corpus: plan.corpus, match: plan.match, budget: plan.budget, engine: engine.name, backend: engine.backend, rows })}\n`);
  } else if (!interactive(o)) {
    const lines = [
      budgetLine(plan.budget, plan.corpus, plan.match),
      '',
      ...valLossChart(rows, 78, 14, false, plan.budget.maxSteps),
      '',
      ...compareTable(rows.map(compareRowFromResult)),
      ...stoppedShort(rows, plan.runs.map((r) => r.cell)),
      '',
      `samples (temperature ${rows[0]?.sampleTemperature ?? '--'}):`,
      ...sampleLines(rows.map((r) => ({ cell: r.cell, text: r.sample })), 200),
    ];
    await writeOut(`${lines.join('\n')}\n`);
  }
}

/**
 * Where a comparison writes <dir>/<cell>: a comparison never replaces runs.
 * An --out whose cell directories hold runs is refused; without --out the
 * default, or the first free `<default>-2`, `-3`, … is used.
 */
function compareDirectory(given: string | null, fallback: string, cells: CellType[]): string {
  const holding = (dir: string) => cells.find((cell) => runIn(path.join(dir, cell), path.join(dir, cell)) !== null);
  if (given !== null) {
    const cell = holding(given);
    if (cell) throw usageError(`${path.join(given, cell)} already holds a run`, 'pass another --out: a comparison never replaces runs');
    return given;
  }
  for (let n = 1; ; n++) {
    const dir = n === 1 ? fallback : `${fallback}-${n}`;
    if (!holding(dir)) return dir;
  }
}

/**
 * The line under the table of a comparison stopped by Ctrl-C or a signal: which
 * cell stopped short of the budget and which were never trained, so that
 * unequal rows are not read as a fair comparison. None when all ran in full.
 */
export function stoppedShort(rows: readonly Pick<CompareRow, 'cell' | 'steps' | 'stopped'>[], planned: readonly CellType[]): string[] {
  const stopped = rows.filter((r) => r.stopped).map((r) => `${r.cell} at step ${formatCount(r.steps)}`);
  const untrained = planned.filter((cell) => !rows.some((r) => r.cell === cell));
  if (stopped.length === 0 && untrained.length === 0) return [];
  const parts = [
    ...(stopped.length > 0 ? [`${stopped.join(', ')} stopped short of the budget`] : []),
    ...(untrained.length > 0 ? [`${untrained.join(', ')} not trained`] : []),
  ];
  return ['', `stopped: ${parts.join('; ')} (these rows are not a comparison on equal terms)`];
}

/** Compact progress lines for stderr. */
export function textProgress(write: (line: string) => void): (e: CompareEvent) => void {
  let total = 0;
  return (e) => {
    if (e.type === 'plan') {
      total = e.runs.length;
      write(`compare: ${budgetLine(e.budget, e.corpus, e.match)}`);
      write(`compare: ${e.runs.map((r) => `${r.cell} hidden ${r.hidden} (${formatCount(r.params)} params)`).join(', ')}`);
    } else if (e.type === 'train') {
      const t = e.event;
      if (t.type === 'start') write(`${e.cell} (${e.index + 1}/${total}): training, ${formatCount(t.info.params)} parameters → ${escapeControls(t.info.outDir)}`);
      else if (t.type === 'eval') write(`${e.cell}: step ${t.step} val ${t.valLoss.toFixed(4)} nats (${t.valBpc.toFixed(3)} bpc), train ${Number.isFinite(t.trainLoss) ? t.trainLoss.toFixed(4) : '--'}`);
      else if (t.type === 'warning') write(`${e.cell}: warning: ${flattenText(t.message)}`);
    } else if (e.type === 'result') {
      const r = e.row;
      write(`${r.cell}: ${r.stopped ? 'stopped' : 'done'}, ${r.steps} steps in ${formatDuration(r.elapsedMs)}, ${r.msPerStep?.toFixed(1) ?? '--'} ms/step, best val ${r.bestValLoss?.toFixed(4) ?? '--'} nats`);
    } else if (e.type === 'done' && e.stopped) {
      write('compare: stopped');
    }
  };
}

// -------------------------------------------------------------- recall task

export async function runRecallTask(o: CompareOptions): Promise<void> {
  const b = DEFAULT_RECALL_BUDGET;
  const tooBig = recallLimitProblem({ lags: o.lags, batchSize: o.batch, steps: o.maxSteps ?? b.steps, episodes: o.episodes });
  if (tooBig) throw usageError(`compare --task recall: ${tooBig.problem}`, tooBig.fix);
  const backend = await initBackend(o.backend);
  const hidden = o.hidden ?? b.hidden;
  const layers = o.layers ?? b.layers;
  const embedding = o.embedding ?? b.embedding;
  const steps = o.maxSteps ?? b.steps;
  const lr = o.lr ?? b.lr;
  const lags = [...new Set(o.lags)].sort((x, y) => x - y);
  const vocabSize = makeRecallTask({ lag: 1, episodes: 1, seed: 1 }).vocabulary.size;
  const shape = { vocabSize, embedding, layers, dropout: 0 };
  const sized = o.match === 'params' ? matchParams(o.cells, shape, hidden) : sameHidden(o.cells, shape, hidden);
  // Every step keeps an episode's caches per stream; scoring without carry runs every held-out episode at once.
  const episode = Math.max(...lags) + 4;
  const heldOutStreams = o.carry ? 16 : Math.ceil(o.episodes / 16) * 16;
  for (const s of sized) {
    const config = { ...shape, cell: s.cell, hidden: s.hidden };
    const what = `recall training of ${s.cell} ${layers}×${s.hidden}`;
    checkMemory(`${what} on ${o.batch} episodes of ${episode} characters`, trainingStepBytes(config, o.batch, episode), memoryBudget(backend), 'lower --batch, --lags or --hidden');
    checkMemory(`${what}: scoring ${heldOutStreams} episodes of ${episode} characters at once`, forwardBytes(config, heldOutStreams, episode), memoryBudget(backend), 'lower --episodes or --lags, or drop --no-carry');
  }
  const chance = 1 / [...DEFAULT_MARKERS].length;
  const budget = {
    steps, batchSize: o.batch, lr, clip: o.clip, seed: o.seed, evalEpisodes: o.episodes, layers, embedding, loss: o.recallLoss, carry: o.carry,
    fixedLag: o.fixedLag, hidden: Object.fromEntries(sized.map((s) => [s.cell, s.hidden])), match: o.match,
  };
  const notes = [
    `chance ${chance.toFixed(2)} (${DEFAULT_MARKERS.length} markers, ${DEFAULT_FILLERS.length} fillers); accuracy = argmax at the recall position over ${o.episodes} held-out episodes`,
    `budget per cell and lag: ${formatCount(steps)} steps × ${o.batch} episodes (${o.fixedLag ? 'all at the lag' : 'training lags drawn from 1 … lag'}; one episode per BPTT window, seq-len lag + 4, state ${o.carry ? 'carried' : 'reset'} between episodes), ` +
      `loss on ${o.recallLoss === 'all' ? 'every character' : 'the recalled marker only'}, Adam lr ${lr}, clip ${o.clip}, ` +
      `${layers} layer(s), embedding ${embedding}, ${o.match === 'params' ? 'hidden ' + sized.map((s) => `${s.cell} ${s.hidden}`).join(', ') : `hidden ${hidden}`}, seed ${o.seed}`,
  ];
  const results: RecallRunResult[] = [];
  let stopRequested = false;
  const ui = interactive(o);
  type Running = { cell: CellType; lag: number; step: number; steps: number; loss: number | null; accuracy: number | null };
  let running: Running | null = null;
  const { renderRecallView } = ui ? await import('../ui/compare/render-compare.js') : { renderRecallView: null };
  const viewProps = () => ({
    cells: o.cells, lags, results: [...results], chance, running, notes, color: colorFromEnv(), stopping: stopRequested,
    onStop: () => {
      stopRequested = true;
    },
  });
  const view = renderRecallView ? renderRecallView(viewProps()) : null;
  const log = (line: string) => {
    if (!view) process.stderr.write(`${line}\n`);
  };
  const off = onSignals(() => (stopRequested = true));
  let lastDraw = 0;
  const draw = (force = false) => {
    if (!view) return;
    const now = Date.now();
    if (!force && now - lastDraw < 150) return;
    lastDraw = now;
    view.update(viewProps());
  };
  log(`compare --task recall: ${notes[1]}`);
  try {
    outer: for (const lag of lags) {
      for (const s of sized) {
        if (stopRequested) break outer;
        running = { cell: s.cell, lag, step: 0, steps, loss: null, accuracy: null };
        draw(true);
        const result = await runRecall(
          {
            cell: s.cell, hidden: s.hidden, layers, embedding, lag, steps, batchSize: o.batch, lr, clip: o.clip, seed: o.seed,
            evalEpisodes: o.episodes, evalEvery: Math.max(50, Math.round(steps / 10)), loss: o.recallLoss, carry: o.carry, fixedLag: o.fixedLag,
          },
          (p) => {
            if (!running) return;
            if (p.type === 'step') running = { ...running, step: p.step, loss: p.loss };
            else running = { ...running, accuracy: p.accuracy };
            draw(p.type === 'eval');
          },
          () => stopRequested,
        );
        results.push(result);
        log(`${s.cell} lag ${lag}: accuracy ${result.accuracy.toFixed(3)} (chance ${chance.toFixed(2)}), recall loss ${result.recallLoss.toFixed(3)} nats, ${result.steps} steps in ${formatDuration(result.elapsedMs)}`);
      }
    }
  } finally {
    off();
    running = null;
    if (view) {
      view.update(viewProps());
      await view.finish();
    }
  }
  if (o.json) {
    await writeOut(`${safeJson({ task: 'recall', backend, chance, lags, budget, stopped: stopRequested, results })}\n`);
  } else if (!ui) {
    const lines = [
      ...(lags.length > 1 ? [...recallChart(o.cells, results, chance, 78, 14, false), ''] : []),
      ...recallTable(o.cells, lags, results),
      '',
      ...notes,
      `time: ${o.cells.map((cell) => `${cell} ${formatDuration(results.filter((r) => r.cell === cell).reduce((t, r) => t + r.elapsedMs, 0))}`).join(', ')}`,
    ];
    await writeOut(`${lines.join('\n')}\n`);
  }
}
