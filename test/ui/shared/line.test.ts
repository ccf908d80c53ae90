/** Rows of styled segments cut to a width. */
import { describe, expect, it } from 'vitest';
import { fitRow, joinFit, rowText, seg } from '../../../src/ui/shared/Line.js';

describe('fitRow', () => {
  it('leaves a row that fits alone and marks every cut with …, also one on a segment boundary', () => {
    const row = [seg('best ', { dim: true }), seg('@800', { bold: true }), seg(' → run/best')];
    expect(fitRow(row, 20)).toBe(row);
    expect(rowText(fitRow(row, 9))).toBe('best @80…');
    expect(rowText(fitRow(row, 10))).toBe('best @800…');
    expect(fitRow(row, 9)[1]).toEqual({ text: '@80…', style: { bold: true } });
    expect(rowText(fitRow(row, 1))).toBe('…');
    expect(fitRow(row, 0)).toEqual([]);
  });

  it('counts wide characters as the terminal draws them', () => {
    expect(rowText(fitRow([seg('ab'), seg('👍🏽cd')], 7))).toBe('ab👍🏽…');
    expect(rowText(fitRow([seg('ab'), seg('👍🏽cd')], 6))).toBe('ab…');
    expect(rowText(fitRow([seg('한국어 텍스트')], 7))).toBe('한국어…');
  });
});

describe('joinFit', () => {
  it('keeps the parts that fit, in order, and cuts a first part that alone is too wide', () => {
    const parts = [[seg('charnn')], [seg('a-long-part')], [seg('x')]];
    expect(rowText(joinFit(parts, 12))).toBe('charnn  x');
    expect(rowText(joinFit([[seg('a-very-long-first-part')]], 8))).toBe('a-very-…');
  });
});
