/**
 * `charnn gradients [corpus]`: how strongly the loss at the last position of
 * a window depends on the hidden state k steps earlier, for fresh models of
 * each cell or for trained checkpoints, as a log-scale chart and a table.
 */
import path from 'node:path';
import { Command, Option } from 'commander';
import { BACKEND_NAMES, initBackend, type BackendName } from '../backend/index.js';
import { loadCheckpoint } from '../checkpoint/load.js';
import { DEFAULT_THRESHOLD, measureGradientSpan, type GradientSpan } from '../compare/gradient-span.js';
import { splitTrainVal } from '../data/batches.js';
import { readCorpus, NORMALIZATIONS, type Normalization } from '../data/corpus.js';
import { Vocabulary } from '../data/vocabulary.js';
import { CharRnn } from '../model/char-rnn.js';
import { CELL_TYPES, parameterCount, type CellType, type ModelConfig } from '../model/config.js';
import { disposeParams, initParams } from '../model/params.js';
import { gradientChart, gradientTable } from '../ui/compare/tables.js';
import { formatCount } from '../ui/format.js';
import { usageError } from '../util/errors.js';
import { Rng } from '../util/rng.js';
import { collect, integer, listOf, oneOf, positiveInt, positiveNumber } from './parsers.js';
import { bundledCorpus } from './paths.js';
import { action } from './run-command.js';
import { writeOut } from './stdout.js';

interface GradientsOptions {
  checkpoint?: string[];
  cells: CellType[];
  hidden: number;
  layers: number;
  embedding: number;
  seed: number;
  span: number;
  batches: number;
  batch: number;
  threshold: number;
  normalize: Normalization;
  backend: BackendName;
  ui: boolean;
  json: boolean;
  debug?: boolean;
}

interface Subject {
  label: string;
  model: CharRnn;
  ids: Int32Array;
  corpus: string;
  source: string;
}

function cellList(value: string): CellType[] {
  const cells = listOf(oneOf(CELL_TYPES, 'cell'))(value);
  if (cells.length === 0) throw usageError('--cells needs at least one cell', `list some of ${CELL_TYPES.join(', ')}`);
  return [...new Set(cells)];
}

export function makeGradientsCommand(): Command {
  const command = new Command('gradients')
    .description('measure how far back the loss reaches: ‖∂L_T/∂h_{T−k}‖ for k = 1 … span, for fresh rnn/lstm/gru models or trained checkpoints')
    .argument('[corpus]', 'text the windows are cut from (default: a checkpoint\'s own corpus, else the bundled tinyshakespeare); its validation split is used')
    .option('--checkpoint <dir>', 'measure this trained checkpoint or run directory instead of fresh models (repeatable)', collect)
    .option('--cells <list>', 'cells of the fresh models, comma-separated', cellList, [...CELL_TYPES])
    .option('--hidden <n>', 'hidden units per layer of the fresh models', positiveInt, 128)
    .option('--layers <n>', 'recurrent layers of the fresh models (the top layer is measured)', positiveInt, 2)
    .option('--embedding <n>', 'embedding size of the fresh models', positiveInt, 64)
    .option('--seed <n>', 'initialisation seed of the fresh models', integer, 1)
    .option('--span <n>', 'largest distance k measured (windows are span + 1 characters)', positiveInt, 100)
    .option('--batches <n>', 'windows averaged over (consecutive, state carried)', positiveInt, 4)
    .option('--batch <n>', 'streams per window', positiveInt, 32)
    .option('--threshold <x>', 'report the distance where the norm falls below this fraction of its k = 1 value', positiveNumber, DEFAULT_THRESHOLD)
    .addOption(new Option('--normalize <form>', 'Unicode normalisation of the corpus for fresh models').choices(NORMALIZATIONS).default('none'))
    .addOption(new Option('--backend <name>', 'TF.js backend').choices(BACKEND_NAMES).default('auto'))
    .option('--no-ui', 'print the chart and table as plain text')
    .option('--json', 'print the raw series as JSON', false)
    .option('--debug', 'show stack traces of internal errors')
    .action(
      action(async (corpus: string | undefined, options: GradientsOptions) => {
        if (options.checkpoint && command.getOptionValueSource('cells') === 'cli') {
          throw usageError('--cells describes fresh models and cannot be combined with --checkpoint', 'drop one of them');
        }
        await runGradients(corpus, options);
      }),
    );
  return command;
}

