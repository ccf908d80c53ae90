/**
 * Looking inside a model and vetting its output, through charnn's own
 * program in-process (helpers/in-process.ts: the same commands, output and
 * exit codes, without a Node start-up per run) and the real binary where
 * stdin, a colour terminal or a large allocation is the point, on
 * one tiny trained LSTM (and a hand-built copy of it whose unit 5 copies
 * "upper case"): generate --beam (records, the stdout/stderr split, refused
 * combinations), generate --novelty (the field, the stderr lines, the cached
 * index, a corpus that moved or changed) and charnn neurons (--find ranks the
 * copying unit first, the painted text at 80 columns and its NO_COLOR twin,
 * the default report, stdin, errors).
 */
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/engine/tfjs/backend/index.js';
import { loadCheckpoint } from '../../src/checkpoint/load.js';
import { saveCheckpoint } from '../../src/checkpoint/save.js';
import { layerParam } from '../../src/model/params.js';
import { displayWidth, stripAnsi } from '../../src/util/text.js';
import { runCli, tempDir } from '../helpers/cli.js';
import { trainTiny } from '../helpers/tiny-run.js';
import { runInProcess } from '../helpers/in-process.js';

let dir: string;
let run: string;
let handBuilt: string;
let textFile: string;
const COPIER = 5;

/** The trained model, with unit COPIER of layer 1 turned into an upper-case detector (gates pinned, candidate reading one embedding column). */
async function buildCopier(): Promise<string> {
  await initBackend('wasm');
  const loaded = loadCheckpoint(run);
  const { hidden: H, embedding: E } = loaded.meta.model;
  const G = 4 * H;
  const read = (name: string) => loaded.params.get(name)!.slice();
  const embedding = read('embedding');
  const kernel = read(layerParam(0, 'kernel'));
  const recurrent = read(layerParam(0, 'recurrent'));
  const bias = read(layerParam(0, 'bias'));
  loaded.vocab.chars.forEach((ch, id) => (embedding[id * E] = /\p{Lu}/u.test(ch) ? 1 : -1));
  // Internal gate order i, f, o, g: input and output open, forget shut, candidate = tanh(4·column 0).
  for (const [block, b] of [[0, 10], [1, -10], [2, 10], [3, 0]] as const) {
    const j = block * H + COPIER;
    bias[j] = b;
    for (let d = 0; d < E; d++) kernel[d * G + j] = block === 3 && d === 0 ? 4 : 0;
    for (let d = 0; d < H; d++) recurrent[d * G + j] = 0;
  }
  for (const [name, values] of [['embedding', embedding], [layerParam(0, 'kernel'), kernel], [layerParam(0, 'recurrent'), recurrent], [layerParam(0, 'bias'), bias]] as const) {
    loaded.params.set(name, values);
  }
  const out = path.join(dir, 'hand-built');
  await saveCheckpoint(out, { meta: loaded.meta, params: loaded.params, optimizer: null, carried: null });
  return out;
}

beforeAll(async () => {
  dir = tempDir('charnn-inspect-');
  run = trainTiny(dir, 'lstm');
  handBuilt = await buildCopier();
  textFile = path.join(dir, 'text.txt');
  fs.writeFileSync(textFile, `${fs.readFileSync(path.join(dir, 'small.txt'), 'utf8').slice(3000, 4200)}\u0007€`);
});

interface BeamRecord {
  prompt: string;
  text: string;
  prompt_index: number;
  sample_index: number;
  beam: number;
  length: number;
  logprob: number;
  perplexity: number;
  stopped: string | null;
}

