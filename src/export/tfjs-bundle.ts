/**
 * The exported page's tf.min.js: TF.js for the browser, put together from
 * the browser builds (dist/*.min.js) the packages charnn depends on ship —
 * tfjs-core, the cpu and WebGL backends and tfjs-layers — so the page gets
 * the same `tf` global the @tensorflow/tfjs umbrella's tf.min.js gave it
 * without charnn installing the umbrella (141 MB) for that one file. It is
 * smaller too: the umbrella's also carried tfjs-converter and tfjs-data.
 *
 * What the umbrella's build added is added here too: the cpu backend's build
 * expects a global `seedrandom` (only tf.multinomial uses it, through
 * seedrandom.alea), so seedrandom's own alea build and a one-line global come
 * first; and the Tensor methods tfjs-layers calls (tf-chained-ops.ts) are
 * registered right after tfjs-core.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { registerChainedOps } from '../tf-chained-ops.js';
import { runtimeError } from '../util/errors.js';

/** Each part: the package whose main file locates its dist/ directory, and the browser build there. */
const PARTS = [
  { name: '@tensorflow/tfjs-core', file: 'tf-core.min.js' },
  { name: '@tensorflow/tfjs-backend-cpu', file: 'tf-backend-cpu.min.js' },
  { name: '@tensorflow/tfjs-backend-webgl', file: 'tf-backend-webgl.min.js' },
  { name: '@tensorflow/tfjs-layers', file: 'tf-layers.min.js' },
] as const;

/** No browser build comes near this; a bigger file is not one. */
const MAX_PART_BYTES = 16 * 2 ** 20;

const FIX = 'reinstall charnn (npm install)';

/** Reads one browser build: a regular file of bounded size, without its source-map comment (the map is not copied). */
function readPart(file: string): string {
  let stats: fs.Stats;
  try {
    stats = fs.statSync(file);
  } catch (error) {
    throw runtimeError(`${file} is missing`, FIX, error);
  }
  if (!stats.isFile()) throw runtimeError(`${file} is not a regular file`, FIX);
  if (stats.size > MAX_PART_BYTES) throw runtimeError(`${file} is ${stats.size} bytes, more than any TF.js browser build`, FIX);
  return fs.readFileSync(file, 'utf8').replace(/\n\/\/# sourceMappingURL=\S*\s*$/, '\n');
}

function resolveFrom(require: NodeJS.Require, name: string): string {
  try {
    return require.resolve(name);
  } catch (error) {
    throw runtimeError(`cannot find ${name} to build tf.min.js from`, FIX, error);
  }
}

/** The version in a part's package.json, given its main file (dist/x.node.js), for the bundle's header. */
function partVersion(main: string): string {
  const json = path.join(path.dirname(main), '..', 'package.json');
  try {
    const version: unknown = JSON.parse(fs.readFileSync(json, 'utf8')).version;
    return typeof version === 'string' && /^[\w.+-]{1,40}$/.test(version) ? version : '?';
  } catch {
    return '?';
  }
}

/** tf.min.js for the exported page, as text. */
export function tfjsBrowserBundle(): string {
  const require = createRequire(import.meta.url);
  const mains = PARTS.map((part) => resolveFrom(require, part.name));
  const alea = resolveFrom(createRequire(mains[1]!), 'seedrandom/lib/alea.js');
  const header = `/* TF.js for charnn's exported page: ${PARTS.map((p, i) => `${p.name}@${partVersion(mains[i]!)} (dist/${p.file})`).join(', ')}; seedrandom's alea for the cpu backend; charnn's registration of the chained ops */\n`;
  const [core, ...rest] = PARTS.map((part, i) => readPart(path.join(path.dirname(mains[i]!), part.file)));
  return [
    header,
    readPart(path.join(path.dirname(alea), 'alea.min.js')),
    'self.seedrandom = self.seedrandom || { alea: self.alea };\n',
    core!,
    `(${registerChainedOps.toString()})(self.tf);\n`,
    ...rest,
  ].join('\n');
}
