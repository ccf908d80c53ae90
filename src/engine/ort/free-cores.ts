/**
 * How busy the machine's other processes keep its cores right now: what
 * decides whether onnxruntime's pool may spin (./runtime.ts). Spinning idle
 * threads hand work over fastest between the small ops of a recurrence; on
 * two free cores of a 2-core EPYC a GRU 2×256 window (32 × 100) took 99.7–101
 * ms spinning against 118–120 sleeping, an RNN 1×256 (32 × 64) 8.8–9.2 against
 * 11.3–11.5, an LSTM 2×256 about the same. But on a busy machine a spinning
 * 2-thread pool made a training step 3–4× slower than one thread.
 *
 * The 1-minute load average said it before, and it lags: for a minute or two
 * after any other work (an install, a build, the previous run) it reads ≥ 1
 * on cores that are free, and the pool slept. The machine's CPU time
 * (os.cpus()) less this process's own over the last seconds says it now.
 */
import os from 'node:os';

/** The machine's busy CPU time (all cores) and this process's, in ms, at a wall-clock moment (ms). */
export interface CpuClock {
  wall: number;
  busy: number;
  own: number;
}

/** @param cpus os.cpus(), when the caller has read it already. */
export function cpuClock(cpus: os.CpuInfo[] = os.cpus()): CpuClock {
  let busy = 0;
  for (const { times } of cpus) busy += times.user + times.nice + times.sys + times.irq;
  const own = process.cpuUsage();
  return { wall: performance.now(), busy, own: (own.user + own.system) / 1000 };
}

/** The shortest interval a measurement is taken over: the kernel's CPU counters tick every 10 ms. */
export const MIN_INTERVAL_MS = 250;

/**
 * Cores kept busy by other processes between two clocks, or null when the
 * interval is too short to tell.
 */
export function othersBusyCores(before: CpuClock, now: CpuClock): number | null {
  const wall = now.wall - before.wall;
  if (wall < MIN_INTERVAL_MS) return null;
  return Math.max(0, (now.busy - before.busy - (now.own - before.own)) / wall);
}

/**
 * Whether a pool of `threads` finds its cores free: the others' busy cores
 * and the pool fit in the cores this process may use, with half a core to
 * spare for noise.
 */
export function coresFree(threads: number, cores: number, othersBusy: number): boolean {
  return othersBusy + threads <= cores + 0.5;
}

/**
 * Measurements start when this module loads (at start-up) and roll forward
 * every 10 s; the clock before the last roll covers a look soon after it.
 */
let since = cpuClock();
let before: CpuClock | null = null;
const ROLL_MS = 10_000;

/**
 * Cores the other processes keep busy now, or null where that cannot be
 * told: os.cpus() lists more CPUs than this process may use (a container's
 * cpuset: the machine-wide idle time says nothing of its own cores). The
 * first look within 0.25 s of start-up waits for the rest of that time.
 */
export function othersBusyNow(): number | null {
  const cpus = os.cpus();
  if (cpus.length !== os.availableParallelism()) return null;
  let now = cpuClock(cpus);
  if (before === null && now.wall - since.wall < MIN_INTERVAL_MS) {
    // The first look, right after start-up: wait (asleep, once per process) until there is an interval to measure.
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, Math.ceil(since.wall + MIN_INTERVAL_MS - now.wall));
    now = cpuClock();
  }
  const busy = othersBusyCores(since, now) ?? (before && othersBusyCores(before, now));
  if (now.wall - since.wall > ROLL_MS) [before, since] = [since, now];
  return busy;
}
