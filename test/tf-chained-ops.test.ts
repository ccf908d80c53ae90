/**
 * charnn's TF.js (src/tf.ts) has the Tensor methods the @tensorflow/tfjs
 * umbrella registered and tfjs-layers relies on: every chained op tfjs-core
 * declares is there, and a method computes what its op computes.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import * as tf from '../src/tf.js';

const ROOT = path.resolve(__dirname, '..');
type Chained = Record<string, (...args: unknown[]) => tf.Tensor>;
const chained = (x: tf.Tensor): Chained => x as unknown as Chained;

describe('chained ops', () => {
  it('every chained op tfjs-core declares is a Tensor method', () => {
    const dir = path.join(ROOT, 'node_modules/@tensorflow/tfjs-core/dist/public/chained_ops');
    const declared = fs.readdirSync(dir).filter((f) => f.endsWith('.js'))
      .flatMap((f) => [...fs.readFileSync(path.join(dir, f), 'utf8').matchAll(/getGlobalTensorClass\(\)\.prototype\.(\w+) =/g)].map((m) => m[1]!));
    expect(declared.length).toBeGreaterThan(130);
    const missing = declared.filter((name) => typeof (tf.Tensor.prototype as unknown as Record<string, unknown>)[name] !== 'function');
    expect(missing).toEqual([]);
  });

  it('compute what the ops compute', () => {
    tf.tidy(() => {
      const x = tf.tensor2d([[1, -2], [3, -4]]);
      const y = tf.tensor2d([[10, 20], [30, 40]]);
      const same = (a: tf.Tensor, b: tf.Tensor): void => {
        expect(a.shape).toEqual(b.shape);
        expect(a.dtype).toBe(b.dtype);
        expect(Array.from(a.dataSync())).toEqual(Array.from(b.dataSync()));
      };
      same(chained(x)['add']!(y), tf.add(x, y));
      same(chained(x)['matMul']!(y, false, true), tf.matMul(x, y, false, true));
      same(chained(x)['flatten']!(), tf.reshape(x, [4]));
      same(chained(x)['as1D']!(), tf.reshape(x, [4]));
      same(chained(x)['as2D']!(1, 4), tf.reshape(x, [1, 4]));
      same(chained(x)['reshapeAs']!(tf.zeros([4, 1])), tf.reshape(x, [4, 1]));
      same(chained(x)['toInt']!(), tf.cast(x, 'int32'));
      same(chained(x)['concat']!(y, 1), tf.concat([x, y], 1));
      same(chained(x)['concat']!([y, y]), tf.concat([x, y, y]));
      same(chained(x)['stack']!(y), tf.stack([x, y]));
      same(chained(y)['where']!(tf.greater(x, 0), x), tf.where(tf.greater(x, 0), y, x));
      same(chained(tf.ones([1, 2, 2, 1]))['resizeBilinear']!([4, 4]), tf.image.resizeBilinear(tf.ones([1, 2, 2, 1]) as tf.Tensor4D, [4, 4]));
      same(chained(tf.scalar(3))['asScalar']!(), tf.scalar(3));
      expect(() => chained(x)['asScalar']!()).toThrow(/only 1 element/);
    });
  });

  it('refuse a disposed tensor, as tfjs-core\'s do', () => {
    const x = tf.ones([2]);
    x.dispose();
    expect(() => chained(x)['flatten']!()).toThrow(/disposed/);
  });

  it('let tfjs-layers build its orthogonal recurrent kernels', () => {
    const q = tf.tidy(() => tf.initializers.orthogonal({ seed: 1 }).apply([4, 4]) as tf.Tensor2D);
    const identity = tf.tidy(() => tf.matMul(q, q, true, false).dataSync());
    expect(Array.from(identity).map((v) => Math.round(v * 1e4) / 1e4 || 0)).toEqual([1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1]);
  });
});
