/**
 * `charnn compare [corpus]`: train rnn, lstm and gru on the same data, seed
 * and budget and show them side by side; `--task recall` trains them on the
 * long-range memory task instead and reports recall accuracy per lag.
 */
import { Command, Option } from 'commander';
import { BACKEND_NAMES } from '../backend/names.js';
import { DEFAULT_RECALL_BUDGET, DEFAULT_RECALL_LAGS, DEFAULT_TEXT_COMPARE } from '../compare/defaults.js';
import { NORMALIZATIONS } from '../data/corpus.js';
import { CELL_TYPES } from '../model/config.js';
import { usageError } from '../util/errors.js';
import type { CompareOptions } from './compare-run.js';
import { cellList, dropoutRate, duration, listOf, nonNegativeInt, positiveInt, positiveNumber, integer } from './parsers.js';
import { bundledCorpus } from './paths.js';
import { action } from './run-command.js';

export function makeCompareCommand(): Command {
  const command = new Command('compare')
    .description('train rnn, lstm and gru on the same data, seed and budget and compare them (or, with --task recall, test their long-range memory)')
    .argument('[corpus]', 'UTF-8 text file or directory (default: the bundled tinyshakespeare)')
    .option('--cells <list>', 'cells to compare, comma-separated', cellList, [...CELL_TYPES])
    .addOption(new Option('--task <name>', 'text: language modelling on the corpus; recall: the marker-recall memory task').choices(['text', 'recall']).default('text'))
    .addOption(new Option('--match <what>', 'hidden: every cell gets --hidden; params: hidden sizes chosen for about equal parameter counts').choices(['hidden', 'params']).default('hidden'))
    .option('--hidden <n>', `hidden units per layer (default ${DEFAULT_TEXT_COMPARE.hidden}; recall ${DEFAULT_RECALL_BUDGET.hidden})`, positiveInt)
    .option('--layers <n>', `recurrent layers (default ${DEFAULT_TEXT_COMPARE.layers}; recall ${DEFAULT_RECALL_BUDGET.layers})`, positiveInt)
    .option('--embedding <n>', `character embedding size (default ${DEFAULT_TEXT_COMPARE.embedding}; recall ${DEFAULT_RECALL_BUDGET.embedding})`, positiveInt)
    .option('--dropout <rate>', 'dropout while training, in [0, 1) (text task)', dropoutRate, 0)
    .addOption(new Option('--normalize <form>', 'Unicode normalisation of the corpus').choices(NORMALIZATIONS).default('none'))
    .option('--batch <n>', 'parallel streams per step', positiveInt, 32)
    .option('--seq-len <n>', 'characters per stream per step (text task; recall uses one episode, lag + 4)', positiveInt, 64)
    .option('--lr <x>', `Adam learning rate (default ${DEFAULT_TEXT_COMPARE.lr}; recall ${DEFAULT_RECALL_BUDGET.lr})`, positiveNumber)
    .option('--clip <x>', 'clip the global gradient norm to this', positiveNumber, 5)
    .option('--seed <n>', 'random seed shared by every run', integer, 1)
    .option('--max-steps <n>', `training steps per cell (default ${DEFAULT_TEXT_COMPARE.maxSteps}; recall ${DEFAULT_RECALL_BUDGET.steps} per lag)`, positiveInt)
    .option('--max-time <duration>', 'training time per cell instead, e.g. 90s, 5m (text task)', duration)
    .option('--eval-every <n>', 'steps between validations (default: a tenth of --max-steps, at least 25)', positiveInt)
    .option('--eval-batches <n>', 'validation batches per evaluation (0 = the whole split)', nonNegativeInt, 20)
    .option('--sample-length <n>', 'characters per sample', nonNegativeInt, 120)
    .option('--lags <list>', 'recall task: filler characters between marker and recall, comma-separated', listOf(positiveInt), [...DEFAULT_RECALL_LAGS])
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
          await (await import('./compare-run.js')).runRecallTask(options);
        } else {
          await (await import('./compare-run.js')).runTextCompare(corpus ?? bundledCorpus(), options, (key) => command.getOptionValueSource(key) === 'cli');
        }
      }),
    );
  return command;
}
