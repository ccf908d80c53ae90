/**
 * Building an ONNX graph in code: every op returns the name of its output
 * value, so a graph reads like the tensor code it replaces
 * (`g.add(g.matMul(h, r), x)`). Values are plain strings; shapes are
 * documented at the call sites and checked by onnxruntime when the session
 * is created.
 */
import {
  encodeModel, float, tensorValue, type AttrValue, type DataTypeName, type GraphValue, type NodeValue, type TensorValue, type ValueInfo,
} from './proto.js';

/** The default-domain opset the graphs are written against. */
const OPSET = 18;

export class GraphBuilder {
  readonly nodes: NodeValue[] = [];
  readonly inputs: ValueInfo[] = [];
  readonly outputs: ValueInfo[] = [];
  readonly initializers: TensorValue[] = [];
  private count = 0;
  private readonly constants = new Map<string, string>();

  /**
   * @param name the graph's name
   * @param prefix starts every generated value name (a subgraph needs its
   *   own, since it sees the names of the graph around it)
   */
  constructor(
    readonly name = 'charnn',
    private readonly prefix = '',
  ) {}

  /** A fresh value name. */
  fresh(kind = 'v'): string {
    return `${this.prefix}${kind}_${this.count++}`;
  }

  input(name: string, type: DataTypeName, shape: (number | string)[]): string {
    this.inputs.push({ name, type, shape });
    return name;
  }

  /** Exposes `value` as graph output `name` (through an Identity when the names differ). */
  output(value: string, name: string, type: DataTypeName, shape: (number | string)[]): void {
    if (value !== name) this.nodes.push({ opType: 'Identity', inputs: [value], outputs: [name] });
    this.outputs.push({ name, type, shape });
  }

  /** One node with `outputs` outputs. */
  opN(opType: string, inputs: string[], outputs: number, attributes?: Record<string, AttrValue>): string[] {
    const names = Array.from({ length: outputs }, () => this.fresh(opType.toLowerCase()));
    this.nodes.push({ opType, inputs, outputs: names, attributes });
    return names;
  }

  op(opType: string, inputs: string[], attributes?: Record<string, AttrValue>): string {
    return this.opN(opType, inputs, 1, attributes)[0]!;
  }

  /** A constant tensor (an initializer), shared between uses of the same values. */
  constant(values: Float32Array | Int32Array | BigInt64Array, dims: number[]): string {
    const key = `${values.constructor.name}:${dims.join('x')}:${Array.from(values as ArrayLike<number | bigint>).join(',')}`;
    const known = key.length < 4096 ? this.constants.get(key) : undefined;
    if (known) return known;
    const name = this.fresh('const');
    this.initializers.push(tensorValue(values, dims, name));
    if (key.length < 4096) this.constants.set(key, name);
    return name;
  }

  /** A named constant tensor (an initializer) holding `values`. */
  initializer(name: string, values: Float32Array, dims: number[]): string {
    this.initializers.push(tensorValue(values, dims, name));
    return name;
  }

  scalar(value: number): string {
    return this.constant(Float32Array.of(value), []);
  }

  int64s(values: number[]): string {
    return this.constant(BigInt64Array.from(values.map(BigInt)), [values.length]);
  }

  add(a: string, b: string): string {
    return this.op('Add', [a, b]);
  }

  sub(a: string, b: string): string {
    return this.op('Sub', [a, b]);
  }

  mul(a: string, b: string): string {
    return this.op('Mul', [a, b]);
  }

  /** 1 − x */
  oneMinus(x: string): string {
    return this.sub(this.scalar(1), x);
  }

  square(x: string): string {
    return this.mul(x, x);
  }

  sigmoid(x: string): string {
    return this.op('Sigmoid', [x]);
  }

  tanh(x: string): string {
    return this.op('Tanh', [x]);
  }

  exp(x: string): string {
    return this.op('Exp', [x]);
  }

  matMul(a: string, b: string): string {
    return this.op('MatMul', [a, b]);
  }

  /** x·w + b with a bias row b broadcast over the rows (MatMul + Add: onnxruntime's Gemm is slow with a broadcast bias). */
  linear(x: string, w: string, b: string): string {
    return this.add(this.matMul(x, w), b);
  }

  transpose(x: string): string {
    return this.op('Transpose', [x], { perm: [1, 0] });
  }

  /** a·b (+ c, of the output's full shape), with a and/or b transposed: one Gemm node. */
  gemm(a: string, b: string, c: string | null, options: { transA?: boolean; transB?: boolean } = {}): string {
    return this.op('Gemm', c === null ? [a, b] : [a, b, c], {
      ...(options.transA ? { transA: 1 } : {}),
      ...(options.transB ? { transB: 1 } : {}),
    });
  }

  concat(xs: string[], axis: number): string {
    return xs.length === 1 ? xs[0]! : this.op('Concat', xs, { axis });
  }

  /** Splits along `axis` into pieces of the given sizes. */
  split(x: string, sizes: number[], axis: number): string[] {
    return this.opN('Split', [x, this.int64s(sizes)], sizes.length, { axis });
  }

  /** Splits along `axis` into `parts` equal pieces ([T·N, W] → T × [N, W]). */
  splitEven(x: string, parts: number, axis: number): string[] {
    return parts === 1 ? [x] : this.opN('Split', [x], parts, { axis, num_outputs: parts });
  }

  /** Column sums of a matrix [R, C] → [C]. */
  sumRows(x: string): string {
    return this.op('ReduceSum', [x, this.int64s([0])], { keepdims: 0 });
  }

  reshape(x: string, shape: number[]): string {
    return this.op('Reshape', [x, this.int64s(shape)]);
  }

  /** The graph as a value (for a Loop/Scan body or for encoding). */
  graph(): GraphValue {
    return { name: this.name, nodes: this.nodes, inputs: this.inputs, outputs: this.outputs, initializers: this.initializers };
  }

  /** The serialized ModelProto. */
  build(): Uint8Array {
    return encodeModel({ graph: this.graph(), opset: OPSET });
  }
}

export { float };
