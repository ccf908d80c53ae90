/**
 * `charnn train [corpus]`: its settings' flags come from the settings tables
 * (settings/). It only collects what the user gave; train/setup.ts decides
 * the rest (defaults, a resume's limits, the tfjs engine's workers).
 */
import { Command } from 'commander';
import { CORPUS_SETTINGS } from '../settings/corpus-settings.js';
import { RUNS_DIR } from '../settings/runs-dir.js';
import { MODEL_SETTINGS } from '../settings/model-settings.js';
import { checkInitFrom, flagName, type Setting } from '../settings/setting.js';
import { TRAIN_SETTINGS } from '../settings/train-settings.js';
import type { TrainRequest } from '../train/setup.js';
import { action } from './run-command.js';
import { addEngineOptions, debugOption, startEngine, type EngineFlags } from './engine-options.js';
import { settingOptions } from './setting-options.js';
import { bundledCorpus } from './paths.js';
import { usageError } from '../util/errors.js';

/** The options besides the settings' (which are read through settingOptions' keys). */
interface TrainOptions extends EngineFlags {
  out?: string;
  force: boolean;
  resume?: string;
  initFrom?: string;
  ui: boolean;
  json: boolean;
}

export function makeTrainCommand(): Command {
  const modelFlags = settingOptions(MODEL_SETTINGS);
  const corpusFlags = settingOptions(CORPUS_SETTINGS);
  // --workers is the engine's (addEngineOptions): the engine settings carry it to train/setup.ts.
  const trainFlags = settingOptions(TRAIN_SETTINGS).filter(({ key }) => key !== 'workers');
  const command = new Command('train')
    .description('train a character-level language model on a text file or a directory of text files')
    .argument('[corpus]', 'UTF-8 text file or directory (read recursively; hidden files are skipped; binary files and links leading outside it, to a directory or nowhere are skipped and listed; default: the bundled tinyshakespeare; with --resume: the checkpoint\'s corpus)');
  for (const { option } of [...modelFlags, ...corpusFlags, ...trainFlags]) command.addOption(option);
  command
    .option('--out <dir>', `run directory for latest/ and best/ (default: ${RUNS_DIR}/<corpus>-<cell>, or -2, -3, … when that holds a run)`)
    .option('--force', 'start a new run in an --out that holds one, replacing its checkpoints (only files charnn wrote)', false)
    .option('--resume <checkpoint>', `continue a run from a checkpoint or run directory (a run directory means its latest/; ${fixedFlags('fixedOnResume')} stay as they were; ` +
      'the learning rate goes on from where it was, down to --lr-final at the new --max-steps, --max-epochs or --max-time, and never back up)')
    .option('--init-from <checkpoint>', `fine-tune: a new run on the corpus, starting from this checkpoint's weights (new characters are added; ${fixedFlags('fixedOnInitFrom')} stay as they were)`);
  addEngineOptions(command, { workers: true })
    .option('--no-ui', 'plain progress lines on stderr instead of the live dashboard')
    .option('--json', 'one JSON event per line on stdout', false)
    .addOption(debugOption())
    .action(
      action(async (corpus: string | undefined, options: TrainOptions & Record<string, unknown>) => {
        const explicit = (key: string): boolean => command.getOptionValueSource(key) === 'cli';
        if (options.initFrom !== undefined) checkInitFromArguments(corpus, options);
        // Only what the user gave: defaults (or a resumed checkpoint's settings) fill the rest in train/setup.ts,
        // and a new run's schedule follows the text's length without a limit or --eval-every (train/default-limits.ts).
        const given = <C>(flags: ReturnType<typeof settingOptions<C>>): Partial<C> =>
          Object.fromEntries(flags.filter(({ option }) => explicit(option.attributeName())).map(({ option, key }) => [key, options[option.attributeName()]])) as Partial<C>;
        const model = given(modelFlags);
        const training = given(trainFlags);
        const { normalization } = given(corpusFlags);
        if (options.initFrom !== undefined) {
          // Refused before the engine starts; train/setup.ts checks the same for every caller.
          checkInitFrom(MODEL_SETTINGS, model);
          checkInitFrom(TRAIN_SETTINGS, training);
          checkInitFrom(CORPUS_SETTINGS, { normalization });
        }
        const [engine, { runTraining }] = await Promise.all([startEngine(options), import('./train-run.js')]);
        const request: TrainRequest = {
          corpusPath: corpus ?? (options.resume ? '' : bundledCorpus()),
          normalization,
          model,
          training,
          outDir: options.out ?? null,
          force: options.force,
          resume: options.resume ?? null,
          initFrom: options.initFrom ?? null,
          engine,
        };
        const mode = options.json ? 'json' : !options.ui || !process.stdout.isTTY || !process.stdin.isTTY ? 'plain' : 'dashboard';
        await runTraining(request, mode);
      }),
    );
  return command;
}

/** "--cell, --layers and --normalize": the flags a resume (or a fine-tune) cannot change. */
function fixedFlags(rule: 'fixedOnResume' | 'fixedOnInitFrom'): string {
  const flags = [MODEL_SETTINGS, CORPUS_SETTINGS, TRAIN_SETTINGS]
    .flatMap((table) => Object.values(table) as Setting<unknown>[])
    .filter((setting) => setting[rule] !== undefined)
    .map((setting) => flagName(setting)!);
  return flags.length > 1 ? `${flags.slice(0, -1).join(', ')} and ${flags.at(-1)}` : flags.join('');
}

/** --init-from starts a new run from a checkpoint's weights: it needs a text (which settings it keeps: train/setup.ts). */
function checkInitFromArguments(corpus: string | undefined, options: TrainOptions): void {
  if (options.resume !== undefined) {
    throw usageError('--init-from and --resume cannot be combined', '--resume continues a run; --init-from starts a new one from a checkpoint\'s weights');
  }
  if (corpus === undefined) throw usageError('--init-from needs the text to fine-tune on', 'charnn train my.txt --init-from <checkpoint>');
}
