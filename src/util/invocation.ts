/**
 * How the user runs this very charnn from where they are, for the commands
 * charnn suggests ("next: charnn sample runs/x"): `charnn` when that name on
 * the PATH is this installation (npm install -g, or npm link of a checkout);
 * `npx charnn` when it is a dependency in a project's node_modules; and in a
 * checkout nobody linked, `node <path>/bin/charnn.js`, which starts as fast as
 * an installed command (where `npx charnn` reinstalls the checkout into npm's
 * cache the first time, and takes seconds every time after).
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { shellWord } from './escape.js';

/** What the choice depends on; the defaults are this process's. */
interface InvocationContext {
  /** bin/charnn.js of this installation. */
  bin: string;
  cwd: string;
  /** The PATH's directories. */
  pathDirs: string[];
  platform: NodeJS.Platform;
}

function realpath(file: string): string | null {
  try {
    return fs.realpathSync(file);
  } catch {
    return null;
  }
}

/** The command, as words ready for a shell line. */
export function charnnCommandFor(context: InvocationContext): string {
  const bin = realpath(context.bin) ?? context.bin;
  const root = path.dirname(path.dirname(bin));
  for (const dir of context.pathDirs) {
    if (dir === '') continue;
    // POSIX: npm links <prefix>/bin/charnn to the package's bin/charnn.js (through the link npm link makes).
    if (realpath(path.join(dir, 'charnn')) === bin) return 'charnn';
    // Windows: npm writes <prefix>/charnn.cmd beside <prefix>/node_modules/charnn.
    if (context.platform === 'win32' && fs.existsSync(path.join(dir, 'charnn.cmd')) && realpath(path.join(dir, 'node_modules', 'charnn')) === root) return 'charnn';
  }
  if (root.split(path.sep).includes('node_modules')) return 'npx charnn';
  // Relative inside the working directory (node bin/charnn.js in the checkout), absolute outside it.
  const relative = path.relative(context.cwd, bin);
  return `node ${shellWord(relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : bin)}`;
}

/** bin/charnn.js of the installation this module belongs to (dist/src/util/ when built, src/util/ under a test runner). */
function ownBin(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let up = 0; up < 4; up++, dir = path.dirname(dir)) {
    const bin = path.join(dir, 'bin', 'charnn.js');
    if (fs.existsSync(bin)) return bin;
  }
  return path.join(dir, 'bin', 'charnn.js');
}

let cached: { cwd: string; command: string } | null = null;

/** The command that runs this charnn from `cwd` (the working directory by default). */
export function charnnCommand(cwd = process.cwd()): string {
  if (cached?.cwd === cwd) return cached.command;
  const command = charnnCommandFor({
    bin: ownBin(),
    cwd,
    pathDirs: (process.env['PATH'] ?? '').split(path.delimiter),
    platform: process.platform,
  });
  cached = { cwd, command };
  return command;
}
