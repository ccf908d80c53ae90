/**
 * The program as a function (src/cli/main.ts): makeProgram() never exits the
 * process, and runProgram() turns every ending into the exit code the binary
 * would have — which is what lets the CLI tests run in-process.
 */
import { describe, expect, it } from 'vitest';
import { makeProgram, runProgram } from '../../src/cli/main.js';
import { runInProcess } from '../helpers/in-process.js';

describe('runProgram', () => {
  it('a usage error: exit 2, one line through the program\'s writeErr, process.exitCode left alone', async () => {
    let out = '';
    let err = '';
    process.exitCode = undefined;
    const code = await runProgram(makeProgram({ writeOut: (t) => (out += t), writeErr: (t) => (err += t) }), ['train', 'x.txt', '--hiden', '3']);
    expect(code).toBe(2);
    expect(out).toBe('');
    expect(err).toBe("charnn train: unknown option '--hiden' (did you mean --hidden? see charnn train --help)\n");
    expect(process.exitCode).toBeUndefined();
  });

  it('--help and --version: exit 0, on writeOut', async () => {
    for (const args of [['--help'], ['generate', '--help'], ['--version']]) {
      let out = '';
      const code = await runProgram(makeProgram({ writeOut: (t) => (out += t), writeErr: () => {} }), args);
      expect(code, args.join(' ')).toBe(0);
      expect(out.length, args.join(' ')).toBeGreaterThan(0);
    }
  });

  it('an error the command throws: its exit code and one escaped line on stderr (in-process, captured)', async () => {
    const r = await runInProcess(['info', '/nonexistent/run\u001b[31m']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^charnn: checkpoint not found: \/nonexistent\/run\\x1b\[31m .*\n$/);
    expect(r.stderr).not.toContain('\u001b');
  });

  it('a command that succeeds: exit 0, its product on stdout, and the next run starts clean', async () => {
    const help = await runInProcess(['info', '--help']);
    expect(help).toMatchObject({ code: 0, stderr: '' });
    expect(help.stdout).toMatch(/^Usage: charnn info/);
    const refused = await runInProcess(['runs', '--frobnicate']);
    expect(refused.code).toBe(2);
    expect(refused.stdout).toBe('');
  });
});
