/**
 * Picks and initialises the TF.js backend: tfjs-node's native `tensorflow`
 * when it is installed and loads, else WebAssembly, else the pure JS `cpu`
 * backend. TF.js likes to greet Node users on the console; every console
 * call made while a backend loads is swallowed so that stdout carries only
 * the product and stderr only charnn's own messages.
 */
import * as tf from '../../../tf.js';
import { usageError } from '../../../util/errors.js';
import { checkAddressSpace } from '../../../util/process-limits.js';
import { registerFastOps } from './fast-ops.js';

import { BACKEND_NAMES, type BackendName } from './names.js';

export { BACKEND_NAMES, defaultWorkers, type BackendName } from './names.js';

// PROD silences TF.js warnings (the "install tfjs-node" banner among them)
// and skips per-op NaN checks that would force a device sync.
tf.env().set('PROD', true);
// tfjs-node's C++ core logs optimisation notices unless told otherwise.
process.env['TF_CPP_MIN_LOG_LEVEL'] ??= '2';

let active: string | null = null;

/** Runs `load` with console output suppressed. */
async function quietly<T>(load: () => Promise<T>): Promise<T> {
  const saved = { log: console.log, warn: console.warn, info: console.info, error: console.error };
  const mute = (): void => {};
  console.log = console.warn = console.info = console.error = mute;
  try {
    return await load();
  } finally {
    Object.assign(console, saved);
  }
}

async function tryTensorflow(): Promise<boolean> {
  try {
    await quietly(() => import('@tensorflow/tfjs-node' as string));
    return await quietly(() => tf.setBackend('tensorflow'));
  } catch {
    return false;
  }
}

async function tryWasm(): Promise<boolean> {
  try {
    await quietly(() => import('@tensorflow/tfjs-backend-wasm'));
    return await quietly(() => tf.setBackend('wasm'));
  } catch {
    return false;
  }
}

async function tryCpu(): Promise<boolean> {
  return quietly(() => tf.setBackend('cpu'));
}

/** The backend in use, initialising the plain JS one when none is yet (checkpoint files need one). */
export async function ensureBackend(): Promise<string> {
  return active ?? initBackend('cpu');
}

/**
 * Initialises the requested backend and returns the name of the one in use.
 * `auto` falls back tensorflow → wasm → cpu; a named backend that cannot load
 * is an error rather than a silent substitution.
 */
export async function initBackend(requested: BackendName = 'auto'): Promise<string> {
  if (active !== null && (requested === 'auto' || requested === active)) return active;
  // compare, gradients and neurons start TF.js here: past ulimit -v, the wasm backend's reservation makes V8
  // abort with a native stack. (The plain JS cpu backend, which writes checkpoints for the ort engine, reserves nothing.)
  if (requested === 'auto' || requested === 'wasm') checkAddressSpace('tfjs', 1);
  let ok = false;
  if (requested === 'auto') {
    ok = (await tryTensorflow()) || (await tryWasm()) || (await tryCpu());
  } else if (requested === 'tensorflow') {
    ok = await tryTensorflow();
    if (!ok) {
      throw usageError(
        'the tensorflow backend is not available: @tensorflow/tfjs-node is not installed or failed to load',
        'use --backend auto (wasm) or install @tensorflow/tfjs-node',
      );
    }
  } else if (requested === 'wasm') {
    ok = await tryWasm();
    if (!ok) throw usageError('the wasm backend failed to initialise', 'use --backend cpu');
  } else if (requested === 'cpu') {
    ok = await tryCpu();
  } else {
    throw usageError(`unknown backend "${String(requested)}"`, `use one of ${BACKEND_NAMES.join(', ')}`);
  }
  if (!ok) throw usageError('no TF.js backend could be initialised', 'reinstall charnn (npm install)');
  await tf.ready();
  active = tf.getBackend();
  registerFastOps(active);
  return active;
}
