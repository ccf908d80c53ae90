/**
 * `charnn gradients [corpus]`: how strongly the loss at the last position of
 * a window depends on the hidden state k steps earlier, for fresh models of
 * each cell or for trained checkpoints, as a log-scale chart and a table.
 * Loaded only when the command runs (src/cli/*-command.ts defines its options without TF.js).
 */
import path from 'node:path';
import { initBackend, type BackendName } from '../engine/tfjs/backend/index.js';
import { openRecordedCorpus } from '../checkpoint/corpus.js';
import { checkMemory, memoryBudget } from '../engine/tfjs/backend/memory-budget.js';
import { trainingStepBytes } from '../model/memory.js';
import { loadCheckpoint } from '../checkpoint/load.js';
import { measureGradientSpan, type GradientSpan } from '../compare/gradient-span.js';
import { splitTrainVal } from '../data/batches.js';
import { fitLayout, MIN_WINDOW } from '../data/layout.js';
import { readCorpus, type Normalization, type TokenIds } from '../data/corpus.js';
import { CharRnn } from '../engine/tfjs/char-rnn.js';
import { parameterCount, type CellType, type ModelConfig } from '../model/config.js';
import { arraysToParams, disposeParams, initParams } from '../engine/tfjs/param-tensors.js';
import { gradientChart, gradientTable } from '../ui/compare/tables.js';
import { formatCount } from '../ui/shared/format.js';
import { usageError } from '../util/errors.js';
import { escapeControls, safeJson } from '../util/escape.js';
import { Rng } from '../util/rng.js';
import { bundledCorpus } from './paths.js';
import { writeOut } from './output.js';

export interface GradientsOptions {
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
  /** The validation split's ids, as the corpus was read (Uint16Array or Int32Array). */
  ids: TokenIds;
  corpus: string;
  source: string;
}

/**
 * The validation split in the ids' own array type. A copy, not a view: a view
 * would keep the whole corpus in memory while only its last tenth is read.
 */
const validationIds = (ids: TokenIds, valFrac: number): TokenIds => splitTrainVal(ids, valFrac).val.slice();

function subjects(corpus: string | undefined, o: GradientsOptions): Subject[] {
  if (o.checkpoint) {
    return o.checkpoint.map((given) => {
      const checkpoint = loadCheckpoint(given);
      const { meta } = checkpoint;
      if (corpus === undefined) openRecordedCorpus(meta.corpus.path, 'pass the text to cut windows from: charnn gradients <corpus>');
      const text = readCorpus(corpus ?? meta.corpus.path, meta.normalization, { vocab: checkpoint.vocab, unknown: 'skip' });
      const ids = text.ids;
      return {
        // Shown in the view and on stderr: the directory's name is escaped.
        label: escapeControls(`${meta.model.cell} (${path.relative(process.cwd(), checkpoint.dir) || checkpoint.dir}, step ${meta.progress.step})`),
        model: new CharRnn(meta.model, arraysToParams(meta.model, checkpoint.params)),
        ids: validationIds(ids, meta.training.valFrac),
        corpus: text.name,
        source: checkpoint.dir,
      };
    });
  }
  const text = readCorpus(corpus ?? bundledCorpus(), o.normalize);
  const vocab = text.vocab;
  const ids = validationIds(text.ids, 0.1);
  return o.cells.map((cell) => {
    const config: ModelConfig = { cell, vocabSize: vocab.size, embedding: o.embedding, hidden: o.hidden, layers: o.layers, dropout: 0 };
    return { label: `${cell} (fresh, seed ${o.seed})`, model: new CharRnn(config, initParams(config, new Rng(o.seed))), ids, corpus: text.name, source: 'fresh' };
  });
}

/**
 * Streams and window length every subject's validation text holds (one
 * layout for all, so the curves compare): fewer streams first, then a
 * shorter span. Printed on stderr when shrunk.
 */
function fitWindows(list: readonly Subject[], o: GradientsOptions): { batch: number; span: number } {
  const requested = { batchSize: o.batch, seqLen: o.span + 1 };
  let fitted = requested;
  for (const s of list) {
    const layout = fitLayout(s.ids.length, fitted);
    if (layout === null) {
      const min = Math.min(MIN_WINDOW, requested.seqLen);
      for (const t of list) disposeParams(t.model.params);
      throw usageError(
        `the validation split of ${s.corpus} (${s.ids.length} characters) cannot hold one window of ${min} characters${o.checkpoint ? ` for ${s.label}` : ''}`,
        'measure on a longer text: pass it as the corpus argument',
      );
    }
    fitted = layout;
  }
  if (fitted.batchSize !== requested.batchSize || fitted.seqLen !== requested.seqLen) {
    process.stderr.write(
      `gradients: the validation split is short: ${o.batch} streams × ${o.span + 1} characters do not fit; measuring ${fitted.batchSize} stream(s) × ${fitted.seqLen} (span ${fitted.seqLen - 1})\n`,
    );
  }
  return { batch: fitted.batchSize, span: fitted.seqLen - 1 };
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

export async function runGradients(corpus: string | undefined, requested: GradientsOptions): Promise<void> {
  const backend = await initBackend(requested.backend);
  const list = subjects(corpus, requested);
  const o: GradientsOptions = { ...requested, ...fitWindows(list, requested) };
  try {
    // A window keeps every step's caches for backpropagation: sized before the first one runs.
    for (const s of list) {
      checkMemory(
        `measuring ${s.label} on ${o.batch} streams × ${o.span + 1} characters`,
        trainingStepBytes(s.model.config, o.batch, o.span + 1), memoryBudget(backend), s.source === 'fresh' ? 'lower --batch, --span, --hidden or --layers' : 'lower --batch or --span',
      );
    }
  } catch (error) {
    for (const s of list) disposeParams(s.model.params);
    throw error;
  }
  const ui = !o.json && o.ui && process.stdout.isTTY === true;
  const notes = (done: readonly GradientSpan[]) => [
    `‖∂L_T/∂h_{T−k}‖: gradient of the loss at the last position of a window with respect to the top layer's hidden state k steps earlier,`,
    `averaged over ${plural(done[0]?.windows ?? o.batches, 'window')} × ${plural(o.batch, 'stream')} of ${o.span + 1} characters from the validation split of ${escapeControls(list[0]?.corpus ?? 'the corpus')} (${backend})`,
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
      `${safeJson({
        span: o.span, threshold: o.threshold, windows: o.batches, streams: o.batch, corpus: list[0]?.corpus, backend,
        models: spans.map((s, i) => ({ source: list[i]!.source, params: parameterCount(list[i]!.model.config), ...s })),
      })}\n`,
    );
  } else if (!ui) {
    await writeOut(`${[...gradientChart(spans, 78, 16, false), '', ...gradientTable(spans), '', ...notes(spans)].join('\n')}\n`);
  }
}
