/** `charnn generate <checkpoint>`: text for scripts and pipelines, on stdout only. */
import { Command, Option } from 'commander';
import { GENERATE_SETTINGS } from '../settings/command-settings.js';
import type { GenerateOptions } from './generate-run.js';
import { GENERATE_FORMATS } from './generate-output.js';
import { collect } from './parsers.js';
import { settingOption } from './setting-options.js';
import { action } from './run-command.js';
import { addEngineOptions, debugOption } from './engine-options.js';
import { lengthOption, primeOption, samplingOption, seedOption } from './sampling-options.js';

export function makeGenerateCommand(): Command {
  const command: Command = new Command('generate')
    .description('generate text from a checkpoint; samples go to stdout and nothing else does')
    .argument('<checkpoint>', 'checkpoint directory, a run directory (means its best/), or run@<step> (also run@best, run@latest)')
    .addOption(primeOption('text to continue'))
    .option('--prompts <file>', 'one prompt per line (\\n for a line break inside one, and the other --prime escapes) from a file, or - for stdin')
    .addOption(lengthOption('characters per sample (0 = until a --stop string or --max-length)', 'generate'))
    .addOption(settingOption(GENERATE_SETTINGS.maxLength))
    .addOption(settingOption(GENERATE_SETTINGS.num))
    .addOption(samplingOption('temperature'))
    .addOption(samplingOption('topK'))
    .addOption(samplingOption('topP'))
    .addOption(seedOption())
    .addOption(settingOption(GENERATE_SETTINGS.beam))
    .option('--novelty', 'report how much of each sample is copied verbatim from the training corpus (jsonl: a novelty field; text: a line per sample on stderr)')
    .option('--corpus <path>', 'the corpus --novelty compares with (default: the one the checkpoint was trained on)')
    .option('--stop <string>', 'end a sample when it produces this string (repeatable; \\n, \\r, \\t, \\\\ and \\uXXXX escapes, e.g. \'\\r\\n\\r\\n\')', collect, [])
    .option('--keep-nfd', 'print the text of a model trained with --normalize nfd decomposed, as the model writes it (default: composed, NFC)')
    .addOption(new Option('--format <format>', 'output format').choices(GENERATE_FORMATS).default('text'))
    .option('--separator <text>', 'printed between samples in text format (escapes as in --prime)', '\\n\\n');
  addEngineOptions(command)
    .addOption(debugOption())
    .action(
      action(async (checkpoint: string, options: GenerateOptions) =>
        (await import('./generate-run.js')).runGenerate(checkpoint, options, (key) => command.getOptionValueSource(key) === 'cli'),
      ),
    );
  return command;
}
