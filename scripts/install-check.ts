/**
 * Installs charnn the way a user does and checks it works: `npm pack`s the
 * project (prepack bundles onnxruntime-node without its download script:
 * scripts/bundle-ort.mjs), installs the tarball with the plain
 * `npm install -g <tarball>` into a fresh temporary prefix (`--prefix` is how a
 * global prefix is set; nothing skips scripts, and none of this project's npm
 * configuration reaches it), checks that npm warned of no install scripts
 * (the shipped package.json has none: scripts/pack-manifest.mjs), runs the
 * installed `charnn --version` and a short `charnn train … --no-ui`, checks
 * that it trained on the ort engine and that no GPU library was downloaded,
 * and prints the installed size, in total and per top package. Not part of `npm test`: it takes a minute or two and the
 * npm registry.
 *
 *   npm run install-check              # builds first
 *   npm run install-check -- --keep    # leave the temporary prefix for a look
 */
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const keep = process.argv.includes('--keep');

/** The environment of a user's shell: without what `npm run` adds (the project's .npmrc arrives as npm_config_*). */
function userEnvironment(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^(npm_|ONNXRUNTIME_NODE_INSTALL)/i.test(key) && key !== 'INIT_CWD'));
}

function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = userEnvironment()): SpawnSyncReturns<string> {
  const result = spawnSync(command, args, { cwd, env, encoding: 'utf8', maxBuffer: 64 * 2 ** 20 });
  if (result.error) throw result.error;
  return result;
}

function check(ok: boolean, what: string, detail = ''): void {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
  if (!ok) {
    if (detail) console.log(detail.trimEnd().replace(/^/gm, '     '));
    process.exitCode = 1;
  }
}

/** Disk usage of a tree (st_blocks, as du counts), never following links. */
function diskUsage(file: string): number {
  const stats = fs.lstatSync(file);
  let bytes = stats.blocks * 512;
  if (stats.isDirectory()) for (const name of fs.readdirSync(file)) bytes += diskUsage(path.join(file, name));
  return bytes;
}

