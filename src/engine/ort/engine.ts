/**
 * The onnxruntime engine: each use of the model is one graph
 * (model-graph.ts) compiled once per shape and run on onnxruntime's
 * intra-op thread pool — a training window's forward and backward pass,
 * an evaluation window, one sampling step. Weights, state and dropout masks
 * go in as plain arrays; loss, gradients and final state come back as plain
 * arrays.
 */
import type { TokenBatch } from '../../model/char-rnn.js';
import type { ModelConfig } from '../../model/config.js';
import { dropoutMaskValues, streamRngs } from '../../model/dropout.js';
import { parameterSpecs, type ParamArrays } from '../../model/params.js';
import { statePartNames, type LayerState, type StateArrays } from '../../model/state.js';
import type { Rng } from '../../util/rng.js';
import type { Engine, GradientResult, LossSumResult, StepModel } from '../engine.js';
import { buildGraph, graphParams, names, type GraphKind } from './model-graph.js';
import { floatTensor, intTensor, loadRuntime, OrtSession, poolMaySpin, type Feeds } from './runtime.js';

export class OrtEngine implements Engine {
  readonly name = 'ort' as const;
  readonly label: string;
  private readonly sessions = new Map<string, OrtSession>();
  private readonly shapes: Map<string, number[]>;

  /**
   * @param threads onnxruntime's intra-op pool size
   * @param samplingThreads the pool of sampling graphs. Default: the same
   *   when its threads may spin (free cores), else 1 — a sampling step is ~30
   *   tiny ops, and waking sleeping threads for each cost more than they gave
   *   (1 stream: 5,100 against 4,500 chars/s; 64 streams: 64k against 33k, busy machine)
   */
  constructor(
    private readonly config: ModelConfig,
    readonly threads: number,
    readonly samplingThreads = poolMaySpin(threads) ? threads : 1,
  ) {
    loadRuntime();
    this.label = `ort, ${threads} thread${threads === 1 ? '' : 's'}`;
    this.shapes = new Map(parameterSpecs(config).map((s) => [s.name, s.shape]));
  }

  /** The compiled graph of this kind and shape (built on first use). */
  session(kind: GraphKind, batch: number, steps: number): OrtSession {
    const key = `${kind}:${batch}:${steps}`;
    let session = this.sessions.get(key);
    if (!session) {
      session = new OrtSession(buildGraph(this.config, kind, { batch, steps }), this.threads);
      this.sessions.set(key, session);
    }
    return session;
  }

  /** Weights as graph inputs. */
  weightFeeds(weights: ParamArrays, kind: GraphKind, feeds: Feeds = {}): Feeds {
    for (const name of graphParams(this.config, kind)) feeds[name] = floatTensor(weights.get(name)!, this.shapes.get(name)!);
    return feeds;
  }

  stateFeeds(state: StateArrays, feeds: Feeds): void {
    const dims = [state.streams, state.hidden];
    state.layers.forEach((layer, l) => {
      for (const part of statePartNames(this.config.cell)) feeds[names.state(l, part)] = floatTensor(layer[part]!, dims);
    });
  }

  finals(out: Record<string, { data: unknown }>, streams: number): StateArrays {
    const layers: LayerState[] = [];
    for (let l = 0; l < this.config.layers; l++) {
      const h = out[names.final(l, 'h')]!.data as Float32Array;
      layers.push(this.config.cell === 'lstm' ? { h, c: out[names.final(l, 'c')]!.data as Float32Array } : { h });
    }
    return { streams, hidden: this.config.hidden, layers };
  }

  finalNames(): string[] {
    return Array.from({ length: this.config.layers }, (_, l) => statePartNames(this.config.cell).map((p) => names.final(l, p))).flat();
  }

  async gradients(weights: ParamArrays, batch: TokenBatch, state: StateArrays, rng: Rng): Promise<GradientResult> {
    return this.gradientsNow(weights, batch, state, rng);
  }

