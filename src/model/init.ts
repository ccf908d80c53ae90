/**
 * Initial weights, drawn in JS from the seeded RNG so that a seed gives the
 * same model on every backend. The kernels follow Keras' defaults for the
 * same layers: Glorot-uniform kernels, orthogonal recurrent kernels. Two
 * parts differ from Keras', both measured per step against PyTorch
 * (docs/initialisation.md):
 * - The embeddings are drawn N(0, 1) as PyTorch's nn.Embedding does, not
 *   Keras' uniform ±0.05: Adam moves each weight by about the learning rate
 *   per step whatever its scale, so ±0.05 embeddings take hundreds of steps to
 *   weigh as much as the recurrent input, and a model drawn that way is
 *   0.2–0.3 nats behind at step 250–500.
 * - Every bias starts at 0, the LSTM's forget gate too (Keras adds 1 there):
 *   with the forget bias of 1 an LSTM is 0.05–0.08 nats behind at steps
 *   250–1,000, with it at 0 it is ahead of PyTorch's own LSTM.
 * Only the initial values differ: the weights keep Keras' layout, and
 * checkpoints load in tf.layers as before.
 */
import type { Rng } from '../util/rng.js';

export function uniformArray(rng: Rng, size: number, limit: number): Float32Array {
  const out = new Float32Array(size);
  for (let i = 0; i < size; i++) out[i] = rng.uniform(-limit, limit);
  return out;
}

/** Standard normal N(0, 1) values. */
export function normalArray(rng: Rng, size: number): Float32Array {
  const out = new Float32Array(size);
  for (let i = 0; i < size; i++) out[i] = rng.normal();
  return out;
}

/** Glorot-uniform [fanIn, fanOut]. */
export function glorotUniform(rng: Rng, fanIn: number, fanOut: number): Float32Array {
  return uniformArray(rng, fanIn * fanOut, Math.sqrt(6 / (fanIn + fanOut)));
}

/**
 * A [size, size] orthogonal matrix: modified Gram–Schmidt on the rows of a
 * Gaussian matrix. Each row is divided by its (positive) norm, which is the
 * QR decomposition whose triangular factor has a positive diagonal — the
 * convention under which the orthogonal factor is uniformly (Haar)
 * distributed, so no separate sign correction is needed. An orthogonal
 * recurrent matrix neither shrinks nor grows the hidden state at
 * initialisation, which is what lets gradients travel at the start of training.
 */
export function orthogonal(rng: Rng, size: number): Float64Array {
  const q = new Float64Array(size * size);
  for (let i = 0; i < q.length; i++) q[i] = rng.normal();
  // Rows of q are orthonormalised one after another.
  for (let i = 0; i < size; i++) {
    const row = i * size;
    for (let j = 0; j < i; j++) {
      const other = j * size;
      let dot = 0;
      for (let k = 0; k < size; k++) dot += q[row + k]! * q[other + k]!;
      for (let k = 0; k < size; k++) q[row + k]! -= dot * q[other + k]!;
    }
    let norm = 0;
    for (let k = 0; k < size; k++) norm += q[row + k]! * q[row + k]!;
    norm = Math.sqrt(norm) || 1;
    for (let k = 0; k < size; k++) q[row + k]! /= norm;
  }
  return q;
}

/**
 * Recurrent kernel [hidden, gates·hidden]: an independent orthogonal block per gate.
 */
export function recurrentOrthogonal(rng: Rng, hidden: number, gates: number): Float32Array {
  const width = gates * hidden;
  const out = new Float32Array(hidden * width);
  for (let g = 0; g < gates; g++) {
    const block = orthogonal(rng, hidden);
    for (let r = 0; r < hidden; r++) {
      for (let c = 0; c < hidden; c++) out[r * width + g * hidden + c] = block[r * hidden + c]!;
    }
  }
  return out;
}
