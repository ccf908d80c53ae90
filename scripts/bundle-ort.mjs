// @ts-check
/**
 * Why charnn's package bundles onnxruntime-node, and what this script does
 * about it at `npm pack` / `npm publish` time (package.json: prepack runs
 * `strip`, postpack `restore`).
 *
 * onnxruntime-node's npm tarball holds its CPU binaries for every platform
 * (bin/napi-v6/<os>/<arch>), which is all charnn uses. Its postinstall script
 * (script/install.js) downloads the CUDA 12 provider libraries from NuGet on
 * Linux x64 unless told `--onnxruntime-node-install=skip`, and npm only passes
 * that from the installing user's config: a dependency's .npmrc is never
 * read. So `npm install -g charnn` downloaded several hundred MB of GPU
 * libraries charnn does not use, or failed without network beyond the npm
 * registry (`getaddrinfo ENOTFOUND api.nuget.org`).
 *
 * Bundling alone does not help: npm 10 and 11 run the lifecycle scripts of
 * bundled dependencies too (@npmcli/arborist, rebuild.js: with the default
 * `rebuild-bundle=true`, #buildQueues adds every node of a bundle to the
 * build set). What npm runs is what the bundled copy's package.json says, so
 * the copy charnn ships is onnxruntime-node's own files under a manifest
 * without the download: `strip` rewrites node_modules/onnxruntime-node/
 * package.json for the time of the pack — no scripts (preinstall, install,
 * postinstall or any other), and only the dependency its runtime requires (onnxruntime-common;
 * adm-zip and global-agent serve the download alone) — and `restore` puts
 * the original back. The binaries are untouched, so macOS and Windows get
 * theirs as before; the install needs no network beyond the npm registry
 * (checked with npm 10.9 and 11.19).
 *
 * Plain JavaScript, not TypeScript: it runs before `prepare` builds dist/.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { failer, readManifest as readFile, writeAtomically } from './manifest-files.mjs';

const fail = failer('bundle-ort');
/** @param {string} file */
const readManifest = (file) => readFile(file, fail, ' (run npm ci first)');
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const PACKAGE = path.join(ROOT, 'node_modules', 'onnxruntime-node');
const MANIFEST = path.join(PACKAGE, 'package.json');
/** The original manifest while the stripped one is in place: outside the package, so never packed with it. */
const ORIGINAL = path.join(ROOT, 'node_modules', '.onnxruntime-node.package.json.charnn-original');
/** What onnxruntime-node's dist/ and lib/ require at run time. */
const RUNTIME_DEPENDENCIES = ['onnxruntime-common'];

function strip() {
  const packageStats = fs.lstatSync(PACKAGE, { throwIfNoEntry: false });
  if (!packageStats?.isDirectory()) fail(`${PACKAGE} is not an installed package directory (run npm ci first)`);
  // A pack that died before postpack left the original aside: strip from it again.
  const original = fs.existsSync(ORIGINAL) ? readManifest(ORIGINAL) : readManifest(MANIFEST);
  if (original.name !== 'onnxruntime-node') fail(`${MANIFEST} is not onnxruntime-node's`);
  if (!fs.existsSync(ORIGINAL)) fs.copyFileSync(MANIFEST, ORIGINAL, fs.constants.COPYFILE_EXCL);
  // No scripts at all: those left after the install hooks only build onnxruntime-node from source.
  const { scripts: _scripts, ...rest } = original;
  const stripped = { ...rest, dependencies: {} };
  for (const name of RUNTIME_DEPENDENCIES) {
    if (!original.dependencies?.[name]) fail(`onnxruntime-node ${original.version} no longer depends on ${name}: check RUNTIME_DEPENDENCIES`);
    stripped.dependencies[name] = original.dependencies[name];
  }
  writeAtomically(MANIFEST, `${JSON.stringify(stripped, null, 2)}\n`);
}

function restore() {
  if (!fs.existsSync(ORIGINAL)) return;
  readManifest(ORIGINAL);
  fs.renameSync(ORIGINAL, MANIFEST);
}

const command = process.argv[2];
if (command === 'strip') strip();
else if (command === 'restore') restore();
else fail('usage: node scripts/bundle-ort.mjs strip|restore');
