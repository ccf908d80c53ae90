import { chmodSync, existsSync, mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { corpusText, linkNotes, NORMALIZATIONS, openCorpus, readCorpus, type Corpus } from '../../src/data/corpus.js';
import { IdBuilder } from '../../src/data/id-builder.js';
import { splitTrainVal } from '../../src/data/batches.js';
import { Vocabulary } from '../../src/data/vocabulary.js';
import { CharnnError } from '../../src/util/errors.js';

let root: string;
let n = 0;
/** A fresh directory per test so tests never see each other's files. */
const fresh = () => {
  const dir = join(root, `case${n++}`);
  mkdirSync(dir);
  return dir;
};

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'charnn-corpus-'));
});
afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

/** The text a corpus's ids stand for. */
const text = (c: Corpus): string => c.vocab.decode(c.ids);

/** The pieces corpusText yields, reading `chunkBytes` at a time, joined. */
const streamed = (path: string, normalization: 'none' | 'nfc' | 'nfd', chunkBytes: number): string =>
  [...corpusText(openCorpus(path), normalization, undefined, chunkBytes)].join('');

/** The hint of the usage error `fn` throws. */
const hintOf = (fn: () => unknown): string | undefined => {
  try {
    fn();
  } catch (error) {
    return (error as CharnnError).hint;
  }
  return undefined;
};

const expectUsage = (fn: () => unknown, message: RegExp) => {
  expect(fn).toThrow(CharnnError);
  expect(fn).toThrow(message);
};

