/** `charnn gradients [corpus]`: how far back each cell's gradient reaches. */
import { Command } from 'commander';
import { CELL_TYPES } from '../model/config.js';
import { usageError } from '../util/errors.js';
import type { GradientsOptions } from './gradients-run.js';
import { CORPUS_SETTINGS } from '../settings/corpus-settings.js';
import { MODEL_SETTINGS } from '../settings/model-settings.js';
import { TRAIN_SETTINGS } from '../settings/train-settings.js';
import { GRADIENTS_SETTINGS } from '../settings/command-settings.js';
import { cellList, collect } from './parsers.js';
import { action } from './run-command.js';
import { backendOption, debugOption } from './engine-options.js';
import { settingOption } from './setting-options.js';

export function makeGradientsCommand(): Command {
  const command = new Command('gradients')
    .description('measure how far back the loss reaches: ‖∂L_T/∂h_{T−k}‖ for k = 1 … span, for fresh rnn/lstm/gru models or trained checkpoints (on TF.js, which gives the gradient at every step)')
    .argument('[corpus]', 'text the windows are cut from (default: a checkpoint\'s own corpus, else the bundled tinyshakespeare); its validation split is used')
    .option('--checkpoint <dir>', 'measure this trained checkpoint or run directory instead of fresh models (repeatable)', collect)
    .option('--cells <list>', 'cells of the fresh models, comma-separated', cellList, [...CELL_TYPES])
    .addOption(settingOption({ ...MODEL_SETTINGS.hidden, default: 128, help: 'hidden units per layer of the fresh models' }))
    .addOption(settingOption({ ...MODEL_SETTINGS.layers, default: 2, help: 'recurrent layers of the fresh models (the top layer is measured)' }))
    .addOption(settingOption({ ...MODEL_SETTINGS.embedding, help: 'embedding size of the fresh models' }))
    .addOption(settingOption({ ...TRAIN_SETTINGS.seed, help: 'initialisation seed of the fresh models' }))
    .addOption(settingOption({ ...TRAIN_SETTINGS.seqLen, flag: '--span <n>', max: TRAIN_SETTINGS.seqLen.max! - 1, help: 'largest distance k measured (windows are span + 1 characters)' }))
    .addOption(settingOption(GRADIENTS_SETTINGS.batches))
    .addOption(settingOption({ ...TRAIN_SETTINGS.batchSize, help: 'streams per window' }))
    .addOption(settingOption(GRADIENTS_SETTINGS.threshold))
    .addOption(settingOption({ ...CORPUS_SETTINGS.normalization, help: 'Unicode normalisation of the corpus for fresh models' }))
    .addOption(backendOption('TF.js backend'))
    .option('--no-ui', 'print the chart and table as plain text')
    .option('--json', 'print the raw series as JSON', false)
    .addOption(debugOption())
    .action(
      action(async (corpus: string | undefined, options: GradientsOptions) => {
        if (options.checkpoint && command.getOptionValueSource('cells') === 'cli') {
          throw usageError('--cells describes fresh models and cannot be combined with --checkpoint', 'drop one of them');
        }
        await (await import('./gradients-run.js')).runGradients(corpus, options);
      }),
    );
  return command;
}
