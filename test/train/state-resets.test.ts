import { describe, expect, it } from 'vitest';
import { pickResets } from '../../src/train/state-resets.js';
import { Rng } from '../../src/util/rng.js';

describe('pickResets', () => {
  it('picks each stream with the given probability, deterministically for the generator state', () => {
    const rng = new Rng(7);
    let picked = 0;
    for (let i = 0; i < 2000; i++) {
      const streams = pickResets(rng, 32, 0.05);
      for (const n of streams) expect(n).toBeGreaterThanOrEqual(0);
      expect([...streams].sort((a, b) => a - b)).toEqual(streams);
      picked += streams.length;
    }
    expect(picked / (2000 * 32)).toBeCloseTo(0.05, 2);
    expect(pickResets(new Rng(7), 32, 0.05)).toEqual(pickResets(new Rng(7), 32, 0.05));
    expect(pickResets(new Rng(1), 8, 1)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it('draws nothing from the generator when the share is 0', () => {
    const rng = new Rng(3);
    const before = rng.state;
    expect(pickResets(rng, 32, 0)).toEqual([]);
    expect(rng.state).toEqual(before);
  });
});
