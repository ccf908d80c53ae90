/** The whole of "loading a TF.js model from disk" without tfjs-node: a plain IOHandler over model.json and its weight files. */
import fs from 'node:fs';
import path from 'node:path';
import * as tf from '../../src/tf.js';

export function layersFileHandler(modelJsonPath: string): tf.io.IOHandler {
  return {
    load: async () => {
      const json = JSON.parse(fs.readFileSync(modelJsonPath, 'utf8'));
      const buffers = json.weightsManifest.flatMap((g: { paths: string[] }) => g.paths.map((p) => fs.readFileSync(path.join(path.dirname(modelJsonPath), p))));
      const data = Buffer.concat(buffers);
      return {
        modelTopology: json.modelTopology,
        weightSpecs: json.weightsManifest.flatMap((g: { weights: tf.io.WeightsManifestEntry[] }) => g.weights),
        weightData: data.buffer.slice(data.byteOffset, data.byteOffset + data.length),
      };
    },
  };
}
