/** The compare, recall and gradients views: live updates, frame sizes, tables. */
import { afterEach, describe, expect, it } from 'vitest';
import { render as inkRender } from 'ink';
import { cleanup, render } from 'ink-testing-library';
import type { CompareEvent, CompareRow } from '../../src/compare/compare.js';
import type { GradientSpan } from '../../src/compare/gradient-span.js';
import type { RecallRunResult } from '../../src/compare/recall.js';
import { CompareApp } from '../../src/ui/compare/CompareApp.js';
import { GradientsView } from '../../src/ui/compare/GradientsView.js';
import { recallFrame } from '../../src/ui/compare/RecallView.js';
import { gradientTable, recallTable } from '../../src/ui/compare/tables.js';
import { displayWidth } from '../../src/util/text.js';
import { eventually, FakeStdout, runInfo, stepEvent, evalEvent, strip } from '../ui/fixtures.js';

afterEach(() => cleanup());

class FakeCompare {
  listeners = new Set<(e: CompareEvent) => void>();
  stops = 0;
  subscribe(l: (e: CompareEvent) => void) {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }
  stop() {
    this.stops++;
  }
  emit(...events: CompareEvent[]) {
    for (const e of events) for (const l of this.listeners) l(e);
  }
}

const budget = { engine: 'ort', maxSteps: 300, maxTimeMs: null, batchSize: 32, seqLen: 64, seed: 1, lr: 2e-3, evalEvery: 30, evalBatches: 20 };

function row(cell: 'rnn' | 'lstm' | 'gru', best: number): CompareRow {
  return {
    cell, hidden: 128, layers: 2, params: 100_000, steps: 300, elapsedMs: 60_000, msPerStep: 150, charsPerSec: 13_653, bestValLoss: best,
    bestValBpc: best / Math.LN2, bestStep: 300, lastValLoss: best, sample: 'ROMEO:\nWhat', sampleTemperature: 0.8, val: [[150, best + 0.3], [300, best]],
    outDir: '/tmp/x', stopped: false,
  };
}

describe('CompareApp', () => {
  it('shows the plan, the running cell and the finished rows, and stops on q', async () => {
    const session = new FakeCompare();
    const app = render(<CompareApp session={session} color={false} flushIntervalMs={10} />);
    const frame = () => strip(app.lastFrame());
    await eventually(() => expect(session.listeners.size).toBe(1));
    session.emit({
      type: 'plan', corpus: 'tinyshakespeare', match: 'hidden', budget,
      runs: [{ cell: 'rnn', hidden: 128, params: 70_145 }, { cell: 'lstm', hidden: 128, params: 242_945 }],
    });
    await eventually(() => expect(frame()).toContain('300 steps each on ort, batch 32 × seq-len 64'));
    session.emit(
      { type: 'train', cell: 'rnn', index: 0, event: { type: 'start', info: runInfo({ cell: 'rnn', params: 70_145 }) } },
      { type: 'train', cell: 'rnn', index: 0, event: stepEvent(12) },
      { type: 'train', cell: 'rnn', index: 0, event: evalEvent(30, 2.5, { valLoss: 2.5 }) },
    );
    await eventually(() => expect(frame()).toMatch(/training rnn \(1\/2\)/));
    expect(frame()).toMatch(/▸rnn\s+128\s+70,145/);
    expect(frame()).toMatch(/2\.5000/);
    session.emit({ type: 'result', index: 0, row: row('rnn', 2.4) });
    await eventually(() => expect(frame()).toMatch(/ rnn\s+128\s+100,000\s+300\s+150\.0\s+13,653\s+2\.4000\s+3\.462\s+1m00s/));
    expect(frame()).toContain('rnn  │ ROMEO:↵What');
    app.stdin.write('q');
    await eventually(() => expect(session.stops).toBe(1));
    session.emit({ type: 'done', rows: [row('rnn', 2.4)], stopped: true });
    await eventually(() => expect(frame()).toMatch(/^stopped$/m));
  });
});