describe('charnn generate --beam', () => {
  it('prints the N best continuations, best first, each with its logprob (jsonl), and beam 1 is temperature 0', async () => {
    const [jsonl, beamOne, greedy] = await Promise.all([
      runCli(['generate', run, '--beam', '3', '--prompts', '-', '--length', '20', '--format', 'jsonl'], { input: 'ROMEO:\nJULIET:\n' }),
      runInProcess(['generate', run, '--beam', '1', '--prime', 'the ', '--length', '40', '--format', 'jsonl']),
      runInProcess(['generate', run, '--temperature', '0', '--prime', 'the ', '--length', '40', '--format', 'jsonl']),
    ]);
    expect(jsonl.stderr).toBe('');
    expect(jsonl.code).toBe(0);
    const records = jsonl.stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as BeamRecord);
    expect(records.map((r) => [r.prompt, r.prompt_index, r.sample_index, r.beam])).toEqual([
      ['ROMEO:', 0, 0, 3], ['ROMEO:', 0, 1, 3], ['ROMEO:', 0, 2, 3],
      ['JULIET:', 1, 0, 3], ['JULIET:', 1, 1, 3], ['JULIET:', 1, 2, 3],
    ]);
    for (const prompt of [0, 1]) {
      const mine = records.filter((r) => r.prompt_index === prompt);
      expect(new Set(mine.map((r) => r.text)).size).toBe(3);
      for (let i = 1; i < 3; i++) expect(mine[i]!.logprob).toBeLessThanOrEqual(mine[i - 1]!.logprob);
      for (const r of mine) {
        expect([...r.text]).toHaveLength(20);
        expect(r.perplexity).toBeCloseTo(Math.exp(-r.logprob / 20), 9);
      }
    }
    const one = JSON.parse(beamOne.stdout) as BeamRecord;
    const zero = JSON.parse(greedy.stdout) as BeamRecord;
    expect(one.text).toBe(zero.text);
    expect(one.logprob).toBeCloseTo(zero.logprob, 5);
    // Both paths write through one writer: the same fields in the same order, but for the sampling settings and the beam's width.
    const only = (r: object, drop: string[]): [string, unknown][] => Object.entries(r).filter(([k]) => !drop.includes(k) && k !== 'logprob' && k !== 'perplexity');
    expect(only(one, ['beam'])).toEqual(only(zero, ['seed', 'temperature', 'top_k', 'top_p']));
  });

  it('keeps stdout to the continuations in text format and reports the logprobs on stderr; --num k prints the k best', async () => {
    const [text, two] = await Promise.all([
      runInProcess(['generate', run, '--beam', '3', '--prime', 'A', '--length', '15', '--separator', '\\n--\\n']),
      runInProcess(['generate', run, '--beam', '3', '--num', '2', '--prime', 'A', '--length', '15', '--format', 'jsonl']),
    ]);
    expect(text.code).toBe(0);
    const samples = text.stdout.replace(/\n$/, '').split('\n--\n');
    expect(samples).toHaveLength(3);
    for (const s of samples) expect([...s]).toHaveLength(16);
    const notes = text.stderr.trimEnd().split('\n');
    expect(notes).toHaveLength(3);
    notes.forEach((line, i) => expect(line).toMatch(new RegExp(`^beam ${i + 1}/3: logprob -\\d+\\.\\d{3} over 15 characters \\(perplexity \\d+\\.\\d{3}\\)$`)));
    const best = two.stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as BeamRecord);
    expect(best.map((r) => 'A' + r.text)).toEqual(samples.slice(0, 2));
  });

  it('refuses sampling flags and a --num beyond the beam with one line, exit 2', async () => {
    const results = await Promise.all([
      runInProcess(['generate', run, '--beam', '2', '--temperature', '0.5']),
      runInProcess(['generate', run, '--beam', '2', '--seed', '4']),
      runInProcess(['generate', run, '--beam', '2', '--num', '3']),
      runInProcess(['generate', run, '--beam', '0']),
      runCli(['generate', run, '--beam', '1000']),
    ]);
    for (const r of results) {
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    }
    expect(results[0]!.stderr).toContain('--temperature');
    expect(results[1]!.stderr).toContain('--seed');
    expect(results[2]!.stderr).toContain('--num 3');
    expect(results[4]!.stderr).toContain('256');
  });
});

interface NoveltyRecord {
  text: string;
  novelty: { longest: number; longest_text: string; copied_share: number; copied_chars: number; min_run: number };
}

