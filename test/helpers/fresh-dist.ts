/**
 * vitest globalSetup: refuses to test a stale build. Worker threads and the
 * real binary load dist/, so `npx vitest` after editing src/ without
 * `npm run build` would test yesterday's code and pass or fail for the wrong
 * reason. Every src/ file needs a dist/ output at least as new as itself.
 */
import fs from 'node:fs';
import path from 'node:path';
import { ROOT } from './cli.js';

/** The src/ files whose dist/ output is missing or older than they are (paths relative to the root). */
export function staleOutputs(root: string): string[] {
  const src = path.join(root, 'src');
  const stale: string[] = [];
  for (const entry of fs.readdirSync(src, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !/\.tsx?$/.test(entry.name) || entry.name.endsWith('.d.ts')) continue;
    const file = path.join(entry.parentPath, entry.name);
    const output = path.join(root, 'dist', path.relative(root, file)).replace(/\.tsx?$/, '.js');
    let built: number;
    try {
      built = fs.statSync(output).mtimeMs;
    } catch {
      built = -Infinity;
    }
    if (built < fs.statSync(file).mtimeMs) stale.push(path.relative(root, file));
  }
  return stale.sort();
}

export default function setup(): void {
  const stale = staleOutputs(ROOT);
  if (stale.length === 0) return;
  const missing = !fs.existsSync(path.join(ROOT, 'dist', 'src'));
  const named = stale.slice(0, 3).join(', ') + (stale.length > 3 ? ` and ${stale.length - 3} more` : '');
  throw new Error(missing ? 'dist/ is missing: run npm run build (or npm test, which builds first)'
    : `dist/ is older than src/ (${named}): run npm run build (or npm test, which builds first)`);
}
