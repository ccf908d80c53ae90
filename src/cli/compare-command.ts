/**
 * `charnn compare [corpus]`: train rnn, lstm and gru on the same data, seed
 * and budget and show them side by side; `--task recall` trains them on the
 * long-range memory task instead and reports recall accuracy per lag.
 */
import path from 'node:path';
import { Command, Option } from 'commander';
import { BACKEND_NAMES, initBackend, type BackendName } from '../backend/index.js';
import { Comparison, type CompareEvent, type CompareRow, type MatchMode } from '../compare/compare.js';
import { matchParams, sameHidden } from '../compare/match-params.js';
import { DEFAULT_RECALL_BUDGET, runRecall, type RecallRunResult } from '../compare/recall.js';
import { NORMALIZATIONS, type Normalization } from '../data/corpus.js';
import { DEFAULT_FILLERS, DEFAULT_MARKERS, makeRecallTask } from '../data/recall-task.js';
import { CELL_TYPES, type CellType } from '../model/config.js';
import type { TrainConfig } from '../train/config.js';
import { formatCount, formatDuration } from '../ui/format.js';
import { budgetLine, compareTable, compareRowFromResult, recallChart, recallTable, sampleLines, valLossChart } from '../ui/compare/tables.js';
import { usageError } from '../util/errors.js';
import { dropoutRate, duration, listOf, nonNegativeInt, oneOf, positiveInt, positiveNumber, integer } from './parsers.js';
import { bundledCorpus } from './paths.js';
import { action } from './run-command.js';
import { writeOut } from './stdout.js';

interface CompareOptions {
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
  backend: BackendName;
  ui: boolean;
  json: boolean;
  debug?: boolean;
}

const TEXT_DEFAULTS = { hidden: 128, layers: 2, embedding: 64, lr: 2e-3, maxSteps: 300 };
const DEFAULT_LAGS = [5, 20, 50];

function cellList(value: string): CellType[] {
  const cells = listOf(oneOf(CELL_TYPES, 'cell'))(value);
  if (cells.length === 0) throw usageError('--cells needs at least one cell', `list some of ${CELL_TYPES.join(', ')}`);
  return [...new Set(cells)];
}

function colorFromEnv(): boolean {
  return process.env['NO_COLOR'] === undefined || process.env['NO_COLOR'] === '';
}

const interactive = (o: CompareOptions) => !o.json && o.ui && process.stdout.isTTY === true && process.stdin.isTTY === true;

