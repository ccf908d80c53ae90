// @ts-check
/**
 * Why the package.json charnn ships has no scripts, and how (package.json:
 * prepack runs `strip`, postpack `restore`).
 *
 * The checkout needs `prepare` (tsc): `npm install` / `npm ci` in a clone
 * builds dist/. The tarball ships dist/ and needs nothing built, but npm
 * reads the scripts of the manifest it installs: with `prepare` in it,
 * `npm install -g charnn-<version>.tgz` (npm 11) warned "1 package has
 * install scripts not yet covered by allowScripts: charnn@… (prepare: tsc
 * -p tsconfig.json)" and told the user to allow them. The other scripts
 * (test, bench, …) need dev dependencies and files the package does not
 * ship. So `strip` sets the project's package.json aside and writes it
 * without `scripts` for the time of the pack; `restore` puts it back.
 *
 * npm reads the scripts it runs around a pack (prepack, postpack) before
 * prepack runs, and the manifest it packs (and whose `prepare` it would run)
 * after: so the stripped manifest is what is packed, nothing builds during
 * the pack (prepack builds dist/ first), and postpack still runs.
 *
 * Plain JavaScript, not TypeScript: it runs around the build.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { failer, readManifest as readFile, writeAtomically } from './manifest-files.mjs';

const fail = failer('pack-manifest');
/** @param {string} file */
const readManifest = (file) => readFile(file, fail, '');
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const MANIFEST = path.join(ROOT, 'package.json');
/** The project's manifest while the stripped one is in place: a dotfile outside `files`, so never packed (and git-ignored). */
const ORIGINAL = path.join(ROOT, '.package.json.charnn-pack-original');

function strip() {
  // A pack that died before postpack left the original aside: strip from it again.
  const aside = fs.existsSync(ORIGINAL);
  const original = readManifest(aside ? ORIGINAL : MANIFEST);
  if (original.name !== 'charnn') fail(`${aside ? ORIGINAL : MANIFEST} is not charnn's`);
  if (!aside) fs.copyFileSync(MANIFEST, ORIGINAL, fs.constants.COPYFILE_EXCL);
  const { scripts: _scripts, ...shipped } = original;
  writeAtomically(MANIFEST, `${JSON.stringify(shipped, null, 2)}\n`);
}

function restore() {
  if (!fs.existsSync(ORIGINAL)) return;
  if (readManifest(ORIGINAL).name !== 'charnn') fail(`${ORIGINAL} is not charnn's package.json`);
  fs.renameSync(ORIGINAL, MANIFEST);
}

const command = process.argv[2];
if (command === 'strip') strip();
else if (command === 'restore') restore();
else fail('usage: node scripts/pack-manifest.mjs strip|restore');
