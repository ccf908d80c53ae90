/**
 * The onnxruntime engine: each use of the model is one graph
 * (model-graph.ts) compiled once per shape and run on onnxruntime's
 * intra-op thread pool — a training window's forward and backward pass,
 * an evaluation window, one sampling step. Weights, state and training masks
 * go in as plain arrays; loss, gradients and final state come back as plain
 * arrays.
 */
import type { TokenBatch } from '../tfjs/char-rnn.js';
import type { ModelConfig } from '../../model/config.js';
import { maskRngs, windowMaskValues } from '../../model/dropout.js';
import { parameterSpecs, type ParamArrays } from '../../model/params.js';
import { packedView, statePartCount, stateViews, type StateArrays } from '../../model/state.js';
import type { Rng } from '../../util/rng.js';
import type { Engine, GradientResult, LossSumResult, StepModel, WindowLoss } from '../engine.js';
import type { Tensor as OrtTensor } from 'onnxruntime-node';
import { buildGraph, graphParams, names, type GraphKind } from './model-graph.js';
import { FastestSession } from './fastest-session.js';
import { Float32Slab } from './slab.js';
import { floatTensor, intTensor, loadRuntime, OrtSession, type Feeds } from './runtime.js';

export class OrtEngine implements Engine {
  readonly name = 'ort' as const;
  readonly label: string;
  private readonly sessions = new Map<string, OrtSession>();
  private readonly shapes: Map<string, number[]>;
  /** Parts of a state (layers × h, c): the state tensor is [statePartCount · N, H]. */
  readonly statePartCount: number;

  /**
   * @param threads onnxruntime's intra-op pool size (the graphs with fixed
   *   weights — sampling steps, evaluation windows — run on this pool or on
   *   one thread, whichever is faster at the time: fastest-session.ts)
   */
  constructor(
    private readonly config: ModelConfig,
    readonly threads: number,
  ) {
    loadRuntime();
    this.label = `ort, ${threads} thread${threads === 1 ? '' : 's'}`;
    this.shapes = new Map(parameterSpecs(config).map((s) => [s.name, s.shape]));
    this.statePartCount = statePartCount(config);
  }

  /** The compiled graph of this kind and shape (built on first use). */
  session(kind: GraphKind, batch: number, steps: number): OrtSession {
    const key = `${kind}:${batch}:${steps}`;
    let session = this.sessions.get(key);
    if (!session) {
      // The training window runs on onnxruntime's arena: without it each of the window's
      // large intermediates (a layer's stacked outputs and projections, its gradients: megabytes) is
      // fresh memory from the system at every call, and faulting its pages in cost 15–25% of
      // a window (LSTM 2×256, 32 × 100, 2 threads: 143–165 ms against 180–189 ms). The arena
      // holds one window's intermediates between calls: a 2×256 LSTM's training (200 steps,
      // evaluations, samples, checkpoints) peaks at 342–359 MB (347–350 before, without it;
      // 391–397 with it while the cells still stacked their caches for the backward factors).
      session = new OrtSession(buildGraph(this.config, kind, { batch, steps }), this.threads, { arena: kind === 'train' });
      this.sessions.set(key, session);
    }
    return session;
  }

  /** Weights as graph inputs. */
  weightFeeds(weights: ParamArrays, kind: GraphKind, feeds: Feeds = {}): Feeds {
    for (const name of graphParams(this.config, kind)) feeds[name] = floatTensor(weights.get(name)!, this.shapes.get(name)!);
    return feeds;
  }

  /** The state as the graphs take it, one [S·N, H] tensor (no copy for a state the graphs returned). */
  stateFeed(state: StateArrays): OrtTensor {
    return floatTensor(packedView(state), [this.statePartCount * state.streams, this.config.hidden]);
  }

  /** A state over a graph's final-state output (views, no copy). */
  finals(values: Float32Array, streams: number): StateArrays {
    return stateViews(values, this.config.cell, this.config.layers, streams, this.config.hidden);
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
    feeds[names.state] = this.stateFeed(state);
    const { hidden, embedding, vocabSize } = this.config;
    const masks = windowMaskValues(this.config, maskRngs(rng, this.config, n), steps);
    masks.outputs.forEach((mask, l) => mask && (feeds[names.mask(l)] = floatTensor(mask, [rows, hidden])));
    masks.recurrent.forEach((mask, l) => mask && (feeds[names.recurrentMask(l)] = floatTensor(mask, [hidden, mask.length / hidden])));
    if (masks.embedding) feeds[names.embeddingMask] = floatTensor(masks.embedding, [vocabSize, embedding]);
    const fetch: Record<string, null> = { [names.loss]: null, [names.final]: null };
    for (const name of this.shapes.keys()) fetch[names.grad(name)] = null;
    const out = session.run(feeds, fetch);
    const grads: ParamArrays = new Map([...this.shapes.keys()].map((name) => [name, out[names.grad(name)]!.data as Float32Array]));
    return { loss: (out[names.loss]!.data as Float32Array)[0]!, grads, finals: this.finals(out[names.final]!.data as Float32Array, n) };
  }