/** In du's unit (-h: 2^20 bytes), as the sizes this project quotes are. */
const mb = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(1)} MiB`;

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'charnn-install-check-'));
try {
  // 1. The tarball, as `npm pack` makes it for `npm publish`.
  const pack = run('npm', ['pack', '--json', '--pack-destination', work], ROOT, { ...userEnvironment(), npm_config_loglevel: 'warn' });
  check(pack.status === 0, 'npm pack', pack.stderr);
  if (pack.status !== 0) throw new Error('npm pack failed');
  const [packed] = JSON.parse(pack.stdout.slice(pack.stdout.indexOf('['))) as { filename: string; size: number; unpackedSize: number; bundled: string[] }[];
  const tarball = path.join(work, packed!.filename);
  console.log(`     ${packed!.filename}: ${mb(packed!.size)}, ${mb(packed!.unpackedSize)} unpacked, bundling ${packed!.bundled.join(', ')}`);

  // 2. The install, exactly as a user types it (cwd outside any project).
  const prefix = path.join(work, 'prefix');
  const home = path.join(work, 'home');
  fs.mkdirSync(home);
  const install = run('npm', ['install', '-g', '--prefix', prefix, tarball], work);
  check(install.status === 0, `npm install -g ${packed!.filename} (into a fresh prefix)`, `${install.stdout}${install.stderr}`);
  if (install.status !== 0) throw new Error('the install failed');
  console.log(`${install.stdout}${install.stderr}`.trim().replace(/^/gm, '     '));
  // npm 11 warns of every package with install scripts not covered by allowScripts (and tells the user to allow them):
  // the shipped manifests have none (scripts/pack-manifest.mjs, scripts/bundle-ort.mjs).
  const scriptWarning = `${install.stdout}${install.stderr}`.split('\n').filter((line) => /install-scripts|allowScripts|allow-scripts|install scripts/i.test(line));
  check(scriptWarning.length === 0, 'npm printed no warning about install scripts (allowScripts)', scriptWarning.join('\n'));
  const isWindows = process.platform === 'win32';
  const bin = isWindows ? path.join(prefix, 'charnn.cmd') : path.join(prefix, 'bin', 'charnn');
  const installed = isWindows ? path.join(prefix, 'node_modules', 'charnn') : path.join(prefix, 'lib', 'node_modules', 'charnn');
  const shipped = JSON.parse(fs.readFileSync(path.join(installed, 'package.json'), 'utf8')) as { scripts?: Record<string, string> };
  check(shipped.scripts === undefined, 'the installed package.json has no scripts (prepare and the rest stay in the checkout)', JSON.stringify(shipped.scripts));
  const checkout = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts?: Record<string, string> };
  check(typeof checkout.scripts?.['prepare'] === 'string', 'the checkout\'s package.json has its scripts back after the pack (prepare builds dist/)');
  const ortBin = path.join(installed, 'node_modules', 'onnxruntime-node', 'bin', 'napi-v6');
  const downloaded = fs.readdirSync(ortBin, { recursive: true, encoding: 'utf8' }).filter((f) => /providers_(cuda|tensorrt|shared)/.test(f));
  check(downloaded.length === 0, 'no GPU library was downloaded into onnxruntime-node', downloaded.join('\n'));
  const platforms = fs.readdirSync(ortBin).flatMap((os) => fs.readdirSync(path.join(ortBin, os)).map((arch) => `${os}/${arch}`));
  check(['darwin/arm64', 'linux/arm64', 'linux/x64', 'win32/arm64', 'win32/x64'].every((p) => platforms.includes(p)), `onnxruntime's CPU binaries for every platform are there (${platforms.join(', ')})`);

  // 3. The installed command.
  // The prefix's bin on the PATH, as a user's global prefix is.
  const env = { ...userEnvironment(), HOME: home, NO_COLOR: '1', PATH: `${path.dirname(bin)}${path.delimiter}${process.env['PATH'] ?? ''}` };
  const version = run(bin, ['--version'], work, env);
  check(version.status === 0 && version.stdout.trim() === JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version,
    `charnn --version → ${version.stdout.trim()}`, version.stderr);
  const corpus = path.join(work, 'tiny.txt');
  fs.writeFileSync(corpus, fs.readFileSync(path.join(ROOT, 'corpora', 'tinyshakespeare.txt'), 'utf8').slice(0, 20_000));
  const out = path.join(work, 'run');
  const train = run(bin, ['train', corpus, '--max-steps', '5', '--no-ui', '--hidden', '32', '--embedding', '16', '--batch', '4', '--seq-len', '32',
    '--eval-every', '5', '--sample-length', '0', '--out', out], work, env);
  check(train.status === 0, 'charnn train tiny.txt --max-steps 5 --no-ui', `${train.stdout}${train.stderr}`);
  const meta = path.join(out, 'latest', 'charnn.json');
  const engine = fs.existsSync(meta) ? (JSON.parse(fs.readFileSync(meta, 'utf8')) as { engine?: string }).engine : undefined;
  check(engine?.split(',')[0] === 'ort', `it trained on the ort engine (the checkpoint says "${engine ?? 'nothing'}")`, train.stderr);
  check(/^next: charnn sample run$/m.test(train.stderr), 'its next: line names the installed command (next: charnn sample run)', train.stderr);
  console.log(train.stderr.trim().split('\n').slice(-3).join('\n').replace(/^/gm, '     '));

  // 4. The installed size.
  const total = diskUsage(installed);
  const modules = path.join(installed, 'node_modules');
  const packages = fs.readdirSync(modules).flatMap((name) =>
    name.startsWith('@') ? fs.readdirSync(path.join(modules, name)).map((scoped) => `${name}/${scoped}`) : name.startsWith('.') ? [] : [name]);
  const sizes = packages.map((name) => ({ name, bytes: diskUsage(path.join(modules, name)) })).sort((a, b) => b.bytes - a.bytes);
  const own = total - diskUsage(modules);
  console.log(`\ninstalled size: ${mb(total)} = ${(total / 1e6).toFixed(1)} MB (${path.relative(work, installed)}, ${packages.length} packages)`);
  for (const { name, bytes } of sizes.slice(0, 12)) console.log(`  ${mb(bytes).padStart(9)}  ${name}`);
  const rest = sizes.slice(12).reduce((sum, p) => sum + p.bytes, 0);
  console.log(`  ${mb(rest).padStart(9)}  the other ${sizes.length - 12} packages`);
  console.log(`  ${mb(own).padStart(9)}  charnn itself`);
} catch (error) {
  console.error(`install-check: ${(error as Error).message}`);
  process.exitCode = 1;
} finally {
  if (keep) console.log(`\nkept ${work}`);
  else fs.rmSync(work, { recursive: true, force: true });
}
