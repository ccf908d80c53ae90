/**
 * The exported page in a real browser: headless Chromium opens index.html,
 * served on 127.0.0.1 by a tiny static server, loads TF.js (tf.min.js from
 * the export; there is no network), the model and the vocabulary, generates
 * text, and we read it back from the DOM (--dump-dom after a virtual-time
 * budget; the page sets data-state="done" and its title when finished).
 *
 * Skipped, with the reason printed, when Chromium is not installed (.ci/run
 * installs Debian's `chromium`; CHARNN_CHROMIUM names another binary).
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, smallCorpus, tempDir } from '../helpers/cli.js';

/** Debian's chromium, or the browser named by CHARNN_CHROMIUM. */
const CHROMIUM_PATHS = process.env['CHARNN_CHROMIUM'] ? [process.env['CHARNN_CHROMIUM']] : ['/usr/bin/chromium', '/usr/bin/chromium-browser'];
const CHROMIUM = CHROMIUM_PATHS.find((p) => fs.existsSync(p)) ?? null;

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.bin': 'application/octet-stream',
};

/** Serves `root` read-only on an ephemeral 127.0.0.1 port. */
function serve(root: string): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    const name = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname).replace(/^\/+/, '') || 'index.html';
    const file = path.join(root, path.normalize(name));
    if (!file.startsWith(root + path.sep) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
      res.writeHead(404).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream' });
    fs.createReadStream(file).pipe(res);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

/** Runs headless Chromium on `url` and returns the DOM it dumps. */
function dumpDom(url: string, profile: string): Promise<{ code: number | null; dom: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(CHROMIUM!, [
      '--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--disable-quic', `--user-data-dir=${profile}`, '--virtual-time-budget=120000', '--dump-dom', url,
    ], { stdio: ['ignore', 'pipe', 'pipe'] });
    let dom = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (dom += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 50_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, dom, stderr });
    });
  });
}

function unescapeHtml(text: string): string {
  return text.replace(/&(amp|lt|gt|quot|#39|nbsp);/g, (_, e: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", nbsp: '\u00a0' })[e]!);
}

let dir: string;
let exported: string;
let server: http.Server | null = null;

beforeAll(async () => {
  if (!CHROMIUM) return;
  dir = tempDir('charnn-browser-');
  const run = path.join(dir, 'run');
  const train = await runCli([
    'train', smallCorpus(dir), '--cell', 'lstm', '--layers', '1', '--hidden', '32', '--embedding', '16', '--batch', '8', '--seq-len', '32',
    '--max-steps', '10', '--eval-every', '10', '--eval-batches', '1', '--sample-length', '0', '--no-ui', '--backend', 'wasm', '--workers', '1',
    '--out', run,
  ]);
  if (train.code !== 0) throw new Error(`training failed: ${train.stderr}`);
  exported = path.join(dir, 'export');
  const r = await runCli(['export', run, exported]);
  if (r.code !== 0) throw new Error(`export failed: ${r.stderr}`);
  server = await serve(exported);
});

afterAll(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
});

describe('exported index.html in headless Chromium', () => {
  it('loads the model with TF.js, generates text and shows it', async (ctx) => {
    if (!CHROMIUM) {
      console.log(`skipping the browser test: Chromium is not installed (looked for ${CHROMIUM_PATHS.join(', ')}; .ci/run installs it with apt-get)`);
      ctx.skip();
      return;
    }
    const { port } = server!.address() as AddressInfo;
    const url = `http://127.0.0.1:${port}/index.html?autorun=1&seed=7&length=150&temperature=0.8&prime=${encodeURIComponent('First Citizen:')}`;
    const { code, dom, stderr } = await dumpDom(url, fs.mkdtempSync(path.join(dir, 'profile-')));
    expect(code, stderr.slice(-2000)).toBe(0);
    const state = /<body[^>]*data-state="([a-z]+)"/.exec(dom)?.[1];
    const status = unescapeHtml(/<div id="status">([^<]*)<\/div>/.exec(dom)?.[1] ?? '');
    expect(state, `page status: ${status}`).toBe('done');
    expect(/<title>([^<]*)<\/title>/.exec(dom)?.[1]).toMatch(/^done — charnn · small · LSTM 1×32$/);
    expect(unescapeHtml(/<span id="prime-echo">([^<]*)<\/span>/.exec(dom)?.[1] ?? '')).toBe('First Citizen:');
    const sample = unescapeHtml(/<span id="sample">([^<]*)<\/span>/.exec(dom)?.[1] ?? '');
    expect([...sample]).toHaveLength(150);
    const vocab: string[] = JSON.parse(fs.readFileSync(path.join(exported, 'vocab.json'), 'utf8')).chars;
    expect([...sample].every((c) => vocab.includes(c))).toBe(true);
    expect(status).toMatch(/^150 characters in [\d.]+ s \(seed 7, temperature 0\.80\)$/);
  });
});
