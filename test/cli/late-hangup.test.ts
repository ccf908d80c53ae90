/**
 * Once a run has saved and removed its stop handlers, a late SIGHUP (a
 * shell passing on the hang-up the kernel already sent) must not kill the
 * process on its way out: the exit status would say the run died.
 */
import { describe, expect, it } from 'vitest';
import { stopOnSignals } from '../../src/cli/signals.js';

describe('stop handlers', () => {
  it('leave SIGHUP handled after they are removed, and SIGINT/SIGTERM to their defaults', () => {
    const before = { hup: process.listenerCount('SIGHUP'), int: process.listenerCount('SIGINT'), term: process.listenerCount('SIGTERM') };
    let stops = 0;
    const remove = stopOnSignals(() => stops++);
    expect(process.listenerCount('SIGHUP')).toBe(before.hup + 1);
    remove();
    expect(process.listenerCount('SIGINT')).toBe(before.int);
    expect(process.listenerCount('SIGTERM')).toBe(before.term);
    expect(process.listenerCount('SIGHUP')).toBeGreaterThan(0);
    // The one that stays does nothing: no stop, no exit.
    process.emit('SIGHUP', 'SIGHUP');
    expect(stops).toBe(0);
    // A second run in the same process adds no further permanent listener.
    const hupAfterFirst = process.listenerCount('SIGHUP');
    stopOnSignals(() => stops++)();
    expect(process.listenerCount('SIGHUP')).toBe(hupAfterFirst);
  });
});
