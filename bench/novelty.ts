/**
 * `npm run build && node dist/bench/novelty.js [--checkpoint DIR] [--big MB] [--corpus FILE]`:
 * the cost of `generate --novelty`, measured, not asserted (the machine is noisy).
 *
 *  1. Tiny Shakespeare (1.1 MB): read into ids as --novelty reads a corpus
 *     (narrowed to bytes when the vocabulary allows), hashed, indexed
 *     (SA-IS), the index written and loaded back (with its validation).
 *  2. Queries: 64 samples of 500 characters, drawn at temperature 0.8 from
 *     --checkpoint (or, without one, 64 stretches of the corpus itself with
 *     every 40th character changed — the copied-run worst case), timed per
 *     sample character.
 *  3. A large corpus: --corpus FILE, or --big MB of text (default 100) from a
 *     word-bigram chain over Tiny Shakespeare (natural statistics without the
 *     long repeats of a concatenation), written to a temporary file. One
 *     child process reads it and builds and caches its index (the first
 *     --novelty), another reads it and loads the index (a later one), so
 *     that each peak resident memory is that path's alone.
 *
 * Prints a table on stdout; progress on stderr. `--child build|load FILE INDEX` is a child's entry.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { initBackend } from '../src/engine/tfjs/backend/index.js';
import { loadCheckpoint } from '../src/checkpoint/load.js';
import { readCorpus, type Corpus } from '../src/data/corpus.js';
import { idsHash, readIndexFile, writeIndexFile } from '../src/novelty/index-file.js';
import { CorpusIndex } from '../src/novelty/matches.js';
import { narrowIds } from '../src/novelty/narrow-ids.js';
import { suffixArray, type Symbols } from '../src/novelty/suffix-array.js';
import { generate } from '../src/sample/generate.js';
import { Sampler } from '../src/sample/sampler.js';
import { TfjsStepModel } from '../src/engine/tfjs/engine.js';
import { Rng } from '../src/util/rng.js';
import { optionValue } from './args.js';

const args = process.argv.slice(2);
const arg = (name: string): string | undefined => optionValue(args, name);
const log = (line: string): void => void process.stderr.write(`${line}\n`);
const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..', '..');
const shakespeareFile = path.join(root, 'corpora', 'tinyshakespeare.txt');
const seconds = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
const cpuMs = (since: NodeJS.CpuUsage): number => {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1000;
};
const loads = (): string => os.loadavg().map((l) => l.toFixed(1)).join(', ');

/** What indexing one corpus file cost, step by step (times in ms; peaks in MB). */
interface Measured {
  bytes: number;
  chars: number;
  read: number;
  hash: number;
  build: number;
  buildCpu: number;
  write: number;
  indexBytes: number;
  buildPeakMb: number;
  /** Reading the corpus again, hashing it, loading and validating the index: what a later --novelty pays. */
  reread: number;
  load: number;
  loadPeakMb: number;
}

/** Reads `file` into ids as --novelty does (narrowed to bytes when they fit). */
function readIds(file: string): { corpus: Corpus; text: Symbols; ms: number } {
  const t = performance.now();
  const corpus = readCorpus(file, 'none');
  const text = narrowIds(corpus.ids, corpus.vocab.size);
  return { corpus, text, ms: performance.now() - t };
}

/** The first --novelty: read, hash, index, write the index to `indexFile`. */
function buildIndex(file: string, indexFile: string) {
  const { corpus, text, ms: read } = readIds(file);
  let t = performance.now();
  const hash = idsHash(text);
  const hashMs = performance.now() - t;
  t = performance.now();
  const cpu = process.cpuUsage();
  const sa = suffixArray(text, corpus.vocab.size);
  const build = performance.now() - t;
  const buildCpu = cpuMs(cpu);
  t = performance.now();
  writeIndexFile(indexFile, sa, hash);
  const write = performance.now() - t;
  const measured = {
    bytes: corpus.bytes, chars: text.length, read, hash: hashMs, build, buildCpu, write,
    indexBytes: fs.statSync(indexFile).size, buildPeakMb: process.resourceUsage().maxRSS / 1024,
  };
  return { measured, index: new CorpusIndex(text, corpus.vocab, sa) };
}

/** A later --novelty: read and hash the corpus, load and validate its index. */
function loadIndex(file: string, indexFile: string) {
  const { text, ms: reread } = readIds(file);
  const t = performance.now();
  const loaded = readIndexFile(indexFile, text, idsHash(text));
  const load = performance.now() - t;
  if (!loaded.ok) throw new Error(`the index did not load back: ${loaded.reason}`);
  return { reread, load, loadPeakMb: process.resourceUsage().maxRSS / 1024 };
}

function rowsOf(label: string, m: Measured): [string, string][] {
  return [
    [`${label}: ${(m.bytes / 1e6).toFixed(1)} MB, ${m.chars.toLocaleString('en-US')} chars`, ''],
    ['  read into ids (as --novelty reads the corpus; bytes when they fit)', seconds(m.read)],
    ['  sha256 of the ids', seconds(m.hash)],
    ['  suffix array (SA-IS), wall clock', seconds(m.build)],
    ['  suffix array (SA-IS), CPU time of this process', seconds(m.buildCpu)],
    ['  index total (hash + suffix array + cache write)', seconds(m.hash + m.build + m.write)],
    [`  cache write (${(m.indexBytes / 1e6).toFixed(0)} MB)`, seconds(m.write)],
    ['  a later --novelty: corpus read again into ids', seconds(m.reread)],
    ['  a later --novelty: cache load (hash + read + validation)', seconds(m.load)],
  ];
}

