/** Reading a measured loss curve (src/train/budget/expected-loss.ts): interpolation in log characters, flat beyond the last point. */
import { describe, expect, it } from 'vitest';
import { expectedLoss, type Curve } from '../../../src/train/budget/expected-loss.js';

const UNTRAINED = Math.log(65);
const curve: Curve = [[1e6, 2.0], [2e6, 1.8], [4e6, 1.65], [8e6, 1.55], [16e6, 1.5]];

describe('expectedLoss', () => {
  it('starts from the untrained loss and passes through every measured point', () => {
    expect(expectedLoss(curve, 0, UNTRAINED)).toBeCloseTo(UNTRAINED, 12);
    for (const [x, y] of curve) expect(expectedLoss(curve, x, UNTRAINED)).toBeCloseTo(y, 12);
  });

  it('interpolates linearly in log characters', () => {
    expect(expectedLoss(curve, Math.sqrt(2e6 * 4e6), UNTRAINED)).toBeCloseTo((1.8 + 1.65) / 2, 12);
  });

  it('never rises with more characters on a falling curve', () => {
    let last = Infinity;
    for (let x = 0; x <= 64e6; x += 0.25e6) {
      const y = expectedLoss(curve, x, UNTRAINED);
      expect(y).toBeLessThanOrEqual(last + 1e-12);
      last = y;
    }
  });

  it('expects no more than the last measured point beyond it (a model measured until it stops improving)', () => {
    for (const chars of [16e6 * 1.01, 32e6, 1e9]) expect(expectedLoss(curve, chars, UNTRAINED)).toBe(1.5);
  });

  it('does not extrapolate a rising tail upwards (overfitting shows as a flat best)', () => {
    const flat: Curve = [[1e6, 2], [2e6, 1.9], [4e6, 1.9]];
    expect(expectedLoss(flat, 40e6, UNTRAINED)).toBeCloseTo(1.9, 12);
  });
});
