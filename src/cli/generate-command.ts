/** `charnn generate <checkpoint>`: text for scripts and pipelines, on stdout only. */
import { Command, Option } from 'commander';
import { BACKEND_NAMES } from '../backend/names.js';
import { MAX_BEAM } from '../sample/beam.js';
import { DEFAULT_SAMPLING } from '../sample/distribution.js';
import type { GenerateOptions } from './generate-run.js';
import { collect, integer, nonNegativeInt, nonNegativeNumber, positiveInt, probabilityMass } from './parsers.js';
import { action } from './run-command.js';
import { engineOption, threadsOption } from './engine-options.js';

export function makeGenerateCommand(): Command {
  const command: Command = new Command('generate')
    .description('generate text from a checkpoint; samples go to stdout and nothing else does')
    .argument('<checkpoint>', 'checkpoint directory, or a run directory (means its best/)')
    .option('--prime <text>', 'text to continue (escapes: \\n line break, \\r, \\t, \\\\, \\uXXXX)')
    .option('--prompts <file>', 'one prompt per line (\\n for a line break inside one, and the other --prime escapes) from a file, or - for stdin')
    .option('--length <n>', 'characters per sample (0 = until a --stop string or --max-length)', nonNegativeInt, 200)
    .option('--max-length <n>', 'upper bound for --length 0', positiveInt, 10_000)
    .option('--num <n>', 'samples per prompt, generated together as one batch', positiveInt, 1)
    .option('--temperature <x>', 'sampling temperature (0 = always the most likely character)', nonNegativeNumber, DEFAULT_SAMPLING.temperature)
    .option('--top-k <n>', 'sample only from the k most likely characters (0 = off)', nonNegativeInt, DEFAULT_SAMPLING.topK)
    .option('--top-p <x>', 'sample only from the smallest set reaching this probability, in (0, 1]', probabilityMass, DEFAULT_SAMPLING.topP)
    .option('--seed <n>', 'random seed: same seed, same samples (default: random)', integer)
    .option('--beam <n>', `the n most likely continuations by beam search instead of random samples (1–${MAX_BEAM}; --num k prints the k best)`, positiveInt)
    .option('--novelty', 'report how much of each sample is copied verbatim from the training corpus (jsonl: a novelty field; text: a line per sample on stderr)')
    .option('--corpus <path>', 'the corpus --novelty compares with (default: the one the checkpoint was trained on)')
    .option('--stop <string>', 'end a sample when it produces this string (repeatable; \\n, \\r, \\t, \\\\ and \\uXXXX escapes, e.g. \'\\r\\n\\r\\n\')', collect, [])
    .option('--keep-nfd', 'print the text of a model trained with --normalize nfd decomposed, as the model writes it (default: composed, NFC)')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'jsonl']).default('text'))
    .option('--separator <text>', 'printed between samples in text format (escapes as in --prime)', '\\n\\n')
    .addOption(engineOption())
    .addOption(threadsOption())
    .addOption(new Option('--backend <name>', 'TF.js backend of the tfjs engine').choices(BACKEND_NAMES).default('auto'))
    .option('--debug', 'show stack traces of internal errors')
    .action(
      action(async (checkpoint: string, options: GenerateOptions) =>
        (await import('./generate-run.js')).runGenerate(checkpoint, options, (key) => command.getOptionValueSource(key) === 'cli'),
      ),
    );
  return command;
}
