/** `charnn info <checkpoint>` */
import { Command } from 'commander';
import { describeRegularisation } from '../model/dropout.js';
import { parameterCount } from '../model/config.js';
import { escapeControls, safeJson } from '../util/escape.js';
import { writeOut } from './output.js';
import { action } from './run-command.js';
import { debugOption } from './engine-options.js';

export function makeInfoCommand(): Command {
  return new Command('info')
    .description('describe a checkpoint: model, vocabulary, progress, validation loss')
    .argument('<checkpoint>', 'checkpoint directory, a run directory (means its best/), or run@<step> (also run@best, run@latest)')
    .option('--json', 'print the description as JSON', false)
    .addOption(debugOption())
    .action(
      action(async (path: string, options: { json: boolean }) => {
        // A directory of runs (checkpoints/): what `charnn runs` shows, and how to pick one.
        if (await (await import('./runs-run.js')).listRunsInstead(path, options)) return;
        const { loadCheckpoint } = await import('../checkpoint/load.js');
        const { dir, meta } = loadCheckpoint(path);
        const p = meta.progress;
        const best = p.bestValLoss;
        const info = {
          checkpoint: dir,
          cell: meta.model.cell,
          layers: meta.model.layers,
          hidden: meta.model.hidden,
          embedding: meta.model.embedding,
          dropout: meta.model.dropout,
          parameters: parameterCount(meta.model),
          vocabSize: meta.model.vocabSize,
          normalization: meta.normalization,
          step: p.step,
          epoch: p.epoch + p.batch / Math.max(1, Math.floor(Math.floor((meta.corpus.trainChars - 1) / meta.training.batchSize) / meta.training.seqLen)),
          bestValLoss: best,
          bestValBpc: best === null ? null : best / Math.LN2,
          bestStep: p.bestStep,
          lastValLoss: meta.history.val.at(-1)?.[1] ?? null,
          trainingTimeMs: p.elapsedMs,
          corpus: meta.corpus,
          initFrom: meta.initFrom,
          choice: meta.choice,
          createdAt: meta.createdAt,
          charnnVersion: meta.charnnVersion,
          backend: meta.backend,
          engine: meta.engine,
        };
        if (options.json) {
          await writeOut(`${safeJson(info)}\n`);
          return;
        }
        const rows: [string, string][] = [
          ['checkpoint', dir],
          ['model', `${meta.model.cell}, ${meta.model.layers} layer(s) × ${meta.model.hidden} hidden, embedding ${meta.model.embedding}, ${describeRegularisation(meta.model) || 'no dropout'}`],
          ...(meta.choice ? [['chosen as', meta.choice.summary] as [string, string]] : []),
          ['parameters', info.parameters.toLocaleString('en-US')],
          ['vocabulary', `${meta.model.vocabSize} characters (normalization ${meta.normalization})`],
          ['steps', `${p.step.toLocaleString('en-US')} (epoch ${info.epoch.toFixed(2)})`],
          ['best val loss', best === null ? 'none yet' : `${best.toFixed(4)} nats = ${(best / Math.LN2).toFixed(4)} bits/char (step ${p.bestStep})`],
          ['corpus', `${meta.corpus.name} (${meta.corpus.path}), ${meta.corpus.chars.toLocaleString('en-US')} characters, ${meta.corpus.bytes.toLocaleString('en-US')} bytes`],
          ...(meta.initFrom
            ? [['fine-tuned from', `${meta.initFrom.path} (step ${meta.initFrom.step}, ${meta.initFrom.corpus}), ${meta.initFrom.added.length} character${meta.initFrom.added.length === 1 ? '' : 's'} added`] as [string, string]]
            : []),
          ['training time', `${(p.elapsedMs / 1000).toFixed(1)} s, engine ${meta.engine}${meta.engine.startsWith('tfjs') && !meta.engine.includes(meta.backend) ? ` (${meta.backend})` : ''}`],
          ['created', `${meta.createdAt} by charnn ${meta.charnnVersion}`],
        ];
        const width = Math.max(...rows.map(([k]) => k.length));
        // The corpus name and path, dates and versions come from the checkpoint: escaped.
        await writeOut(rows.map(([k, v]) => `${k.padEnd(width)}  ${escapeControls(v)}`).join('\n') + '\n');
      }),
    );
}