  async lossSum(weights: ParamArrays, batch: TokenBatch, state: StateArrays): Promise<LossSumResult> {
    const { batchSize: n, seqLen: steps } = batch;
    const session = this.session('loss', n, steps);
    const feeds = this.weightFeeds(weights, 'loss', {
      [names.tokens]: intTensor(batch.inputs, [n * steps]),
      [names.targets]: intTensor(batch.targets, [n * steps]),
    });
    feeds[names.state] = this.stateFeed(state);
    const out = session.run(feeds, { [names.loss]: null, [names.final]: null });
    return { lossSum: (out[names.loss]!.data as Float32Array)[0]!, finals: this.finals(out[names.final]!.data as Float32Array, n) };
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
 * Sampling and evaluation on onnxruntime with fixed weights: the weights and
 * the layer-0 table are built into the graphs as constants (so onnxruntime
 * lays the matrices out for its kernels once). Sampling runs a one-step
 * graph per step for any number of streams; evaluation runs a T-step graph
 * per window (one per window shape, built on first use).
 */
class OrtStepModel implements StepModel {
  private stepSession: FastestSession | null = null;
  private readonly slab = new Float32Slab();
  private readonly constants: ParamArrays;
  private readonly windows = new Map<string, FastestSession>();

  constructor(
    private readonly engine: OrtEngine,
    readonly config: ModelConfig,
    weights: ParamArrays,
  ) {
    const table = engine.session('table', 0, 0).run(engine.weightFeeds(weights, 'table'), { [names.table]: null })[names.table]!;
    this.constants = new Map([...weights, [names.table, table.data as Float32Array]]);
  }

  /** The one-step graph (built on first use: evaluation never needs it). */
  private get session(): FastestSession {
    this.stepSession ??= FastestSession.create(buildGraph(this.config, 'logits', { batch: 0, steps: 1 }, this.constants), this.engine.threads, true);
    return this.stepSession;
  }

  /**
   * One step. The outputs are written into arrays cut from a slab here
   * (onnxruntime would otherwise allocate its own and copy them out); the
   * new state is views of one of them, which the next step feeds back
   * without copying.
   */
  private step(state: StateArrays, ids: Int32Array): { state: StateArrays; logits: Float32Array } {
    const streams = ids.length;
    const { hidden, vocabSize } = this.config;
    const rows = this.engine.statePartCount * streams;
    const final = this.slab.take(rows * hidden);
    const logits = this.slab.take(streams * vocabSize);
    this.session.run(
      String(streams),
      { [names.tokens]: intTensor(ids, [streams]), [names.state]: this.engine.stateFeed(state) },
      { [names.logits]: floatTensor(logits, [streams, vocabSize]), [names.final]: floatTensor(final, [rows, hidden]) },
    );
    return { state: this.engine.finals(final, streams), logits };
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

  windowLoss(state: StateArrays, ids: Int32Array, targets: Int32Array, steps: number): WindowLoss {
    const streams = ids.length / steps;
    const key = `${streams}:${steps}`;
    let session = this.windows.get(key);
    if (!session) {
      session = FastestSession.create(buildGraph(this.config, 'eval', { batch: streams, steps }, this.constants), this.engine.threads);
      this.windows.set(key, session);
    }
    const out = session.run(
      key,
      { [names.tokens]: intTensor(ids, [ids.length]), [names.targets]: intTensor(targets, [ids.length]), [names.state]: this.engine.stateFeed(state) },
      { [names.losses]: null, [names.final]: null },
    );
    // Summed in float64: a window holds thousands of characters.
    let lossSum = 0;
    for (const loss of out[names.losses]!.data as Float32Array) lossSum += loss;
    return { lossSum, state: this.engine.finals(out[names.final]!.data as Float32Array, streams) };
  }

  dispose(): void {
    this.stepSession?.dispose();
    this.stepSession = null;
    for (const s of this.windows.values()) s.dispose();
    this.windows.clear();
  }
}
