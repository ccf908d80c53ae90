/** `charnn neurons <checkpoint> [file]`: what single units and gates of a model do on a text. */
import { Command, InvalidArgumentError } from 'commander';
import { NEURONS_SETTINGS } from '../settings/command-settings.js';
import type { NeuronsOptions } from './neurons-run.js';
import { settingOption } from './setting-options.js';
import { action } from './run-command.js';
import { backendOption, debugOption } from './engine-options.js';

/** "2:17" → layer 2 (from 1), unit 17 (from 0). */
function unitSpec(value: string): { layer: number; unit: number } {
  const match = /^\s*(\d+)\s*:\s*(\d+)\s*$/.exec(value);
  if (!match || Number(match[1]) < 1) throw new InvalidArgumentError(`expected layer:unit such as 2:17 (layers from 1, units from 0), got "${value}".`);
  return { layer: Number(match[1]), unit: Number(match[2]) };
}

export function makeNeuronsCommand(): Command {
  return new Command('neurons')
    .description('look inside a model: the units that track properties of a text and how saturated its gates are (--find, the default), or one unit painted over the text (--unit)')
    .argument('<checkpoint>', 'checkpoint directory, a run directory (means its best/), or run@<step> (also run@best, run@latest)')
    .argument('[file]', 'text to run the model over, or - for stdin (default: the start of the checkpoint\'s validation text)')
    .option('--unit <L:N>', 'paint the text by unit N (from 0) of layer L (from 1)', unitSpec)
    .option('--signal <name>', 'which value of a unit: h (hidden state), c (LSTM cell), gates i f o g (LSTM) or z r (GRU); default h, and for --find h and c')
    .option('--find', 'rank the units that best track properties of the text (quotes, brackets, position in line, …), then gate saturation (the default without --unit)')
    .option('--gates', 'only how often each gate is saturated, per layer (LSTM, GRU)')
    .addOption(settingOption(NEURONS_SETTINGS.top))
    .addOption(settingOption(NEURONS_SETTINGS.chars))
    .option('--corpus <path>', 'where the checkpoint\'s corpus is now, when it has moved (for the default text)')
    .addOption(settingOption(NEURONS_SETTINGS.width))
    .option('--json', 'the same data as one JSON object', false)
    .addOption(backendOption('TF.js backend'))
    .addOption(debugOption())
    .action(action(async (checkpoint: string, file: string | undefined, options: NeuronsOptions) => (await import('./neurons-run.js')).runNeurons(checkpoint, file, options)));
}
