/** `charnn sample <checkpoint>`: the interactive sampler. */
import { Command, Option } from 'commander';
import { BACKEND_NAMES } from '../backend/names.js';
import { DEFAULT_SAMPLING } from '../sample/distribution.js';
import { integer, nonNegativeInt, nonNegativeNumber, positiveInt, probabilityMass } from './parsers.js';
import { action } from './run-command.js';
import { engineOption, threadsOption } from './engine-options.js';
import type { SampleOptions } from './sample-run.js';

export function makeSampleCommand(): Command {
  return new Command('sample')
    .description('interactive sampler: type text, watch the model continue it; change temperature, top-k, top-p, length and seed as you go')
    .argument('<checkpoint>', 'checkpoint directory, or a run directory (means its best/)')
    .option('--prime <text>', 'text sent as soon as the sampler opens (escapes: \\n line break, \\r, \\t, \\\\, \\uXXXX)')
    .option('--length <n>', 'characters per generation (/len)', positiveInt, 200)
    .option('--temperature <x>', 'sampling temperature, 0 = always the most likely character (/temp)', nonNegativeNumber, DEFAULT_SAMPLING.temperature)
    .option('--top-k <n>', 'sample only from the k most likely characters, 0 = off (/topk)', nonNegativeInt, DEFAULT_SAMPLING.topK)
    .option('--top-p <x>', 'sample only from the smallest set reaching this probability, in (0, 1] (/topp)', probabilityMass, DEFAULT_SAMPLING.topP)
    .option('--seed <n>', 'fixed seed; default: a new random seed for every generation (/seed)', integer)
    .option('--heat', 'start with the probability heat map on (/heat, Tab)', false)
    .option('--top', 'start with the top-5 next characters shown (/top, Shift-Tab)', false)
    .addOption(engineOption())
    .addOption(threadsOption())
    .addOption(new Option('--backend <name>', 'TF.js backend of the tfjs engine').choices(BACKEND_NAMES).default('auto'))
    .option('--debug', 'show stack traces of internal errors')
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