/** SIGINT/SIGTERM: stop gracefully once, exit at once the second time. */
function onSignals(stop: () => void): () => void {
  let count = 0;
  const handler = (): void => {
    count++;
    if (count > 1) process.exit(130);
    process.stderr.write('charnn: stopping after the current step (press Ctrl-C again to quit at once)\n');
    stop();
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return () => {
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
  };
}

export function makeCompareCommand(): Command {
  const command = new Command('compare')
    .description('train rnn, lstm and gru on the same data, seed and budget and compare them (or, with --task recall, test their long-range memory)')
    .argument('[corpus]', 'UTF-8 text file or directory (default: the bundled tinyshakespeare)')
    .option('--cells <list>', 'cells to compare, comma-separated', cellList, [...CELL_TYPES])
    .addOption(new Option('--task <name>', 'text: language modelling on the corpus; recall: the marker-recall memory task').choices(['text', 'recall']).default('text'))
    .addOption(new Option('--match <what>', 'hidden: every cell gets --hidden; params: hidden sizes chosen for about equal parameter counts').choices(['hidden', 'params']).default('hidden'))
    .option('--hidden <n>', `hidden units per layer (default ${TEXT_DEFAULTS.hidden}; recall ${DEFAULT_RECALL_BUDGET.hidden})`, positiveInt)
    .option('--layers <n>', `recurrent layers (default ${TEXT_DEFAULTS.layers}; recall ${DEFAULT_RECALL_BUDGET.layers})`, positiveInt)
    .option('--embedding <n>', `character embedding size (default ${TEXT_DEFAULTS.embedding}; recall ${DEFAULT_RECALL_BUDGET.embedding})`, positiveInt)
    .option('--dropout <rate>', 'dropout while training, in [0, 1) (text task)', dropoutRate, 0)
    .addOption(new Option('--normalize <form>', 'Unicode normalisation of the corpus').choices(NORMALIZATIONS).default('none'))
    .option('--batch <n>', 'parallel streams per step', positiveInt, 32)
    .option('--seq-len <n>', 'characters per stream per step (text task; recall uses one episode, lag + 4)', positiveInt, 64)
    .option('--lr <x>', `Adam learning rate (default ${TEXT_DEFAULTS.lr}; recall ${DEFAULT_RECALL_BUDGET.lr})`, positiveNumber)
    .option('--clip <x>', 'clip the global gradient norm to this', positiveNumber, 5)
    .option('--seed <n>', 'random seed shared by every run', integer, 1)
    .option('--max-steps <n>', `training steps per cell (default ${TEXT_DEFAULTS.maxSteps}; recall ${DEFAULT_RECALL_BUDGET.steps} per lag)`, positiveInt)
    .option('--max-time <duration>', 'training time per cell instead, e.g. 90s, 5m (text task)', duration)
    .option('--eval-every <n>', 'steps between validations (default: a tenth of --max-steps, at least 25)', positiveInt)
    .option('--eval-batches <n>', 'validation batches per evaluation (0 = the whole split)', nonNegativeInt, 20)
    .option('--sample-length <n>', 'characters per sample', nonNegativeInt, 120)
    .option('--lags <list>', 'recall task: filler characters between marker and recall, comma-separated', listOf(positiveInt), DEFAULT_LAGS)
    .option('--episodes <n>', 'recall task: held-out episodes scored per run', positiveInt, DEFAULT_RECALL_BUDGET.evalEpisodes)
    .addOption(new Option('--recall-loss <which>', 'recall task: train on every next character (all) or on the recalled marker only (recall)').choices(['all', 'recall']).default(DEFAULT_RECALL_BUDGET.loss))
    .option('--no-carry', 'recall task: start every episode from a zero state instead of carrying the state from the previous one')
    .option('--fixed-lag', 'recall task: train every episode at exactly the lag (default: training lags drawn from 1 … lag; scoring is always at the lag)', false)
    .option('--out <dir>', 'runs are saved to <dir>/<cell> (default: checkpoints/compare-<corpus>)')
    .addOption(new Option('--backend <name>', 'TF.js backend').choices(BACKEND_NAMES).default('auto'))
    .option('--no-ui', 'plain progress on stderr and the table on stdout instead of the live view')
    .option('--json', 'print the final table as JSON on stdout', false)
    .option('--debug', 'show stack traces of internal errors')
    .action(
      action(async (corpus: string | undefined, options: CompareOptions) => {
        if (options.task === 'recall') {
          if (corpus !== undefined) throw usageError('--task recall generates its own text and takes no corpus', 'drop the corpus argument');
          if (options.maxTime !== undefined) throw usageError('--max-time is not supported with --task recall', 'set the budget with --max-steps');
          await runRecallTask(options);
        } else {
          await runTextCompare(corpus ?? bundledCorpus(), options, (key) => command.getOptionValueSource(key) === 'cli');
        }
      }),
    );
  return command;
}

// ---------------------------------------------------------------- text task

async function runTextCompare(corpusPath: string, o: CompareOptions, explicit: (key: string) => boolean): Promise<void> {
  const backend = await initBackend(o.backend);
  const training: Partial<TrainConfig> = {
    batchSize: o.batch, seqLen: o.seqLen, lr: o.lr ?? TEXT_DEFAULTS.lr, clip: o.clip, seed: o.seed,
    maxSteps: o.maxSteps ?? (o.maxTime === undefined ? TEXT_DEFAULTS.maxSteps : null), maxTimeMs: o.maxTime ?? null,
    evalBatches: o.evalBatches, sampleLength: o.sampleLength,
  };
  if (o.evalEvery !== undefined) training.evalEvery = o.evalEvery;
  const comparison = new Comparison({
    corpusPath, normalization: o.normalize, cells: o.cells, match: o.match,
    hidden: o.hidden ?? TEXT_DEFAULTS.hidden, layers: o.layers ?? TEXT_DEFAULTS.layers, embedding: o.embedding ?? TEXT_DEFAULTS.embedding, dropout: o.dropout,
    training, outDir: o.out ?? path.join('checkpoints', `compare-${path.basename(corpusPath).replace(/\.[^.]*$/, '') || 'corpus'}`), backend,
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
    await writeOut(`${JSON.stringify({ task: 'text', corpus: plan.corpus, match: plan.match, budget: plan.budget, backend, rows })}\n`);
  } else if (!interactive(o)) {
    const lines = [
      budgetLine(plan.budget, plan.corpus, plan.match),
      '',
      ...valLossChart(rows, 78, 14, false, plan.budget.maxSteps),
      '',
      ...compareTable(rows.map(compareRowFromResult)),
      '',
      `samples (temperature ${rows[0]?.sampleTemperature ?? '--'}):`,
      ...sampleLines(rows.map((r) => ({ cell: r.cell, text: r.sample })), 200),
    ];
    await writeOut(`${lines.join('\n')}\n`);
  }
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
      if (t.type === 'start') write(`${e.cell} (${e.index + 1}/${total}): training, ${formatCount(t.info.params)} parameters → ${t.info.outDir}`);
      else if (t.type === 'eval') write(`${e.cell}: step ${t.step} val ${t.valLoss.toFixed(4)} nats (${t.valBpc.toFixed(3)} bpc), train ${Number.isFinite(t.trainLoss) ? t.trainLoss.toFixed(4) : '--'}`);
      else if (t.type === 'warning') write(`${e.cell}: warning: ${t.message}`);
    } else if (e.type === 'result') {
      const r = e.row;
      write(`${r.cell}: done, ${r.steps} steps in ${formatDuration(r.elapsedMs)}, ${r.msPerStep?.toFixed(1) ?? '--'} ms/step, best val ${r.bestValLoss?.toFixed(4) ?? '--'} nats`);
    } else if (e.type === 'done' && e.stopped) {
      write('compare: stopped');
    }
  };
}

// -------------------------------------------------------------- recall task

async function runRecallTask(o: CompareOptions): Promise<void> {
  const backend = await initBackend(o.backend);
  const b = DEFAULT_RECALL_BUDGET;
  const hidden = o.hidden ?? b.hidden;
  const layers = o.layers ?? b.layers;
  const embedding = o.embedding ?? b.embedding;
  const steps = o.maxSteps ?? b.steps;
  const lr = o.lr ?? b.lr;
  const lags = [...new Set(o.lags)].sort((x, y) => x - y);
  const vocabSize = makeRecallTask({ lag: 1, episodes: 1, seed: 1 }).vocabulary.size;
  const shape = { vocabSize, embedding, layers, dropout: 0 };
  const sized = o.match === 'params' ? matchParams(o.cells, shape, hidden) : sameHidden(o.cells, shape, hidden);
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
    await writeOut(`${JSON.stringify({ task: 'recall', backend, chance, lags, budget, stopped: stopRequested, results })}\n`);
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