describe('readCorpus', () => {
  it('lists the normalizations', () => {
    expect(NORMALIZATIONS).toEqual(['none', 'nfc', 'nfd']);
  });

  it('reads a single file', () => {
    const file = join(fresh(), 'poems.txt');
    writeFileSync(file, 'héllo 😀\n');
    const c = readCorpus(file, 'none');
    expect(c).toMatchObject({ name: 'poems', path: file, files: [file], bytes: Buffer.byteLength('héllo 😀\n'), normalization: 'none', skipped: [] });
    expect(text(c)).toBe('héllo 😀\n');
    expect(c.ids).toBeInstanceOf(Uint16Array);
    expect(c.ids.length).toBe(8);
    expect(c.vocab.chars).toEqual(['\n', ' ', 'h', 'l', 'o', 'é', '😀']);
    expect(c.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('strips a leading BOM but counts its bytes', () => {
    const file = join(fresh(), 'bom.txt');
    writeFileSync(file, '\ufeffabc');
    const c = readCorpus(file, 'none');
    expect(text(c)).toBe('abc');
    expect(c.bytes).toBe(6);
  });

  it('normalises', () => {
    const file = join(fresh(), 'ko.txt');
    writeFileSync(file, '한국어');
    expect(text(readCorpus(file, 'nfd'))).toBe('한국어'.normalize('NFD'));
    expect(readCorpus(file, 'nfd').ids.length).toBe(8);
    writeFileSync(file, '한국어'.normalize('NFD'));
    expect(text(readCorpus(file, 'nfc'))).toBe('한국어');
    expect(() => readCorpus(file, 'nfkc' as never)).toThrow(/unknown normalization: nfkc/);
  });

  it('concatenates a directory in sorted order, recursing and skipping hidden names', () => {
    const dir = join(fresh(), 'lib.v2');
    mkdirSync(join(dir, 'b'), { recursive: true });
    mkdirSync(join(dir, '.git'));
    mkdirSync(join(dir, 'B'));
    writeFileSync(join(dir, 'c.txt'), 'C');
    writeFileSync(join(dir, 'a.txt'), 'A');
    writeFileSync(join(dir, 'b', 'z.txt'), 'BZ');
    writeFileSync(join(dir, 'b', 'a.md'), 'BA');
    writeFileSync(join(dir, 'B', 'x'), 'UPPER');
    writeFileSync(join(dir, '.hidden.txt'), 'HIDDEN');
    writeFileSync(join(dir, '.git', 'HEAD'), 'GIT');
    writeFileSync(join(dir, 'empty.txt'), '');
    const c = readCorpus(dir, 'none');
    // code-unit order: 'B' < 'a' < 'b' < 'c' < 'e'
    expect(text(c)).toBe('UPPERABABZC');
    expect(c.files).toEqual([
      join(dir, 'B', 'x'),
      join(dir, 'a.txt'),
      join(dir, 'b', 'a.md'),
      join(dir, 'b', 'z.txt'),
      join(dir, 'c.txt'),
      join(dir, 'empty.txt'),
    ]);
    expect(c.bytes).toBe(11);
    expect(c.name).toBe('lib');
    expect(c.path).toBe(dir);
  });

  it('follows symlinks to files inside the directory; links leading outside, to directories, and broken ones are skipped and listed', () => {
    const dir = fresh();
    writeFileSync(join(dir, 'real.txt'), 'R');
    mkdirSync(join(dir, 'sub'));
    symlinkSync(join(dir, 'real.txt'), join(dir, 'link.txt'));
    symlinkSync('../real.txt', join(dir, 'sub', 'relative.txt'));
    symlinkSync(dir, join(dir, 'loop'));
    symlinkSync(join(dir, 'missing'), join(dir, 'dangling'));
    // Out of the directory: a file beside it, one through a chain of links, and a link to a directory outside.
    const outside = fresh();
    writeFileSync(join(outside, 'secret.txt'), 'SECRET');
    symlinkSync(join(outside, 'secret.txt'), join(dir, 'sub', 'b.txt'));
    symlinkSync(join(dir, 'sub', 'b.txt'), join(dir, 'chain.txt'));
    symlinkSync(outside, join(dir, 'elsewhere'));
    // /etc/passwd where there is one: the attack as reported.
    symlinkSync('/etc/passwd', join(dir, 'passwd.txt'));
    const c = readCorpus(dir, 'none');
    expect(text(c)).toBe('RRR');
    expect(c.files.map((f) => f.slice(dir.length + 1))).toEqual(['link.txt', 'real.txt', 'sub/relative.txt']);
    const passwd = (() => {
      try {
        return [`passwd.txt → ${realpathSync('/etc/passwd')}`];
      } catch {
        return [];
      }
    })();
    expect(c.outside).toEqual([`chain.txt → ${realpathSync(join(outside, 'secret.txt'))}`, ...passwd, `sub/b.txt → ${realpathSync(join(outside, 'secret.txt'))}`]);
    expect(openCorpus(dir).outside).toEqual(c.outside);
    expect(c.dirLinks).toEqual([`elsewhere → ${realpathSync(outside)}`, `loop → ${realpathSync(dir)}`]);
    expect(c.brokenLinks).toEqual([`dangling → ${join(dir, 'missing')}`]);
    expect(c.specialLinks).toEqual([]);
    expect(linkNotes(c)).toEqual([
      `skipped ${c.outside.length} links leading outside ${dir}: ${c.outside.join(', ')}`,
      `skipped 2 links to a directory (not followed): elsewhere → ${realpathSync(outside)}, loop → ${realpathSync(dir)}`,
      `skipped 1 broken link: dangling → ${join(dir, 'missing')}`,
    ]);
  });

  it('lists a link that loops as broken, a link to a device as special, and at most 8 of each', () => {
    const dir = fresh();
    writeFileSync(join(dir, 'a.txt'), 'A');
    symlinkSync('self', join(dir, 'self'));
    if (existsSync('/dev/null')) symlinkSync('/dev/null', join(dir, 'null'));
    for (let i = 0; i < 10; i++) symlinkSync(`nowhere${i}`, join(dir, `gone${i}`));
    const source = openCorpus(dir);
    expect(source.files).toEqual([join(dir, 'a.txt')]);
    expect(source.brokenLinks).toHaveLength(11);
    expect(source.brokenLinks).toContain('self → self');
    const notes = linkNotes(source);
    expect(notes[0]).toMatch(/^skipped 11 broken links: gone0 → nowhere0, .* and 3 more$/);
    if (existsSync('/dev/null')) expect(notes[1]).toBe('skipped 1 link to a device, fifo or socket: null → /dev/null');
    expect(linkNotes(openCorpus(join(dir, 'a.txt')))).toEqual([]);
  });

  it('bounds the walk of a directory when asked (a path that came from a checkpoint)', () => {
    const dir = fresh();
    for (let i = 0; i < 12; i++) writeFileSync(join(dir, `f${i}.txt`), 'x');
    expect(openCorpus(dir, { maxEntries: 12 }).files).toHaveLength(12);
    expectUsage(() => openCorpus(dir, { maxEntries: 11, hint: 'pass --corpus <file>' }), /^corpus directory .* holds more than 11 entries$/);
  });

  it('refuses a missing path', () => {
    expectUsage(() => readCorpus(join(root, 'nope.txt'), 'none'), /corpus not found: .*nope\.txt/);
  });

  it('refuses a directory with no text files', () => {
    const dir = fresh();
    writeFileSync(join(dir, '.only-hidden'), 'x');
    mkdirSync(join(dir, 'sub'));
    expectUsage(() => readCorpus(dir, 'none'), /corpus directory has no text files/);
  });

  it('refuses an empty file and an empty corpus', () => {
    const dir = fresh();
    const file = join(dir, 'empty.txt');
    writeFileSync(file, '');
    expectUsage(() => readCorpus(file, 'none'), /corpus file is empty: .*empty\.txt/);
    writeFileSync(file, '\ufeff');
    expectUsage(() => readCorpus(file, 'none'), /corpus file is empty/);
    expectUsage(() => readCorpus(dir, 'none'), /corpus is empty/);
  });

  it('skips the binary files of a directory, listing them; refuses a binary file and a directory of only binary ones', () => {
    const dir = fresh();
    writeFileSync(join(dir, 'a.txt'), 'fine');
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00]);
    writeFileSync(join(dir, 'image.png'), png);
    mkdirSync(join(dir, 'sub'));
    writeFileSync(join(dir, 'sub', 'photo.jpg'), Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10]));
    const c = readCorpus(dir, 'none');
    expect(text(c)).toBe('fine');
    expect(c.skipped).toEqual(['image.png', join('sub', 'photo.jpg')]);
    expect(c.files).toEqual([join(dir, 'a.txt')]);
    expect(c.bytes).toBe(4);
    expectUsage(() => readCorpus(join(dir, 'image.png'), 'none'), /looks binary \(NUL byte at offset 8\): .*image\.png/);
    rmSync(join(dir, 'a.txt'));
    expectUsage(() => readCorpus(dir, 'none'), /corpus directory has no text files, only binary ones: .* \(image\.png, sub\/photo\.jpg\)/);
  });

  it('refuses a NUL byte after the first 64 kB (text that turns binary), naming its offset', () => {
    const file = join(fresh(), 'late.txt');
    writeFileSync(file, Buffer.concat([Buffer.alloc(100_000, 0x61), Buffer.from([0]), Buffer.from('tail')]));
    expectUsage(() => readCorpus(file, 'none'), /looks binary \(NUL byte at offset 100000\): /);
  });

  it('refuses UTF-16 (either byte order) with the iconv command that converts it', () => {
    const dir = fresh();
    const le = join(dir, 'notes.txt');
    writeFileSync(le, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('hello', 'utf16le')]));
    expectUsage(() => readCorpus(le, 'none'), /corpus file is UTF-16 \(it starts with a UTF-16 byte order mark\), not UTF-8: .*notes\.txt$/);
    expect(hintOf(() => readCorpus(le, 'none'))).toMatch(/^convert it first: iconv -f UTF-16 -t UTF-8 .*notes\.txt > .*notes\.utf8\.txt$/);
    const be = join(dir, 'big endian');
    writeFileSync(be, Buffer.from([0xfe, 0xff, 0x00, 0x41]));
    expect(hintOf(() => readCorpus(be, 'none'))).toMatch(/iconv -f UTF-16 -t UTF-8 '.*big endian' > '.*big endian\.utf8\.txt'$/);
  });

  it('reads in chunks without splitting a character, a combining sequence or a Hangul syllable', () => {
    const file = join(fresh(), 'mixed.txt');
    // e + U+0301 must compose across any cut; jamo L+V+T compose to one syllable.
    const decomposed = 'cafe\u0301 😀 한국어 naïve '.normalize('NFD').repeat(20);
    writeFileSync(file, decomposed);
    for (const chunk of [1, 2, 3, 5, 7, 64]) {
      expect(streamed(file, 'none', chunk)).toBe(decomposed);
      expect(streamed(file, 'nfc', chunk)).toBe(decomposed.normalize('NFC'));
      expect(streamed(file, 'nfd', chunk)).toBe(decomposed.normalize('NFD'));
    }
  });

  it('finds the offset of invalid UTF-8 that straddles a chunk boundary', () => {
    const file = join(fresh(), 'cut.txt');
    // A three-byte sequence whose third byte is wrong, starting at byte 6.
    writeFileSync(file, Buffer.concat([Buffer.from('abcdef'), Buffer.from([0xe4, 0xb8, 0x41]), Buffer.from('xyz')]));
    for (const chunk of [1, 2, 4, 7, 8, 64]) {
      expectUsage(() => streamed(file, 'none', chunk), /not valid UTF-8 at byte 6: /);
    }
  });

  it('refuses invalid UTF-8, naming the file and the offset', () => {
    const dir = fresh();
    const file = join(dir, 'latin1.txt');
    writeFileSync(file, Buffer.concat([Buffer.from('café ok '), Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x21])]));
    expectUsage(() => readCorpus(file, 'none'), /not valid UTF-8 at byte 12: .*latin1\.txt/);
    const cases: [number[], number][] = [
      [[0x61, 0xc0, 0x80], 1], // overlong
      [[0x61, 0x62, 0xed, 0xa0, 0x80], 2], // surrogate
      [[0xf4, 0x90, 0x80, 0x80], 0], // above U+10FFFF
      [[0x61, 0xe4, 0xb8], 1], // truncated at the end
      [[0xe4, 0xb8, 0x41], 0], // truncated before ASCII
      [[0x80], 0], // stray continuation byte
    ];
    for (const [bytes, at] of cases) {
      writeFileSync(file, Buffer.from(bytes));
      expectUsage(() => readCorpus(file, 'none'), new RegExp(`not valid UTF-8 at byte ${at}: `));
    }
  });

  it('refuses a path that is neither file nor directory', () => {
    expectUsage(() => readCorpus('/dev/null', 'none'), /neither a file nor a directory: \/dev\/null/);
  });

  it.skipIf(process.getuid?.() === 0)('turns a permission error into a usage error', () => {
    const file = join(fresh(), 'secret.txt');
    writeFileSync(file, 'x');
    chmodSync(file, 0o000);
    try {
      expectUsage(() => readCorpus(file, 'none'), /permission denied reading corpus: .*secret\.txt/);
    } finally {
      chmodSync(file, 0o600);
    }
  });

  it('reads tinyshakespeare: 1,115,394 bytes, 65 characters, 1,003,854 / 111,540 split', () => {
    const path = fileURLToPath(new URL('../../corpora/tinyshakespeare.txt', import.meta.url));
    const c = readCorpus(path, 'none');
    expect(c.name).toBe('tinyshakespeare');
    expect(c.bytes).toBe(1_115_394);
    expect(c.vocab.chars).toEqual(Vocabulary.fromText(text(c)).chars);
    expect(c.vocab.size).toBe(65);
    const ids = c.ids;
    expect(ids.length).toBe(1_115_394);
    expect(Array.from(ids.subarray(0, 1000))).toEqual(Array.from(c.vocab.encode(text(c).slice(0, 1000))));
    const { train, val } = splitTrainVal(ids, 0.1);
    expect([train.length, val.length]).toEqual([1_003_854, 111_540]);
  });
});

