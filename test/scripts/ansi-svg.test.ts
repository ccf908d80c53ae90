import { describe, expect, it } from 'vitest';
import { parseScreen, screenToSvg } from '../../scripts/ansi-svg.js';

describe('ANSI screen → SVG', () => {
  it('parses colours, bold, inverse and 256 colours into cells, wide characters two columns', () => {
    const rows = parseScreen('a\u001b[1;32mB\u001b[0m 한\u001b[38;5;196mx\u001b[7my\u001b[m\n\u001b[?25lz\n');
    expect(rows.map((r) => r.map((c) => c.ch).join(''))).toEqual(['aB 한xy', 'z']);
    const [a, b, , han, x, y] = rows[0]!;
    expect(a!.style.fg).toBeNull();
    expect(b!.style).toMatchObject({ fg: '#0dbc79', bold: true });
    expect(han!.width).toBe(2);
    expect(x!.style.fg).toBe('#ff0000');
    expect(y!.style).toMatchObject({ fg: '#ff0000', inverse: true });
  });

  it('draws each run at its column, backgrounds as rectangles, text escaped', () => {
    const svg = screenToSvg('ab\u001b[31m<c>\u001b[0m 한d\n\u001b[7m ok \u001b[0m', { columns: 10, rows: 2, fontSize: 10, title: 'a & b' });
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg" width="84" height="50"')).toBe(true);
    expect(svg).toContain('<title>a &amp; b</title>');
    // Every word at its own column (a space is a gap, not a character the viewer may collapse).
    expect(svg).toContain('<tspan x="12.0">ab</tspan><tspan x="24.0" fill="#cd3131">&lt;c&gt;</tspan><tspan x="48.0">한d</tspan>');
    // The inverse run: a light rectangle behind dark text.
    expect(svg).toMatch(/<rect x="12\.0" y="25" width="24\.0" height="13" fill="#cccccc"\/>/);
    expect(svg).toContain('<tspan x="18.0" fill="#1e1e1e">ok</tspan>');
  });
});
