/** Commands between steps (src/train/controls.ts) and what diverged steps lead to (src/train/divergence.ts). */
import { describe, expect, it } from 'vitest';
import { Controls } from '../../src/train/controls.js';
import { DivergenceWatch } from '../../src/train/divergence.js';
import type { StateEvent } from '../../src/train/events.js';
import { sleep } from '../helpers/wait.js';

function recorder() {
  const log: string[] = [];
  return {
    log,
    actions: {
      emit: (e: StateEvent) => log.push(`${e.type}@${e.step}`),
      save: async () => void log.push('save'),
      sample: async (t: number[] | undefined) => void log.push(`sample ${t ? t.join(',') : 'default'}`),
    },
  };
}

describe('Controls', () => {
  it('handles queued commands in order and holds while paused, until resumed', async () => {
    const controls = new Controls();
    const { log, actions } = recorder();
    controls.send({ type: 'save' });
    controls.send({ type: 'sample', temperatures: [0.5] });
    controls.send({ type: 'toggle-pause' });
    expect(controls.holding).toBe(true);
    let returned = false;
    const handled = controls.handle(7, actions).then(() => (returned = true));
    await sleep(20);
    expect(returned).toBe(false);
    expect(log).toEqual(['save', 'sample 0.5', 'paused@7']);
    controls.send({ type: 'sample' });
    controls.send({ type: 'toggle-pause' });
    await handled;
    expect(log).toEqual(['save', 'sample 0.5', 'paused@7', 'sample default', 'resumed@7']);
    expect(controls.holding).toBe(false);
  });

  it('a stop ends a pause; it is pending as soon as it is queued', async () => {
    const controls = new Controls();
    const { log, actions } = recorder();
    controls.send({ type: 'pause' });
    controls.send({ type: 'pause' });
    const handled = controls.handle(3, actions);
    expect(controls.stopPending()).toBe(false);
    controls.send({ type: 'stop' });
    expect(controls.stopPending()).toBe(true);
    await handled;
    expect(controls.stopped).toBe(true);
    expect(log).toEqual(['paused@3']);
  });
});

describe('DivergenceWatch', () => {
  it('skips, warns once per streak, recovers after maxBadSteps in a row and fails when recoveries are used up', () => {
    const watch = new DivergenceWatch({ maxBadSteps: 3, maxRecoveries: 1 });
    expect(watch.diverged(NaN, 1, 0)).toEqual({ warning: 'loss became NaN (gradient norm 1); step skipped', action: 'skip' });
    expect(watch.diverged(NaN, 1, 0)).toEqual({ warning: null, action: 'skip' });
    expect(watch.diverged(NaN, 1, 0)).toEqual({ warning: null, action: 'recover' });
    watch.reset();
    watch.diverged(NaN, 1, 1);
    watch.reset();
    // A good step in between starts a new streak.
    expect(watch.diverged(NaN, 1, 1).action).toBe('skip');
    watch.diverged(NaN, 1, 1);
    expect(watch.diverged(NaN, 1, 1).action).toBe('fail');
    expect(watch.failure(1).message).toBe('training diverged: 3 non-finite steps in a row after 1 recoveries');
  });
});
