/**
 * Growing a trained model's vocabulary for fine-tuning on a text with new
 * characters. The vocabulary only grows at its end, so every existing id —
 * and with it the embedding row E[id] and the output column W_out[:, id] the
 * model learnt for it — stays where it was; the recurrent layers do not
 * depend on the vocabulary at all.
 *
 *   E'     = [E; E_new]          E_new ~ N(0, 1)                 [V', embedding]
 *   W_out' = [W_out, W_new]      W_new ~ U(−a, a), a = √(6 / (hidden + V'))   [hidden, V']
 *   b_out' = [b_out, 0]                                           [V']
 *
 * The new rows and columns are drawn the way initParams draws a fresh model
 * of the grown size (N(0, 1) embedding, Glorot-uniform output kernel, zero
 * bias).
 */
import type { Rng } from '../util/rng.js';
import type { ModelConfig } from './config.js';
import { normalArray, uniformArray } from './init.js';
import type { ParamArrays } from './params.js';

/**
 * New parameters for `config` grown to `vocabSize` characters; the given
 * params are not changed. Draws from `rng`: the embedding rows first, then
 * the output columns.
 * @param config the model's config before growing (its vocabSize is the old size).
 * @throws Error if vocabSize is smaller than config.vocabSize (a vocabulary never shrinks).
 */
export function extendVocabulary(config: ModelConfig, params: ParamArrays, vocabSize: number, rng: Rng): ParamArrays {
  const added = vocabSize - config.vocabSize;
  if (!Number.isInteger(added) || added < 0) throw new Error(`extendVocabulary: cannot go from ${config.vocabSize} to ${vocabSize} characters`);
  const { embedding: e, hidden: h, vocabSize: v } = config;
  // Drawn in this order, whatever the order of the params map.
  const embeddingRows = normalArray(rng, added * e);
  const outputColumns = uniformArray(rng, h * added, Math.sqrt(6 / (h + vocabSize)));
  const grown: Record<string, (old: Float32Array) => Float32Array> = {
    // [V, e] → [V', e]: the new rows after the old ones.
    'embedding': (old) => concat(old, embeddingRows),
    // [h, V] → [h, V']: each row gets its new columns at its end.
    'output.kernel': (old) => {
      const out = new Float32Array(h * vocabSize);
      for (let r = 0; r < h; r++) {
        out.set(old.subarray(r * v, (r + 1) * v), r * vocabSize);
        out.set(outputColumns.subarray(r * added, (r + 1) * added), r * vocabSize + v);
      }
      return out;
    },
    // [V] → [V']: zero bias for the new characters.
    'output.bias': (old) => concat(old, new Float32Array(added)),
  };
  const out: ParamArrays = new Map();
  for (const [name, values] of params) {
    const grow = grown[name];
    out.set(name, added > 0 && grow ? grow(values) : values.slice());
  }
  return out;
}

function concat(a: Float32Array, b: Float32Array): Float32Array {
  const out = new Float32Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
