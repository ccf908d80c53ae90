/**
 * The whole model as one ONNX graph per use: the shared layer loop and
 * cells (src/model/layer-stack.ts, src/model/cells/) recorded through
 * ./graph-ops.ts, with the token lookup and the loss as ONNX ops
 * (../tfjs/char-rnn.ts is the TF.js twin):
 *
 *   train   tokens, targets, weights, initial state, the window's
 *           masks (src/model/dropout.ts) →
 *           mean cross-entropy, the gradient of every weight, final state
 *   loss    tokens, targets, weights, state →
 *           summed cross-entropy, final state (the trainer's validation)
 *   logits  tokens, layer-0 table, weights, state → logits [T·N, V],
 *           final state (sampling, one step or a primed sequence)
 *   eval    tokens, targets (< 0: not counted), layer-0 table, weights,
 *           state → the cross-entropy of every character [T·N] (0 where
 *           not counted), final state (`charnn eval`, fixed weights)
 *   table   embedding, layer-0 kernel and bias → W₁ = E·K₀ + b₀
 *
 * The recurrent state travels as one tensor [S·N, H] in and out: its S parts
 * (layer by layer, h then c — the order of packState in src/model/state.ts),
 * each [N, H], stacked — one input and one output per call whatever the
 * depth (each tensor crossing into onnxruntime costs a few µs per call,
 * which a sampling step feels).
 *
 * Layer 0 never materialises embeddings: the input projection of token x
 * is row x of W₁ (a Gather), and its gradient is scattered back into a
 * [V, G·H] table gradient from which dE and dK₀ follow with two small
 * matMuls. The sequence is unrolled over seqLen steps; batch size and
 * seqLen are fixed per graph.
 */
import { gateCount, type ModelConfig } from '../../model/config.js';
import { layerParam, parameterSpecs, type ParamArrays } from '../../model/params.js';
import { GraphBuilder } from '../onnx/graph.js';
import { flattenLayers, statePartCount, unflattenLayers, type LayerParts } from '../../model/state.js';
import { cellFor } from '../../model/cells/descriptors.js';
import { regularisation } from '../../model/dropout.js';
import { backwardLayers, firstProjectionTable, forwardLayers, tableGradients, type LayerMasks, type LayerWeights } from '../../model/layer-stack.js';
import { graphOps } from './graph-ops.js';

export type GraphKind = 'train' | 'loss' | 'logits' | 'eval' | 'table';

interface GraphShape {
  /** Streams N; 0 = a free batch dimension (sampling graphs only). */
  batch: number;
  /** Steps T. */
  steps: number;
}

/** Input and output names of the graphs. */
export const names = {
  tokens: 'tokens',
  targets: 'targets',
  table: 'table',
  loss: 'loss',
  logits: 'logits',
  /** Initial state [S·N, H]. */
  state: 'state',
  /** Final state [S·N, H]. */
  final: 'final',
  /** Cross-entropy per character [T·N] (eval graphs). */
  losses: 'losses',
  /** Dropout mask of layer l's output [T·N, H]. */
  mask: (layer: number) => `mask.${layer}`,
  /** Weight-drop mask of layer l's recurrent matrix [H, G·H]. */
  recurrentMask: (layer: number) => `mask.${layer}.recurrent`,
  /** Embedding-dropout mask [V, E]. */
  embeddingMask: 'mask.embedding',
  grad: (param: string) => `grad.${param}`,
};

/** Whether graphs of this kind read the layer-0 table (built once from fixed weights) instead of the layer-0 input weights. */
function readsTable(kind: GraphKind): boolean {
  return kind === 'logits' || kind === 'eval';
}

/** The parameters a graph of this kind reads (the sampling and eval graphs read the table instead of the layer-0 input weights). */
export function graphParams(config: ModelConfig, kind: GraphKind): string[] {
  const all = parameterSpecs(config).map((s) => s.name);
  if (kind === 'train' || kind === 'loss') return all;
  if (kind === 'table') return ['embedding', layerParam(0, 'kernel'), layerParam(0, 'bias')];
  return all.filter((n) => n !== 'embedding' && n !== layerParam(0, 'kernel') && n !== layerParam(0, 'bias'));
}

/**
 * @param constants weights (and the table) built into the graph instead of
 *   read as inputs: onnxruntime then lays them out for its matMul kernels
 *   once, at session creation (the sampling graph, whose weights are fixed)
 */
