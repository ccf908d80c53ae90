/**
 * The options every command that runs a model shares, defined once:
 * --engine, --threads and --backend (train, compare, generate, sample, eval;
 * --workers on train and eval), --backend alone (the TF.js-only commands),
 * and --debug (every command); and choosing the engine once at start-up,
 * which turns the flags into the EngineSettings the command passes on.
 */
import { Command, Option } from 'commander';
import { ENGINE_CHOICES, type EngineChoice, type EngineSettings } from '../engine/engine.js';
import { BACKEND_NAMES, type BackendName } from '../engine/tfjs/backend/names.js';
import { ENGINE_SETTINGS } from '../settings/command-settings.js';
import { TRAIN_SETTINGS } from '../settings/train-settings.js';
import { settingOption } from './setting-options.js';
import { usageError } from '../util/errors.js';
import { checkAddressSpace } from '../util/process-limits.js';

export interface EngineFlags {
  engine: EngineChoice;
  threads?: number;
  /** The tfjs engine's data-parallel threads (train and eval have the flag). */
  workers?: number;
  backend: BackendName;
}

interface EngineOptionsOf {
  /** Add --workers (the tfjs engine's data-parallel threads: train and eval). */
  workers?: boolean;
  /** The help of a flag where the command uses it in its own way (compare's recall task, eval's workers). */
  engineHelp?: string;
  backendHelp?: string;
  workersHelp?: string;
}

/** Adds --engine, --threads, --backend (and --workers when asked) to a command that runs a model; startEngine reads them. */
export function addEngineOptions(command: Command, of: EngineOptionsOf = {}): Command {
  if (of.workers) command.addOption(settingOption({ ...TRAIN_SETTINGS.workers, help: of.workersHelp ?? TRAIN_SETTINGS.workers.help }));
  return command
    .addOption(new Option('--engine <name>', of.engineHelp ?? 'what runs the model: ort (onnxruntime, every core), tfjs (TF.js), or auto (ort where it loads)').choices(ENGINE_CHOICES).default('auto'))
    .addOption(settingOption(ENGINE_SETTINGS.threads))
    .addOption(backendOption(of.backendHelp ?? 'TF.js backend of the tfjs engine'));
}

/** --backend: the TF.js backend (of the tfjs engine, where the command has --engine; alone on the commands that only use TF.js). */
export function backendOption(description: string): Option {
  return new Option('--backend <name>', description).choices(BACKEND_NAMES).default('auto');
}

/** --debug (run-command.ts reads it: internal errors show their stack). */
export function debugOption(): Option {
  return new Option('--debug', 'show stack traces of internal errors');
}

/**
 * Resolves --engine and initialises the TF.js backend it needs: the tfjs
 * engine's, or with the ort engine only one named by --backend (otherwise
 * checkpoint files load the plain JS backend when first written, and
 * commands that only read checkpoints never load TF.js). With the ort engine
 * the backend is the cpu one unless --backend names one. --workers passes on
 * as given (absent: the command decides).
 */
export async function startEngine(flags: EngineFlags): Promise<EngineSettings> {
  if (flags.engine === 'tfjs' && flags.threads !== undefined) {
    throw usageError('--threads sizes the ort engine\'s thread pool', 'with --engine tfjs use --workers, or drop --engine tfjs');
  }
  if (flags.engine === 'ort' && flags.workers !== undefined) {
    throw usageError('--workers splits batches over threads on the tfjs engine only', 'with --engine ort use --threads');
  }
  // Before anything loads: past ulimit -v, V8 aborts with a native stack. auto tries ort first.
  if (flags.engine === 'tfjs') checkAddressSpace('tfjs', flags.workers ?? 1, flags.workers !== undefined ? '--workers' : undefined);
  else checkAddressSpace('ort', flags.threads ?? 0, '--threads');
  const { resolveEngine } = await import('../engine/select.js');
  const name = resolveEngine(flags.engine);
  if (name === 'tfjs' && flags.engine !== 'tfjs') checkAddressSpace('tfjs', flags.workers ?? 1, flags.workers !== undefined ? '--workers' : undefined);
  const settings = { name, threads: flags.threads ?? 0, ...(flags.workers !== undefined ? { workers: flags.workers } : {}) };
  if (name === 'ort' && flags.backend === 'auto') return { ...settings, backend: 'cpu' };
  const { initBackend } = await import('../engine/tfjs/backend/index.js');
  return { ...settings, backend: await initBackend(flags.backend) };
}
