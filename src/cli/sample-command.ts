/** `charnn sample <checkpoint>`: the interactive sampler. */
import { Command } from 'commander';
import { action } from './run-command.js';
import { addEngineOptions, debugOption } from './engine-options.js';
import { lengthOption, primeOption, samplingOption, seedOption } from './sampling-options.js';
import type { SampleOptions } from './sample-run.js';

export function makeSampleCommand(): Command {
  const command = new Command('sample')
    .description('interactive sampler: type text, watch the model continue it; change temperature, top-k, top-p, length and seed as you go')
    .argument('<checkpoint>', 'checkpoint directory, a run directory (means its best/), or run@<step> (also run@best, run@latest)')
    .addOption(primeOption('text sent as soon as the sampler opens'))
    .addOption(lengthOption('characters per generation (/len)', 'sample'))
    .addOption(samplingOption('temperature', '/temp'))
    .addOption(samplingOption('topK', '/topk'))
    .addOption(samplingOption('topP', '/topp'))
    .addOption(seedOption('fixed seed; default: a new random seed for every generation (/seed)', 'sample'))
    .option('--heat', 'start with the probability heat map on (/heat, Tab)', false)
    .option('--top', 'start with the top-5 next characters shown (/top, Shift-Tab)', false);
  return addEngineOptions(command)
    .addOption(debugOption())
    .addHelpText(
      'after',
      [
        '',
        'In the sampler: Enter sends the typed text (an empty line continues), Esc stops',
        'the model, Tab toggles the heat map, Shift-Tab the top-5 next characters, /help',
        'lists the commands (/temp /topk /topp /len /seed /reset /heat /top /unit /quit),',
        'Ctrl-C quits. Heat map: green p ≥ 50%, yellow ≥ 20%, red below; with NO_COLOR:',
        'plain, underlined, inverse. With a fixed --seed, /reset and the same text give',
        'what `charnn generate --prime TEXT --seed N` gives.',
      ].join('\n'),
    )
    .action(action(async (checkpoint: string, options: SampleOptions) => (await import('./sample-run.js')).runSample(checkpoint, options)));
}
