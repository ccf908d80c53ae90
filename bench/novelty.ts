/**
 * `npm run build && node dist/bench/novelty.js [--checkpoint DIR] [--big MB] [--corpus FILE]`:
 * the cost of `generate --novelty`, measured, not asserted (the machine is noisy).
 *
 *  1. Index build, cache write and cache load for Tiny Shakespeare (1.1 MB).
 *  2. Queries: 64 samples of 500 characters, drawn at temperature 0.8 from
 *     --checkpoint (or, without one, 64 stretches of the corpus itself with
 *     every 40th character changed — the copied-run worst case), timed per
 *     sample character.
 *  3. Index build for a large corpus: --corpus FILE, or --big MB of text
 *     (default 100) from a word-bigram chain over Tiny Shakespeare: natural
 *     statistics without the long repeats of a concatenation.
 *
 * Prints a table on stdout; progress on stderr.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { initBackend } from '../src/backend/index.js';
import { loadCheckpoint } from '../src/checkpoint/load.js';
import { readCorpus, type Corpus } from '../src/data/corpus.js';
import { CharRnn } from '../src/model/char-rnn.js';
import { corpusHash, readIndexFile, writeIndexFile } from '../src/novelty/index-file.js';
import { CorpusIndex, encodeCorpus } from '../src/novelty/matches.js';
import { suffixArray } from '../src/novelty/suffix-array.js';
import { generate } from '../src/sample/generate.js';
import { Sampler } from '../src/sample/sampler.js';
import { TfjsStepModel } from '../src/engine/tfjs/engine.js';
import { Rng } from '../src/util/rng.js';

const args = process.argv.slice(2);
const arg = (name: string): string | undefined => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const log = (line: string): void => void process.stderr.write(`${line}\n`);
const corpusString = (corpus: Corpus): string => corpus.vocab.decode(corpus.ids);
const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..', '..');
const shakespeare = corpusString(readCorpus(path.join(root, 'corpora', 'tinyshakespeare.txt'), 'none'));
const rows: [string, string][] = [];
const seconds = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;

function timeBuild(label: string, text: string, dir: string): CorpusIndex {
  const mb = Buffer.byteLength(text, 'utf8') / 1e6;
  let t = performance.now();
  const { text: symbols, alphabet } = encodeCorpus(text);
  const hash = corpusHash(text);
  const prepare = performance.now() - t;
  t = performance.now();
  const cpu = process.cpuUsage();
  const sa = suffixArray(symbols, alphabet.length);
  const build = performance.now() - t;
  const used = process.cpuUsage(cpu);
  const buildCpu = (used.user + used.system) / 1000;
  const file = path.join(dir, 'novelty.index');
  t = performance.now();
  writeIndexFile(file, sa, hash);
  const write = performance.now() - t;
  t = performance.now();
  const loaded = readIndexFile(file, symbols, hash);
  const load = performance.now() - t;
  if (!loaded.ok) throw new Error(`cache did not load: ${loaded.reason}`);
  const size = fs.statSync(file).size;
  fs.rmSync(file);
  rows.push([`${label}: ${mb.toFixed(1)} MB, ${symbols.length.toLocaleString('en-US')} chars`, '']);
  rows.push(['  encode + sha256', seconds(prepare)]);
  rows.push(['  suffix array (SA-IS), wall clock', seconds(build)]);
  rows.push(['  suffix array (SA-IS), CPU time of this process', seconds(buildCpu)]);
  rows.push(['  index total (what the first --novelty costs)', seconds(prepare + build + write)]);
  rows.push([`  cache write (${(size / 1e6).toFixed(0)} MB)`, seconds(write)]);
  rows.push(['  cache load + validation', seconds(load + prepare)]);
  log(`${label}: built in ${seconds(build)}`);
  return new CorpusIndex(symbols, alphabet, sa);
}

/** ~`megabytes` of text from a word-bigram chain over `source` (seeded). */
function bigramText(source: string, megabytes: number, rng: Rng): string {
  const words = source.split(/(\s+)/).filter((w) => w.length > 0);
  const next = new Map<string, string[]>();
  for (let i = 0; i + 1 < words.length; i++) {
    const list = next.get(words[i]!) ?? [];
    list.push(words[i + 1]!);
    next.set(words[i]!, list);
  }
  const parts: string[] = [];
  let size = 0;
  let word = words[0]!;
  while (size < megabytes * 1e6) {
    parts.push(word);
    size += word.length;
    const options = next.get(word) ?? words;
    word = options[Math.floor(rng.next() * options.length)]!;
  }
  return parts.join('');
}

