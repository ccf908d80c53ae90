/**
 * Tensor methods such as `x.flatten()` or `x.add(y)` ("chained ops"). tfjs-core
 * defines them only in ES module files its Node and browser builds do not
 * load; the @tensorflow/tfjs umbrella bundled them, and tfjs-layers calls
 * some (the orthogonal initialiser calls `flatten`, gradients `sign`, …), so
 * charnn registers them itself on the Tensor class: in Node (src/tf.ts) and
 * in the exported page's tf.min.js (export/tfjs-bundle.ts, as this
 * function's source). Each does what its tfjs-core counterpart does.
 *
 * Self-contained on purpose: the function body uses nothing but its argument,
 * so its source text runs in a browser as it is.
 */

/** The part of the `tf` namespace this needs: the ops, looked up by name. */
type OpNamespace = Record<string, unknown> & { Tensor: { prototype: object } };

/**
 * Defines the chained ops on `tf.Tensor.prototype` (once; a method already
 * there is left alone). `tf` is tfjs-core's namespace, or the page's global.
 */
export function registerChainedOps(tf: OpNamespace): void {
  type Op = (...args: unknown[]) => unknown;
  type Self = { throwIfDisposed(): void; size: number; shape: number[] };
  const op = (name: string, group?: string): Op => {
    const home = (group === undefined ? tf : tf[group]) as Record<string, unknown> | undefined;
    const found = home?.[name];
    if (typeof found !== 'function') throw new Error(`TF.js has no op ${group === undefined ? '' : `${group}.`}${name}`);
    return found as Op;
  };
  const proto = tf.Tensor.prototype as Record<string, unknown>;
  const define = (name: string, method: (this: Self, ...args: unknown[]) => unknown): void => {
    if (name in proto) return;
    proto[name] = function (this: Self, ...args: unknown[]): unknown {
      this.throwIfDisposed();
      return method.apply(this, args);
    };
  };
  // x.name(...args) is tf.name(x, ...args).
  const plain = ('abs acos acosh add all any argMax argMin asin asinh atan atan2 atanh avgPool batchToSpaceND batchNorm broadcastTo cast ceil ' +
    'clipByValue conv1d conv2d conv2dTranspose cos cosh cumprod cumsum depthToSpace depthwiseConv2d dilation2d div divNoNan dot elu equal erf ' +
    'euclideanNorm exp expandDims expm1 floor floorDiv gather greater greaterEqual isFinite isInf isNaN leakyRelu less lessEqual ' +
    'localResponseNormalization log log1p logSigmoid logSoftmax logSumExp logicalAnd logicalNot logicalOr logicalXor matMul max maxPool maximum ' +
    'mean min minimum mirrorPad mod mul neg norm notEqual oneHot onesLike pad pool pow prelu prod reciprocal relu relu6 reshape reverse round ' +
    'rsqrt selu separableConv2d sigmoid sign sin sinh slice softmax softplus spaceToBatchND split sqrt square squaredDifference squeeze step ' +
    'stridedSlice sub sum tan tanh tile topk transpose unique unsortedSegmentSum unstack zerosLike').split(' ');
  for (const name of plain) {
    const f = op(name);
    define(name, function (...args) {
      return f(this, ...args);
    });
  }
  // The same, for ops that live in tf.image and tf.spectral.
  for (const [group, names] of [['image', ['resizeBilinear', 'resizeNearestNeighbor']], ['spectral', ['fft', 'ifft', 'rfft', 'irfft']]] as const) {
    for (const name of names) {
      const f = op(name, group);
      define(name, function (...args) {
        return f(this, ...args);
      });
    }
  }
  // The rest are written out, as tfjs-core writes them.
  const reshape = op('reshape');
  const cast = op('cast');
  const concat = op('concat');
  const stack = op('stack');
  const where = op('where');
  const Tensor = tf.Tensor as unknown as new () => object;
  define('flatten', function () {
    return reshape(this, [this.size]);
  });
  define('as1D', function () {
    return reshape(this, [this.size]);
  });
  for (const [name, rank] of [['as2D', 2], ['as3D', 3], ['as4D', 4], ['as5D', 5]] as const) {
    define(name, function (...dims) {
      return reshape(this, dims.slice(0, rank));
    });
  }
  define('asScalar', function () {
    if (this.size !== 1) throw new Error('The array must have only 1 element.');
    return reshape(this, []);
  });
  define('reshapeAs', function (x) {
    return reshape(this, (x as Self).shape);
  });
  define('asType', function (dtype) {
    return cast(this, dtype);
  });
  define('toBool', function () {
    return cast(this, 'bool');
  });
  define('toFloat', function () {
    return cast(this, 'float32');
  });
  define('toInt', function () {
    return cast(this, 'int32');
  });
  define('concat', function (x, axis) {
    return concat([this, ...(x instanceof Tensor ? [x] : (x as unknown[]))], axis);
  });
  define('stack', function (x, axis) {
    return stack([this, ...(x instanceof Tensor ? [x] : (x as unknown[]))], axis);
  });
  define('where', function (condition, x) {
    return where(condition, this, x);
  });
}
