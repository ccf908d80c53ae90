import { describe, expect, it } from 'vitest';
import { narrowIds } from '../../src/novelty/narrow-ids.js';

describe('narrowIds', () => {
  it('turns ids of a vocabulary of at most 256 characters into bytes over their own memory, values kept', () => {
    const values = Array.from({ length: 1000 }, (_, i) => (i * 37) % 256);
    for (const ids of [Uint16Array.from(values), Int32Array.from(values)]) {
      // A view into a larger buffer, as the data layer returns them.
      const view = ids.subarray(0, 999);
      const bytes = narrowIds(view, 256);
      expect(bytes).toBeInstanceOf(Uint8Array);
      expect(bytes.buffer).toBe(ids.buffer);
      expect(Array.from(bytes)).toEqual(values.slice(0, 999));
    }
  });

  it('leaves the ids of a larger vocabulary as they are', () => {
    const ids = Uint16Array.from([300, 5, 1000]);
    expect(narrowIds(ids, 1001)).toBe(ids);
    expect(Array.from(ids)).toEqual([300, 5, 1000]);
  });
});
