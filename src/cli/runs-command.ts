/** `charnn runs [dir]`: the runs under a directory, newest first. */
import { Command } from 'commander';
import { RUNS_DIR } from '../settings/runs-dir.js';
import { action } from './run-command.js';
import { debugOption } from './engine-options.js';


export function makeRunsCommand(): Command {
  return new Command('runs')
    .description('list the training runs in a directory: model, steps, best validation loss, training time, last change')
    .argument('[dir]', 'directory of run directories (or one run directory)', RUNS_DIR)
    .option('--json', 'print the list as JSON', false)
    .addOption(debugOption())
    .action(action(async (dir: string, options: { json: boolean }, command: Command) =>
      (await import('./runs-run.js')).runRuns(dir, options, command.args.length === 0)));
}
