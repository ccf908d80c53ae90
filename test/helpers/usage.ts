/**
 * What a process of the real binary used, measured from inside it
 * (usage-probe.mjs): CPU time, peak resident memory and bytes read. Tests
 * bound these, never wall time: a machine five times slower or loaded by
 * other work stretches wall time without limit, while the CPU time and
 * bytes a run needs stay what they are (CPU time grows only with a slower
 * processor, which the bounds allow for).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const PROBE = path.join(path.dirname(fileURLToPath(import.meta.url)), 'usage-probe.mjs');

export interface Usage {
  /** CPU time, user + system, all threads, ms. */
  cpuMs: number;
  /** Peak resident memory, MB. */
  peakRssMb: number;
  /** Bytes read by read(2) and the like (files, pipes; /proc/self/io rchar), null off Linux. */
  readBytes: number | null;
}

export interface UsageProbe {
  /** Node arguments to put before the script: they preload the probe. */
  nodeArgs: string[];
  /** Environment the process needs for the probe to report. */
  env: Record<string, string>;
  /** What the process used, once it has exited; null if it never reported (killed by a signal). */
  read(): Usage | null;
}

/** A probe for one process. */
export function usageProbe(): UsageProbe {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'charnn-usage-')), 'usage.json');
  return {
    nodeArgs: ['--import', PROBE],
    env: { CHARNN_TEST_USAGE: file },
    read() {
      if (!fs.existsSync(file)) return null;
      const raw = JSON.parse(fs.readFileSync(file, 'utf8')) as { cpuMs: number; peakRssKb: number; readBytes: number | null };
      fs.rmSync(path.dirname(file), { recursive: true, force: true });
      return { cpuMs: raw.cpuMs, peakRssMb: raw.peakRssKb / 1024, readBytes: raw.readBytes };
    },
  };
}

/** CPU time (user + system, all threads) a live process has used so far, in ms (Linux /proc; clock ticks of 10 ms). */
export function cpuMsOf(pid: number): number {
  // Fields after the command name (which ends at the last ')'): utime and stime are the 12th and 13th.
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}
