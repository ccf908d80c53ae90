/**
 * generate --novelty's corpus path, in process: the corpus is read into ids
 * and indexed as ids (it is never turned back into one string, which a
 * corpus over ~512 MB could not be), and a corpus too large for the
 * machine is refused before it is read.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { LoadedCheckpoint } from '../../src/checkpoint/load.js';
import { Vocabulary } from '../../src/data/vocabulary.js';
import { NOVELTY_INDEX_FILE, openNovelty } from '../../src/cli/generate-novelty.js';
import { CharnnError } from '../../src/util/errors.js';
import { tempDir } from '../helpers/cli.js';

/** What openNovelty reads of a checkpoint: where it lives, its vocabulary and its corpus record. */
function checkpointFor(dir: string, corpusFile: string, text: string, vocabulary: string[], sha256?: string): LoadedCheckpoint {
  const chars = Array.from(text).length;
  const meta = {
    normalization: 'none',
    vocabulary,
    corpus: { name: 'corpus', path: corpusFile, bytes: Buffer.byteLength(text), chars, trainChars: chars, valChars: 0, sha256 },
  };
  return { dir: path.join(dir, 'latest'), meta, vocab: new Vocabulary(vocabulary) } as unknown as LoadedCheckpoint;
}

describe('generate --novelty: the corpus', () => {
  afterEach(() => vi.restoreAllMocks());

  it('is indexed from its ids, never decoded into one string, and cached beside the run', () => {
    const dir = tempDir('charnn-novelty-ids-');
    const text = 'ROMEO:\r\nBut soft, what light through yonder window breaks?\r\n한국어 문장도 있고 😀 이모지도 있다.\r\n'.repeat(40);
    const file = path.join(dir, 'corpus.txt');
    fs.writeFileSync(file, text);
    // The model's vocabulary lacks some of the corpus's characters (they are added after it), in its own order.
    const vocabulary = [...new Set(Array.from(text))].filter((c) => c !== '😀').reverse();
    const decode = vi.spyOn(Vocabulary.prototype, 'decode').mockImplementation(() => {
      throw new Error('the corpus was turned into a string');
    });
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const index = openNovelty(checkpointFor(dir, file, text, vocabulary), undefined);
    expect(decode).not.toHaveBeenCalled();
    expect(fs.existsSync(path.join(dir, NOVELTY_INDEX_FILE))).toBe(true);
    expect(stderr.mock.calls.map(([line]) => String(line)).join('')).toMatch(/^novelty: indexing the corpus corpus \(/);
    const copied = 'what light through yonder window breaks?\r\n한국어 문장도';
    const report = index.novelty(`zz${copied}qq`);
    expect(report.longestText).toBe(`${copied}`);
    expect(report.copiedChars).toBe(Array.from(copied).length);
    // Read again, the index comes from the cache, still without a string.
    stderr.mockClear();
    expect(openNovelty(checkpointFor(dir, file, text, vocabulary), undefined).novelty(`zz${copied}qq`)).toEqual(report);
    expect(stderr).not.toHaveBeenCalled();
    expect(decode).not.toHaveBeenCalled();
  });

  it('is refused in one line before it is read when its index could not fit in memory', () => {
    const dir = tempDir('charnn-novelty-huge-');
    const file = path.join(dir, 'huge.txt');
    // A sparse file of 1 TB: nothing is written, and nothing may be read.
    fs.writeFileSync(file, '');
    fs.truncateSync(file, 2 ** 40);
    const read = vi.spyOn(fs, 'readSync');
    try {
      openNovelty(checkpointFor(dir, path.join(dir, 'other.txt'), 'abc', ['a', 'b', 'c']), file);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(CharnnError);
      expect((error as CharnnError).message).toMatch(/^the corpus .*huge\.txt is 1024\.0 GiB: its novelty index would need at least \d+\.\d GiB of memory, more than half of this machine's \d+\.\d GiB$/);
    }
    expect(read).not.toHaveBeenCalled();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('recorded in the checkpoint, is untrusted: no file-system root, a bounded walk, the recorded size and SHA-256 before indexing', () => {
    const dir = tempDir('charnn-novelty-recorded-');
    const text = 'the cat sat on the mat\n'.repeat(30);
    const sha = crypto.createHash('sha256').update(text).digest('hex');
    const vocabulary = [...new Set(Array.from(text))];
    const refusal = (corpusPath: string, content = text, maxEntries?: number): string => {
      try {
        openNovelty(checkpointFor(dir, corpusPath, content, vocabulary, sha), undefined, maxEntries);
      } catch (error) {
        expect(error).toBeInstanceOf(CharnnError);
        return `${(error as CharnnError).message} (${(error as CharnnError).hint})`;
      }
      throw new Error('not refused');
    };
    const walked = vi.spyOn(fs, 'readdirSync');
    const read = vi.spyOn(fs, 'readSync');
    expect(refusal('/')).toBe('the checkpoint records its corpus as /, the root of the file system; charnn does not read a whole file system (pass --corpus <file> with the text the model was trained on)');
    expect(walked).not.toHaveBeenCalled();
    // A directory larger than the bound is not walked on.
    const big = path.join(dir, 'big');
    fs.mkdirSync(big);
    for (let i = 0; i < 12; i++) fs.writeFileSync(path.join(big, `part-${i}.txt`), text.slice(0, 10));
    expect(refusal(big, text, 10)).toMatch(/^corpus directory .*big holds more than 10 entries \(it is the corpus path the checkpoint records; pass --corpus <file> with the text the model was trained on\)$/);
    expect(read).not.toHaveBeenCalled();
    // A file of another size than recorded: refused before anything is indexed.
    const grown = path.join(dir, 'grown.txt');
    fs.writeFileSync(grown, `${text}more`);
    expect(refusal(grown)).toMatch(/grown\.txt has changed since training \(690 → 694 bytes, 690 → 694 characters\)/);
    // The same size and characters, other text: its SHA-256 gives it away, before anything is indexed.
    const swapped = path.join(dir, 'swapped.txt');
    fs.writeFileSync(swapped, text.replace('cat', 'act'));
    expect(refusal(swapped)).toMatch(/swapped\.txt has changed since training \(its SHA-256 is not the one recorded\): novelty against it would not be novelty/);
    expect(fs.existsSync(path.join(dir, NOVELTY_INDEX_FILE))).toBe(false);
    // The very text recorded is indexed.
    const same = path.join(dir, 'same.txt');
    fs.writeFileSync(same, text);
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    expect(openNovelty(checkpointFor(dir, same, text, vocabulary, sha), undefined).novelty('the cat sat').longest).toBe(11);
  });
});