describe('IdBuilder', () => {
  it('keeps a base vocabulary\'s ids and appends new characters sorted (add), or leaves them out and lists them (skip)', () => {
    const base = new Vocabulary(['b', 'a']);
    const add = new IdBuilder(base, 'add', 4);
    add.push('abzy');
    add.push('ay');
    const added = add.finish();
    expect(added.vocab.chars).toEqual(['b', 'a', 'y', 'z']);
    expect(Array.from(added.ids)).toEqual([1, 0, 3, 2, 1, 2]);
    const skip = new IdBuilder(base, 'skip', 4);
    skip.push('abzyzb');
    const skipped = skip.finish();
    expect(Array.from(skipped.ids)).toEqual([1, 0, 0]);
    expect(skipped.skipped).toBe(3);
    expect(skipped.missing).toEqual(['z', 'y']);
    expect(skipped.vocab).toBe(base);
  });

  it('uses 2 bytes per id up to 65,536 characters, 4 beyond, and grows past its capacity', () => {
    const many = Array.from({ length: 70_000 }, (_, i) => String.fromCodePoint(0x10000 + i));
    const builder = new IdBuilder(null, 'add', 10);
    builder.push(many.slice(0, 60_000).join(''));
    builder.push(many.slice(60_000).join(''));
    const built = builder.finish();
    expect(built.ids).toBeInstanceOf(Int32Array);
    expect(built.ids.length).toBe(70_000);
    expect(built.vocab.size).toBe(70_000);
    expect(built.vocab.decode(built.ids)).toBe(many.join(''));
  });
});
