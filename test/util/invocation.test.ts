/**
 * The command charnn suggests names the charnn the user can run from where
 * they are: `charnn` when that name on the PATH is this installation (a global
 * install, or a checkout put there by npm link), `npx charnn` for a project's
 * dependency, `node …/bin/charnn.js` for a checkout nobody linked.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { charnnCommandFor } from '../../src/util/invocation.js';

const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'charnn-invocation-')));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** A package directory with bin/charnn.js, as npm lays it out or a checkout has it. */
function installation(root: string): string {
  fs.mkdirSync(path.join(root, 'bin'), { recursive: true });
  fs.writeFileSync(path.join(root, 'bin', 'charnn.js'), '');
  return path.join(root, 'bin', 'charnn.js');
}

describe('the suggested command', () => {
  it('is charnn for a global install: <prefix>/bin/charnn links to it', () => {
    const prefix = path.join(dir, 'global');
    const bin = installation(path.join(prefix, 'lib', 'node_modules', 'charnn'));
    fs.mkdirSync(path.join(prefix, 'bin'));
    fs.symlinkSync(path.relative(path.join(prefix, 'bin'), bin), path.join(prefix, 'bin', 'charnn'));
    expect(charnnCommandFor({ bin, cwd: dir, pathDirs: ['/usr/bin', path.join(prefix, 'bin')], platform: 'linux' })).toBe('charnn');
    // Off the PATH it is not "charnn", whatever the layout.
    expect(charnnCommandFor({ bin, cwd: dir, pathDirs: ['/usr/bin'], platform: 'linux' })).toBe('npx charnn');
  });

  it('is charnn for a checkout npm link put on the PATH, and node bin/charnn.js for one it did not', () => {
    const checkout = path.join(dir, 'charnn-checkout');
    const bin = installation(checkout);
    expect(charnnCommandFor({ bin, cwd: checkout, pathDirs: ['/usr/bin'], platform: 'linux' })).toBe('node bin/charnn.js');
    expect(charnnCommandFor({ bin, cwd: path.join(checkout, 'bin'), pathDirs: [], platform: 'linux' })).toBe('node charnn.js');
    expect(charnnCommandFor({ bin, cwd: path.join(dir, 'elsewhere'), pathDirs: [], platform: 'linux' })).toBe(`node ${bin}`);
    // npm link: <prefix>/lib/node_modules/charnn → the checkout, <prefix>/bin/charnn → …/charnn/bin/charnn.js
    const prefix = path.join(dir, 'linked');
    fs.mkdirSync(path.join(prefix, 'lib', 'node_modules'), { recursive: true });
    fs.mkdirSync(path.join(prefix, 'bin'));
    fs.symlinkSync(checkout, path.join(prefix, 'lib', 'node_modules', 'charnn'));
    fs.symlinkSync('../lib/node_modules/charnn/bin/charnn.js', path.join(prefix, 'bin', 'charnn'));
    expect(charnnCommandFor({ bin, cwd: checkout, pathDirs: [path.join(prefix, 'bin')], platform: 'linux' })).toBe('charnn');
    // Another charnn on the PATH is not this one.
    const other = installation(path.join(dir, 'other-checkout'));
    expect(charnnCommandFor({ bin: other, cwd: dir, pathDirs: [path.join(prefix, 'bin')], platform: 'linux' })).toBe('node other-checkout/bin/charnn.js');
  });

  it('quotes a checkout path for the shell', () => {
    const checkout = path.join(dir, "it's mine");
    const bin = installation(checkout);
    expect(charnnCommandFor({ bin, cwd: checkout, pathDirs: [], platform: 'linux' })).toBe('node bin/charnn.js');
    expect(charnnCommandFor({ bin, cwd: dir, pathDirs: [], platform: 'linux' })).toBe(`node 'it'\\''s mine/bin/charnn.js'`);
  });

  it('is npx charnn for a dependency in a project', () => {
    const project = path.join(dir, 'project');
    const bin = installation(path.join(project, 'node_modules', 'charnn'));
    expect(charnnCommandFor({ bin, cwd: project, pathDirs: ['/usr/bin'], platform: 'linux' })).toBe('npx charnn');
  });

  it('is charnn for a global install on Windows: <prefix>/charnn.cmd beside <prefix>/node_modules/charnn', () => {
    const prefix = path.join(dir, 'AppData', 'npm');
    const bin = installation(path.join(prefix, 'node_modules', 'charnn'));
    fs.writeFileSync(path.join(prefix, 'charnn.cmd'), '');
    expect(charnnCommandFor({ bin, cwd: dir, pathDirs: [prefix], platform: 'win32' })).toBe('charnn');
  });
});