function subjects(corpus: string | undefined, o: GradientsOptions): Subject[] {
  if (o.checkpoint) {
    return o.checkpoint.map((given) => {
      const checkpoint = loadCheckpoint(given);
      const { meta } = checkpoint;
      const text = readCorpus(corpus ?? meta.corpus.path, meta.normalization);
      const { ids } = checkpoint.vocab.encodeLossy(text.text);
      return {
        label: `${meta.model.cell} (${path.relative(process.cwd(), checkpoint.dir) || checkpoint.dir}, step ${meta.progress.step})`,
        model: new CharRnn(meta.model, checkpoint.params),
        ids: splitTrainVal(ids, meta.training.valFrac).val,
        corpus: text.name,
        source: checkpoint.dir,
      };
    });
  }
  const text = readCorpus(corpus ?? bundledCorpus(), o.normalize);
  const vocab = Vocabulary.fromText(text.text);
  const ids = splitTrainVal(vocab.encode(text.text), 0.1).val;
  return o.cells.map((cell) => {
    const config: ModelConfig = { cell, vocabSize: vocab.size, embedding: o.embedding, hidden: o.hidden, layers: o.layers, dropout: 0 };
    return { label: `${cell} (fresh, seed ${o.seed})`, model: new CharRnn(config, initParams(config, new Rng(o.seed))), ids, corpus: text.name, source: 'fresh' };
  });
}

async function runGradients(corpus: string | undefined, o: GradientsOptions): Promise<void> {
  const backend = await initBackend(o.backend);
  const list = subjects(corpus, o);
  const ui = !o.json && o.ui && process.stdout.isTTY === true;
  const notes = (done: readonly GradientSpan[]) => [
    `‖∂L_T/∂h_{T−k}‖: gradient of the loss at the last position of a window with respect to the top layer's hidden state k steps earlier,`,
    `averaged over ${o.batches} windows × ${o.batch} streams of ${o.span + 1} characters from the validation split of ${list[0]?.corpus ?? 'the corpus'} (${backend})`,
    ...(done.length > 0 && list[0]!.source === 'fresh'
      ? [`fresh models: ${o.layers} layer(s) × ${o.hidden} hidden, embedding ${o.embedding}, seed ${o.seed}; ${done.map((s) => `${s.cell} ${formatCount(parameterCount(list.find((x) => x.model.config.cell === s.cell)!.model.config))} params`).join(', ')}`]
      : []),
  ];
  const spans: GradientSpan[] = [];
  const { renderGradientsView } = ui ? await import('../ui/compare/render-compare.js') : { renderGradientsView: null };
  const color = process.env['NO_COLOR'] === undefined || process.env['NO_COLOR'] === '';
  const view = renderGradientsView ? renderGradientsView({ spans: [], status: 'measuring…', notes: notes([]), color }) : null;
  try {
    for (const s of list) {
      const result = await measureGradientSpan(s.model, s.ids, {
        span: o.span, batches: o.batches, batchSize: o.batch, threshold: o.threshold,
        onProgress: (done, total) => view?.update({ spans: [...spans], status: `measuring ${s.label}: window ${done}/${total}`, notes: notes(spans), color }),
      });
      spans.push(result);
      if (!view && !o.json) process.stderr.write(`gradients: ${s.label}: ${result.decayDistance === null ? `stays above ${o.threshold} of its k=1 value up to k=${o.span}` : `falls below ${o.threshold} of its k=1 value at k=${result.decayDistance}`}\n`);
    }
  } finally {
    for (const s of list) disposeParams(s.model.params);
    if (view) {
      view.update({ spans: [...spans], status: '', notes: notes(spans), color });
      await view.finish();
    }
  }
  if (o.json) {
    await writeOut(
      `${JSON.stringify({
        span: o.span, threshold: o.threshold, windows: o.batches, streams: o.batch, corpus: list[0]?.corpus, backend,
        models: spans.map((s, i) => ({ source: list[i]!.source, params: parameterCount(list[i]!.model.config), ...s })),
      })}\n`,
    );
  } else if (!ui) {
    await writeOut(`${[...gradientChart(spans, 78, 16, false), '', ...gradientTable(spans), '', ...notes(spans)].join('\n')}\n`);
  }
}
