// @ts-check
/**
 * What scripts/bundle-ort.mjs and scripts/pack-manifest.mjs share: both set
 * a package.json aside for the time of `npm pack`, write a stripped one in
 * its place and put the original back. Plain JavaScript: they run before
 * `prepare` builds dist/.
 */
import fs from 'node:fs';

const MAX_MANIFEST_BYTES = 1 << 20;

/** A failure of the named script: one line on stderr, exit 1. */
export function failer(/** @type {string} */ script) {
  return (/** @type {string} */ message) => {
    process.stderr.write(`${script}: ${message}\n`);
    process.exit(1);
  };
}

/**
 * Reads a package.json: a regular file of at most 1 MiB.
 * @param {string} file
 * @param {(message: string) => never} fail
 * @param {string} missingHint said after "is missing", e.g. " (run npm ci first)"
 */
export function readManifest(file, fail, missingHint = '') {
  const stats = fs.lstatSync(file, { throwIfNoEntry: false });
  if (!stats) fail(`${file} is missing${missingHint}`);
  if (!stats.isFile() || stats.size > MAX_MANIFEST_BYTES) fail(`${file} is not a package.json`);
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

/** Writes `text` to `file` atomically: a temporary file beside it, renamed over it. */
export function writeAtomically(/** @type {string} */ file, /** @type {string} */ text) {
  const temporary = `${file}.charnn-tmp-${process.pid}`;
  fs.writeFileSync(temporary, text);
  fs.renameSync(temporary, file);
}
