/**
 * Runs a charnn command in this process, through the same program and the
 * same error reporting as the binary (src/cli/main.ts `runProgram`), with
 * what it writes to stdout and stderr captured: a usage error costs
 * milliseconds instead of a Node start-up (and, for most commands, a TF.js
 * start-up). For what only the real binary shows (exit by signal, stdin,
 * closed or full streams, --debug, start-up imports), use cli.ts `runCli`.
 *
 * Runs are serialised (stdout, stderr, process.env and process.exitCode are
 * the process's own), so `it.concurrent` cases may use it freely.
 */
import { Console } from 'node:console';
import { makeProgram, runProgram } from '../../src/cli/main.js';
import type { CliResult } from './cli.js';

export interface InProcessOptions {
  /** Variables set for the run (NO_COLOR=1 always, as runCli sets it). */
  env?: Record<string, string>;
  /**
   * Working directory for the run, put back after it. It is the whole test
   * process's while the run lasts: a file that passes it runs no test
   * concurrently that depends on the working directory.
   */
  cwd?: string;
}

let queue: Promise<unknown> = Promise.resolve();

type Write = typeof process.stdout.write;

/** `charnn ...args` in-process: its exit code and output, as runCli returns them (signal always null). */
export function runInProcess(args: string[], options: InProcessOptions = {}): Promise<CliResult> {
  const run = queue.then(() => runCaptured(args, options));
  queue = run.catch(() => {});
  return run;
}

async function runCaptured(args: string[], options: InProcessOptions): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const capture = (append: (text: string) => void): Write =>
    ((chunk: string | Uint8Array, encoding?: BufferEncoding | ((error?: Error | null) => void), done?: (error?: Error | null) => void): boolean => {
      append(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
      const callback = typeof encoding === 'function' ? encoding : done;
      if (callback) queueMicrotask(() => callback());
      return true;
    }) as Write;
  const env = { NO_COLOR: '1', ...options.env };
  const savedEnv = Object.fromEntries(Object.keys(env).map((key) => [key, process.env[key]]));
  const out = process.stdout.write;
  const err = process.stderr.write;
  Object.assign(process.env, env);
  process.stdout.write = capture((text) => (stdout += text));
  process.stderr.write = capture((text) => (stderr += text));
  // console.* goes where the binary's would: to the (captured) stdout and stderr, not to vitest's log.
  const savedConsole = globalThis.console;
  globalThis.console = new Console({ stdout: process.stdout, stderr: process.stderr });
  // A command that ends the process (a second Ctrl-C, a failed stdout) would end the test worker: fail the test instead.
  const exit = process.exit;
  const cwd = process.cwd();
  if (options.cwd) process.chdir(options.cwd);
  process.exit = ((code?: number | string | null) => {
    throw new Error(`charnn ${args.join(' ')} called process.exit(${code ?? ''}) in-process: run it with runCli`);
  }) as typeof process.exit;
  try {
    const program = makeProgram({ writeOut: (text) => (stdout += text), writeErr: (text) => (stderr += text) });
    const code = await runProgram(program, args);
    return { code, signal: null, stdout, stderr };
  } finally {
    process.chdir(cwd);
    process.exit = exit;
    globalThis.console = savedConsole;
    process.stdout.write = out;
    process.stderr.write = err;
    for (const [key, value] of Object.entries(savedEnv)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  }
}
