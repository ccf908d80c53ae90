/**
 * Matching statistics and the novelty report against brute force, and the
 * cached index file as untrusted input: stale, truncated, hostile.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Vocabulary } from '../../src/data/vocabulary.js';
import { idsHash, readIndexFile, writeIndexFile } from '../../src/novelty/index-file.js';
import { CorpusIndex } from '../../src/novelty/matches.js';
import { openCorpusIndex } from '../../src/novelty/open-index.js';
import { Rng } from '../../src/util/rng.js';
import { tempDir } from '../helpers/cli.js';

/** m(i) by searching the corpus for ever longer prefixes of sample[i…] (code points). */
function bruteForce(corpus: string, sample: string): number[] {
  const chars = Array.from(sample);
  return chars.map((_, i) => {
    let k = 0;
    while (i + k < chars.length && corpus.includes(chars.slice(i, i + k + 1).join(''))) k++;
    return k;
  });
}

/** A text as the data layer holds a corpus: ids (Uint16Array) and their vocabulary. */
function idsOf(text: string, vocab = Vocabulary.fromText(text)): { ids: Uint16Array; vocab: Vocabulary } {
  return { ids: Uint16Array.from(vocab.encode(text)), vocab };
}

const build = (text: string): CorpusIndex => {
  const { ids, vocab } = idsOf(text);
  return CorpusIndex.build(ids, vocab);
};

function randomText(rng: Rng, alphabet: string[], length: number): string {
  return Array.from({ length }, () => alphabet[Math.floor(rng.next() * alphabet.length)]!).join('');
}

describe('CorpusIndex', () => {
  it('finds the longest match at every position, as brute force does', () => {
    const rng = new Rng(9);
    const alphabet = ['a', 'b', 'c', ' ', '\n', '한', '😀'];
    for (let trial = 0; trial < 40; trial++) {
      const corpus = randomText(rng, alphabet.slice(0, 2 + (trial % 6)), 1 + Math.floor(rng.next() * 400));
      const index = build(corpus);
      for (let s = 0; s < 5; s++) {
        // Half the samples splice in corpus pieces, so long matches occur.
        // Cut by code points, so no emoji is split into a lone surrogate.
        let sample = Array.from(randomText(rng, alphabet, Math.floor(rng.next() * 60)));
        if (s % 2 === 1) {
          const points = Array.from(corpus);
          const from = Math.floor(rng.next() * points.length);
          sample = [...sample.slice(0, 10), ...points.slice(from, from + 50), ...sample.slice(10)];
        }
        const text = sample.join('');
        expect(Array.from(index.matchingStatistics(text).lengths)).toEqual(bruteForce(corpus, text));
      }
    }
  });

  it('reports the longest copied substring, where it is, and the share in copied runs of ≥ 20', () => {
    const corpus = 'To be, or not to be, that is the question: whether tis nobler in the mind to suffer';
    const index = build(corpus);
    const copied = 'that is the question: whether'; // 29 characters of the corpus
    const sample = `Zz ${copied} Qq`;
    const r = index.novelty(sample);
    expect(r.longest).toBe(copied.length + 2); // the spaces around it are in the corpus too
    expect(r.longestText).toBe(` ${copied} `);
    expect(corpus.slice(r.longestAt!, r.longestAt! + r.longest)).toBe(r.longestText);
    expect(r.copiedChars).toBe(copied.length + 2);
    expect(r.copiedShare).toBeCloseTo(r.copiedChars / sample.length, 12);
    const fresh = index.novelty('xyzzy jjj');
    expect(fresh).toMatchObject({ longest: 1, copiedChars: 0, copiedShare: 0 });
    expect(index.novelty('')).toMatchObject({ chars: 0, longest: 0, longestAt: null, copiedShare: 0 });
    // Characters the corpus never has break matches; they do not crash the search.
    expect(index.novelty('😀 be, or not 😀').longest).toBe(12);
  });

  it('matches by id in a vocabulary that is not in code point order (a checkpoint vocabulary, plus what the corpus adds)', () => {
    const corpus = 'the cat sat on the mat; 한국어 텍스트 😀 and the hat 😀 sat';
    // Ids as a checkpoint might have them: its own characters first, in any order, then the corpus's new ones.
    const vocab = new Vocabulary([...new Set(Array.from(corpus))].reverse());
    const { ids } = idsOf(corpus, vocab);
    const index = CorpusIndex.build(ids, vocab);
    for (const sample of ['the mat; 한국어', 'xx😀 sat', 'hat 😀 sat on the cat', '']) {
      expect(Array.from(index.matchingStatistics(sample).lengths)).toEqual(bruteForce(corpus, sample));
    }
  });
});

