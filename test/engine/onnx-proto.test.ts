/**
 * The hand-written ONNX encoder: wire-format bytes checked by hand, and
 * small graphs that onnxruntime loads and runs.
 */
import { describe, expect, it } from 'vitest';
import { encodeAttribute, encodeValueInfo, float, ProtoWriter, tensorValue } from '../../src/engine/onnx/proto.js';
import { GraphBuilder } from '../../src/engine/onnx/graph.js';
import { floatTensor, OrtSession } from '../../src/engine/ort/runtime.js';

const bytes = (w: ProtoWriter) => Array.from(w.finish());

describe('the protobuf writer', () => {
  it('writes varints, negative int64s, floats and length-delimited fields', () => {
    expect(bytes(new ProtoWriter().varint(1))).toEqual([1]);
    expect(bytes(new ProtoWriter().varint(300))).toEqual([0xac, 0x02]);
    expect(bytes(new ProtoWriter().varint(2 ** 35))).toEqual([0x80, 0x80, 0x80, 0x80, 0x80, 0x01]);
    // -1 as int64: ten bytes of two's complement.
    expect(bytes(new ProtoWriter().varint(-1))).toEqual([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]);
    expect(bytes(new ProtoWriter().int(3, 5))).toEqual([0x18, 5]);
    expect(bytes(new ProtoWriter().float(2, 1))).toEqual([0x15, 0, 0, 0x80, 0x3f]);
    expect(bytes(new ProtoWriter().string(1, 'ab'))).toEqual([0x0a, 2, 0x61, 0x62]);
    expect(bytes(new ProtoWriter().packedInts(1, [1, 300]))).toEqual([0x0a, 3, 1, 0xac, 0x02]);
  });

  it('grows its buffer for long messages', () => {
    const data = new Uint8Array(100_000).map((_, i) => i % 251);
    const out = new ProtoWriter().raw(9, data).finish();
    expect(out.length).toBe(100_000 + 1 + 3);
    expect(Array.from(out.subarray(4, 8))).toEqual([0, 1, 2, 3]);
  });

  it('encodes attributes with their type tag', () => {
    // name "axis" (field 1), i = 1 (field 3), type INT = 2 (field 20).
    expect(Array.from(encodeAttribute('axis', 1))).toEqual([0x0a, 4, 0x61, 0x78, 0x69, 0x73, 0x18, 1, 0xa0, 0x01, 2]);
    expect(Array.from(encodeAttribute('alpha', float(0.5))).slice(-8)).toEqual([0x15, 0, 0, 0, 0x3f, 0xa0, 0x01, 1]);
    expect(() => encodeAttribute('axis', 0.5)).toThrow(/not an integer/);
  });

  it('encodes value infos with fixed and named dimensions', () => {
    const encoded = encodeValueInfo({ name: 'x', type: 'FLOAT', shape: [2, 'N'] });
    // name, then type { tensor_type { elem_type 1, shape { dim {2}, dim {"N"} } } }
    expect(Array.from(encoded)).toEqual([0x0a, 1, 0x78, 0x12, 15, 0x0a, 13, 0x08, 1, 0x12, 9, 0x0a, 2, 0x08, 2, 0x0a, 3, 0x12, 1, 0x4e]);
  });

  it('refuses a tensor whose values do not fill its dimensions', () => {
    expect(() => tensorValue(new Float32Array(3), [2, 2])).toThrow(/3 values/);
  });
});

describe('graphs built with GraphBuilder', () => {
  it('run on onnxruntime: Gemm, Split, Concat and constants', () => {
    const g = new GraphBuilder('test');
    const a = g.input('a', 'FLOAT', [2, 3]);
    const b = g.input('b', 'FLOAT', ['N', 3]);
    const y = g.gemm(a, b, null, { transB: true }); // [2, N]
    const [left, right] = g.split(g.concat([y, y], 1), [1, 2 * 2 - 1], 1);
    g.output(g.add(left!, g.scalar(10)), 'left', 'FLOAT', [2, 1]);
    g.output(g.mul(right!, g.scalar(2)), 'right', 'FLOAT', [2, 3]);
    const session = new OrtSession(g.build(), 1);
    const out = session.run({ a: floatTensor(Float32Array.of(1, 2, 3, 4, 5, 6), [2, 3]), b: floatTensor(Float32Array.of(1, 0, 0, 0, 1, 0), [2, 3]) }, { left: null, right: null });
    // y = [[1, 2], [4, 5]]; concat → [[1, 2, 1, 2], [4, 5, 4, 5]].
    expect(Array.from(out['left']!.data as Float32Array)).toEqual([11, 14]);
    expect(Array.from(out['right']!.data as Float32Array)).toEqual([4, 2, 4, 10, 8, 10]);
    session.dispose();
  });
});
