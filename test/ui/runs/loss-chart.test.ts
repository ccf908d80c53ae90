/** The loss chart of `charnn runs <run>…` (ui/runs/loss-chart.ts): colours, letters, widths and the minutes axis. */
import { describe, expect, it } from 'vitest';
import { formatTime, renderLossChart, timeUnit, type RunCurve } from '../../../src/ui/runs/loss-chart.js';
import { displayWidth, stripAnsi } from '../../../src/util/text.js';

const run = (name: string, offset: number): RunCurve => ({
  name,
  points: [1, 2, 3, 4].map((k) => ({ x: k * 100, train: 4 - k * 0.4 + offset, val: 4.1 - k * 0.35 + offset })),
  summary: `best ${offset}`,
});

describe('renderLossChart', () => {
  it('paints each run in its own colour, legend included, and stays within the width without the colour codes', () => {
    const lines = renderLossChart([run('a', 0), run('b', 0.2)], { width: 50, height: 10, color: true, x: 'steps', train: true });
    for (const line of lines) expect(displayWidth(stripAnsi(line))).toBeLessThanOrEqual(50);
    const legend = lines.slice(-2);
    expect(legend[0]).toBe('\u001b[36m⠒⠒\u001b[39m \u001b[36m·\u001b[39m  a  best 0');
    expect(legend[1]).toBe('\u001b[33m⠒⠒\u001b[39m \u001b[33m·\u001b[39m  b  best 0.2');
    const plot = lines.slice(1, 9).join('\n');
    // Both runs' lines (cyan, yellow) are drawn.
    expect(plot).toContain('\u001b[36m');
    expect(plot).toContain('\u001b[33m');
  });

  it('without colour draws one run as a braille line and dots, several as letters; --no-train leaves the dots out', () => {
    const one = renderLossChart([run('a', 0)], { width: 40, height: 8, color: false, x: 'steps', train: true });
    expect(one.join('\n')).not.toContain('\u001b');
    expect(one.slice(1, 7).join('')).toMatch(/[⠁-⣿]/);
    expect(one.slice(1, 7).join('')).toContain('·');
    const two = renderLossChart([run('a', 0), run('b', 0.2)], { width: 40, height: 8, color: false, x: 'steps', train: false });
    const plot = two.slice(1, 7).join('');
    expect(plot).not.toMatch(/[⠁-⣿·ab]/);
    expect(plot).toContain('A');
    expect(plot).toContain('B');
    expect(two[0]).toBe('validation loss (nats/char)');
    expect(two.slice(-2)).toEqual(['A  a  best 0', 'B  b  best 0.2']);
  });

  it('labels time with as many decimals as they need', () => {
    expect([0, 0.25, 1.5, 12.4, 250].map(formatTime)).toEqual(['0', '0.25', '1.5', '12', '250']);
  });

  it('shows time in seconds under 2 minutes, minutes under 2 hours, hours beyond, naming the unit under the axis', () => {
    expect([0.5, 1.99, 2, 119, 120, 600].map((m) => timeUnit(m).unit)).toEqual(['seconds', 'seconds', 'minutes', 'minutes', 'hours', 'hours']);
    const timed = (minutes: number[]): RunCurve => ({ name: 'r', points: minutes.map((x, i) => ({ x, train: null, val: 3 - i * 0.1 })), summary: '' });
    const labels = (lines: string[]) => lines.at(-3)!.trim().split(/ +/).map(Number);
    // A short run (0.01 to 0.12 minutes): seconds, never fractional minutes.
    const short = renderLossChart([timed([0.01, 0.05, 0.12])], { width: 60, height: 8, color: false, x: 'time', train: false });
    expect(short.at(-2)!.trim()).toBe('seconds of training');
    expect(labels(short)[0]).toBeCloseTo(0.6, 5);
    expect(labels(short).at(-1)).toBeCloseTo(7.2, 5);
    const medium = renderLossChart([timed([5, 30, 45])], { width: 60, height: 8, color: false, x: 'time', train: false });
    expect(medium.at(-2)!.trim()).toBe('minutes of training');
    expect(labels(medium).at(-1)).toBe(45);
    const long = renderLossChart([timed([30, 150, 300])], { width: 60, height: 8, color: false, x: 'time', train: false });
    expect(long.at(-2)!.trim()).toBe('hours of training');
    expect(labels(long)[0]).toBe(0.5);
    expect(labels(long).at(-1)).toBe(5);
  });
});
