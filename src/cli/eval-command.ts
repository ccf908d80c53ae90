/** `charnn eval <checkpoint> <file...>`: loss, bits per character and perplexity on any text. */
import { Command } from 'commander';
import type { EvalOptions } from './eval-run.js';
import { action } from './run-command.js';
import { addEngineOptions, debugOption } from './engine-options.js';

export function makeEvalCommand(): Command {
  const command = new Command('eval')
    .description('measure how well a checkpoint predicts text: loss (nats), bits per character and perplexity')
    .argument('<checkpoint>', 'checkpoint directory, a run directory (means its best/), or run@<step> (also run@best, run@latest)')
    .argument('<file...>', 'UTF-8 text files or directories (each is evaluated as one text, normalised like the training corpus)')
    .option('--json', 'print the result as one JSON object', false);
  return addEngineOptions(command, { workers: true, workersHelp: 'tfjs engine: threads sharing the work (default: CPU cores on wasm/cpu, 1 on tensorflow)' })
    .addOption(debugOption())
    .action(action(async (checkpoint: string, files: string[], options: EvalOptions) => (await import('./eval-run.js')).runEval(checkpoint, files, options)));
}