export function buildGraph(config: ModelConfig, kind: GraphKind, shape: GraphShape, constants?: ParamArrays): Uint8Array {
  const g = new GraphBuilder(`charnn-${kind}`);
  const ops = graphOps(g);
  const { vocabSize: vocab, hidden, layers } = config;
  const width = gateCount(config.cell) * hidden;
  const specs = new Map(parameterSpecs(config).map((s) => [s.name, s.shape]));
  specs.set(names.table, [vocab, width]);
  const param = (name: string): string =>
    constants ? g.initializer(name, constants.get(name)!, specs.get(name)!) : g.input(name, 'FLOAT', specs.get(name)!);
  if (kind === 'table') {
    const table = firstProjectionTable(ops, param('embedding'), param(layerParam(0, 'kernel')), param(layerParam(0, 'bias')));
    g.output(table, names.table, 'FLOAT', [vocab, width]);
    return g.build();
  }
  const n: number | string = shape.batch > 0 ? shape.batch : 'N';
  const steps = shape.steps;
  const rows: number | string = shape.batch > 0 ? shape.batch * steps : steps === 1 ? 'N' : 'TN';
  const cell = cellFor(config.cell);
  const training = kind === 'train';
  // The masks a training window takes (none in the other graphs).
  const r = regularisation(config);
  const masked = { output: training && r.dropout > 0, recurrent: training && r.weightDrop > 0, embedding: training && r.embeddingDropout > 0 };

  const tokens = g.input(names.tokens, 'INT32', [rows]);
  const targets = kind === 'logits' ? null : g.input(names.targets, 'INT32', [rows]);
  const fromTable = readsTable(kind);
  const embedding = fromTable ? null : param('embedding');
  const kernel0 = fromTable ? null : param(layerParam(0, 'kernel'));
  const embeddingMask = masked.embedding ? g.input(names.embeddingMask, 'FLOAT', [vocab, config.embedding]) : null;
  const table = fromTable ? param(names.table) : firstProjectionTable(ops, embedding!, kernel0!, param(layerParam(0, 'bias')), embeddingMask);
  const recurrent = Array.from({ length: layers }, (_, l) => param(layerParam(l, 'recurrent')));
  const kernels = Array.from({ length: layers }, (_, l) => (l === 0 ? null : param(layerParam(l, 'kernel'))));
  const biases = Array.from({ length: layers }, (_, l) => (l === 0 ? null : param(layerParam(l, 'bias'))));
  const weights: LayerWeights<string>[] = recurrent.map((r, l) => ({ recurrent: r, kernel: kernels[l]!, bias: biases[l]! }));
  const outputKernel = param('output.kernel');
  const outputBias = param('output.bias');
  const parts = statePartCount(config);
  const stateRows: number | string = typeof n === 'number' ? parts * n : `${parts}N`;
  const initial: LayerParts<string>[] = unflattenLayers(g.splitEven(g.input(names.state, 'FLOAT', [stateRows, hidden]), parts, 0), config.cell);
  const masks: LayerMasks<string>[] = Array.from({ length: layers }, (_, l) => ({
    output: masked.output ? g.input(names.mask(l), 'FLOAT', [rows, hidden]) : null,
    recurrent: masked.recurrent ? g.input(names.recurrentMask(l), 'FLOAT', [hidden, width]) : null,
  }));

  // Forward: row x of the table is the layer-0 input projection of token x, gathered step by
  // step (one Gather of the whole window and a Split into steps would copy it twice).
  const first = g.splitEven(tokens, steps, 0).map((ids) => g.op('Gather', [table, ids], { axis: 0 }));
  const { top: stacked, finals, caches } = forwardLayers(ops, cell, hidden, weights, first, initial, masks, training);
  g.output(g.concat(flattenLayers(finals), 0), names.final, 'FLOAT', [stateRows, hidden]);
  const logits = g.linear(stacked, outputKernel, outputBias);
  if (kind === 'logits') {
    g.output(logits, names.logits, 'FLOAT', [rows, vocab]);
    return g.build();
  }
  if (kind === 'eval') {
    const [losses] = g.opN('SoftmaxCrossEntropyLoss', [logits, targets!], 1, { reduction: 'none', ignore_index: -1 });
    g.output(losses!, names.losses, 'FLOAT', [rows]);
    return g.build();
  }
  const reduction = training ? 'mean' : 'sum';
  const [loss, logProbs] = g.opN('SoftmaxCrossEntropyLoss', [logits, targets!], 2, { reduction });
  g.output(loss!, names.loss, 'FLOAT', []);
  if (!training) return g.build();

  // Backward: the gradient of mean cross-entropy w.r.t. the logits is (softmax − onehot) / (T·N).
  const oneHot = g.op('OneHot', [targets!, g.constant(Int32Array.of(vocab), []), g.constant(Float32Array.of(0, 1), [2])], { axis: -1 });
  const dLogits = g.mul(g.sub(g.exp(logProbs!), oneHot), g.scalar(1 / (shape.batch * steps)));
  const grad = (name: string, value: string): void => g.output(value, names.grad(name), 'FLOAT', specs.get(name)!);
  grad('output.kernel', g.gemm(stacked, dLogits, null, { transA: true }));
  grad('output.bias', g.sumRows(dLogits));
  const dTop = g.gemm(dLogits, outputKernel, null, { transB: true });
  const back = backwardLayers(ops, cell, hidden, weights, caches, dTop, steps);
  back.layers.forEach((layer, l) => {
    grad(layerParam(l, 'recurrent'), layer.recurrent);
    if (layer.bias) grad(layerParam(l, 'bias'), layer.bias);
    if (layer.kernel) grad(layerParam(l, 'kernel'), layer.kernel);
  });
  // The gradient of the Gather: row i of dFirst is added into row tokens[i] of dTable.
  const ids = g.reshape(g.op('Cast', [tokens], { to: 7 }), [-1, 1]);
  const zeros = g.op('ConstantOfShape', [g.int64s([vocab, width])]);
  const dTable = g.op('ScatterND', [zeros, ids, back.dFirst], { reduction: 'add' });
  const table0 = tableGradients(ops, embedding!, kernel0!, dTable, embeddingMask);
  grad(layerParam(0, 'bias'), table0.bias);
  grad(layerParam(0, 'kernel'), table0.kernel);
  grad('embedding', table0.embedding);
  return g.build();
}
