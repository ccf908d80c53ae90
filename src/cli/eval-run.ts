/**
 * `charnn eval <checkpoint> <file…>`: loss, bits per character and perplexity of a model on text.
 * Loaded only when the command runs (src/cli/*-command.ts defines its options without TF.js).
 */
import os from 'node:os';
import { defaultWorkers } from '../engine/tfjs/backend/names.js';
import { loadCheckpoint } from '../checkpoint/load.js';
import { linkNotes, openCorpus } from '../data/corpus.js';
import { showChar } from '../data/vocabulary.js';
import { evaluateCorpus } from '../eval/evaluate-corpus.js';
import { bitsPerChar, type EvalModel, type TextEvaluation } from '../eval/evaluate-text.js';
import { formatDuration } from '../ui/shared/format.js';
import { escapeControls, safeJson } from '../util/escape.js';
import { createStepModel } from '../engine/select.js';
import { startEngine, type EngineFlags } from './engine-options.js';
import { usageError } from '../util/errors.js';
import { checkAddressSpace } from '../util/process-limits.js';
import { plainProgressMs, progressReporter } from './eval-progress.js';
import { writeErr, writeErrText, writeOut } from './output.js';

export interface EvalOptions extends EngineFlags {
  json: boolean;
}

/** How many missing characters the human output lists. */
const SHOW_MISSING = 12;

interface Figures {
  loss: number | null;
  bpc: number | null;
  perplexity: number | null;
}

function figures(loss: number | null): Figures {
  return loss === null ? { loss: null, bpc: null, perplexity: null } : { loss, bpc: bitsPerChar(loss), perplexity: Math.exp(loss) };
}


function describeSkipped(files: string[]): string {
  const shown = files.slice(0, 8).join(', ');
  return `${files.length} binary file${files.length === 1 ? '' : 's'}: ${shown}${files.length > 8 ? ` and ${files.length - 8} more` : ''}`;
}

export async function runEval(checkpointPath: string, files: string[], options: EvalOptions): Promise<void> {
  const progressMs = plainProgressMs();
  const engine = await startEngine(options);
  const checkpoint = loadCheckpoint(checkpointPath);
  const { meta, vocab } = checkpoint;
  // Find every file before the slow part starts; each is then streamed, never read whole.
  const sources = files.map((file) => ({ file, source: openCorpus(file) }));
  const weights = checkpoint.params;
  const workers = engine.workers ?? defaultWorkers(engine.backend, os.availableParallelism());
  if (engine.name === 'tfjs') checkAddressSpace('tfjs', workers, '--workers');
  const model: EvalModel = {
    steps: await createStepModel(meta.model, weights, engine),
    weights,
    workerBackend: engine.name === 'tfjs' ? engine.backend : null,
  };
  const results: (TextEvaluation & { file: string })[] = [];
  try {
    for (const { file, source } of sources) {
      const progress = progressReporter(file, process.stderr.isTTY === true, progressMs);
      const result = await evaluateCorpus(model, vocab, source, meta.normalization, { workers, onProgress: progress.update });
      progress.end();
      if (result.skippedFiles.length > 0) writeErr(escapeControls(`charnn: note: ${file}: skipped ${describeSkipped(result.skippedFiles)}`));
      for (const note of linkNotes(source)) writeErr(escapeControls(`charnn: note: ${file}: ${note}`));
      results.push({ file, ...result });
    }
  } finally {
    model.steps.dispose();
  }
  const chars = results.reduce((n, r) => n + r.chars, 0);
  const skipped = results.reduce((n, r) => n + r.skipped, 0);
  const missing = [...new Set(results.flatMap((r) => r.missing))];
  if (chars === 0) {
    throw usageError(
      skipped > 0
        ? `nothing to evaluate: the text has ${skipped} characters the model never saw (${missing.slice(0, 8).map(showChar).join(' ')}) and fewer than 2 it knows`
        : 'nothing to evaluate: the text needs at least 2 characters',
      'pass text written in the characters of the training corpus',
    );
  }
  const total = figures(results.reduce((s, r) => s + r.lossSum, 0) / chars);
  const best = meta.progress.bestValLoss;
  if (options.json) {
    await writeOut(
      `${safeJson({
        checkpoint: checkpoint.dir,
        normalization: meta.normalization,
        ...total,
        chars,
        skipped,
        missing,
        files: results.map((r) => ({ file: r.file, ...figures(r.loss), chars: r.chars, skipped: r.skipped, missing: r.missing })),
        checkpointValLoss: best,
      })}\n`,
    );
    return;
  }
  const lines: string[] = [];
  const describe = (f: Figures): string =>
    f.loss === null ? 'nothing to evaluate' : `loss ${f.loss.toFixed(4)} nats/char = ${f.bpc!.toFixed(4)} bits/char, perplexity ${f.perplexity!.toFixed(3)}`;
  const count = (n: number): string => n.toLocaleString('en-US');
  const skippedNote = (n: number, chars: string[]): string => {
    const shown = chars.slice(0, SHOW_MISSING).map(showChar).join(' ');
    const more = chars.length > SHOW_MISSING ? ` and ${chars.length - SHOW_MISSING} more` : '';
    return `skipped ${count(n)} character${n === 1 ? '' : 's'} not in the vocabulary: ${shown}${more}`;
  };
  for (const r of results) {
    lines.push(`${escapeControls(r.file)}: ${count(r.chars)} characters, ${describe(figures(r.loss))}`);
    if (r.skipped > 0) lines.push(`  ${skippedNote(r.skipped, r.missing)}`);
  }
  if (results.length > 1) lines.push(`total: ${count(chars)} characters, ${describe(total)}${skipped > 0 ? ` (${skippedNote(skipped, missing)})` : ''}`);
  if (best !== null) lines.push(`checkpoint: best validation loss ${best.toFixed(4)} nats/char = ${bitsPerChar(best).toFixed(4)} bits/char (step ${meta.progress.bestStep})`);
  await writeOut(`${lines.join('\n')}\n`);
}
