/**
 * TF.js as charnn uses it, in one place: tfjs-core (tensors, ops, io,
 * optimizers), tfjs-layers (the Layers model a checkpoint is, which
 * tf.loadLayersModel reads) and the pure JS `cpu` backend every op can fall
 * back on. Not the @tensorflow/tfjs umbrella: it also installs tfjs-converter,
 * tfjs-data and its own 141 MB of bundles, none of which charnn loads.
 *
 * What the umbrella added on top of its parts is done here: tfjs-layers'
 * Node build registers every op's gradient (training needs them), and
 * tf-chained-ops.ts the Tensor methods tfjs-layers calls (`x.flatten()`);
 * charnn's own code calls the ops (`tf.add(x, y)`), which the types enforce.
 * engine/tfjs/backend/index.ts loads the wasm and native backends on demand.
 */
import '@tensorflow/tfjs-backend-cpu';
import * as core from '@tensorflow/tfjs-core';
import { registerChainedOps } from './tf-chained-ops.js';

registerChainedOps(core as unknown as Parameters<typeof registerChainedOps>[0]);

export * from '@tensorflow/tfjs-core';
export * from '@tensorflow/tfjs-layers';
