/** The globalSetup that refuses a stale dist/ (test/helpers/fresh-dist.ts). */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from './helpers/cli.js';
import { staleOutputs } from './helpers/fresh-dist.js';

function write(file: string, text: string, mtimeSeconds: number): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
  fs.utimesSync(file, mtimeSeconds, mtimeSeconds);
}

describe('staleOutputs', () => {
  it('names src files whose dist/ output is missing or older, and nothing else', () => {
    const root = tempDir('charnn-fresh-dist-');
    write(path.join(root, 'src/a.ts'), 'a', 1000);
    write(path.join(root, 'dist/src/a.js'), 'a', 2000);
    write(path.join(root, 'src/ui/b.tsx'), 'b', 3000);
    write(path.join(root, 'dist/src/ui/b.js'), 'b', 2000);
    write(path.join(root, 'src/c.ts'), 'c', 1000);
    write(path.join(root, 'src/types.d.ts'), 'd', 5000);
    expect(staleOutputs(root)).toEqual(['src/c.ts', 'src/ui/b.tsx']);
    write(path.join(root, 'dist/src/ui/b.js'), 'b', 3000);
    write(path.join(root, 'dist/src/c.js'), 'c', 1000);
    expect(staleOutputs(root)).toEqual([]);
    fs.rmSync(root, { recursive: true, force: true });
  });
});
