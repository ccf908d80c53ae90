/**
 * `charnn export`: the directory holds a standard TF.js Layers model that
 * plain tf.loadLayersModel loads and that predicts what charnn predicts; the
 * page's own sampling code (run here in Node) draws what `charnn generate`
 * draws for the same seed; vocab.json, tf.min.js and index.html are complete;
 * the target directory is checked before anything is written.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';
import * as tf from '../../src/tf.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/engine/tfjs/backend/index.js';
import { loadCheckpoint } from '../../src/checkpoint/load.js';
import { logSoftmax } from '../../src/sample/distribution.js';
import { generate } from '../../src/sample/generate.js';
import { Sampler } from '../../src/sample/sampler.js';
import { TfjsStepModel } from '../../src/engine/tfjs/engine.js';
import { sampleSeed } from '../../src/cli/generate-run.js';
import { Rng } from '../../src/util/rng.js';
import { PAGE_SCRIPT, type ExportVocab } from '../../src/export/page.js';
import { BIN, ROOT, runCli, smallCorpus, tempDir } from '../helpers/cli.js';
import { runInProcess } from '../helpers/in-process.js';
import { layersFileHandler } from '../helpers/layers-file.js';

type Cell = 'rnn' | 'lstm' | 'gru';
const CELLS: Cell[] = ['rnn', 'lstm', 'gru'];

/** What the page defines as `charnn`. */
interface PageApi {
  buildStateful(t: typeof tf, base: tf.LayersModel, info: ExportVocab): tf.LayersModel;
  feed(t: typeof tf, model: tf.LayersModel, ids: number[]): Float32Array;
  generate(t: typeof tf, model: tf.LayersModel, info: ExportVocab, options: { prime: string; length: number; temperature: number; seed: number }): Promise<string>;
  encode(info: ExportVocab, text: string): { ids: number[]; missing: string[] };
}
const page = new Function(`${PAGE_SCRIPT}\nreturn charnn;`)() as PageApi;

/** Loading a TF.js model from disk without tfjs-node. */
let dir: string;
const runs = {} as Record<Cell, string>;
const exports = {} as Record<Cell, string>;

beforeAll(async () => {
  await initBackend('wasm');
  dir = tempDir('charnn-export-');
  const corpus = smallCorpus(dir);
  await Promise.all(
    CELLS.map(async (cell) => {
      runs[cell] = path.join(dir, `run-${cell}`);
      const train = await runCli([
        'train', corpus, '--cell', cell, '--layers', cell === 'gru' ? '2' : '1', '--hidden', '32', '--embedding', '16', '--batch', '8',
        '--seq-len', '32', '--max-steps', '8', '--eval-every', '8', '--eval-batches', '1', '--sample-length', '0', '--lr', '0.01',
        '--no-ui', '--backend', 'wasm', '--workers', '1', '--out', runs[cell],
      ]);
      if (train.code !== 0) throw new Error(`training ${cell} failed: ${train.stderr}`);
      exports[cell] = path.join(dir, `export-${cell}`);
      const r = await runCli(['export', runs[cell], exports[cell]]);
      if (r.code !== 0 || r.stderr !== '') throw new Error(`export ${cell} failed (${r.code}): ${r.stderr}`);
    }),
  );
});

