import { describe, expect, it } from 'vitest';
import { binPoints, formatLogLabel, renderLineChart, type ChartPoint } from '../../../src/ui/shared/line-chart.js';
import { columns, strip } from '../fixtures.js';

const BRAILLE = /[\u2801-\u28ff]/;
const rising: ChartPoint[] = Array.from({ length: 100 }, (_, i) => ({ x: i, y: 1 + i / 10 }));

/** Row index (0 = top) of the first drawn cell in a column range of the plot. */
function topRowOf(lines: string[], fromCol: number, toCol: number): number {
  for (let r = 0; r < lines.length; r++) {
    if (BRAILLE.test(lines[r]!.slice(fromCol, toCol))) return r;
  }
  return -1;
}

describe('renderLineChart', () => {
  it('fills exactly width × height and never overflows', () => {
    for (const [width, height] of [
      [80, 14],
      [40, 6],
      [20, 4],
      [12, 3],
      [5, 2],
      [3, 1],
    ] as const) {
      const lines = renderLineChart([{ name: 'train', points: rising }], { width, height, color: true });
      expect(lines).toHaveLength(height);
      for (const l of lines) expect(columns(strip(l))).toBe(width);
    }
  });

  it('labels both axes and shows a legend', () => {
    const lines = renderLineChart(
      [
        { name: 'train', points: rising },
        { name: 'val', points: [{ x: 50, y: 6 }], marker: '◆' },
      ],
      { width: 60, height: 12, title: 'loss (nats)' },
    );
    const text = lines.join('\n');
    expect(lines[0]).toMatch(/^ *10\.9\d? ┤/); // top label = max
    expect(lines[8]).toMatch(/^ *1\.0+ ┤/); // bottom plot row = min
    expect(lines[9]).toMatch(/└[─┬]+$/);
    expect(lines[10]).toMatch(/^ +0 +(49|50) +99$/);
    expect(lines[11]).toContain('loss (nats)');
    expect(lines[11]).toContain('train');
    expect(lines[11]).toContain('◆ val');
    expect(text).toContain('◆');
  });

  it('sets colliding markers side by side, over a backdrop series but never over each other', () => {
    const lines = renderLineChart(
      [
        { name: 'chance', points: [{ x: 0, y: 0.25 }, { x: 10, y: 0.25 }, { x: 20, y: 0.25 }], marker: '·', backdrop: true },
        { name: 'a', points: [{ x: 0, y: 0.25 }, { x: 20, y: 1 }], marker: 'A' },
        { name: 'b', points: [{ x: 0, y: 0.25 }, { x: 20, y: 1 }], marker: 'B' },
        { name: 'c', points: [{ x: 20, y: 1 }], marker: 'C' },
      ],
      { width: 40, height: 8, legend: false },
    );
    const plot = lines.slice(0, 6).map((l) => l.slice(l.search(/[┤│]/) + 1));
    expect(plot[0]).toMatch(/^ +CBA$/); // at the right edge both move left
    const bottom = plot[5]!;
    expect(bottom.indexOf('A')).toBe(0); // A covers the chance mark at x = 0
    expect(bottom.indexOf('B')).toBe(1); // B moves beside A
    expect(bottom).toContain('·'); // chance at x = 10 and 20 stays
  });

  it('draws a rising series higher on the right', () => {
    const lines = renderLineChart([{ name: 'up', points: rising }], { width: 50, height: 10, legend: false });
    const plot = lines.slice(0, 8);
    const left = topRowOf(plot, 6, 16);
    const right = topRowOf(plot, 40, 50);
    expect(left).toBeGreaterThan(right);
    expect(right).toBe(0);
  });

  it('handles no points and a single point', () => {
    const empty = renderLineChart([{ name: 'train', points: [] }], { width: 40, height: 8, emptyMessage: 'waiting' });
    expect(empty).toHaveLength(8);
    expect(empty.join('\n')).toContain('waiting');
    const one = renderLineChart([{ name: 'train', points: [{ x: 5, y: 2 }] }], { width: 40, height: 8 });
    expect(one).toHaveLength(8);
    expect(one.join('\n')).toMatch(BRAILLE);
    expect(one[6]).toContain('5');
  });

  it('breaks the line at NaN and draws constant series mid-height', () => {
    const points = [
      ...Array.from({ length: 20 }, (_, i) => ({ x: i, y: 3 })),
      ...Array.from({ length: 5 }, (_, i) => ({ x: 20 + i, y: NaN })),
      ...Array.from({ length: 20 }, (_, i) => ({ x: 25 + i, y: 3 })),
    ];
    const lines = renderLineChart([{ name: 'flat', points }], { width: 45, height: 9, legend: false });
    const plot = lines.slice(0, 7);
    const drawn = plot.map((l, r) => (BRAILLE.test(l) ? r : -1)).filter((r) => r >= 0);
    expect(drawn).toEqual([3]);
    // The gap: some blank cells between the two runs on that row.
    const row = plot[3]!.slice(plot[3]!.indexOf('┤') + 1);
    expect(row.trimEnd()).toMatch(/[\u2801-\u28ff] +[\u2801-\u28ff]/);
    expect(lines.join('')).not.toContain('NaN');
  });

  it('plots a log scale over twelve decades with power-of-ten labels', () => {
    const decay = Array.from({ length: 100 }, (_, i) => ({ x: i + 1, y: 10 ** ((-12 * i) / 99) }));
    const lines = renderLineChart([{ name: '|grad|', points: decay }], { width: 60, height: 12, logScale: true });
    expect(lines[0]).toMatch(/^ +1 ┤/);
    expect(lines[8]).toMatch(/^1e-12 ┤/);
    expect(lines.join('\n')).toMatch(/1e-6|1e-5|1e-7/);
    const plot = lines.slice(0, 9);
    expect(topRowOf(plot, 7, 17)).toBeLessThan(topRowOf(plot, 50, 60));
    // Zero and negative values cannot be placed on a log axis: skipped, no crash.
    expect(renderLineChart([{ name: 'z', points: [{ x: 0, y: 0 }, { x: 1, y: -1 }] }], { width: 30, height: 6, logScale: true })).toHaveLength(6);
  });

  it('colours series only when asked', () => {
    const plain = renderLineChart([{ name: 'a', points: rising }], { width: 40, height: 6 });
    expect(plain.join('')).not.toContain('\u001B[');
    const coloured = renderLineChart([{ name: 'a', points: rising, color: 'cyan' }], { width: 40, height: 6, color: true });
    expect(coloured.join('')).toContain('\u001B[36m');
  });

  it('formats log labels', () => {
    expect(formatLogLabel(1)).toBe('1');
    expect(formatLogLabel(0.5)).toBe('0.5');
    expect(formatLogLabel(1e-12)).toBe('1e-12');
    expect(formatLogLabel(3.2e-7)).toBe('3.2e-7');
    expect(formatLogLabel(120)).toBe('120');
  });

  it('bins points by x into means', () => {
    const pts = Array.from({ length: 1000 }, (_, i) => ({ x: i, y: i % 2 }));
    const binned = binPoints(pts, 10);
    expect(binned).toHaveLength(10);
    for (const p of binned) expect(p.y).toBeCloseTo(0.5, 9);
    expect(binPoints(pts.slice(0, 5), 10)).toHaveLength(5);
  });
});
