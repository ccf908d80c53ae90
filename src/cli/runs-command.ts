/** `charnn runs [dir]` lists runs; `charnn runs <run>…` shows their checkpoints and loss curves. */
import { Command } from 'commander';
import { RUNS_DIR } from '../settings/runs-dir.js';
import { choice, positiveInt } from '../settings/values.js';
import { X_AXES } from '../ui/runs/loss-chart.js';
import { action } from './run-command.js';
import { debugOption } from './engine-options.js';
import { parser } from './parsers.js';
import type { RunsCommandOptions } from './runs-run.js';

export function makeRunsCommand(): Command {
  return new Command('runs')
    .description('list the training runs in a directory; name runs to see their checkpoints (usable as run@<step>) and chart their loss curves')
    .argument('[dir|run...]', `a directory of runs to list (default ${RUNS_DIR}), or run directories to describe and chart`)
    .option('--x <axis>', 'chart against steps, chars (characters trained on) or time (of training: seconds, minutes or hours as suits the runs)', parser(choice(X_AXES)), 'steps')
    .option('--width <n>', 'width in columns of the chart, or of the list (default: the terminal\'s; a chart in a pipe: 80)', parser(positiveInt, 1000))
    .option('--height <n>', 'chart height in rows', parser(positiveInt, 200), 16)
    .option('--no-train', 'chart the validation losses only')
    .option('--csv', 'write the loss curves as CSV: run,step,chars,elapsed_ms,train_loss,val_loss', false)
    .option('--json', 'print the list, or the runs and their curves, as JSON', false)
    .addOption(debugOption())
    .action(action(async (runs: string[], options: RunsCommandOptions) =>
      (await import('./runs-run.js')).runRuns(runs, options)));
}