describe.each(CELLS)('export of a %s checkpoint', (cell) => {
  it('writes model.json, weights, vocab.json, tf.min.js and index.html', () => {
    const out = exports[cell];
    expect(fs.readdirSync(out).sort()).toEqual(['index.html', 'model.json', 'tf.min.js', 'vocab.json', 'weights.bin']);
    const meta = JSON.parse(fs.readFileSync(path.join(runs[cell], 'best', 'charnn.json'), 'utf8'));
    const vocab = JSON.parse(fs.readFileSync(path.join(out, 'vocab.json'), 'utf8')) as ExportVocab;
    expect(vocab).toMatchObject({
      format: 'charnn-export', chars: meta.vocabulary, normalization: 'none', cell, layers: meta.model.layers, hidden: 32, embedding: 16,
      vocabSize: meta.vocabulary.length, outputs: 'logits', startId: meta.vocabulary.indexOf('\n'),
    });
    expect(fs.readFileSync(path.join(out, 'tf.min.js'), 'utf8')).toMatch(/^\/\* TF\.js for charnn's exported page: @tensorflow\/tfjs-core@4\.22\.0 \(dist\/tf-core\.min\.js\), .*\n[^]*function registerChainedOps\(tf\)/);
    const html = fs.readFileSync(path.join(out, 'index.html'), 'utf8');
    expect(html).toContain('<script src="tf.min.js"></script>');
    expect(html).toContain('id="temperature" type="range"');
    // Self-contained: nothing else is fetched from anywhere.
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
  });

  it('loads with plain tf.loadLayersModel and gives the next-character probabilities charnn gives', async () => {
    const out = exports[cell];
    const base = await tf.loadLayersModel(layersFileHandler(path.join(out, 'model.json')));
    const checkpoint = loadCheckpoint(runs[cell]);
    const ids = checkpoint.vocab.encode('First Citizen:\nBefore we proceed');
    const theirs = tf.tidy(() => {
      const y = base.predict(tf.tensor2d([Array.from(ids)])) as tf.Tensor3D;
      return tf.softmax(tf.reshape(tf.slice(y, [0, ids.length - 1, 0], [1, 1, -1]), [-1])).dataSync();
    });
    const sampler = new Sampler(new TfjsStepModel(checkpoint.meta.model, checkpoint.params));
    const { logits } = sampler.feed(sampler.zeroState(1), ids);
    const ours = logSoftmax(logits).map(Math.exp);
    let worst = 0;
    ours.forEach((p, i) => (worst = Math.max(worst, Math.abs(p - theirs[i]!))));
    expect(worst).toBeLessThan(1e-5);

    // The page's stateful copy, fed the same text, agrees too.
    const info = JSON.parse(fs.readFileSync(path.join(out, 'vocab.json'), 'utf8')) as ExportVocab;
    const stateful = page.buildStateful(tf, base, info);
    stateful.resetStates();
    const half = Math.floor(ids.length / 2);
    page.feed(tf, stateful, Array.from(ids.slice(0, half)));
    const pageLogits = page.feed(tf, stateful, Array.from(ids.slice(half)));
    const pageProbs = logSoftmax(pageLogits).map(Math.exp);
    worst = 0;
    ours.forEach((p, i) => (worst = Math.max(worst, Math.abs(p - pageProbs[i]!))));
    expect(worst).toBeLessThan(1e-5);
    stateful.dispose();
    base.dispose();
    sampler.dispose();
  });

  it('the page samples what charnn generate samples for the same seed and temperature', async () => {
    const out = exports[cell];
    const info = JSON.parse(fs.readFileSync(path.join(out, 'vocab.json'), 'utf8')) as ExportVocab;
    const base = await tf.loadLayersModel(layersFileHandler(path.join(out, 'model.json')));
    const stateful = page.buildStateful(tf, base, info);
    const checkpoint = loadCheckpoint(runs[cell]);
    const sampler = new Sampler(new TfjsStepModel(checkpoint.meta.model, checkpoint.params));
    for (const [prime, seed, temperature] of [['First', 11, 0.8], ['', 3, 1]] as const) {
      const text = await page.generate(tf, stateful, info, { prime, length: 120, temperature, seed });
      // What charnn generate --seed does for sample 0 of prompt 0.
      const [ours] = await generate(sampler, checkpoint.vocab, [{ prime, rng: new Rng(sampleSeed(seed, 0, 0)), sampling: { temperature, topK: 0, topP: 1 } }], {
        length: 120, maxLength: 120, stop: [],
      });
      expect(text).toBe(ours!.text);
      if (cell === 'lstm' && prime !== '') {
        // ... and the binary itself.
        const cli = await runCli(['generate', runs[cell], '--prime', prime, '--seed', String(seed), '--temperature', String(temperature), '--length', '120']);
        expect(cli.stdout).toBe(`${prime}${text}\n`);
      }
    }
    expect(page.encode(info, 'a☃b').missing).toEqual(['☃']);
    sampler.dispose();
    stateful.dispose();
    base.dispose();
  });
});

describe('the exported tf.min.js', () => {
  it('is TF.js for a page: core, the cpu and WebGL backends and layers, each from its package\'s own browser build', async () => {
    const bundle = fs.readFileSync(path.join(exports.lstm, 'tf.min.js'), 'utf8');
    for (const [name, file] of [['tfjs-core', 'tf-core'], ['tfjs-backend-cpu', 'tf-backend-cpu'], ['tfjs-backend-webgl', 'tf-backend-webgl'], ['tfjs-layers', 'tf-layers']]) {
      const build = fs.readFileSync(path.join(ROOT, 'node_modules/@tensorflow', name!, 'dist', `${file}.min.js`), 'utf8');
      expect(bundle).toContain(build.replace(/\n\/\/# sourceMappingURL=\S*\s*$/, ''));
    }
    expect(bundle).not.toMatch(/sourceMappingURL/); // the maps are not exported
    // Run as a page runs it: plain scripts on a global that is also `window` and `self`, with a document, no module system.
    const window: Record<string, unknown> = { console, document: {}, navigator: { userAgent: 'vm' } };
    window['self'] = window['window'] = window;
    const context = vm.createContext(window);
    vm.runInContext(bundle, context);
    const page = window['tf'] as typeof tf;
    expect([page.version_core, page.version_layers]).toEqual([tf.version_core, tf.version_layers]);
    expect(typeof page.loadLayersModel).toBe('function');
    expect(typeof page.layers.lstm).toBe('function');
    expect(typeof page.findBackendFactory('webgl')).toBe('function'); // ?backend=webgl
    expect(await page.setBackend('cpu')).toBe(true);
    // tf.multinomial on the cpu backend draws through seedrandom's alea, which the bundle provides.
    const draws = page.tidy(() => page.multinomial(page.tensor1d([-20, 20]), 4, 7).dataSync());
    expect(Array.from(draws)).toEqual([1, 1, 1, 1]);
    // The Tensor methods tfjs-layers calls are there: its orthogonal initialiser calls x.flatten().
    expect(page.tidy(() => (page.ones([2, 3]) as unknown as { flatten(): tf.Tensor }).flatten().shape)).toEqual([6]);
    const q = page.tidy(() => page.initializers.orthogonal({ seed: 1 }).apply([3, 3]) as tf.Tensor2D);
    expect(Array.from(page.tidy(() => page.matMul(q, q, true, false).dataSync())).map((v) => Math.round(v * 1e4) / 1e4 || 0)).toEqual([1, 0, 0, 0, 1, 0, 0, 0, 1]);
  });
});

describe('export target directory', () => {
  it('refuses a checkpoint directory, a file and a non-empty directory (unless --force), and re-exports over an export', async () => {
    const file = path.join(dir, 'a-file');
    fs.writeFileSync(file, 'x');
    const busy = path.join(dir, 'busy');
    fs.mkdirSync(busy);
    fs.writeFileSync(path.join(busy, 'notes.txt'), 'mine');
    const refused: [string, RegExp][] = [
      [path.join(runs.lstm, 'best'), /is a checkpoint directory/],
      [file, /is a file/],
      [busy, /is not empty .*--force/],
    ];
    const results = await Promise.all(refused.map(([target]) => runInProcess(['export', runs.lstm, target])));
    results.forEach((r, i) => {
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(refused[i]![1]);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    });
    expect(fs.readdirSync(busy)).toEqual(['notes.txt']);
    const [forced, again] = await Promise.all([runCli(['export', runs.lstm, busy, '--force']), runCli(['export', runs.lstm, exports.lstm])]);
    expect(forced.code).toBe(0);
    expect(fs.readdirSync(busy).sort()).toEqual(['index.html', 'model.json', 'notes.txt', 'tf.min.js', 'vocab.json', 'weights.bin']);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/index\.html/);
  });

  it('--force never replaces what charnn did not write: a directory, a link, a fifo or a user\'s file under an export name is refused, nothing deleted', async () => {
    const cases: { name: string; plant: (target: string) => void; what: string }[] = [
      { name: 'model.json', what: 'a directory', plant: (t) => { fs.mkdirSync(path.join(t, 'model.json', 'sub'), { recursive: true }); fs.writeFileSync(path.join(t, 'model.json', 'sub', 'data.txt'), 'precious'); } },
      { name: 'index.html', what: 'a file', plant: (t) => fs.writeFileSync(path.join(t, 'index.html'), '<p>my page</p>') },
      { name: 'tf.min.js', what: 'a symbolic link', plant: (t) => fs.symlinkSync(path.join(t, 'elsewhere'), path.join(t, 'tf.min.js')) },
      { name: 'vocab.json', what: 'not a regular file', plant: (t) => spawnSync('mkfifo', [path.join(t, 'vocab.json')]) },
    ];
    const snapshot = (t: string): string[] => (fs.readdirSync(t, { recursive: true }) as string[]).sort();
    const targets = cases.map(({ name, plant }) => {
      const target = path.join(dir, `foreign-${name}`);
      fs.mkdirSync(target);
      plant(target);
      return { target, before: snapshot(target) };
    });
    const results = await Promise.all(targets.map(({ target }) => runInProcess(['export', runs.rnn, target, '--force'])));
    results.forEach((r, i) => {
      const { name, what } = cases[i]!;
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toBe(`charnn: ${path.join(targets[i]!.target, name)} is ${what} charnn did not write; the export would replace it (move it away, or export into another directory)\n`);
      expect(snapshot(targets[i]!.target)).toEqual(targets[i]!.before);
    });
    expect(fs.readFileSync(path.join(targets[0]!.target, 'model.json', 'sub', 'data.txt'), 'utf8')).toBe('precious');
    expect(fs.readFileSync(path.join(targets[1]!.target, 'index.html'), 'utf8')).toBe('<p>my page</p>');
    expect(fs.readdirSync(dir).filter((f) => f.startsWith('.charnn-tmp-'))).toEqual([]);

    // A previous export beside a .prev directory of the user's: the swap would delete it, so it is refused.
    const site = path.join(dir, 'site');
    fs.cpSync(exports.rnn, site, { recursive: true });
    fs.mkdirSync(`${site}.prev`);
    fs.writeFileSync(path.join(`${site}.prev`, 'draft.txt'), 'mine');
    const r = await runInProcess(['export', runs.rnn, site]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/^charnn: .*site\.prev\/draft\.txt is a file charnn did not write; replacing .*site would delete it \(move it away\)\n$/);
    expect(fs.readFileSync(path.join(`${site}.prev`, 'draft.txt'), 'utf8')).toBe('mine');
    expect(fs.readdirSync(site).sort()).toEqual(['index.html', 'model.json', 'tf.min.js', 'vocab.json', 'weights.bin']);
  });

  it('is atomic: a full disk (ulimit -f) leaves the previous export whole; a link in the target is neither written through nor replaced', async () => {
    const target = path.join(dir, 'atomic-export');
    fs.cpSync(exports.gru, target, { recursive: true });
    const before = Object.fromEntries(fs.readdirSync(target).map((f) => [f, fs.readFileSync(path.join(target, f)).toString('base64')]));
    // tf.min.js alone is over a megabyte; 256 blocks are 128 kB under dash.
    const limited = spawnSync('/bin/sh', ['-c', 'ulimit -f 256 && exec "$0" "$@"', process.execPath, BIN, 'export', runs.lstm, target],
      { cwd: ROOT, env: { ...process.env, NO_COLOR: '1' }, encoding: 'utf8' });
    expect(limited.status, limited.stderr).toBe(1);
    expect(limited.stderr).toMatch(/^charnn: cannot write the export into .*atomic-export: the disk is full \(free disk space or check the permissions; a previous export there is intact\)\n$/);
    expect(Object.fromEntries(fs.readdirSync(target).map((f) => [f, fs.readFileSync(path.join(target, f)).toString('base64')]))).toEqual(before);
    expect(fs.readdirSync(dir).filter((f) => f.startsWith('.charnn-tmp-'))).toEqual([]);

    // A link planted in the target (beside a file of the user's): neither written through nor replaced, even with --force.
    const victim = path.join(dir, 'victim.txt');
    fs.writeFileSync(victim, 'do not overwrite');
    fs.rmSync(path.join(target, 'weights.bin'));
    fs.symlinkSync(victim, path.join(target, 'weights.bin'));
    fs.writeFileSync(path.join(target, 'notes.txt'), 'mine');
    const r = await runCli(['export', runs.lstm, target, '--force']);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/^charnn: .*atomic-export\/weights\.bin is a symbolic link charnn did not write; the export would replace it \(move it away, or export into another directory\)\n$/);
    expect(fs.readFileSync(victim, 'utf8')).toBe('do not overwrite');
    expect(fs.readlinkSync(path.join(target, 'weights.bin'))).toBe(victim);
    expect(fs.readFileSync(path.join(target, 'notes.txt'), 'utf8')).toBe('mine');
    // Once the link is gone, the export is written in beside the user's file.
    fs.rmSync(path.join(target, 'weights.bin'));
    const again = await runCli(['export', runs.lstm, target, '--force']);
    expect(again.code, again.stderr).toBe(0);
    expect(fs.lstatSync(path.join(target, 'weights.bin')).isFile()).toBe(true);
    expect(fs.readFileSync(path.join(target, 'notes.txt'), 'utf8')).toBe('mine');

    const link = path.join(dir, 'export-link');
    fs.symlinkSync(target, link);
    const refused = await runCli(['export', runs.lstm, link]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/^charnn: .*export-link is a symbolic link \(export into a real directory/);
  });
});