/** Writes ~`megabytes` of text from a word-bigram chain over `source` (seeded) to `file`, a piece at a time. */
function writeBigramText(source: string, megabytes: number, rng: Rng, file: string): void {
  const words = source.split(/(\s+)/).filter((w) => w.length > 0);
  const next = new Map<string, string[]>();
  for (let i = 0; i + 1 < words.length; i++) {
    const list = next.get(words[i]!) ?? [];
    list.push(words[i + 1]!);
    next.set(words[i]!, list);
  }
  const fd = fs.openSync(file, 'w');
  try {
    let size = 0;
    let word = words[0]!;
    let parts: string[] = [];
    while (size < megabytes * 1e6) {
      parts.push(word);
      size += word.length;
      if (parts.length === 100_000) {
        fs.writeSync(fd, parts.join(''));
        parts = [];
      }
      const options = next.get(word) ?? words;
      word = options[Math.floor(rng.next() * options.length)]!;
    }
    fs.writeSync(fd, parts.join(''));
  } finally {
    fs.closeSync(fd);
  }
}

async function samples(shakespeare: string): Promise<{ what: string; texts: string[] }> {
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
  const sampler = new Sampler(new TfjsStepModel(checkpoint.meta.model, checkpoint.params));
  const requests = Array.from({ length: 64 }, (_, i) => ({ prime: '', rng: new Rng(i + 1), sampling: { temperature: 0.8, topK: 0, topP: 1 } }));
  const results = await generate(sampler, checkpoint.vocab, requests, { length: 500, maxLength: 500, stop: [] });
  sampler.dispose();
  return { what: `64 samples of 500 chars at T=0.8 from ${dir} (step ${checkpoint.meta.progress.step})`, texts: results.map((r) => r.text) };
}

/** Runs this script in a child process (`--child build|load FILE INDEX`); its figures come back as JSON on stdout. */
function inChild<T>(mode: 'build' | 'load', file: string, indexFile: string): T {
  const child = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--child', mode, file, indexFile], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  if (child.status !== 0) throw new Error(`the measuring child (${mode}) failed (exit ${child.status ?? child.signal})`);
  return JSON.parse(child.stdout) as T;
}

const childMode = arg('--child');
if (childMode !== undefined) {
  const [file, indexFile] = args.slice(args.indexOf('--child') + 2);
  const result = childMode === 'build' ? buildIndex(file!, indexFile!).measured : loadIndex(file!, indexFile!);
  process.stdout.write(`${JSON.stringify(result)}\n`);
} else {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'charnn-novelty-bench-'));
  try {
    const rows: [string, string][] = [];
    const loadAtStart = loads();
    log(`charnn novelty bench, ${os.cpus().length} cores, ${os.cpus()[0]?.model ?? 'unknown CPU'}, node ${process.version}, load average ${loadAtStart}`);
    const smallIndex = path.join(dir, 'small.index');
    const { measured: built, index } = buildIndex(shakespeareFile, smallIndex);
    rows.push(...rowsOf('Tiny Shakespeare', { ...built, ...loadIndex(shakespeareFile, smallIndex) }));

    const { what, texts } = await samples(fs.readFileSync(shakespeareFile, 'utf8'));
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

    let big = arg('--corpus');
    let label = big ? path.basename(big) : '';
    const mb = Number(arg('--big') ?? 100);
    if (!big && mb > 0) {
      big = path.join(dir, 'bigram.txt');
      label = 'word-bigram text from Tiny Shakespeare';
      log(`writing ${mb} MB of word-bigram text…`);
      writeBigramText(fs.readFileSync(shakespeareFile, 'utf8'), mb, new Rng(1), big);
    }
    if (big) {
      const bigIndex = path.join(dir, 'big.index');
      log(`indexing ${big} in a child process…`);
      const built = inChild<Measured>('build', big, bigIndex);
      log('loading its index in another…');
      const large = { ...built, ...inChild<Pick<Measured, 'reread' | 'load' | 'loadPeakMb'>>('load', big, bigIndex) };
      const perChar = (mb: number): string => (mb / (large.chars / 2 ** 20)).toFixed(2);
      rows.push(...rowsOf(label, large));
      rows.push([`  peak resident memory, first --novelty (${perChar(large.buildPeakMb)} bytes per char)`, `${large.buildPeakMb.toFixed(0)} MB`]);
      rows.push([`  peak resident memory, a later --novelty (${perChar(large.loadPeakMb)} bytes per char)`, `${large.loadPeakMb.toFixed(0)} MB`]);
    }
    rows.push(['peak resident memory of this process (Tiny Shakespeare, queries)', `${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`]);
    rows.push([`load averages (1, 5, 15 min) at the start, on ${os.cpus().length} cores`, loadAtStart]);
    rows.push(['load averages (1, 5, 15 min) at the end', loads()]);
    const width = Math.max(...rows.map(([k]) => k.length));
    process.stdout.write(rows.map(([k, v]) => (v ? `${k.padEnd(width)}  ${v}` : k)).join('\n') + '\n');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
