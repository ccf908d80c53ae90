import { describe, expect, it } from 'vitest';
import {
  cloneState, concatStreams, flattenLayers, packedView, packState, resetStreams, selectStreams, sliceStreams, stateEntries, stateEntrySpecs, stateFromEntries,
  stateViews, tileState, unflattenLayers, unpackState, zeroState, type StateArrays,
} from '../../src/model/state.js';

/** A 2-layer LSTM state of 3 streams, hidden 2, with value 100·layer + 10·part + stream. */
function numbered(): StateArrays {
  const s = zeroState({ cell: 'lstm', layers: 2, hidden: 2 }, 3);
  s.layers.forEach((layer, l) => {
    [layer.h, layer.c!].forEach((part, p) => part.forEach((_, i) => (part[i] = 100 * l + 10 * p + Math.floor(i / 2))));
  });
  return s;
}

const streamsOf = (s: StateArrays) => Array.from(s.layers[1]!.c!.filter((_, i) => i % 2 === 0), (v) => v - 110);

describe('the state codec', () => {
  it('zeroes the state of chosen streams in every layer and part, leaving the others', () => {
    const s = numbered();
    resetStreams(s, [0, 2]);
    for (const layer of s.layers) {
      for (const part of [layer.h, layer.c!]) {
        expect(part[0]).toBe(0);
        expect(part[5]).toBe(0);
        expect(part[2]).not.toBe(0);
      }
    }
    expect(() => resetStreams(s, [3])).toThrow(/out of range/);
  });

  it('slices, selects, tiles and concatenates streams', () => {
    const s = numbered();
    expect(streamsOf(sliceStreams(s, 1, 3))).toEqual([1, 2]);
    expect(streamsOf(selectStreams(s, [2, 2, 0]))).toEqual([2, 2, 0]);
    expect(streamsOf(concatStreams([sliceStreams(s, 2, 3), sliceStreams(s, 0, 2)]))).toEqual([2, 0, 1]);
    expect(streamsOf(tileState(sliceStreams(s, 1, 2), 3))).toEqual([1, 1, 1]);
    expect(concatStreams([sliceStreams(s, 0, 1), sliceStreams(s, 1, 3)])).toEqual(s);
  });

  it('packs into one array and back, and names checkpoint entries carried/<layer>/h|c', () => {
    const s = numbered();
    expect(unpackState(packState(s), 'lstm', 2, 3, 2)).toEqual(s);
    expect(() => unpackState(packState(s), 'gru', 2, 3, 2)).toThrow(/expected/);
    expect(stateEntries(s).map((e) => `${e.name} ${e.shape.join('x')}`)).toEqual(['carried/0/h 3x2', 'carried/0/c 3x2', 'carried/1/h 3x2', 'carried/1/c 3x2']);
    const copy = cloneState(s);
    copy.layers[0]!.h[0] = -1;
    expect(s.layers[0]!.h[0]).toBe(0);
  });

  it('views a packed array without copying, and packs such a view back without copying', () => {
    const packed = packState(numbered());
    const views = stateViews(packed, 'lstm', 2, 3, 2);
    expect(views).toEqual(numbered());
    expect(packedView(views)).toEqual(packed);
    expect(packedView(views).buffer).toBe(packed.buffer);
    views.layers[1]!.c![0] = -7;
    expect(packed[18]).toBe(-7);
    // Parts not lying in one buffer in order are copied.
    const apart = numbered();
    expect(packedView(apart)).toEqual(packState(apart));
    expect(packedView(apart).buffer).not.toBe(apart.layers[0]!.h.buffer);
    const swapped = { ...views, layers: [views.layers[1]!, views.layers[0]!] };
    expect(packedView(swapped)).toEqual(packState(swapped));
    expect(packedView(swapped).buffer).not.toBe(packed.buffer);
  });

  it('flattens layers of any holder h, c, h, c… and rebuilds them by the cell\'s parts', () => {
    const layers = [{ h: 'h0', c: 'c0' }, { h: 'h1', c: 'c1' }];
    expect(flattenLayers(layers)).toEqual(['h0', 'c0', 'h1', 'c1']);
    expect(unflattenLayers(flattenLayers(layers), 'lstm')).toEqual(layers);
    expect(unflattenLayers(['h0', 'h1', 'h2'], 'gru')).toEqual([{ h: 'h0' }, { h: 'h1' }, { h: 'h2' }]);
    expect(() => unflattenLayers(['h0', 'c0', 'h1'], 'lstm')).toThrow(/do not divide/);
  });

  it('reads checkpoint entries back into the state, naming the first one missing', () => {
    const s = numbered();
    const entries = stateEntries(s);
    expect(stateEntrySpecs({ cell: 'lstm', layers: 2, hidden: 2 }, 3)).toEqual(entries.map(({ name, shape }) => ({ name, shape })));
    const byName = new Map(entries.map((e) => [e.name, e.values]));
    expect(stateFromEntries({ cell: 'lstm', layers: 2, hidden: 2 }, 3, byName)).toEqual({ state: s });
    byName.delete('carried/1/c');
    expect(stateFromEntries({ cell: 'lstm', layers: 2, hidden: 2 }, 3, byName)).toEqual({ missing: 'carried/1/c' });
    expect(stateEntrySpecs({ cell: 'rnn', layers: 2, hidden: 4 }, 1).map((e) => e.name)).toEqual(['carried/0/h', 'carried/1/h']);
  });

  it('has no c for the GRU and the RNN', () => {
    expect(zeroState({ cell: 'gru', layers: 1, hidden: 4 }, 2).layers[0]).toEqual({ h: new Float32Array(8) });
  });
});
