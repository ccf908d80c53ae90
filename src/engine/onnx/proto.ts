/**
 * A protobuf writer for the few ONNX messages charnn builds (ModelProto and
 * what it contains). Only what a graph of ours needs: varints, 32-bit floats,
 * length-delimited strings, bytes and nested messages, packed repeated
 * scalars. Field numbers are those of onnx.proto (IR version 8).
 *
 * Every encoder returns the message's bytes; a parent writes a child's bytes
 * as a length-delimited field.
 */

/** A growable byte buffer with protobuf's wire encodings. */
export class ProtoWriter {
  private bytes = new Uint8Array(256);
  private length = 0;

  private reserve(extra: number): void {
    if (this.length + extra <= this.bytes.length) return;
    let size = this.bytes.length * 2;
    while (size < this.length + extra) size *= 2;
    const grown = new Uint8Array(size);
    grown.set(this.bytes.subarray(0, this.length));
    this.bytes = grown;
  }

  /** An unsigned varint, or a negative int64 as its 10-byte two's complement. */
  varint(value: number | bigint): this {
    let v = BigInt(value);
    if (v < 0n) v = BigInt.asUintN(64, v);
    if (v <= 0xffffffffn) {
      // Fast path without BigInt arithmetic for the common small values.
      let n = Number(v);
      this.reserve(5);
      while (n > 0x7f) {
        this.bytes[this.length++] = (n & 0x7f) | 0x80;
        n = Math.floor(n / 128);
      }
      this.bytes[this.length++] = n;
      return this;
    }
    this.reserve(10);
    while (v > 0x7fn) {
      this.bytes[this.length++] = Number(v & 0x7fn) | 0x80;
      v >>= 7n;
    }
    this.bytes[this.length++] = Number(v);
    return this;
  }

  private tag(field: number, wireType: 0 | 1 | 2 | 5): this {
    return this.varint(field * 8 + wireType);
  }

  /** int32/int64/enum/bool field (wire type 0). */
  int(field: number, value: number | bigint): this {
    return this.tag(field, 0).varint(value);
  }

  /** 32-bit float field (wire type 5). */
  float(field: number, value: number): this {
    this.tag(field, 5);
    this.reserve(4);
    new DataView(this.bytes.buffer, this.bytes.byteOffset + this.length, 4).setFloat32(0, value, true);
    this.length += 4;
    return this;
  }

  /** Length-delimited bytes field (wire type 2): strings, bytes, nested messages. */
  raw(field: number, data: Uint8Array): this {
    this.tag(field, 2).varint(data.length);
    this.reserve(data.length);
    this.bytes.set(data, this.length);
    this.length += data.length;
    return this;
  }

  string(field: number, value: string): this {
    return this.raw(field, new TextEncoder().encode(value));
  }

  /** Packed repeated varints (int64s, int32s). */
  packedInts(field: number, values: readonly (number | bigint)[]): this {
    const inner = new ProtoWriter();
    for (const v of values) inner.varint(v);
    return this.raw(field, inner.finish());
  }

  /** Packed repeated 32-bit floats. */
  packedFloats(field: number, values: readonly number[]): this {
    const data = new Uint8Array(values.length * 4);
    const view = new DataView(data.buffer);
    values.forEach((v, i) => view.setFloat32(i * 4, v, true));
    return this.raw(field, data);
  }

  finish(): Uint8Array {
    return this.bytes.slice(0, this.length);
  }
}

/** TensorProto.DataType values used here. */
export const DataType = { FLOAT: 1, INT32: 6, INT64: 7, BOOL: 9 } as const;
export type DataTypeName = keyof typeof DataType;

/** AttributeProto.AttributeType values. */
const AttributeType = { FLOAT: 1, INT: 2, STRING: 3, TENSOR: 4, GRAPH: 5, FLOATS: 6, INTS: 7 } as const;

export interface TensorValue {
  name?: string;
  type: DataTypeName;
  dims: number[];
  /** Little-endian element bytes (raw_data). */
  data: Uint8Array;
}

/** An ONNX tensor from a typed array (stored as raw_data). */
export function tensorValue(values: Float32Array | Int32Array | BigInt64Array, dims: number[], name?: string): TensorValue {
  const type: DataTypeName = values instanceof Float32Array ? 'FLOAT' : values instanceof Int32Array ? 'INT32' : 'INT64';
  const count = dims.reduce((a, b) => a * b, 1);
  if (count !== values.length) throw new Error(`tensor ${name ?? ''} has ${values.length} values for dims [${dims.join(', ')}]`);
  return { name, type, dims, data: new Uint8Array(values.buffer, values.byteOffset, values.byteLength).slice() };
}

