/** `charnn eval <checkpoint> <file...>`: loss, bits per character and perplexity on any text. */
import { Command, Option } from 'commander';
import { BACKEND_NAMES } from '../backend/names.js';
import type { EvalOptions } from './eval-run.js';
import { positiveInt } from './parsers.js';
import { action } from './run-command.js';
import { engineOption, threadsOption } from './engine-options.js';

export function makeEvalCommand(): Command {
  return new Command('eval')
    .description('measure how well a checkpoint predicts text: loss (nats), bits per character and perplexity')
    .argument('<checkpoint>', 'checkpoint directory, or a run directory (means its best/)')
    .argument('<file...>', 'UTF-8 text files or directories (each is evaluated as one text, normalised like the training corpus)')
    .option('--json', 'print the result as one JSON object', false)
    .option('--workers <n>', 'tfjs engine: threads sharing the work (default: CPU cores on wasm/cpu, 1 on tensorflow)', positiveInt)
    .addOption(engineOption())
    .addOption(threadsOption())
    .addOption(new Option('--backend <name>', 'TF.js backend of the tfjs engine').choices(BACKEND_NAMES).default('auto'))
    .option('--debug', 'show stack traces of internal errors')
    .action(action(async (checkpoint: string, files: string[], options: EvalOptions) => (await import('./eval-run.js')).runEval(checkpoint, files, options)));
}
