/**
 * `npm run large-corpus`: a corpus larger than a JS string can hold trains.
 * Writes a text of > 600 MB (Tiny Shakespeare, repeated) to a temporary
 * directory, trains 20 steps on it with the real binary, and prints the
 * peak resident memory against the bound charnn promises:
 * 3 × the corpus size + 300 MB. Exits 1 when the bound is exceeded or the
 * run fails. Not part of `npm test` (it writes and reads 0.6 GB).
 *   node dist/bench/large-corpus.js [--mb 620] [--keep]
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { optionValue } from './args.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..', '..');
const arg = (name: string): string | undefined => optionValue(process.argv, name);
const mb = Number(arg('--mb') ?? 620);
const keep = process.argv.includes('--keep');
const MB = 2 ** 20;

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'charnn-large-'));
const corpus = path.join(dir, 'large.txt');
const seed = fs.readFileSync(path.join(root, 'corpora', 'tinyshakespeare.txt'));
const started = performance.now();
const fd = fs.openSync(corpus, 'w');
let bytes = 0;
for (let i = 0; bytes < mb * MB; i++) {
  // Each copy numbered, so the text is not one block repeated verbatim.
  const part = Buffer.concat([Buffer.from(`\n\n${i}\n`), seed]);
  fs.writeSync(fd, part);
  bytes += part.length;
}
fs.closeSync(fd);
console.log(`corpus: ${bytes.toLocaleString('en-US')} bytes (${(bytes / MB).toFixed(0)} MB) written in ${((performance.now() - started) / 1000).toFixed(1)} s to ${corpus}`);

const peakFile = path.join(dir, 'peak');
const args = ['--import', path.join(here, 'report-peak.js'), path.join(root, 'bin', 'charnn.js'), 'train', corpus,
  '--layers', '1', '--hidden', '128', '--batch', '32', '--seq-len', '100', '--max-steps', '20', '--eval-batches', '1',
  '--sample-length', '0', '--no-ui', '--out', path.join(dir, 'run')];
console.log(`running: node ${args.slice(2).join(' ')}`);
const trainStarted = performance.now();
const run = spawnSync(process.execPath, args, { env: { ...process.env, CHARNN_PEAK_FILE: peakFile }, encoding: 'utf8', stdio: ['ignore', 'inherit', 'pipe'] });
const seconds = (performance.now() - trainStarted) / 1000;
process.stderr.write(run.stderr.split('\n').filter((l) => !/^step /.test(l)).join('\n'));
const peakMb = fs.existsSync(peakFile) ? Number(fs.readFileSync(peakFile, 'utf8')) : NaN;
const boundMb = (3 * bytes) / MB + 300;
console.log(`train: exit ${run.status} after ${seconds.toFixed(1)} s`);
console.log(`peak RSS: ${peakMb.toFixed(0)} MB for a ${(bytes / MB).toFixed(0)} MB corpus (${(peakMb / (bytes / MB)).toFixed(2)} × its size); bound 3 × size + 300 MB = ${boundMb.toFixed(0)} MB: ${peakMb <= boundMb ? 'within' : 'EXCEEDED'}`);
if (!keep) fs.rmSync(dir, { recursive: true, force: true });
else console.log(`kept ${dir}`);
process.exitCode = run.status === 0 && peakMb <= boundMb ? 0 : 1;
