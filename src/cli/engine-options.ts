/**
 * The options every command that runs a model shares, defined once:
 * --engine and --threads (train, compare, generate, sample, eval), --backend, and
 * --debug (every command); and choosing the engine once at start-up.
 */
import { Option } from 'commander';
import { ENGINE_CHOICES, type EngineChoice, type EngineName } from '../engine/engine.js';
import { BACKEND_NAMES, type BackendName } from '../engine/tfjs/backend/names.js';
import { ENGINE_SETTINGS } from '../settings/command-settings.js';
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

export function engineOption(description = 'what runs the model: ort (onnxruntime, every core), tfjs (TF.js), or auto (ort where it loads)'): Option {
  return new Option('--engine <name>', description).choices(ENGINE_CHOICES).default('auto');
}

export function threadsOption(): Option {
  return settingOption(ENGINE_SETTINGS.threads);
}

/** --backend: the TF.js backend (of the tfjs engine, where the command has --engine). */
export function backendOption(description = 'TF.js backend of the tfjs engine'): Option {
  return new Option('--backend <name>', description).choices(BACKEND_NAMES).default('auto');
}

/** --debug (run-command.ts reads it: internal errors show their stack). */
export function debugOption(): Option {
  return new Option('--debug', 'show stack traces of internal errors');
}

interface StartedEngine {
  engine: EngineName;
  /** ort engine threads (0 = every core). */
  threads: number;
  /** The TF.js backend in use (with the ort engine only checkpoints go through TF.js: the cpu backend, unless --backend names one). */
  backend: string;
}

/**
 * Resolves --engine and initialises the TF.js backend it needs: the tfjs
 * engine's, or with the ort engine only one named by --backend (otherwise
 * checkpoint files load the plain JS backend when first written, and
 * commands that only read checkpoints never load TF.js).
 */
export async function startEngine(flags: EngineFlags): Promise<StartedEngine> {
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
  const engine = resolveEngine(flags.engine);
  if (engine === 'tfjs' && flags.engine !== 'tfjs') checkAddressSpace('tfjs', flags.workers ?? 1, flags.workers !== undefined ? '--workers' : undefined);
  if (engine === 'ort' && flags.backend === 'auto') return { engine, threads: flags.threads ?? 0, backend: 'cpu' };
  const { initBackend } = await import('../engine/tfjs/backend/index.js');
  return { engine, threads: flags.threads ?? 0, backend: await initBackend(flags.backend) };
}