describe('charnn generate --novelty', () => {
  it('adds a novelty field to jsonl records, builds the index once beside the run and reuses it', async () => {
    const args = ['generate', run, '--novelty', '--num', '4', '--length', '120', '--seed', '3', '--temperature', '0.5', '--format', 'jsonl'];
    const first = await runInProcess(args);
    expect(first.code).toBe(0);
    expect(first.stderr).toMatch(/^novelty: indexing the corpus small \(20,000 characters\)…\nnovelty: indexed in \d+\.\d s, cached in .*novelty\.index\n$/);
    expect(fs.existsSync(path.join(run, 'novelty.index'))).toBe(true);
    const corpus = fs.readFileSync(path.join(dir, 'small.txt'), 'utf8');
    const records = first.stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as NoveltyRecord);
    expect(records).toHaveLength(4);
    for (const r of records) {
      const n = r.novelty;
      expect(n.min_run).toBe(20);
      expect([...n.longest_text]).toHaveLength(n.longest);
      expect(corpus.includes(n.longest_text)).toBe(true);
      expect(r.text.includes(n.longest_text)).toBe(true);
      expect(n.copied_share).toBeCloseTo(n.copied_chars / [...r.text].length, 12);
    }
    const [again, beam] = await Promise.all([runInProcess(args), runInProcess(['generate', run, '--novelty', '--beam', '2', '--length', '60', '--format', 'jsonl'])]);
    expect(again.stderr).toBe('');
    expect(again.stdout).toBe(first.stdout);
    for (const line of beam.stdout.trimEnd().split('\n')) expect((JSON.parse(line) as NoveltyRecord).novelty.min_run).toBe(20);
  });

  it('leaves the text on stdout as it is and reports one line per sample on stderr', async () => {
    const args = ['generate', run, '--num', '3', '--length', '80', '--seed', '5'];
    const [plain, reported] = await Promise.all([runInProcess(args), runInProcess([...args, '--novelty'])]);
    expect(reported.code).toBe(0);
    expect(reported.stdout).toBe(plain.stdout);
    // (After the index-building lines when this test runs alone.)
    const lines = reported.stderr.trimEnd().split('\n').filter((l) => !l.startsWith('novelty: '));
    expect(lines).toHaveLength(3);
    lines.forEach((line, i) => expect(line).toMatch(new RegExp(`^sample ${i + 1}: longest copied \\d+ characters?( ".*")?, \\d+(\\.\\d)?% in copied runs of ≥ 20$`)));
  });

  it('names the way out when the corpus moved or changed, and takes --corpus', async () => {
    const corpus = path.join(dir, 'small.txt');
    const moved = path.join(dir, 'moved.txt');
    fs.renameSync(corpus, moved);
    try {
      const [gone, given, alone] = await Promise.all([
        runInProcess(['generate', run, '--novelty', '--length', '10']),
        runInProcess(['generate', run, '--novelty', '--corpus', moved, '--length', '10', '--format', 'jsonl']),
        runInProcess(['generate', run, '--corpus', moved]),
      ]);
      expect(gone.code).toBe(2);
      expect(gone.stdout).toBe('');
      expect(gone.stderr).toMatch(/^charnn: the corpus this checkpoint was trained on is not at .*small\.txt any more \(moved or deleted\) \(pass --corpus with its new location\)\n$/);
      expect(given.code).toBe(0);
      expect(JSON.parse(given.stdout).novelty.min_run).toBe(20);
      expect(alone.code).toBe(2);
      expect(alone.stderr).toContain('--novelty');
      fs.writeFileSync(corpus, `${fs.readFileSync(moved, 'utf8')}more text\n`);
      const changed = await runInProcess(['generate', run, '--novelty', '--length', '10']);
      expect(changed.code).toBe(2);
      expect(changed.stderr).toMatch(/has changed since training \(20,000 → 20,010 bytes, 20,000 → 20,010 characters\).*--corpus/);
      expect(changed.stderr.trimEnd().split('\n')).toHaveLength(1);
    } finally {
      fs.rmSync(corpus, { force: true });
      fs.renameSync(moved, corpus);
    }
  });
});

const visible = (line: string) => displayWidth(stripAnsi(line));

