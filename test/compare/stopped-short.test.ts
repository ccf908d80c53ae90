/**
 * A comparison stopped by Ctrl-C (or SIGTERM, SIGHUP) says so where its
 * figures are: the stderr line of a cell it stopped reads "stopped", and the
 * report under the table names the cells stopped short and those never
 * trained, so unequal rows are not read as a fair comparison.
 */
import { describe, expect, it } from 'vitest';
import { stoppedShort, textProgress } from '../../src/cli/compare-run.js';
import type { CompareRow } from '../../src/compare/compare.js';

const row = (cell: CompareRow['cell'], steps: number, stopped: boolean) => ({ cell, steps, stopped });

describe('a stopped comparison', () => {
  it('names the cells stopped short of the budget and those not trained', () => {
    expect(stoppedShort([row('rnn', 3000, false), row('lstm', 1200, true)], ['rnn', 'lstm', 'gru'])).toEqual([
      '',
      'stopped: lstm at step 1,200 stopped short of the budget; gru not trained (these rows are not a comparison on equal terms)',
    ]);
    expect(stoppedShort([row('rnn', 3000, false)], ['rnn', 'lstm'])[1]).toBe('stopped: lstm not trained (these rows are not a comparison on equal terms)');
  });

  it('adds nothing to a comparison that ran in full', () => {
    expect(stoppedShort([row('rnn', 300, false), row('gru', 300, false)], ['rnn', 'gru'])).toEqual([]);
  });

  it('says "stopped", not "done", on stderr for a cell it stopped', () => {
    const lines: string[] = [];
    const progress = textProgress((l) => lines.push(l));
    const result = (r: ReturnType<typeof row>) => ({ type: 'result', row: { ...r, elapsedMs: 7000, msPerStep: 5, bestValLoss: 0.0231 } }) as never;
    progress(result(row('rnn', 3000, false)));
    progress(result(row('lstm', 1200, true)));
    expect(lines).toEqual([
      'rnn: done, 3000 steps in 7s, 5.0 ms/step, best val 0.0231 nats',
      'lstm: stopped, 1200 steps in 7s, 5.0 ms/step, best val 0.0231 nats',
    ]);
  });
});
