/** The charnn program: one commander factory per command. */
import { Command, CommanderError } from 'commander';
import { makeCompareCommand } from './compare-command.js';
import { makeEvalCommand } from './eval-command.js';
import { makeExportCommand } from './export-command.js';
import { makeGenerateCommand } from './generate-command.js';
import { makeGradientsCommand } from './gradients-command.js';
import { makeInfoCommand } from './info-command.js';
import { makeNeuronsCommand } from './neurons-command.js';
import { flushedOutput, installOutputGuards, releaseDeadTerminal, terminalWentAway } from './output.js';
import { reportError } from './run-command.js';
import { makeRunsCommand } from './runs-command.js';
import { makeSampleCommand } from './sample-command.js';
import { makeTrainCommand } from './train-command.js';
import { CHARNN_VERSION } from '../version.js';
import { escapeControls } from '../util/escape.js';
import { processLimits } from '../util/process-limits.js';

/** Where commander writes its own output: help and version (`writeOut`), usage errors (`writeErr`). */
interface ProgramOutput {
  writeOut?: (text: string) => void;
  writeErr?: (text: string) => void;
}

/**
 * The whole program, fresh (commander keeps parsed values on it): every
 * command with its options, usage errors as one line. It never exits the
 * process: a usage error, --help or --version throws a CommanderError
 * (exitOverride), so tests can run it in-process with `runProgram`.
 */
export function makeProgram(output: ProgramOutput = {}): Command {
  const program = new Command('charnn')
    .description('Train character-level RNN, LSTM and GRU language models on any text, and sample from them.')
    .version(CHARNN_VERSION)
    .showSuggestionAfterError(true)
    // Commands listed by name and arguments only ("[options]" on every line left too little room to wrap
    // their descriptions at 80 columns, so the terminal broke words).
    .configureHelp({ showGlobalOptions: true, subcommandTerm: (cmd) => cmd.name() + (cmd.usage().replace(/^\[options\]\s*/, '') ? ` ${cmd.usage().replace(/^\[options\]\s*/, '')}` : '') })
    .exitOverride();
  oneLineErrors(program, 'charnn', output);
  for (const command of [makeTrainCommand(), makeGenerateCommand(), makeSampleCommand(), makeInfoCommand(), makeRunsCommand(), makeEvalCommand(), makeExportCommand(), makeCompareCommand(), makeGradientsCommand(), makeNeuronsCommand()]) {
    command.showSuggestionAfterError(true).exitOverride();
    oneLineErrors(command, `charnn ${command.name()}`, output);
    listDefaultsAsTyped(command);
    program.addCommand(command);
  }
  return program;
}

/**
 * Commander shows an array default as JSON (`["rnn","lstm","gru"]`); help
 * shows it as it is typed (`rnn,lstm,gru`), an empty one as none.
 */
function listDefaultsAsTyped(command: Command): void {
  for (const option of command.options) {
    const value: unknown = option.defaultValue;
    if (Array.isArray(value) && option.defaultValueDescription === undefined) {
      option.defaultValueDescription = value.length === 0 ? 'none' : value.join(',');
    }
  }
}

/**
 * Commander prints "error: …", a "(Did you mean …?)" line and so on; charnn
 * promises one line per error, naming the problem and the way out.
 */
function oneLineErrors(command: Command, name: string, output: ProgramOutput): void {
  command.configureOutput({ ...output, outputError: (text, write) => write(`${usageErrorLine(text, name)}\n`) });
}

/** "error: unknown option '--hiden'\n(Did you mean --hidden?)" → "charnn train: unknown option '--hiden' (did you mean --hidden? see charnn train --help)". */
export function usageErrorLine(text: string, name: string): string {
  const [first = '', ...rest] = text.trim().split('\n').map((line) => line.trim()).filter((line) => line.length > 0);
  const problem = first.replace(/^error:\s*/, '');
  const suggestions = rest.map((line) => line.replace(/^\((.*)\)$/, '$1').replace(/^Did you mean/, 'did you mean'));
  // The arguments quoted may be file names from a glob: nothing in them reaches the terminal raw.
  return escapeControls(`${name}: ${problem} (${[...suggestions, `see ${name} --help`].join(' ')})`);
}

/**
 * Parses `args` (the arguments after "charnn") and runs the command; returns
 * the exit code: 2 for a usage error commander found (it has printed the
 * line), 0 for --help and --version, else what the command set
 * (process.exitCode, via run-command.ts's `action`), an error it threw
 * reported as one line. Leaves process.exitCode as it found it.
 */
export async function runProgram(program: Command, args: string[]): Promise<number> {
  const before = process.exitCode;
  process.exitCode = undefined;
  try {
    await program.parseAsync(args, { from: 'user' });
    return Number(process.exitCode ?? 0);
  } catch (error) {
    // commander has already printed its message; usage errors exit 2.
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    return reportError(error);
  } finally {
    process.exitCode = before;
  }
}

export async function main(argv: string[]): Promise<void> {
  // Read while descriptors are left: an EMFILE later names ulimit -n with it.
  processLimits();
  // A file-size limit (ulimit -f) must fail the write with EFBIG — reported
  // as a full disk, previous checkpoint intact — not kill the process.
  process.on('SIGXFSZ', () => {});
  // A write error on stdout or stderr ends the command with one line, never a stack trace.
  installOutputGuards();
  try {
    process.exitCode = await runProgram(makeProgram(), argv.slice(2));
  } finally {
    releaseDeadTerminal();
  }
  if (terminalWentAway()) await exitAfterHangUp(Number(process.exitCode ?? 0));
}

/**
 * A hang-up often comes twice (the kernel's, then the shell passing it on
 * to its jobs). When the second one arrives as the process ends on its own,
 * Node has already closed its signal watchers, the default action applies
 * for that moment, and the process dies by SIGHUP after it saved everything
 * (test/cli/signals.test.ts's double SIGHUP saw it now and then).
 * process.exit skips that teardown (its exit keeps Node's handler in
 * place), once stdout and stderr have written what they hold.
 */
async function exitAfterHangUp(code: number): Promise<void> {
  await flushedOutput(2_000);
  process.exit(code);
}
