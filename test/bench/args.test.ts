/**
 * The bench scripts' flags (bench/args.ts): a flag a script does not take —
 * a typo, or --help — stops it before it starts minutes of runs.
 */
import { describe, expect, it } from 'vitest';
import { checkFlags } from '../../bench/args.js';

/** What checkFlags said, or null when it let the arguments through. */
function said(args: string[]): string | null {
  try {
    checkFlags(args, ['--minutes', '--out'], ['--busy'], (message) => {
      throw new Error(message);
    });
    return null;
  } catch (e) {
    return (e as Error).message;
  }
}

describe('checkFlags', () => {
  it('lets the known flags through, with their values', () => {
    expect(said([])).toBeNull();
    expect(said(['--minutes', '5', '--busy', '--out', '--busy'])).toBeNull();
  });

  it('refuses --help, an unknown flag, a stray value and a missing value, naming the flags there are', () => {
    expect(said(['--help'])).toBe('flags: --minutes <value>, --out <value>, --busy (the top of the script says more)');
    expect(said(['--busy', '--minute', '5'])).toMatch(/^unknown argument --minute; flags: --minutes <value>/);
    expect(said(['--busy', '5'])).toMatch(/^unknown argument 5;/);
    expect(said(['--busy', '--minutes'])).toBe('--minutes takes a value');
  });
});