const span = (cell: 'rnn' | 'lstm' | 'gru', rate: number): GradientSpan => {
  const norms = Array.from({ length: 101 }, (_, k) => rate ** k);
  return {
    cell, hidden: 128, layers: 2, span: 100, norms, relative: norms.map((v) => v / norms[1]!), threshold: 1e-3,
    decayDistance: rate ** 99 < 1e-3 ? Math.ceil(Math.log(1e-3) / Math.log(rate)) + 1 : null, meanLoss: 4.17, windows: 4, streams: 32,
  };
};

describe('gradients view', () => {
  it('fits the chart and table in the terminal and shows the decay distance', () => {
    // A 90×30 terminal; in debug mode Ink writes each frame whole.
    let frame = '';
    const stdout = Object.assign(new FakeStdout(), { columns: 90, rows: 30, write: (chunk: string) => ((frame = chunk), true) });
    const long = 'measured on 4 windows of tinyshakespeare.txt, 32 streams each, from the checkpoints the compare run above wrote';
    const app = inkRender(<GradientsView spans={[span('rnn', 0.9), span('lstm', 0.99)]} status="" notes={[long]} color={false} />, {
      stdout: stdout as unknown as NodeJS.WriteStream,
      debug: true,
      patchConsole: false,
    });
    app.unmount();
    const lines = strip(frame).trimEnd().split('\n');
    expect(lines.length).toBeLessThanOrEqual(30);
    for (const l of lines) expect(displayWidth(l)).toBeLessThanOrEqual(90);
    // Lines wider than the terminal are cut by Ink, the cut marked.
    expect(lines[0]).toMatch(/^gradient of the last position's loss .*…$/);
    expect(lines.at(-1)).toMatch(/^measured on 4 windows .*…$/);
    expect(lines.join('\n')).toMatch(/‖∂L_T\/∂h_\{T−k\}‖/);
    const table = gradientTable([span('rnn', 0.9), span('lstm', 0.99)]);
    expect(table[0]).toMatch(/k=10 \(rel\.\).*k=100 \(rel\.\).*< 1e-3 at k/);
    expect(table[2]).toMatch(/^rnn .* 67\s+4\.170$/);
    expect(table[3]).toMatch(/^lstm .* > 100\s+4\.170$/);
  });
});

describe('recall view', () => {
  const result = (cell: 'rnn' | 'lstm', lag: number, accuracy: number): RecallRunResult => ({
    cell, lag, hidden: 64, layers: 1, params: 5000, steps: 100, accuracy, recallLoss: 1, evalCount: 512, chance: 0.25, finalLoss: 1, elapsedMs: 1000, curve: [],
  });

  it('tabulates accuracy by cell and lag, with the running one in parentheses', () => {
    const results = [result('rnn', 5, 1), result('lstm', 5, 0.97), result('rnn', 20, 0.26)];
    const table = recallTable(['rnn', 'lstm'], [5, 20], results, { cell: 'lstm', lag: 20, accuracy: 0.5 });
    expect(table[0]).toMatch(/^cell\s+hidden\s+params\s+lag 5\s+lag 20$/);
    expect(table[2]).toMatch(/^rnn\s+64\s+5,000\s+1\.00\s+0\.26$/);
    expect(table[3]).toMatch(/^lstm\s+64\s+5,000\s+0\.97\s+\(0\.50\)$/);
    const lines = recallFrame(
      { cells: ['rnn', 'lstm'], lags: [5, 20], results, chance: 0.25, running: { cell: 'lstm', lag: 20, step: 40, steps: 100, loss: 1.2, accuracy: 0.5 }, notes: ['budget'], color: false },
      80, 24,
    );
    expect(lines[0]).toBe('training lstm at lag 20: step 40/100, loss 1.200, held-out accuracy 0.50');
    expect(lines.length).toBeLessThanOrEqual(24);
    expect(lines.join('\n')).toContain('recall accuracy by lag');
  });
});
