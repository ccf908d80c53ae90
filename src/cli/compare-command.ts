/**
 * `charnn compare [corpus]`: train rnn, lstm and gru on the same data, seed
 * and budget and show them side by side, on the engine `charnn train` uses;
 * `--task recall` trains them on the long-range memory task instead and
 * reports recall accuracy per lag (on TF.js: it needs per-step gradients).
 */
import { Command, Option } from 'commander';
import { DEFAULT_RECALL_BUDGET, DEFAULT_TEXT_COMPARE } from '../compare/defaults.js';
import { CELL_TYPES } from '../model/config.js';
import { usageError } from '../util/errors.js';
import type { CompareOptions } from './compare-run.js';
import { CORPUS_SETTINGS } from '../settings/corpus-settings.js';
import { RUNS_DIR } from '../settings/runs-dir.js';
import { MODEL_SETTINGS } from '../settings/model-settings.js';
import { TRAIN_SETTINGS } from '../settings/train-settings.js';
import { RECALL_SETTINGS } from '../settings/command-settings.js';
import { cellList } from './parsers.js';
import { bundledCorpus } from './paths.js';
import { action } from './run-command.js';
import { addEngineOptions, debugOption } from './engine-options.js';
import { settingOption } from './setting-options.js';

export function makeCompareCommand(): Command {
  const M = MODEL_SETTINGS;
  const T = TRAIN_SETTINGS;
  const command = new Command('compare')
    .description('train rnn, lstm and gru on the same data, seed and budget and compare them (or, with --task recall, test their long-range memory)')
    .argument('[corpus]', 'UTF-8 text file or directory (default: the bundled tinyshakespeare)')
    .option('--cells <list>', 'cells to compare, comma-separated', cellList, [...CELL_TYPES])
    .addOption(new Option('--task <name>', 'text: language modelling on the corpus; recall: the marker-recall memory task').choices(['text', 'recall']).default('text'))
    .addOption(new Option('--match <what>', 'hidden: every cell gets --hidden; params: hidden sizes chosen for about equal parameter counts').choices(['hidden', 'params']).default('hidden'))
    .addOption(settingOption({ ...M.hidden, shownDefault: null, help: `hidden units per layer (default ${DEFAULT_TEXT_COMPARE.hidden}; recall ${DEFAULT_RECALL_BUDGET.hidden})` }))
    .addOption(settingOption({ ...M.layers, shownDefault: null, help: `recurrent layers (default ${DEFAULT_TEXT_COMPARE.layers}; recall ${DEFAULT_RECALL_BUDGET.layers})` }))
    .addOption(settingOption({ ...M.embedding, shownDefault: null, help: `character embedding size (default ${DEFAULT_TEXT_COMPARE.embedding}; recall ${DEFAULT_RECALL_BUDGET.embedding})` }))
    .addOption(settingOption({ ...M.dropout, default: 0, help: 'dropout while training, in [0, 1) (text task)' }))
    .addOption(settingOption({ ...CORPUS_SETTINGS.normalization, help: 'Unicode normalisation of the corpus' }))
    .addOption(settingOption(T.batchSize))
    .addOption(settingOption({ ...T.seqLen, default: 64, help: 'characters per stream per step (text task; recall uses one episode, lag + 4)' }))
    .addOption(settingOption({ ...T.lr, shownDefault: null, help: `Adam learning rate (default ${DEFAULT_TEXT_COMPARE.lr}; recall ${DEFAULT_RECALL_BUDGET.lr})` }))
    .addOption(settingOption({ ...T.clip, help: 'clip the global gradient norm to this (0 = off)' }))
    .addOption(settingOption({ ...T.seed, help: 'random seed shared by every run' }))
    .addOption(settingOption({ ...T.maxSteps, help: `training steps per cell (default ${DEFAULT_TEXT_COMPARE.maxSteps}; recall ${DEFAULT_RECALL_BUDGET.steps} per lag)` }))
    .addOption(settingOption({ ...T.maxTimeMs, help: 'training time per cell instead, e.g. 90s, 5m (text task)' }))
    .addOption(settingOption({ ...T.evalEvery, shownDefault: null, help: 'steps between validations (default: a tenth of --max-steps, at least 25)' }))
    .addOption(settingOption({ ...T.evalBatches, default: 20, help: 'validation batches per evaluation (0 = the whole split)' }))
    .addOption(settingOption({ ...T.sampleLength, default: 120, help: 'characters per sample' }))
    .addOption(settingOption(RECALL_SETTINGS.lags))
    .addOption(settingOption(RECALL_SETTINGS.episodes))
    .addOption(new Option('--recall-loss <which>', 'recall task: train on every next character (all) or on the recalled marker only (recall)').choices(['all', 'recall']).default(DEFAULT_RECALL_BUDGET.loss))
    .option('--no-carry', 'recall task: start every episode from a zero state instead of carrying the state from the previous one')
    .option('--fixed-lag', 'recall task: train every episode at exactly the lag (default: training lags drawn from 1 … lag; scoring is always at the lag)', false)
    .option('--out <dir>', `runs are saved to <dir>/<cell> (default: ${RUNS_DIR}/compare-<corpus>)`);
  addEngineOptions(command, {
    engineHelp: 'what trains the text task, as in charnn train: ort (onnxruntime, every core), tfjs (TF.js), or auto (ort where it loads); --task recall always uses TF.js',
    backendHelp: 'TF.js backend (of the tfjs engine and the recall task)',
  })
    .option('--no-ui', 'plain progress on stderr and the table on stdout instead of the live view')
    .option('--json', 'print the final table as JSON on stdout', false)
    .addOption(debugOption())
    .action(
      action(async (corpus: string | undefined, options: CompareOptions) => {
        if (options.task === 'recall') {
          if (corpus !== undefined) throw usageError('--task recall generates its own text and takes no corpus', 'drop the corpus argument');
          if (options.maxTime !== undefined) throw usageError('--max-time is not supported with --task recall', 'set the budget with --max-steps');
          // The recall task reads the gradient at every step of an episode, which only TF.js gives.
          if (options.engine === 'ort' || options.threads !== undefined) {
            throw usageError(`${options.engine === 'ort' ? '--engine ort' : '--threads'} does not apply to --task recall, which trains on TF.js (it reads per-step gradients)`, 'drop it, or use --task text');
          }
          await (await import('./compare-run.js')).runRecallTask(options);
        } else {
          await (await import('./compare-run.js')).runTextCompare(corpus ?? bundledCorpus(), options, (key) => command.getOptionValueSource(key) === 'cli');
        }
      }),
    );
  return command;
}
