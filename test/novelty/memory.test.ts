/**
 * The memory bound of the novelty index: the estimate, and the one-line
 * refusals before reading (from the file size) and before indexing (from
 * the characters read), on machines of given sizes.
 */
import { describe, expect, it } from 'vitest';
import { CharnnError } from '../../src/util/errors.js';
import { canCheckCachedIndex, checkCorpusSize, checkIndexMemory, checkedIndexBytes, indexBytes } from '../../src/novelty/memory.js';
import { MAX_SUFFIX_ARRAY_LENGTH } from '../../src/novelty/suffix-array.js';

const GB = 1e9;

function refusal(run: () => void): CharnnError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(CharnnError);
    return error as CharnnError;
  }
  throw new Error('not refused');
}

describe('the novelty index memory bound', () => {
  it('counts the ids as read and 4 bytes of suffix array per character; checking a cached one, 4 more', () => {
    const chars = 600_000_000;
    const need = indexBytes(chars, 2 * chars);
    // About 6 bytes per character of ASCII text, plus the process.
    expect(need / chars).toBeGreaterThan(6);
    expect(need / chars).toBeLessThan(6.6);
    expect(checkedIndexBytes(chars, 2 * chars) - need).toBe(4 * chars);
    expect(canCheckCachedIndex(chars, 2 * chars, { totalMemory: 8 * 2 ** 30 })).toBe(false);
    expect(canCheckCachedIndex(chars, 2 * chars, { totalMemory: 16 * 2 ** 30 })).toBe(true);
  });

  it('refuses a 700 MB corpus on an 8 GB machine after reading it, naming its size; a 24 GB machine takes it', () => {
    const chars = 700_000_000;
    const small = { totalMemory: 8 * 2 ** 30 };
    expect(() => checkCorpusSize('the corpus big.txt', chars, small)).not.toThrow(); // at least 3 bytes per byte: 2.2 GiB
    const e = refusal(() => checkIndexMemory('the corpus big', chars, 2 * chars, small));
    expect(e.exitCode).toBe(2);
    expect(e.message).toBe("the corpus big has 700,000,000 characters: its novelty index would need about 4.1 GiB of memory, more than half of this machine's 8.0 GiB");
    expect(e.hint).toMatch(/--corpus/);
    expect(() => checkIndexMemory('the corpus big', chars, 2 * chars, { totalMemory: 24 * 2 ** 30 })).not.toThrow();
  });

  it('refuses a file far too large before reading it', () => {
    const e = refusal(() => checkCorpusSize('the corpus /data/huge.txt', 40 * GB, { totalMemory: 24 * 2 ** 30 }));
    expect(e.message).toBe("the corpus /data/huge.txt is 37.3 GiB: its novelty index would need at least 112.0 GiB of memory, more than half of this machine's 24.0 GiB");
  });

  it('refuses more characters than an Int32 suffix array can hold, whatever the machine', () => {
    const e = refusal(() => checkIndexMemory('the corpus huge', MAX_SUFFIX_ARRAY_LENGTH + 1, 2 * MAX_SUFFIX_ARRAY_LENGTH, { totalMemory: 2 ** 50 }));
    expect(e.message).toBe('the corpus huge has 2,147,483,648 characters; a novelty index holds at most 2,147,483,647');
  });
});
