import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NORMALIZATIONS, readCorpus } from '../../src/data/corpus.js';
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
    expect(c).toEqual({
      name: 'poems',
      path: file,
      files: [file],
      bytes: Buffer.byteLength('héllo 😀\n'),
      text: 'héllo 😀\n',
      normalization: 'none',
    });
  });

  it('strips a leading BOM but counts its bytes', () => {
    const file = join(fresh(), 'bom.txt');
    writeFileSync(file, '\ufeffabc');
    const c = readCorpus(file, 'none');
    expect(c.text).toBe('abc');
    expect(c.bytes).toBe(6);
  });

  it('normalises', () => {
    const file = join(fresh(), 'ko.txt');
    writeFileSync(file, '한국어');
    expect(readCorpus(file, 'nfd').text).toBe('한국어'.normalize('NFD'));
    expect(readCorpus(file, 'nfd').text.length).toBe(8);
    writeFileSync(file, '한국어'.normalize('NFD'));
    expect(readCorpus(file, 'nfc').text).toBe('한국어');
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
    expect(c.text).toBe('UPPERABABZC');
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

  it('follows symlinks to files but not to directories', () => {
    const dir = fresh();
    writeFileSync(join(dir, 'real.txt'), 'R');
    symlinkSync(join(dir, 'real.txt'), join(dir, 'link.txt'));
    symlinkSync(dir, join(dir, 'loop'));
    symlinkSync(join(dir, 'missing'), join(dir, 'dangling'));
    expect(readCorpus(dir, 'none').text).toBe('RR');
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

  it('refuses a binary file, naming it', () => {
    const dir = fresh();
    writeFileSync(join(dir, 'a.txt'), 'fine');
    writeFileSync(join(dir, 'image.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00]));
    expectUsage(() => readCorpus(dir, 'none'), /looks binary \(NUL byte at offset 8\): .*image\.png/);
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
    const vocab = Vocabulary.fromText(c.text);
    expect(vocab.size).toBe(65);
    const ids = vocab.encode(c.text);
    expect(ids.length).toBe(1_115_394);
    const { train, val } = splitTrainVal(ids, 0.1);
    expect([train.length, val.length]).toEqual([1_003_854, 111_540]);
  });
});
