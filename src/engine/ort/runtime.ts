/**
 * onnxruntime-node, loaded on demand, and a session wrapper that runs
 * synchronously. The package's public InferenceSession.run() is async only
 * because it defers the (synchronous) native call with setImmediate; going
 * to the native session directly saves an event-loop turn per call, which is
 * what makes single-stream sampling fast, and lets the samplers stay
 * synchronous. The binding is an internal module of the package, so the
 * dependency is pinned to an exact version.
 */
import { createRequire } from 'node:module';
import os from 'node:os';
import type { Tensor as OrtTensor, InferenceSession } from 'onnxruntime-node';
import type { Binding } from 'onnxruntime-node/dist/binding.js';
import { coresFree, othersBusyNow } from './free-cores.js';

interface Runtime {
  Tensor: typeof OrtTensor;
  binding: { InferenceSession: Binding.InferenceSessionConstructor };
  initOrt: () => void;
  version: string;
}

let runtime: Runtime | null = null;
let failure: Error | null = null;

/** onnxruntime-node, or the reason it cannot load on this machine. */
export function loadRuntime(): Runtime {
  if (runtime) return runtime;
  if (failure) throw failure;
  try {
    const require = createRequire(import.meta.url);
    const ort = require('onnxruntime-node') as { Tensor: typeof OrtTensor; env: { versions: { node?: string } } };
    const binding = require('onnxruntime-node/dist/binding.js') as { binding: Runtime['binding']; initOrt: () => void };
    runtime = { Tensor: ort.Tensor, binding: binding.binding, initOrt: binding.initOrt, version: ort.env.versions.node ?? 'unknown' };
    return runtime;
  } catch (error) {
    failure = error as Error;
    throw failure;
  }
}

/** Whether onnxruntime loads here (for --engine auto). */
export function runtimeAvailable(): boolean {
  try {
    loadRuntime();
    return true;
  } catch {
    return false;
  }
}

/**
 * Whether the pool's idle threads may spin waiting for work (the fastest
 * hand-over between the small ops of a recurrence) — only when the cores are
 * free now (./free-cores.ts), or by the 1-minute load average where that
 * cannot be told. On a busy machine a spinning 2-thread pool made a training
 * step 3–4× slower than 1 thread and burned twice the CPU; sleeping, 2
 * threads were faster than 1 there.
 */
function poolMaySpin(threads: number): boolean {
  return threads > 1 && coresFree(threads, os.availableParallelism(), othersBusyNow() ?? os.loadavg()[0]!);
}

/** Threads to use when the user gives none: every core. */
export function defaultThreads(): number {
  return Math.max(1, os.availableParallelism());
}

export type Feeds = Record<string, OrtTensor>;

/** One compiled graph. */
export class OrtSession {
  private readonly session: Binding.InferenceSession;
  readonly inputNames: string[];
  readonly outputNames: string[];

  /**
   * @param threads onnxruntime's intra-op pool size
   * @param use.arena keep freed intermediate buffers for reuse (small
   *   fixed-shape graphs: sampling steps, evaluation windows)
   * @param use.spin let idle pool threads spin (default: when the cores are free, see poolMaySpin)
   */
  constructor(model: Uint8Array, threads: number, use: { arena?: boolean; spin?: boolean } = {}) {
    const rt = loadRuntime();
    rt.initOrt();
    this.session = new rt.binding.InferenceSession();
    const options: InferenceSession.SessionOptions = {
      intraOpNumThreads: threads,
      interOpNumThreads: 1,
      executionMode: 'sequential',
      graphOptimizationLevel: 'all',
      logSeverityLevel: 3,
      // No block planned for every intermediate (the memory pattern), and
      // onnxruntime's arena, which keeps what it once held, only where asked
      // (the training window: see OrtEngine.session). With every session on
      // the arena `charnn train` of a 2×256 LSTM peaked at ~410–430 MB and
      // grew after its first evaluation; with none at ~364 MB.
      enableMemPattern: false,
      enableCpuMemArena: use.arena ?? false,
      extra: {
        session: {
          // Denormal floats (tiny gradients late in a window) are many times slower to compute with.
          set_denormal_as_zero: '1',
          'intra_op.allow_spinning': (use.spin ?? poolMaySpin(threads)) ? '1' : '0',
        },
      },
    };
    this.session.loadModel(model.buffer as ArrayBuffer, model.byteOffset, model.byteLength, options);
    this.inputNames = this.session.inputMetadata.map((m) => m.name);
    this.outputNames = this.session.outputMetadata.map((m) => m.name);
  }

  /**
   * Runs the graph. `outputs` names the outputs wanted; an output given a
   * tensor is written into that tensor's buffer (no allocation).
   */
  run(feeds: Feeds, outputs: Record<string, OrtTensor | null>): Record<string, OrtTensor> {
    return this.session.run(feeds, outputs, {}) as Record<string, OrtTensor>;
  }

  dispose(): void {
    this.session.dispose();
  }
}

/** A float32 tensor over `values` (no copy). */
export function floatTensor(values: Float32Array, dims: readonly number[]): OrtTensor {
  return new (loadRuntime().Tensor)('float32', values, dims);
}

/** An int32 tensor over `values` (no copy). */
export function intTensor(values: Int32Array, dims: readonly number[]): OrtTensor {
  return new (loadRuntime().Tensor)('int32', values, dims);
}
