/**
 * What each recurrent cell is, as data — the one place that names a cell.
 * Everything outside src/model/cells/ asks a descriptor: the parameter
 * shapes and initial values (../params.ts), the parts of the recurrent
 * state (../state.ts), the tf.layers equivalent that checkpoints and
 * exports are saved as (Keras layer, options, gate order), the signals
 * `charnn inspect` reads, and the code that computes it (`compute`: ./rnn.ts,
 * ./lstm.ts, ./gru.ts, written once against the ops of ../ops.ts that both
 * engines implement). Adding a cell is its file plus its descriptor here.
 *
 * No engine here: the ort engine, checkpoints and the CLI read this too.
 */
import type { Cell, SignalName, StatePart } from './cell.js';
import { gruCell } from './gru.js';
import { lstmCell } from './lstm.js';
import { rnnCell } from './rnn.js';

export { STATE_PARTS, type SignalName, type StatePart } from './cell.js';

/** What each signal is called in charnn's output. */
export const SIGNAL_LABELS: { readonly [S in SignalName]: string } = {
  h: 'hidden state', c: 'cell state', i: 'input gate', f: 'forget gate', o: 'output gate', g: 'candidate', z: 'update gate', r: 'reset gate',
};

/** A tf.layers recurrent layer, as tf.layers[layer](options). */
export type KerasRecurrentLayer = 'simpleRNN' | 'lstm' | 'gru';

interface CellDescriptor<Type extends string = string, Block extends string = string> {
  readonly type: Type;
  /**
   * The gate blocks of the G·H columns of the kernel, recurrent kernel and
   * bias, in charnn's internal order (G = blocks.length).
   */
  readonly blocks: readonly Block[];
  /** The parts of a layer's state: h, and c for the LSTM (in STATE_PARTS order). */
  readonly state: readonly StatePart[];
  /** How it computes: its forward pass and hand-written BPTT, written once for both engines. */
  readonly compute: Cell;
  /** What the cell's signals() returns, h first. */
  readonly signals: readonly SignalName[];
  /**
   * float32 values per hidden unit, step, stream and layer that a TF.js
   * training step (forward with caches, then backward) holds at its peak:
   * tf.profile's peakBytes on wasm, 2 layers of 128, 64 steps × 32 streams
   * (a single layer of 512 measured 15% less). model/memory.ts sizes work with it.
   */
  readonly trainingFloats: number;
  /** The signals that are sigmoid gates, in the order `charnn inspect` shows their saturation. */
  readonly gateSignals: readonly SignalName[];
  /** The tf.layers layer that computes what the cell computes. */
  readonly keras: {
    readonly layer: KerasRecurrentLayer;
    /** Besides units, returnSequences and initialisers (JSON: written into exports' vocab.json). */
    readonly options: Readonly<Record<string, string | boolean>>;
    /** Keras' order of the gate blocks, in internal names. */
    readonly blocks: readonly NoInfer<Block>[];
  };
}

function describe<const Type extends string, const Block extends string>(d: CellDescriptor<Type, Block>): CellDescriptor<Type, Block> {
  return d;
}

/** h_t = tanh(x_t + h_{t−1}·R): one block, state h. */
const RNN = describe({
  type: 'rnn',
  blocks: ['h'],
  state: ['h'],
  compute: rnnCell,
  signals: ['h'],
  // 46.8 bytes measured.
  trainingFloats: 12,
  gateSignals: [],
  keras: { layer: 'simpleRNN', options: { activation: 'tanh' }, blocks: ['h'] },
});

/**
 * Gates i, f, o and candidate g; state h and c. Internally i, f, o, g so one
 * sigmoid covers the three gates in one contiguous block; Keras orders them
 * i, f, c(= g), o. Every bias starts at 0, the forget gate's too: Keras'
 * unitForgetBias (1, Jozefowicz et al. 2015) made the model learn more slowly
 * per step, 0.05 nats behind at step 1,000 (docs/initialisation.md).
 */
const LSTM = describe({
  type: 'lstm',
  blocks: ['i', 'f', 'o', 'g'],
  state: ['h', 'c'],
  compute: lstmCell,
  signals: ['h', 'c', 'i', 'f', 'o', 'g'],
  // 121.2 bytes measured with the per-step backward; the step's peak is now where the backward pass forms
  // its factors for all steps at once (tf.profile: 75.3 MiB where it was 65.7), about 140 bytes.
  trainingFloats: 35,
  gateSignals: ['i', 'f', 'o'],
  keras: { layer: 'lstm', options: { recurrentActivation: 'sigmoid', unitForgetBias: false }, blocks: ['i', 'f', 'g', 'o'] },
});

/** Update gate z, reset gate r, candidate ĥ (block h), state h; Keras' reset-before variant, same block order. */
const GRU = describe({
  type: 'gru',
  blocks: ['z', 'r', 'h'],
  state: ['h'],
  compute: gruCell,
  signals: ['h', 'z', 'r'],
  // 122.3 bytes measured: the GRU keeps r ⊙ h and the candidate's input besides its three blocks.
  trainingFloats: 31,
  gateSignals: ['z', 'r'],
  keras: { layer: 'gru', options: { recurrentActivation: 'sigmoid' }, blocks: ['z', 'r', 'h'] },
});

/** Every cell, keyed by its name in configs, checkpoints and the CLI (this order is the CLI's). */
const CELLS = { rnn: RNN, lstm: LSTM, gru: GRU };

export type CellType = keyof typeof CELLS;

/** Each key names its own descriptor. */
const BY_TYPE: { readonly [K in CellType]: CellDescriptor<K> } = CELLS;

export const CELL_TYPES = Object.keys(BY_TYPE) as readonly CellType[];

/** The cell of a new model unless told otherwise (the default of --cell in src/settings/model-settings.ts). */
export const DEFAULT_CELL: CellType = LSTM.type;

export function cellDescriptor(type: CellType): CellDescriptor<CellType> {
  return BY_TYPE[type];
}

/** The cell's code (./rnn.ts, ./lstm.ts, ./gru.ts), run by either engine through its ops. */
export function cellFor(type: CellType): Cell {
  return BY_TYPE[type].compute;
}

/** Gate blocks G: the kernel, recurrent kernel and bias of a layer have G·H columns. */
export function gateCount(type: CellType): number {
  return BY_TYPE[type].blocks.length;
}

/**
 * The shapes of one layer's weights (internal layout; Keras' has the same
 * shapes with the blocks reordered).
 * @param input the layer's input width D (the embedding for layer 0, H above)
 */
export function layerShapes(type: CellType, input: number, hidden: number): { kernel: [number, number]; recurrent: [number, number]; bias: [number] } {
  const width = gateCount(type) * hidden;
  return { kernel: [input, width], recurrent: [hidden, width], bias: [width] };
}

/**
 * Permutation of gate blocks from the internal order into Keras'
 * (`toKeras[b]` = the internal block that Keras puts at b) and back; null
 * when the orders agree.
 */
export function kerasBlockOrder(type: CellType): { toKeras: number[]; fromKeras: number[] } | null {
  const { blocks, keras } = BY_TYPE[type];
  if (keras.blocks.every((b, i) => blocks[i] === b)) return null;
  return { toKeras: keras.blocks.map((b) => blocks.indexOf(b)), fromKeras: blocks.map((b) => keras.blocks.indexOf(b)) };
}