  /** gradients(), synchronously. */
  gradientsNow(weights: ParamArrays, batch: TokenBatch, state: StateArrays, rng: Rng): GradientResult {
    const { batchSize: n, seqLen: steps } = batch;
    const session = this.session('train', n, steps);
    const rows = n * steps;
    const feeds = this.weightFeeds(weights, 'train', {
      [names.tokens]: intTensor(batch.inputs, [rows]),
      [names.targets]: intTensor(batch.targets, [rows]),
    });
    this.stateFeeds(state, feeds);
    const rngs = streamRngs(rng, this.config, n);
    if (rngs) {
      for (let l = 0; l < this.config.layers; l++) {
        feeds[names.mask(l)] = floatTensor(dropoutMaskValues(rngs, steps, this.config.hidden, this.config.dropout), [rows, this.config.hidden]);
      }
    }
    const fetch: Record<string, null> = { [names.loss]: null };
    for (const name of this.shapes.keys()) fetch[names.grad(name)] = null;
    for (const name of this.finalNames()) fetch[name] = null;
    const out = session.run(feeds, fetch);
    const grads: ParamArrays = new Map([...this.shapes.keys()].map((name) => [name, out[names.grad(name)]!.data as Float32Array]));
    return { loss: (out[names.loss]!.data as Float32Array)[0]!, grads, finals: this.finals(out, n) };
  }

  async lossSum(weights: ParamArrays, batch: TokenBatch, state: StateArrays): Promise<LossSumResult> {
    const { batchSize: n, seqLen: steps } = batch;
    const session = this.session('loss', n, steps);
    const feeds = this.weightFeeds(weights, 'loss', {
      [names.tokens]: intTensor(batch.inputs, [n * steps]),
      [names.targets]: intTensor(batch.targets, [n * steps]),
    });
    this.stateFeeds(state, feeds);
    const fetch: Record<string, null> = { [names.loss]: null };
    for (const name of this.finalNames()) fetch[name] = null;
    const out = session.run(feeds, fetch);
    return { lossSum: (out[names.loss]!.data as Float32Array)[0]!, finals: this.finals(out, n) };
  }

  stepModel(weights: ParamArrays): StepModel {
    return new OrtStepModel(this, this.config, weights);
  }

  async dispose(): Promise<void> {
    for (const s of this.sessions.values()) s.dispose();
    this.sessions.clear();
  }
}

/**
 * Sampling on onnxruntime: a step graph with the weights and the layer-0
 * table built in as constants (so onnxruntime lays the matrices out for its
 * kernels once), one run per step for any number of streams.
 */
class OrtStepModel implements StepModel {
  private readonly session: OrtSession;

  constructor(
    private readonly engine: OrtEngine,
    readonly config: ModelConfig,
    weights: ParamArrays,
  ) {
    const table = engine.session('table', 0, 0).run(engine.weightFeeds(weights, 'table'), { [names.table]: null })[names.table]!;
    const constants: ParamArrays = new Map([...weights, [names.table, table.data as Float32Array]]);
    this.session = new OrtSession(buildGraph(config, 'logits', { batch: 0, steps: 1 }, constants), engine.samplingThreads);
  }

  private step(state: StateArrays, ids: Int32Array): { state: StateArrays; logits: Float32Array } {
    const feeds: Feeds = { [names.tokens]: intTensor(ids, [ids.length]) };
    this.engine.stateFeeds(state, feeds);
    const fetch: Record<string, null> = { [names.logits]: null };
    for (const name of this.engine.finalNames()) fetch[name] = null;
    const out = this.session.run(feeds, fetch);
    return { state: this.engine.finals(out, ids.length), logits: out[names.logits]!.data as Float32Array };
  }

  run(state: StateArrays, ids: Int32Array, steps: number, allSteps = false): { state: StateArrays; logits: Float32Array } {
    const streams = ids.length / steps;
    const width = streams * this.config.vocabSize;
    const all = allSteps ? new Float32Array(steps * width) : null;
    let logits: Float32Array = new Float32Array(0);
    for (let t = 0; t < steps; t++) {
      ({ state, logits } = this.step(state, ids.subarray(t * streams, (t + 1) * streams)));
      all?.set(logits, t * width);
    }
    return { state, logits: all ?? logits };
  }

  dispose(): void {
    this.session.dispose();
  }
}
