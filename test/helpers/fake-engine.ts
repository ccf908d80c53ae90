/**
 * An Engine for tests of the training step and loop: named 'tfjs', labelled
 * 'fake', disposed at once; each computing method throws "not used" unless
 * the test gives it, so a test states exactly what its engine computes.
 */
import type { Engine } from '../../src/engine/engine.js';

const notUsed = (): never => {
  throw new Error('not used');
};

/** An engine with `overrides` in place of the stubs. */
export function fakeEngine(overrides: Partial<Engine> = {}): Engine {
  return {
    name: 'tfjs',
    label: 'fake',
    gradients: async () => notUsed(),
    lossSum: async () => notUsed(),
    stepModel: () => notUsed(),
    dispose: async () => undefined,
    ...overrides,
  };
}
