/**
 * The limits a shell put on the process (ulimit -n, ulimit -v), read once
 * from /proc/self/limits on Linux. Running out of file descriptors fails
 * module loading deep inside Node, and V8 aborts with a native stack when
 * it cannot reserve address space: neither can be caught where it happens,
 * so charnn names the limit in one line instead — after an EMFILE
 * (bin/charnn.js, cli/run-command.ts), and before starting an engine whose
 * reservations would not fit (cli/engine-options.ts, engine/tfjs/backend/index.ts).
 */
import fs from 'node:fs';
import os from 'node:os';
import { runtimeError, type CharnnError } from './errors.js';

interface ProcessLimits {
  /** Soft limit of open files (ulimit -n); null: unlimited or unknown. */
  openFiles: number | null;
  /** Soft limit of address space in bytes (ulimit -v × 1024); null: unlimited or unknown. */
  addressSpace: number | null;
}

/** The soft limits in the text of /proc/self/limits. */
export function parseLimits(text: string): ProcessLimits {
  const soft = (name: string): number | null => {
    const match = new RegExp(`^${name}\\s+(\\S+)`, 'm').exec(text);
    return match && /^\d+$/.test(match[1]!) ? Number(match[1]) : null;
  };
  return { openFiles: soft('Max open files'), addressSpace: soft('Max address space') };
}

let cached: ProcessLimits | null = null;

/**
 * This process's limits, read on the first call (main() calls it before
 * anything else opens files, so that after an EMFILE it is still known).
 */
export function processLimits(): ProcessLimits {
  if (cached) return cached;
  let text = '';
  try {
    text = fs.readFileSync('/proc/self/limits', 'utf8');
  } catch {
    // Not Linux, or no descriptor left: unknown.
  }
  cached = parseLimits(text);
  return cached;
}

/** Whether an error is the process (EMFILE) or the system (ENFILE) running out of file descriptors. */
export function isTooManyOpenFiles(error: unknown): boolean {
  const e = error as NodeJS.ErrnoException | null;
  if (e?.code === 'EMFILE' || e?.code === 'ENFILE') return true;
  return typeof e?.message === 'string' && /\b(EMFILE|ENFILE)\b|too many open files/i.test(e.message);
}

/** The one line for running out of file descriptors: "too many open files: ulimit -n is 24 (raise it, e.g. ulimit -n 1024)". */
export function tooManyOpenFiles(limits: ProcessLimits = processLimits()): CharnnError {
  return runtimeError(`too many open files: ulimit -n is ${limits.openFiles ?? 'low'}`, 'raise it, e.g. ulimit -n 1024');
}

const GIB = 2 ** 30;
const MIB = 2 ** 20;

/**
 * Address space an engine reserves, measured with `ulimit -v` on a tiny
 * `charnn train` (Node 20, x64): the ort engine ran at 1.2 GB with 1
 * thread, 1.4 GB with 2 and 2.0 GB with 8 (not at 1.1, 1.2 and 1.6: a
 * thread's stack and arena); the tfjs engine at 1.4 GB with 1 worker,
 * 1.8 GB with 2 and 3.0 GB with 4 (not at 1.6 and 2.4: every worker is a V8
 * isolate with its own code range and WebAssembly memory).
 */
const ADDRESS_SPACE = {
  ort: { base: 1.1 * GIB, perThread: 100 * MIB },
  tfjs: { base: 1.0 * GIB, perThread: 400 * MIB },
} as const;

/** Bytes of address space `engine` needs with `threads` threads (ort) or workers (tfjs); 0: every core. */
export function addressSpaceNeed(engine: 'ort' | 'tfjs', threads: number): number {
  const n = threads > 0 ? threads : os.availableParallelism();
  return ADDRESS_SPACE[engine].base + n * ADDRESS_SPACE[engine].perThread;
}

/**
 * Refuses (one line, exit 1) to start `engine` when ulimit -v is below what
 * it reserves: past that V8 aborts with "Fatal process out of memory" and a
 * native stack, which no handler can catch. `lower` names the flag that
 * lowers the need, if any.
 */
export function checkAddressSpace(engine: 'ort' | 'tfjs', threads: number, lower?: string, limits: ProcessLimits = processLimits()): void {
  const limit = limits.addressSpace;
  if (limit === null) return;
  const need = addressSpaceNeed(engine, threads);
  if (limit >= need) return;
  const gib = (bytes: number) => `${(bytes / GIB).toFixed(1)} GiB`;
  const n = threads > 0 ? threads : os.availableParallelism();
  throw runtimeError(
    `the address-space limit (ulimit -v ${Math.floor(limit / 1024)}, ${gib(limit)}) is below the ${gib(need)} the ${engine} engine reserves with ${n} ${engine === 'ort' ? 'thread' : 'worker'}${n === 1 ? '' : 's'}`,
    `raise it, e.g. ulimit -v ${Math.ceil(need / 1024 / 1e5) * 1e5} or ulimit -v unlimited${lower ? `, or lower ${lower}` : ''}`,
  );
}
