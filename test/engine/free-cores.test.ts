/**
 * free-cores.ts: how many cores the other processes keep busy (what decides
 * whether onnxruntime's pool may spin), from the machine's CPU time less
 * this process's own.
 */
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { coresFree, cpuClock, MIN_INTERVAL_MS, othersBusyCores, othersBusyNow } from '../../src/engine/ort/free-cores.js';

describe('othersBusyCores', () => {
  it("counts the machine's busy time less this process's own, per wall-clock ms", () => {
    const before = { wall: 1000, busy: 50_000, own: 300 };
    // 1 s later: 1,500 ms of CPU on the machine, 700 of it this process's own.
    expect(othersBusyCores(before, { wall: 2000, busy: 51_500, own: 1000 })).toBeCloseTo(0.8);
    // Only this process worked: nothing of the others'.
    expect(othersBusyCores(before, { wall: 2000, busy: 51_000, own: 1300 })).toBe(0);
  });

  it('cannot tell over less than the shortest interval', () => {
    const before = { wall: 1000, busy: 50_000, own: 0 };
    expect(othersBusyCores(before, { wall: 1000 + MIN_INTERVAL_MS - 1, busy: 50_100, own: 0 })).toBeNull();
  });

  it('sees a busy process beside this one', async () => {
    const child = spawn(process.execPath, ['-e', 'const end = Date.now() + 1500; while (Date.now() < end);'], { stdio: 'ignore' });
    const exited = new Promise((resolve) => child.on('exit', resolve));
    await new Promise((resolve) => setTimeout(resolve, 200));
    const before = cpuClock();
    await new Promise((resolve) => setTimeout(resolve, 800));
    const busy = othersBusyCores(before, cpuClock());
    await exited;
    // The child alone keeps most of a core busy (and whatever else runs adds to it).
    expect(busy).toBeGreaterThan(0.5);
  });

  it('gives a measurement (or null where os.cpus() lists CPUs this process may not use)', () => {
    const busy = othersBusyNow();
    if (busy !== null) expect(busy).toBeGreaterThanOrEqual(0);
  });
});

describe('coresFree', () => {
  it('lets a pool spin when it and the others fit in the cores, with half a core to spare', () => {
    expect(coresFree(2, 2, 0)).toBe(true);
    expect(coresFree(2, 2, 0.4)).toBe(true);
    expect(coresFree(2, 2, 0.8)).toBe(false);
    expect(coresFree(2, 4, 1.9)).toBe(true);
    expect(coresFree(4, 4, 1)).toBe(false);
  });
});
