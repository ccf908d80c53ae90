import fs from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { CHARNN_VERSION } from '../src/version.js';

it('matches the version in package.json', () => {
  const pkg = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../package.json'), 'utf8')) as { version: string };
  expect(CHARNN_VERSION).toBe(pkg.version);
});
