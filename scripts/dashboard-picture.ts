/**
 * Regenerates docs/dashboard.svg, the README's picture of the training
 * dashboard, from an actual run: `charnn train` on the bundled corpus in a
 * detached tmux session of 80×24, captured (with its colours) once it has
 * shown validation losses and samples, then stopped with q and drawn as an
 * SVG by scripts/ansi-svg.ts.
 *
 *   npm run picture                      # after the evaluation at step 200, 20 s more
 *   npm run picture -- --step 400 --wait 5 --out docs/dashboard.svg
 *
 * Needs tmux. The run is written to a temporary directory and removed.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { screenToSvg } from './ansi-svg.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const COLUMNS = 80;
const ROWS = 24;

function option(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1]! : fallback;
}

const socket = `charnn-picture-${process.pid}`;
function tmux(...args: string[]): string {
  const r = spawnSync('tmux', ['-L', socket, '-f', '/dev/null', ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`tmux ${args.join(' ')} failed: ${r.stderr.trim()}`);
  return r.stdout;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function main(): Promise<void> {
  if (spawnSync('tmux', ['-V']).status !== 0) throw new Error('tmux is not installed');
  const afterStep = Number(option('--step', '200'));
  const waitMs = Number(option('--wait', '20')) * 1000;
  const out = path.resolve(ROOT, option('--out', 'docs/dashboard.svg'));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'charnn-picture-'));
  // Run where a user would (the run lands in checkpoints/ of a scratch directory).
  const command = `node '${path.join(ROOT, 'bin', 'charnn.js')}' train '${path.join(ROOT, 'corpora', 'tinyshakespeare.txt')}' --max-time 30m`;
  tmux('new-session', '-d', '-s', 'picture', '-x', String(COLUMNS), '-y', String(ROWS), '-c', dir, command);
  const cleanUp = (): void => {
    spawnSync('tmux', ['-L', socket, 'kill-server']);
    fs.rmSync(dir, { recursive: true, force: true });
  };
  // Interrupted: the training in tmux and its scratch directory go too.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      cleanUp();
      process.exit(130);
    });
  }
  try {
    const screen = (): string => tmux('capture-pane', '-p', '-e', '-t', 'picture');
    const plain = (): string => screen().replace(/\u001b\[[\d;:]*m/g, '');
    // The first evaluation (by time) brings the validation loss and samples; the picture waits for
    // the checkpoint of the evaluation at --step (latest @N on the screen) and its samples.
    const started = Date.now();
    const latestStep = (): number => Number(/latest @(\d+)/.exec(plain())?.[1] ?? -1);
    let firstSeen = false;
    while (latestStep() < afterStep || /none yet/.test(plain())) {
      if (!firstSeen && /val \d+\.\d+ nats/.test(plain())) {
        firstSeen = true;
        process.stderr.write(`first evaluation after ${Math.round((Date.now() - started) / 1000)} s\n`);
      }
      if (Date.now() - started > 30 * 60_000) throw new Error(`no evaluation at step ${afterStep} after 30 minutes; the screen shows:\n${plain()}`);
      await sleep(1000);
    }
    process.stderr.write(`step ${latestStep()} evaluated after ${Math.round((Date.now() - started) / 1000)} s; capturing in ${waitMs / 1000} s\n`);
    await sleep(waitMs);
    const captured = screen();
    tmux('send-keys', '-t', 'picture', 'q');
    const alive = (): boolean => spawnSync('tmux', ['-L', socket, 'has-session', '-t', 'picture']).status === 0;
    for (let i = 0; i < 60 && alive(); i++) await sleep(1000);
    fs.mkdirSync(path.dirname(out), { recursive: true });
    fs.writeFileSync(out, screenToSvg(captured, { columns: COLUMNS, rows: ROWS, title: 'charnn train: the live dashboard at 80×24' }));
    process.stderr.write(`wrote ${path.relative(process.cwd(), out)}\n`);
  } finally {
    cleanUp();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`dashboard-picture: ${(error as Error).message}\n`);
  process.exitCode = 1;
});
