/**
 * The compiled JS file of a worker entry. Code normally runs from dist/, where
 * the entry sits beside the caller; under vitest the caller runs from src/
 * (TypeScript), and the entry is taken from the build in dist/src/ instead.
 */
import fs from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

export function workerUrl(relative: string, importMetaUrl: string): URL {
  const beside = new URL(relative, importMetaUrl);
  if (fs.existsSync(fileURLToPath(beside))) return beside;
  const built = fileURLToPath(beside).replace(/([\\/])src([\\/])/, '$1dist$1src$2');
  return pathToFileURL(built);
}