async function samples(): Promise<{ what: string; texts: string[] }> {
  const dir = arg('--checkpoint');
  if (!dir) {
    const rng = new Rng(2);
    const texts = Array.from({ length: 64 }, () => {
      const from = Math.floor(rng.next() * (shakespeare.length - 600));
      const chars = Array.from(shakespeare.slice(from, from + 500));
      for (let i = 39; i < chars.length; i += 40) chars[i] = '#';
      return chars.join('');
    });
    return { what: '64 corpus stretches of 500 chars, every 40th changed', texts };
  }
  await initBackend('wasm');
  const checkpoint = loadCheckpoint(dir);
  const sampler = new Sampler(TfjsStepModel.of(new CharRnn(checkpoint.meta.model, checkpoint.params)));
  const requests = Array.from({ length: 64 }, (_, i) => ({ prime: '', rng: new Rng(i + 1), sampling: { temperature: 0.8, topK: 0, topP: 1 } }));
  const results = await generate(sampler, checkpoint.vocab, requests, { length: 500, maxLength: 500, stop: [] });
  sampler.dispose();
  return { what: `64 samples of 500 chars at T=0.8 from ${dir} (step ${checkpoint.meta.progress.step})`, texts: results.map((r) => r.text) };
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'charnn-novelty-bench-'));
try {
  log(`charnn novelty bench, ${os.cpus().length} cores, ${os.cpus()[0]?.model ?? 'unknown CPU'}, node ${process.version}, load average ${os.loadavg()[0]!.toFixed(1)}`);
  const index = timeBuild('Tiny Shakespeare', shakespeare, dir);

  const { what, texts } = await samples();
  let chars = 0;
  const t = performance.now();
  const reports = texts.map((s) => index.novelty(s));
  const queryMs = performance.now() - t;
  for (const s of texts) chars += Array.from(s).length;
  const longest = Math.max(...reports.map((r) => r.longest));
  const meanShare = reports.reduce((a, r) => a + r.copiedShare, 0) / reports.length;
  rows.push([`queries: ${what}`, '']);
  rows.push([`  ${chars.toLocaleString('en-US')} sample chars in total`, `${queryMs.toFixed(1)} ms`]);
  rows.push(['  per sample character', `${((1000 * queryMs) / chars).toFixed(2)} µs`]);
  rows.push(['  longest copied run, mean copied share (≥ 20)', `${longest} chars, ${(100 * meanShare).toFixed(1)}%`]);

  const big = arg('--corpus');
  if (big) {
    timeBuild(path.basename(big), corpusString(readCorpus(big, 'none')), dir);
  } else {
    const mb = Number(arg('--big') ?? 100);
    if (mb > 0) {
      log(`writing ${mb} MB of word-bigram text…`);
      timeBuild(`word-bigram text from Tiny Shakespeare`, bigramText(shakespeare, mb, new Rng(1)), dir);
    }
  }
  rows.push([`peak resident memory`, `${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`]);
  rows.push([`load average (1 min) at the end, on ${os.cpus().length} cores`, os.loadavg()[0]!.toFixed(1)]);
  const width = Math.max(...rows.map(([k]) => k.length));
  process.stdout.write(rows.map(([k, v]) => (v ? `${k.padEnd(width)}  ${v}` : k)).join('\n') + '\n');
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
