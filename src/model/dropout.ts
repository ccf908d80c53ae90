/**
 * The model's regularisation while training, as masks drawn in JS so that
 * every engine (and every shard of a batch) applies the same masks for the
 * same seed:
 *
 *   dropout            inverted dropout on each layer's output sequence,
 *                      a new mask at every step ('step') or one per stream
 *                      for the whole window, the same at every step
 *                      ('sequence': variational or "locked" dropout);
 *   weight drop        DropConnect on each layer's recurrent matrix R: one
 *                      mask [H, G·H] per window, shared by the streams
 *                      (R ⊙ M runs the window, dR = M ⊙ dR');
 *   embedding dropout  drops whole characters: row x of the embedding E is
 *                      zeroed (the others scaled by 1/(1 − rate)) for the
 *                      whole window, one mask [V, E] shared by the streams.
 *
 * Evaluation and sampling use none of them.
 */
import { Rng, type RngState } from '../util/rng.js';
import { gateCount } from './cells/descriptors.js';
import { NO_EXTRA_REGULARISATION, type DropoutMask, type ModelConfig } from './config.js';

/** The regularisation fields of a model config (the optional ones read as their defaults when absent). */
export interface Regularisation {
  dropout: number;
  dropoutMask: DropoutMask;
  weightDrop: number;
  embeddingDropout: number;
}

type RegularisedConfig = Pick<ModelConfig, 'dropout' | 'dropoutMask' | 'weightDrop' | 'embeddingDropout'>;

/** What a config's regularisation is, with the defaults of the fields a config may lack (configs made before they existed, tests). */
export function regularisation(c: RegularisedConfig): Regularisation {
  const off = NO_EXTRA_REGULARISATION;
  return { dropout: c.dropout, dropoutMask: c.dropoutMask ?? off.dropoutMask, weightDrop: c.weightDrop ?? off.weightDrop, embeddingDropout: c.embeddingDropout ?? off.embeddingDropout };
}

/** "dropout 0.2 per sequence, weight drop 0.3": what a run's regularisation is; '' for none. */
export function describeRegularisation(c: RegularisedConfig): string {
  const r = regularisation(c);
  const parts: string[] = [];
  if (r.dropout > 0) parts.push(`dropout ${r.dropout}${r.dropoutMask === 'sequence' ? ' per sequence' : ''}`);
  if (r.weightDrop > 0) parts.push(`weight drop ${r.weightDrop}`);
  if (r.embeddingDropout > 0) parts.push(`embedding dropout ${r.embeddingDropout}`);
  return parts.join(', ');
}

/**
 * Where a training window's masks come from, as generator states (plain
 * data: a worker computing a shard gets its slice): one generator per stream
 * for the output dropout, one for the masks the streams share.
 */
export interface MaskRngs {
  /** Stream n's generator for its dropout rows; null without dropout. */
  streams: RngState[] | null;
  /** The generator of the weight-drop and embedding masks; null without either. */
  shared: RngState | null;
}

/**
 * A window's generators, forked from the run's `rng`: the streams' first,
 * in stream order (as charnn always has), then the shared one. Undefined
 * when the model has no regularisation (nothing is drawn).
 */
export function maskRngs(rng: Rng, config: RegularisedConfig, streams: number): MaskRngs | undefined {
  const r = regularisation(config);
  const own = r.dropout > 0 ? Array.from({ length: streams }, () => rng.fork().state) : null;
  const shared = r.weightDrop > 0 || r.embeddingDropout > 0 ? rng.fork().state : null;
  return own || shared ? { streams: own, shared } : undefined;
}

/** The generators of streams [a, b) of a window (a shard of its batch): the shared one is the same. */
export function sliceMaskRngs(rngs: MaskRngs | undefined, a: number, b: number): MaskRngs | undefined {
  return rngs && { streams: rngs.streams?.slice(a, b) ?? null, shared: rngs.shared };
}