describe('charnn neurons', () => {
  it('--find ranks the unit that copies upper case first (JSON), on the validation text by default', async () => {
    const r = await runInProcess(['neurons', handBuilt, '--find', '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.text.source).toBe('the validation text of small');
    expect(out.text.chars).toBe(2000);
    const upper = out.find.find((p: { property: string }) => p.property === 'upper');
    expect(upper.absent).toBeNull();
    expect(upper.units[0]).toMatchObject({ layer: 1, unit: COPIER });
    expect(Math.abs(upper.units[0].r)).toBeGreaterThan(0.99);
    expect(out.find.find((p: { property: string }) => p.property === 'brackets').absent).toBe('not in this text');
    // --find comes with the gate statistics: one entry per gate of the single layer.
    expect(out.gates.map((g: { layer: number; gate: string }) => `${g.layer}${g.gate}`)).toEqual(['1i', '1f', '1o']);
    expect(out.readings).toHaveLength(1);
  });

  it('paints a unit over the text at 80 columns; the NO_COLOR twin prints the same text with a bar line under each line', async () => {
    const args = ['neurons', run, textFile, '--unit', '1:3', '--width', '80'];
    const [colour, mono] = await Promise.all([runCli(args, { env: { NO_COLOR: '', FORCE_COLOR: '1' } }), runCli(args)]);
    expect(colour.code).toBe(0);
    expect(mono.code).toBe(0);
    // The characters the model never saw are named once, on stderr.
    expect(mono.stderr).toMatch(/^charnn: skipped 2 characters of .*text\.txt the model never saw: "\\u0007" "€"\n$/);
    expect(colour.stdout).toContain('\x1b[48;5;');
    expect(mono.stdout).not.toContain('\x1b');
    const colourLines = colour.stdout.trimEnd().split('\n');
    const monoLines = mono.stdout.trimEnd().split('\n');
    for (const line of [...colourLines, ...monoLines]) expect(visible(line)).toBeLessThanOrEqual(80);
    // After the header and legend, the coloured text lines are the NO_COLOR text lines, each followed by its bars.
    // The unit heading, the legend, a blank line, then the text.
    const start = (lines: string[]) => lines.findIndex((l) => stripAnsi(l).startsWith('unit h 1:3')) + 3;
    const painted = colourLines.slice(start(colourLines));
    const twin = monoLines.slice(start(monoLines));
    expect(twin.length).toBe(2 * painted.length);
    painted.forEach((line, k) => {
      expect(twin[2 * k]).toBe(stripAnsi(line));
      expect(displayWidth(twin[2 * k + 1]!)).toBe(displayWidth(twin[2 * k]!));
      expect(twin[2 * k + 1]).toMatch(/^[▁▂▃▄▅▆▇█]*$/);
    });
    const text = fs.readFileSync(textFile, 'utf8').slice(0, 1200);
    expect(painted.map(stripAnsi).join('').replace(/↵/g, '\n')).toBe(text);
  });

  it('without a mode prints the ranked units and the gate figure with a reading per layer, within 80 columns', async () => {
    const r = await runInProcess(['neurons', run, '--width', '80', '--chars', '800']);
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    for (const line of lines) expect(visible(line)).toBeLessThanOrEqual(80);
    expect(r.stdout).toContain('UNITS THAT TRACK PROPERTIES OF THE TEXT');
    expect(r.stdout).toMatch(/position in line \(0 to \d+, mean \d+\.\d\)\n {2}column {10} {2}/);
    expect(r.stdout).toContain('GATE SATURATION');
    expect(r.stdout).toContain('layer 1 · input (i)     layer 1 · forget (f)    layer 1 · output (o)');
    expect(r.stdout).toMatch(/\n(\d+% of layer-1 \w+ gates are (open|shut) .* of the time|layer 1: no gate is saturated most of the time)/);
  });

  it('reads stdin, and refuses units, signals and widths that do not fit with one line (exit 2)', async () => {
    const moved = path.join(dir, 'small-moved.txt');
    const [stdin, badUnit, badSignal, badWidth, gruSignal] = await Promise.all([
      runCli(['neurons', run, '-', '--unit', '1:0', '--signal', 'f', '--json'], { input: 'The quick brown fox.\n' }),
      runInProcess(['neurons', run, '--unit', '2:0']),
      runInProcess(['neurons', run, '--signal', 'q']),
      runInProcess(['neurons', run, '--width', '10']),
      runInProcess(['neurons', run, '--signal', 'z', '--find']),
    ]);
    expect(stdin.code).toBe(0);
    const out = JSON.parse(stdin.stdout);
    expect(out.text).toMatchObject({ source: 'stdin', text: 'The quick brown fox.\n', chars: 21 });
    expect(out.unit).toMatchObject({ signal: 'f', layer: 1, unit: 0 });
    expect(out.unit.values).toHaveLength(21);
    for (const v of out.unit.values) expect(v > 0 && v < 1).toBe(true);
    for (const r of [badUnit, badSignal, badWidth, gruSignal]) {
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    }
    expect(badUnit.stderr).toContain('1 layer of 32 units');
    expect(gruSignal.stderr).toContain('h, c, i, f, o, g');

    // The corpus moved: the default text needs --corpus, a given file does not.
    fs.renameSync(path.join(dir, 'small.txt'), moved);
    try {
      const [gone, given, file] = await Promise.all([
        runInProcess(['neurons', run, '--gates', '--chars', '100']),
        runInProcess(['neurons', run, '--gates', '--chars', '100', '--corpus', moved]),
        runInProcess(['neurons', run, textFile, '--gates', '--chars', '100']),
      ]);
      expect(gone.code).toBe(2);
      expect(gone.stderr).toMatch(/not at .*small\.txt any more .*--corpus/);
      expect(given.code).toBe(0);
      expect(file.code).toBe(0);
      expect(given.stdout).toContain('GATE SATURATION');
    } finally {
      fs.renameSync(moved, path.join(dir, 'small.txt'));
    }
  });
});