function encodeTensor(t: TensorValue): Uint8Array {
  const w = new ProtoWriter();
  if (t.dims.length > 0) w.packedInts(1, t.dims);
  w.int(2, DataType[t.type]);
  if (t.name !== undefined) w.string(8, t.name);
  w.raw(9, t.data);
  return w.finish();
}

/** A float attribute (plain numbers are ints). */
class FloatAttr {
  constructor(readonly value: number) {}
}

export const float = (value: number): FloatAttr => new FloatAttr(value);

/** A graph-valued attribute (Loop/Scan bodies). */
export interface GraphValue {
  name: string;
  nodes: NodeValue[];
  inputs: ValueInfo[];
  outputs: ValueInfo[];
  initializers: TensorValue[];
}

export type AttrValue = number | number[] | string | FloatAttr | TensorValue | GraphValue;

function isGraph(v: AttrValue): v is GraphValue {
  return typeof v === 'object' && 'nodes' in v;
}

function isTensor(v: AttrValue): v is TensorValue {
  return typeof v === 'object' && 'data' in v && 'dims' in v;
}

export function encodeAttribute(name: string, value: AttrValue): Uint8Array {
  const w = new ProtoWriter().string(1, name);
  if (value instanceof FloatAttr) w.float(2, value.value).int(20, AttributeType.FLOAT);
  else if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) throw new Error(`attribute ${name}: ${value} is not an integer (wrap floats in float())`);
    w.int(3, value).int(20, AttributeType.INT);
  } else if (typeof value === 'string') w.string(4, value).int(20, AttributeType.STRING);
  else if (Array.isArray(value)) {
    if (!value.every(Number.isSafeInteger)) throw new Error(`attribute ${name}: ints expected`);
    w.packedInts(8, value).int(20, AttributeType.INTS);
  } else if (isGraph(value)) w.raw(6, encodeGraph(value)).int(20, AttributeType.GRAPH);
  else if (isTensor(value)) w.raw(5, encodeTensor(value)).int(20, AttributeType.TENSOR);
  else throw new Error(`attribute ${name}: unsupported value`);
  return w.finish();
}

export interface NodeValue {
  opType: string;
  inputs: string[];
  outputs: string[];
  name?: string;
  domain?: string;
  attributes?: Record<string, AttrValue>;
}

function encodeNode(n: NodeValue): Uint8Array {
  const w = new ProtoWriter();
  for (const i of n.inputs) w.string(1, i);
  for (const o of n.outputs) w.string(2, o);
  if (n.name !== undefined) w.string(3, n.name);
  w.string(4, n.opType);
  for (const [key, value] of Object.entries(n.attributes ?? {})) w.raw(5, encodeAttribute(key, value));
  if (n.domain !== undefined) w.string(7, n.domain);
  return w.finish();
}

export interface ValueInfo {
  name: string;
  type: DataTypeName;
  /** A number is a fixed size, a string a named (free) dimension. */
  shape: (number | string)[];
}

export function encodeValueInfo(v: ValueInfo): Uint8Array {
  const shape = new ProtoWriter();
  for (const d of v.shape) shape.raw(1, typeof d === 'number' ? new ProtoWriter().int(1, d).finish() : new ProtoWriter().string(2, d).finish());
  const tensorType = new ProtoWriter().int(1, DataType[v.type]).raw(2, shape.finish()).finish();
  const type = new ProtoWriter().raw(1, tensorType).finish();
  return new ProtoWriter().string(1, v.name).raw(2, type).finish();
}

function encodeGraph(g: GraphValue): Uint8Array {
  const w = new ProtoWriter();
  for (const n of g.nodes) w.raw(1, encodeNode(n));
  w.string(2, g.name);
  for (const t of g.initializers) w.raw(5, encodeTensor(t));
  for (const i of g.inputs) w.raw(11, encodeValueInfo(i));
  for (const o of g.outputs) w.raw(12, encodeValueInfo(o));
  return w.finish();
}

interface ModelValue {
  graph: GraphValue;
  /** Opset of the default ("") domain. */
  opset: number;
  irVersion?: number;
  producer?: string;
}

export function encodeModel(m: ModelValue): Uint8Array {
  const opset = new ProtoWriter().string(1, '').int(2, m.opset).finish();
  return new ProtoWriter()
    .int(1, m.irVersion ?? 8)
    .string(2, m.producer ?? 'charnn')
    .raw(7, encodeGraph(m.graph))
    .raw(8, opset)
    .finish();
}
