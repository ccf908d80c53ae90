/**
 * How much memory TF.js work may take on each backend, and the one-line
 * refusal of work that would not fit (sized by model/memory.ts). The wasm
 * backend's tensors live in one WebAssembly heap of at most 2^32 bytes: past
 * it a kernel fails with "memory access out of bounds". The cpu backend's
 * are JavaScript buffers and tfjs-node's native ones: both are bounded by
 * the memory the machine (or its cgroup, or ulimit -v) leaves the process.
 * No TF.js here: commands check before they start a backend's work.
 */
import os from 'node:os';
import { usageError } from '../../../util/errors.js';
import { processLimits } from '../../../util/process-limits.js';

/** The largest WebAssembly heap (wasm32 addresses). */
export const WASM_HEAP_BYTES = 2 ** 32;
/**
 * The share of it tensors may take: the heap also holds the module's own
 * data and stack. A training step whose tf.profile peak was 4.16 GB (97%)
 * ran; one of 4.32 GB failed.
 */
const WASM_USABLE = 0.95;

interface MemoryBudget {
  bytes: number;
  /** What bounds it, for messages: "the 4 GiB WebAssembly heap of the wasm backend". */
  what: string;
}

const gib = (bytes: number): string => `${(bytes / 2 ** 30).toFixed(bytes < 10 * 2 ** 30 ? 1 : 0)} GiB`;

/** Memory the process may still take: free memory, within its cgroup's limit and ulimit -v. */
function availableMemory(): number {
  const bounds = [os.freemem()];
  const constrained = process.constrainedMemory?.() ?? 0;
  if (constrained > 0 && constrained < Number.MAX_SAFE_INTEGER) bounds.push(Math.max(0, constrained - process.memoryUsage.rss()));
  const addressSpace = processLimits().addressSpace;
  if (addressSpace !== null) bounds.push(Math.max(0, addressSpace - process.memoryUsage.rss()));
  return Math.min(...bounds);
}

/**
 * The budget of one TF.js thread's tensors on `backend`; `threads` threads
 * (training workers) each have their own wasm heap but share the machine's memory.
 */
export function memoryBudget(backend: string, threads = 1, available: number = availableMemory()): MemoryBudget {
  const machine = { bytes: available / threads, what: `the ${gib(available)} of memory available${threads > 1 ? ` shared by ${threads} workers` : ''}` };
  if (backend !== 'wasm') return machine;
  const heap = { bytes: WASM_HEAP_BYTES * WASM_USABLE, what: 'the 4 GiB WebAssembly heap of the wasm backend' };
  return heap.bytes <= machine.bytes ? heap : machine;
}

/**
 * Refuses work that needs `bytes` of tensors per thread when the backend's
 * budget is smaller: one line naming the size, the bound and `fix` (e.g.
 * "lower --batch or --span"), exit 2.
 */
export function checkMemory(what: string, bytes: number, budget: MemoryBudget, fix: string): void {
  if (bytes <= budget.bytes) return;
  throw usageError(`${what} needs about ${gib(bytes)} of tensors, more than ${budget.what}`, fix);
}