/** The index file `bytes` with its header's checksum made to match its (tampered) array: what a forger writes. */
function withChecksum(bytes: Buffer): Buffer {
  const length = bytes.readUInt32LE(8);
  const header = JSON.parse(bytes.subarray(12, 12 + length).toString('utf8')) as Record<string, unknown>;
  const body = bytes.subarray(12 + length);
  const forged = Buffer.from(JSON.stringify({ ...header, index: crypto.createHash('sha256').update(body).digest('hex') }), 'utf8');
  const head = Buffer.from(bytes.subarray(0, 12));
  head.writeUInt32LE(forged.length, 8);
  return Buffer.concat([head, forged, body]);
}

describe('the cached index file', () => {
  const corpus = 'It was the best of times, it was the worst of times, it was the age of wisdom.\n'.repeat(20);

  it('is reused when valid, and rebuilt (with a message) when stale, damaged or hostile', () => {
    const dir = tempDir('charnn-novelty-');
    const file = path.join(dir, 'novelty.index');
    const log: string[] = [];
    const open = (text: string) => openCorpusIndex(idsOf(text), { cacheFile: file, label: 'test', log: (l) => log.push(l) });
    const built = open(corpus);
    expect(log.at(-1)).toMatch(/cached in/);
    expect(fs.readdirSync(dir)).toEqual(['novelty.index']); // no temporary left behind
    log.length = 0;
    const reused = open(corpus);
    expect(log).toEqual([]);
    expect(Array.from(reused.sa)).toEqual(Array.from(built.sa));

    // The corpus changed: the header's hash no longer matches.
    open(`${corpus}!`);
    expect(log[0]).toMatch(/stale/);
    open(corpus);
    const text = idsOf(corpus).ids;
    const hash = idsHash(text);
    expect(readIndexFile(file, text, hash).ok).toBe(true);

    const bytes = fs.readFileSync(file);
    const variants: [string, Buffer, RegExp][] = [
      ['truncated', bytes.subarray(0, bytes.length - 4), /damaged/],
      ['garbage', Buffer.from('not an index at all, just text'), /not a charnn novelty index/],
      ['huge header length', Buffer.concat([bytes.subarray(0, 8), Buffer.from([0xff, 0xff, 0xff, 0x7f]), bytes.subarray(12)]), /header too long/],
    ];
    // Bytes of the array changed in place: the checksum no longer matches.
    const start = bytes.length - 4 * text.length;
    const flipped = Buffer.from(bytes);
    flipped[start + 41] = flipped[start + 41]! ^ 0x10;
    variants.push(['a flipped bit', flipped, /do not match their checksum/]);
    const sa = readIndexFile(file, text, hash) as { ok: true; sa: Int32Array };
    const swapped = Buffer.from(bytes);
    swapped.writeInt32LE(sa.sa[1]!, start);
    swapped.writeInt32LE(sa.sa[0]!, start + 4);
    variants.push(['a swapped pair', swapped, /do not match their checksum/]);
    // Forged with a checksum that matches: whoever writes the file can write that too.
    const outOfRange = Buffer.from(bytes);
    outOfRange.writeInt32LE(text.length + 5, bytes.length - 4);
    variants.push(['out of range, checksum forged', withChecksum(outOfRange), /not a permutation/]);
    const repeated = Buffer.from(bytes);
    repeated.writeInt32LE(sa.sa[7]!, start + 4 * 8);
    variants.push(['a position twice, checksum forged', withChecksum(repeated), /not a permutation/]);
    variants.push(['a swapped pair, checksum forged', withChecksum(swapped), /out of order/]);
    for (const [what, content, reason] of variants) {
      fs.writeFileSync(file, content);
      const result = readIndexFile(file, text, hash);
      expect(result.ok, what).toBe(false);
      expect((result as { reason: string }).reason, what).toMatch(reason);
      log.length = 0;
      expect(Array.from(open(corpus).sa), what).toEqual(Array.from(built.sa));
      expect(log[0], what).toMatch(/rebuilding/);
    }
    // A directory in its place is not read, and a failed cache write costs only a message.
    fs.rmSync(file);
    fs.mkdirSync(file);
    log.length = 0;
    expect(Array.from(open(corpus).sa)).toEqual(Array.from(built.sa));
    expect(log.join('\n')).toMatch(/could not cache it/);
    // A link in its place is not followed, and the message says it is a link (not an errno code).
    fs.rmSync(file, { recursive: true });
    fs.symlinkSync('/dev/zero', file);
    expect(readIndexFile(file, text, hash)).toEqual({ ok: false, reason: 'a symbolic link, which is never followed' });
    log.length = 0;
    expect(Array.from(open(corpus).sa)).toEqual(Array.from(built.sa));
    expect(log[0]).toMatch(/is a symbolic link, which is never followed; rebuilding it/);
    expect(fs.lstatSync(file).isSymbolicLink()).toBe(true);
  });

  it('a forged index, in order wherever sampled checks would look, is found out: the novelty figures are those of the corpus', () => {
    const dir = tempDir('charnn-novelty-');
    const file = path.join(dir, 'novelty.index');
    const rng = new Rng(7);
    const text = randomText(rng, [...'abcdefgh '], 60_000);
    const corpus = idsOf(text);
    const log: string[] = [];
    const open = () => openCorpusIndex(corpus, { cacheFile: file, label: 'test', log: (l) => log.push(l) });
    const honest = open();
    // A sample that copies 40 characters of the corpus: the figure a forged index must not change.
    const sample = `${text.slice(30_000, 30_040)}ZZ`;
    const truth = honest.novelty(sample);
    expect(truth.longest).toBe(40);
    // Every entry moved one place within each block of 12 (between checks sampled every 14th pair): a permutation, checksum forged.
    const bytes = fs.readFileSync(file);
    const start = bytes.length - 4 * text.length;
    const forged = Buffer.from(bytes);
    for (let block = 0; block + 12 <= text.length; block += 14) {
      for (let k = 1; k < 12; k++) forged.writeInt32LE(honest.sa[block + ((k % 11) + 1)]!, start + 4 * (block + k));
    }
    fs.writeFileSync(file, withChecksum(forged));
    const result = readIndexFile(file, corpus.ids, idsHash(corpus.ids));
    expect(result.ok).toBe(false);
    expect((result as { reason: string }).reason).toMatch(/out of order/);
    log.length = 0;
    const reopened = open();
    expect(log[0]).toMatch(/is damaged \(suffixes \d+ and \d+ out of order\); rebuilding it/);
    expect(reopened.novelty(sample)).toEqual(truth);
    expect(Array.from(reopened.sa)).toEqual(Array.from(honest.sa));
  });

  it('is not read where checking it would not fit in memory, and never written over a file that is not a novelty index', () => {
    const dir = tempDir('charnn-novelty-');
    const file = path.join(dir, 'novelty.index');
    const corpus = idsOf('the cat sat on the mat, the cat sat on the hat\n'.repeat(10));
    const log: string[] = [];
    openCorpusIndex(corpus, { cacheFile: file, label: 'test', log: (l) => log.push(l) });
    log.length = 0;
    // 200 MiB of process and an index that fits, but not its check.
    const small = { totalMemory: 2 * (200 * 2 ** 20 + 2 * corpus.ids.byteLength + 4 * corpus.ids.length) };
    openCorpusIndex(corpus, { cacheFile: file, label: 'test', log: (l) => log.push(l), memory: small });
    expect(log[0]).toMatch(/is too large to be checked in this machine's memory; rebuilding it/);
    // A file of the user's under the name: read as no index, and left as it was.
    fs.writeFileSync(file, 'my notes about novelty\n');
    log.length = 0;
    openCorpusIndex(corpus, { cacheFile: file, label: 'test', log: (l) => log.push(l) });
    expect(log.join('\n')).toMatch(/not a charnn novelty index; rebuilding it[^]*could not cache it in .*novelty\.index \(.*is not a novelty index charnn wrote; it is left alone\)/);
    expect(fs.readFileSync(file, 'utf8')).toBe('my notes about novelty\n');
    expect(fs.readdirSync(dir)).toEqual(['novelty.index']);
  });

  it('is written atomically: a failed write leaves the previous file and no temporary', () => {
    const dir = tempDir('charnn-novelty-');
    const file = path.join(dir, 'novelty.index');
    const { ids: text, vocab } = idsOf(corpus);
    const index = CorpusIndex.build(text, vocab);
    writeIndexFile(file, index.sa, idsHash(text));
    const before = fs.readFileSync(file);
    fs.chmodSync(dir, 0o500);
    try {
      if (process.getuid?.() !== 0) expect(() => writeIndexFile(file, index.sa, idsHash(text))).toThrow();
    } finally {
      fs.chmodSync(dir, 0o700);
    }
    expect(fs.readFileSync(file).equals(before)).toBe(true);
    expect(fs.readdirSync(dir)).toEqual(['novelty.index']);
    expect(readIndexFile(file, text, idsHash(text)).ok).toBe(true);
  });
});
