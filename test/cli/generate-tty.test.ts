/**
 * `charnn generate` on a terminal, through the real binary in a real
 * pseudo-terminal (util-linux `script`): a model trained on text full of
 * escape sequences (window title, OSC 52 clipboard, CSI), C1 controls, DEL
 * and bidi overrides cannot send any of them to the terminal, on any
 * output path (streamed first sample, the others, the separator, --beam,
 * --prompts, --format jsonl, --novelty notes), while its line breaks and
 * tabs still print as such. Piped, the same command writes the exact text.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { safeText } from '../../src/util/escape.js';
import { BIN, ROOT, runCli, tempDir } from '../helpers/cli.js';
import { runInProcess } from '../helpers/in-process.js';

const TITLE = '\u001b]0;PWNED\u0007';
const BAD = [TITLE, '\u001b]52;c;aGk=\u0007', '\u001b[2J', '\u202e', '\u2066', '\u0085', '\u009b2J', '\u007f', '\r\n', '\t'];
// eslint-disable-next-line no-control-regex
const RAW = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
// eslint-disable-next-line no-control-regex
const RAW_BUT_LINES = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

/** The prompt, as typed: every hostile kind the corpus has, so the model knows it and echoes it raw. */
const PRIME = '\\u001b]0;PWNED\\u0007 \\u202ethe \\u0085\\u009b2J\\u007f\\u2066';
const SEPARATOR = '\\n\\u001b[2J--\\u202e--\\n';

let dir: string;
let run: string;

function hostileCorpus(): string {
  const words = 'the quick brown fox jumps over the lazy dog and '.split(' ');
  let text = '';
  for (let i = 0; text.length < 12_000; i++) text += `${words[i % words.length]} ${i % 3 === 0 ? BAD[i % BAD.length] : ''}`;
  const file = path.join(dir, 'hostile.txt');
  fs.writeFileSync(file, text);
  return file;
}

beforeAll(async () => {
  dir = tempDir('charnn-generate-tty-');
  run = path.join(dir, 'run');
  const r = await runCli([
    'train', hostileCorpus(), '--layers', '1', '--hidden', '32', '--embedding', '16', '--batch', '4', '--seq-len', '32', '--max-steps', '20',
    '--eval-every', '20', '--eval-batches', '1', '--sample-length', '0', '--no-ui', '--backend', 'wasm', '--workers', '1', '--seed', '1', '--out', run,
  ]);
  if (r.code !== 0) throw new Error(`training failed (${r.code}): ${r.stderr}`);
  fs.writeFileSync(path.join(dir, 'prompts.txt'), `${PRIME}\n\\u202e\\u0085the\n`);
});

const quote = (arg: string): string => `'${arg.replace(/'/g, `'\\''`)}'`;

/**
 * Runs each command (charnn arguments) in turn inside one pseudo-terminal:
 * stdout is the terminal, stderr goes to a file. Returns what each wrote.
 */
function onTerminal(commands: string[][]): Promise<{ stdout: string; stderr: string }[]> {
  const marker = (i: number) => `@@charnn-command-${i}@@`;
  const script = commands
    .map((args, i) => `printf '${marker(i)}\\n'; ${quote(process.execPath)} ${quote(BIN)} ${args.map(quote).join(' ')} 2>${quote(path.join(dir, `err-${i}`))}`)
    .join('; ');
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['-qec', script, '/dev/null'], { cwd: ROOT, env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    const safety = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(safety);
      if (code !== 0) return reject(new Error(`script exited ${code}: ${out}`));
      // The terminal writes every line feed as CR LF (onlcr).
      const text = out.replace(/\r\n/g, '\n');
      resolve(
        commands.map((_, i) => {
          const start = text.indexOf(`${marker(i)}\n`) + marker(i).length + 1;
          const end = i + 1 < commands.length ? text.indexOf(`${marker(i + 1)}\n`) : text.length;
          return { stdout: text.slice(start, end), stderr: fs.readFileSync(path.join(dir, `err-${i}`), 'utf8') };
        }),
      );
    });
  });
}

describe('charnn generate on a terminal', () => {
  it('makes every control character and bidi override harmless on every text path; a pipe gets the exact text', async () => {
    const commands = [
      // The first sample streams, the others follow, the separator between them; novelty notes on stderr.
      ['generate', run, '--length', '120', '--num', '3', '--seed', '3', '--prime', PRIME, '--separator', SEPARATOR, '--novelty'],
      // Beam search over prompts from a file, with its notes on stderr.
      ['generate', run, '--length', '30', '--beam', '2', '--prompts', path.join(dir, 'prompts.txt'), '--novelty'],
    ];
    const terminal = await onTerminal(commands);
    for (const [i, args] of commands.entries()) {
      const piped = await runInProcess(args);
      expect(piped.code, piped.stderr).toBe(0);
      const shown = terminal[i]!;
      expect(shown.stdout).not.toMatch(RAW_BUT_LINES);
      expect(shown.stderr).not.toMatch(RAW_BUT_LINES);
      // The pipe has the model's text byte for byte (the prompt echoed, raw)…
      expect(piped.stdout).toContain(TITLE);
      // …and the terminal the same text made harmless: line breaks and tabs kept, every other control one U+FFFD.
      expect(shown.stdout).toBe(safeText(piped.stdout));
      expect(shown.stdout).toContain('\ufffd]0;PWNED\ufffd \ufffdthe \ufffd\ufffd2J\ufffd\ufffd');
    }
    // The separator was printed (made harmless) between the samples.
    expect(terminal[0]!.stdout.split('\n\ufffd[2J--\ufffd--\n')).toHaveLength(3);
    // The model wrote controls of its own beyond the prompt (so the samples, not only the prompt, went through).
    expect(terminal[0]!.stdout.replaceAll('\ufffd]0;PWNED\ufffd \ufffdthe \ufffd\ufffd2J\ufffd\ufffd', '').replaceAll('\ufffd[2J--\ufffd--', '')).toContain('\ufffd');
  });

  it('--format jsonl writes them all as \\u escapes (terminal or not: JSON is for programs) and keeps the exact values', async () => {
    const r = await runInProcess(['generate', run, '--length', '60', '--num', '2', '--seed', '7', '--prime', PRIME, '--format', 'jsonl', '--novelty']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).not.toMatch(RAW_BUT_LINES);
    const records = r.stdout.trim().split('\n').map((line) => JSON.parse(line) as { prompt: string; text: string });
    expect(records.map((x) => x.prompt)).toEqual([`${TITLE} \u202ethe \u0085\u009b2J\u007f\u2066`, `${TITLE} \u202ethe \u0085\u009b2J\u007f\u2066`]);
    expect(records.map((x) => x.text).join('')).toMatch(RAW);
  });
});
