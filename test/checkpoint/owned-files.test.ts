/**
 * Removing and replacing a directory charnn wrote deletes only what charnn
 * writes there (files.ts): anything else is refused before a byte is
 * removed, and a file that appears while the directory is being removed
 * puts the directory back, untouched. In-process: the point is the file
 * operations, not a process.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CHECKPOINT_FILES } from '../../src/checkpoint/checkpoint-files.js';
import { foreignEntry, removeOwnedDirectory, replaceDirectoryAtomically } from '../../src/checkpoint/files.js';
import { CharnnError } from '../../src/util/errors.js';
import { tempDir } from '../helpers/cli.js';

const checkpointIn = (dir: string): string => {
  fs.mkdirSync(dir);
  for (const name of CHECKPOINT_FILES) fs.writeFileSync(path.join(dir, name), name);
  return dir;
};

describe('directories charnn wrote', () => {
  afterEach(() => vi.restoreAllMocks());

  it('are removed file by file; anything else in them (a file, a directory, a link) is refused and nothing is removed', () => {
    const root = tempDir('charnn-owned-');
    const own = checkpointIn(path.join(root, 'own'));
    removeOwnedDirectory(own, CHECKPOINT_FILES);
    expect(fs.readdirSync(root)).toEqual([]);
    for (const [name, plant] of [
      ['notes.txt', (p: string) => fs.writeFileSync(p, 'mine')],
      ['weights.bin', (p: string) => fs.mkdirSync(p)],
      ['model.json', (p: string) => fs.symlinkSync('/etc/hostname', p)],
    ] as const) {
      const dir = checkpointIn(path.join(root, `with-${name}`));
      fs.rmSync(path.join(dir, name), { force: true });
      plant(path.join(dir, name));
      const before = fs.readdirSync(dir).sort();
      expect(foreignEntry(dir, CHECKPOINT_FILES)?.name).toBe(name);
      expect(() => removeOwnedDirectory(dir, CHECKPOINT_FILES)).toThrow(CharnnError);
      expect(() => removeOwnedDirectory(dir, CHECKPOINT_FILES)).toThrow(new RegExp(`with-${name.replace('.', '\\.')}/${name.replace('.', '\\.')} is a (file|directory|symbolic link) charnn did not write; charnn would have to delete it$`));
      expect(fs.readdirSync(dir).sort()).toEqual(before);
    }
  });

  it('a file that appears while the directory is being removed: the directory goes back under its name, with it', () => {
    const root = tempDir('charnn-owned-');
    const dir = checkpointIn(path.join(root, 'latest.prev'));
    const rename = fs.renameSync;
    vi.spyOn(fs, 'renameSync').mockImplementationOnce((from, to) => {
      rename(from, to);
      fs.writeFileSync(path.join(String(to), 'late.txt'), 'written meanwhile');
    });
    expect(() => removeOwnedDirectory(dir, CHECKPOINT_FILES)).toThrow(/received files charnn did not write while it was being removed; they are left in .*latest\.prev$/);
    expect(fs.readdirSync(root)).toEqual(['latest.prev']);
    expect(fs.readFileSync(path.join(dir, 'late.txt'), 'utf8')).toBe('written meanwhile');
  });

  it('are replaced only when the old one (and a .prev a crash left) holds nothing else: checked before anything is written', () => {
    const root = tempDir('charnn-owned-');
    const target = checkpointIn(path.join(root, 'best'));
    fs.mkdirSync(path.join(root, 'best.prev'));
    fs.writeFileSync(path.join(root, 'best.prev', 'photo.jpg'), 'a photo');
    const files = Object.fromEntries([...CHECKPOINT_FILES].map((name) => [name, `new ${name}`]));
    expect(() => replaceDirectoryAtomically(target, files)).toThrow(/best\.prev\/photo\.jpg is a file charnn did not write; replacing .*best would delete it$/);
    expect(fs.readdirSync(root).sort()).toEqual(['best', 'best.prev']);
    fs.rmSync(path.join(root, 'best.prev'), { recursive: true });
    replaceDirectoryAtomically(target, files);
    expect(fs.readdirSync(root)).toEqual(['best']);
    expect(fs.readFileSync(path.join(target, 'model.json'), 'utf8')).toBe('new model.json');
  });
});
