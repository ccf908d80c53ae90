/** The sampler shows an NFD model's jamo as syllables (and letters with their accents as one). */
import { describe, expect, it } from 'vitest';
import { composeCells, transcriptRows, type Block, type Cell } from '../../src/ui/sample/transcript.js';

const gen = (text: string, prob = 0.9): Cell[] => Array.from(text, (ch) => ({ ch, kind: 'gen' as const, prob }));

describe('composeCells', () => {
  it('joins jamo into syllables and marks onto their letter, keeping the least likely look', () => {
    const cells = [...gen('한국'.normalize('NFD')), ...gen('e', 0.6), { ch: '\u0301', kind: 'gen' as const, prob: 0.1 }, ...gen(' x\n')];
    const composed = composeCells(cells);
    expect(composed.map((c) => c.ch)).toEqual(['한', '국', 'é', ' ', 'x', '\n']);
    expect(composed[2]!.prob).toBe(0.1);
    // What the user typed and what the model wrote stay apart.
    expect(composeCells([{ ch: 'ᄒ', kind: 'user' }, ...gen('ᅡ')]).map((c) => c.ch)).toEqual(['ᄒ', 'ᅡ']);
    // The transcript itself keeps every character (the model's own text).
    expect(cells).toHaveLength(11);
    expect(cells[0]!.ch).toBe("ᄒ");
  });

  it('renders composed rows, two columns per syllable', () => {
    const blocks: Block[] = [{ kind: 'text', cells: gen('가나다라'.normalize('NFD')) }];
    const rows = transcriptRows(blocks, 4, 5, false);
    expect(rows.map((row) => row.map((s) => s.text).join(''))).toEqual(['가나', '다라']);
  });
});