/** A training window's masks as plain arrays (1/(1 − rate) where kept, 0 where dropped); null where the model has none. */
export interface WindowMaskValues {
  /** Per layer, the mask [T·N, H] of its stacked output. */
  outputs: (Float32Array | null)[];
  /** Per layer, the mask [H, G·H] of its recurrent matrix. */
  recurrent: (Float32Array | null)[];
  /** The mask [V, E] of the embedding, whole rows kept or dropped. */
  embedding: Float32Array | null;
}

/**
 * Draws a window's masks: layer by layer the output masks from the
 * streams' generators, then the recurrent masks layer by layer and the
 * embedding's from the shared one. The same states give the same masks, so
 * every shard of a batch draws the same shared masks.
 * @param rngs from maskRngs (or a slice of them); undefined: no masks
 * @param steps T
 */
export function windowMaskValues(config: ModelConfig, rngs: MaskRngs | undefined, steps: number): WindowMaskValues {
  const r = regularisation(config);
  const { layers, hidden } = config;
  const none = { outputs: new Array<null>(layers).fill(null), recurrent: new Array<null>(layers).fill(null), embedding: null };
  if (!rngs) return none;
  const streams = rngs.streams?.map((s) => new Rng(s)) ?? null;
  const outputs = Array.from({ length: layers }, () => {
    if (!streams || r.dropout === 0) return null;
    return r.dropoutMask === 'sequence' ? lockedMaskValues(streams, steps, hidden, r.dropout) : dropoutMaskValues(streams, steps, hidden, r.dropout);
  });
  const shared = rngs.shared ? new Rng(rngs.shared) : null;
  const width = gateCount(config.cell) * hidden;
  const recurrent = Array.from({ length: layers }, () => {
    if (!shared || r.weightDrop === 0) return null;
    const mask = new Float32Array(hidden * width);
    shared.fillBernoulli(mask, 0, mask.length, 1 - r.weightDrop, 1 / (1 - r.weightDrop));
    return mask;
  });
  const embedding = shared && r.embeddingDropout > 0 ? rowMaskValues(shared, config.vocabSize, config.embedding, r.embeddingDropout) : null;
  return { outputs, recurrent, embedding };
}

/**
 * A mask [T·N, W] for one layer's stacked output: 1/(1 − rate) where kept,
 * 0 where dropped. Row t·N + n is drawn from rngs[n] (one generator per
 * stream, consumed in step order), so a batch split into shards draws the
 * same masks as the whole batch.
 */
export function dropoutMaskValues(rngs: readonly Rng[], steps: number, cols: number, rate: number): Float32Array {
  const keep = 1 - rate;
  const n = rngs.length;
  const values = new Float32Array(steps * n * cols);
  for (let t = 0; t < steps; t++) {
    // Kept where rng.next() < keep, one draw per value.
    for (let s = 0; s < n; s++) rngs[s]!.fillBernoulli(values, (t * n + s) * cols, cols, keep, 1 / keep);
  }
  return values;
}

/** Like dropoutMaskValues, but stream n draws one row and keeps it at every step (variational dropout). */
export function lockedMaskValues(rngs: readonly Rng[], steps: number, cols: number, rate: number): Float32Array {
  const keep = 1 - rate;
  const n = rngs.length;
  const values = new Float32Array(steps * n * cols);
  for (let s = 0; s < n; s++) rngs[s]!.fillBernoulli(values, s * cols, cols, keep, 1 / keep);
  for (let t = 1; t < steps; t++) values.copyWithin(t * n * cols, 0, n * cols);
  return values;
}

/** A mask [R, W] whose rows are kept (1/(1 − rate) across the row) or dropped whole, one draw per row. */
function rowMaskValues(rng: Rng, rows: number, cols: number, rate: number): Float32Array {
  const keep = 1 - rate;
  const draws = new Float32Array(rows);
  rng.fillBernoulli(draws, 0, rows, keep, 1 / keep);
  const values = new Float32Array(rows * cols);
  for (let i = 0; i < rows; i++) values.fill(draws[i]!, i * cols, (i + 1) * cols);
  return values;
}
