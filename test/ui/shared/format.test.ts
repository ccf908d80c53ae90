import { describe, expect, it } from 'vitest';
import {
  formatBpc,
  formatCompact,
  formatCount,
  formatDuration,
  formatEpoch,
  formatGradNorm,
  formatLoss,
  formatLr,
  formatPercent,
  formatTemperature,
  natsToBpc,
} from '../../../src/ui/shared/format.js';

describe('format', () => {
  it('formats durations compactly', () => {
    expect(formatDuration(252_000)).toBe('4m12s');
    expect(formatDuration(0)).toBe('0s');
    expect(formatDuration(59_999)).toBe('59s');
    expect(formatDuration(65_000)).toBe('1m05s');
    expect(formatDuration(3_840_000)).toBe('1h04m');
    expect(formatDuration(2 * 86_400_000 + 3 * 3_600_000)).toBe('2d03h');
    expect(formatDuration(null)).toBe('--');
    expect(formatDuration(NaN)).toBe('--');
    expect(formatDuration(-5)).toBe('--');
  });

  it('groups thousands', () => {
    expect(formatCount(1_115_394)).toBe('1,115,394');
    expect(formatCount(999)).toBe('999');
    expect(formatCount(1000)).toBe('1,000');
    expect(formatCount(-1234567)).toBe('-1,234,567');
    expect(formatCount(5209.6)).toBe('5,210');
    expect(formatCount(Infinity)).toBe('--');
  });

  it('formats compact counts', () => {
    expect(formatCompact(950)).toBe('950');
    expect(formatCompact(1234)).toBe('1.2k');
    expect(formatCompact(12_345)).toBe('12k');
    expect(formatCompact(999_999)).toBe('1M');
    expect(formatCompact(9_999e9)).toBe('9999G');
    expect(formatCompact(1e13)).toBe('1.0e13');
    expect(formatCompact(-1e300)).toBe('-1.0e300');
    expect(formatCompact(Number.MAX_VALUE).length).toBeLessThanOrEqual(7);
    expect(formatCompact(3_400_000)).toBe('3.4M');
  });

  it('converts nats to bits per character', () => {
    expect(natsToBpc(Math.LN2)).toBeCloseTo(1, 12);
    expect(natsToBpc(1.9213)).toBeCloseTo(2.772, 3);
    expect(formatBpc(1.9213)).toBe('2.772');
    expect(formatLoss(1.92134)).toBe('1.9213');
    expect(formatLoss(NaN)).toBe('NaN');
    expect(formatLoss(null)).toBe('--');
  });

  it('formats rates, norms, epochs, percentages and temperatures', () => {
    expect(formatLr(2e-3)).toBe('2.0e-3');
    expect(formatLr(0.00035)).toBe('3.5e-4');
    expect(formatGradNorm(1.2345)).toBe('1.23');
    expect(formatGradNorm(123456)).toBe('123k');
    expect(formatEpoch(2.615)).toMatch(/^2\.6[12]$/);
    expect(formatPercent(0.416)).toBe('41%');
    expect(formatPercent(1.2)).toBe('100%');
    expect(formatTemperature(1)).toBe('1.0');
    expect(formatTemperature(0.5)).toBe('0.5');
    expect(formatTemperature(0.75)).toBe('0.75');
  });
});
