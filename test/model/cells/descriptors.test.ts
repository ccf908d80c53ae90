/**
 * Each cell's descriptor agrees with what is built from it and with what
 * computes it: the parameter shapes with the tf.layers equivalent's weights
 * (and its Keras layer), the initial biases with Keras' own initialiser,
 * the state parts with the final states of the TF.js cell and of the ort
 * engine's graph, the signal names with the cell's signals() on TF.js.
 */
import * as tf from '../../../src/tf.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../src/engine/tfjs/backend/index.js';
import { graphOps } from '../../../src/engine/ort/graph-ops.js';
import { GraphBuilder } from '../../../src/engine/onnx/graph.js';
import { CharRnn, disposeState } from '../../../src/engine/tfjs/char-rnn.js';
import { CELL_TYPES, cellDescriptor, cellFor, gateCount, kerasBlockOrder, layerShapes, STATE_PARTS } from '../../../src/model/cells/descriptors.js';
import { buildLayersModel } from '../../../src/model/layers-equivalent.js';
import { disposeParams, initParams } from '../../../src/engine/tfjs/param-tensors.js';
import { fromKerasArrays, initParamArrays, layerParam, parameterSpecs } from '../../../src/model/params.js';
import { zeroState } from '../../../src/model/state.js';
import { Rng } from '../../../src/util/rng.js';

const H = 3, D = 2, V = 4, N = 2, T = 2;

beforeAll(async () => {
  await initBackend('cpu');
});

describe.each(CELL_TYPES)('the %s descriptor', (cell) => {
  const d = cellDescriptor(cell);
  const config = { cell, vocabSize: V, embedding: D, hidden: H, layers: 2, dropout: 0 };

  it('is consistent in itself', () => {
    expect(d.type).toBe(cell);
    expect(new Set(d.blocks).size).toBe(d.blocks.length);
    expect([...d.keras.blocks].sort()).toEqual([...d.blocks].sort());
    expect(d.state[0]).toBe('h');
    expect(d.state).toEqual(STATE_PARTS.filter((p) => d.state.includes(p)));
    expect(d.signals[0]).toBe('h');
    for (const part of d.state) expect(d.signals).toContain(part);
    for (const gate of d.gateSignals) expect(d.signals).toContain(gate);
    const order = kerasBlockOrder(cell);
    if (order) expect(order.fromKeras.map((k) => order.toKeras[k])).toEqual(d.blocks.map((_, b) => b));
  });

  it('gives the shapes of the tf.layers equivalent\'s weights and its Keras layer', () => {
    const model = buildLayersModel(config);
    const recurrent = model.layers.slice(1, -1);
    expect(recurrent.map((l) => l.getClassName().toLowerCase())).toEqual([d.keras.layer.toLowerCase(), d.keras.layer.toLowerCase()]);
    const shapes = model.getWeights().map((w) => w.shape);
    expect(parameterSpecs(config).map((s) => s.shape)).toEqual(shapes);
    recurrent.forEach((layer, l) => {
      const want = layerShapes(cell, l === 0 ? D : H, H);
      expect(layer.getWeights().map((w) => w.shape)).toEqual([want.kernel, want.recurrent, want.bias]);
      expect(want.bias[0]).toBe(gateCount(cell) * H);
    });
    model.dispose();
  });

  it('starts the biases where Keras\' own initialiser does (per block, in internal order)', () => {
    const keras = buildLayersModel(config, { initialize: true });
    const ours = initParamArrays(config, new Rng(1));
    const theirs = fromKerasArrays(config, keras.getWeights().map((w) => w.dataSync() as Float32Array));
    for (let l = 0; l < config.layers; l++) {
      const bias = ours.get(layerParam(l, 'bias'))!;
      expect(Array.from(theirs.get(layerParam(l, 'bias'))!)).toEqual(Array.from(bias));
      expect(bias.every((v) => v === 0)).toBe(true);
    }
    keras.dispose();
  });

  it('names the parts of the state the TF.js cell carries, and the signals it records', () => {
    const model = new CharRnn(config, initParams(config, new Rng(2)));
    expect(Object.keys(zeroState(config, N).layers[0]!)).toEqual([...d.state]);
    const state = model.zeroState(N);
    expect(Object.keys(state[0]!)).toEqual([...d.state]);
    tf.tidy(() => {
      const { finals, caches } = model.forwardLayers({ inputs: new Int32Array([0, 1, 2, 3]), batchSize: N, seqLen: T }, state, true, {});
      for (const layer of finals) {
        expect(Object.keys(layer)).toEqual([...d.state]);
        for (const part of d.state) expect(layer[part]!.shape).toEqual([N, H]);
      }
      const signals = model.cellSignals(caches[0]!.cell, finals[0]!);
      expect(Object.keys(signals).sort()).toEqual([...d.signals].sort());
      for (const s of d.signals) expect(signals[s]!.map((x) => x.shape)).toEqual([[N, H], [N, H]]);
    });
    disposeState(state);
    disposeParams(model.params);
  });

  it('names the parts of the state the ort engine\'s graph cell carries', () => {
    const g = new GraphBuilder('descriptor-test');
    const initial = { h: g.input('h', 'FLOAT', [N, H]), ...(d.state.includes('c') ? { c: g.input('c', 'FLOAT', [N, H]) } : {}) };
    const projections = [g.input('x0', 'FLOAT', [N, gateCount(cell) * H]), g.input('x1', 'FLOAT', [N, gateCount(cell) * H])];
    const result = cellFor(cell).forward(graphOps(g), projections, g.input('r', 'FLOAT', [H, gateCount(cell) * H]), H, initial, false);
    expect(Object.keys(result.final)).toEqual([...d.state]);
    expect(result.outputs).toHaveLength(T);
  });
});
