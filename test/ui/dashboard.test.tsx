import { describe, expect, it } from 'vitest';
import { render } from 'ink-testing-library';
import type { TrainEvent } from '../../src/train/events.js';
import { Dashboard, planDashboard } from '../../src/ui/train/Dashboard.js';
import { initialDashboardState, type DashboardState } from '../../src/ui/train/dashboard-state.js';
import { columns, midRunEvents, reduceAll, runInfo, stepEvent, strip } from './fixtures.js';
import { charnnCommand } from '../../src/util/invocation.js';

function frame(state: DashboardState, width: number, height: number, extra: { color?: boolean; stopping?: boolean } = {}): string[] {
  const { lastFrame, unmount } = render(
    <Dashboard state={state} width={width} height={height} color={extra.color ?? false} temperature={0.8} stopping={extra.stopping} />,
  );
  const raw = lastFrame() ?? '';
  unmount();
  return (extra.color ? strip(raw) : raw).split('\n');
}

function expectFits(lines: string[], width: number, height: number) {
  expect(lines.length).toBeLessThanOrEqual(height);
  for (const l of lines) expect(columns(l)).toBeLessThanOrEqual(width);
}

const mid = reduceAll(midRunEvents(820));
const warned = reduceAll([
  { type: 'warning', step: 700, message: 'gradient norm 812.4 exceeded the clip threshold 5 — clipped' },
  { type: 'warning', step: 810, message: 'validation loss rose for 2 evals in a row' },
], mid);

describe('Dashboard', () => {
  it('shows run info, progress, figures, losses, chart, samples, checkpoints and keys', () => {
    const text = frame(mid, 80, 24).join('\n');
    expect(text).toContain('tinyshakespeare.txt');
    expect(text).toContain('vocab 65');
    expect(text).toContain('LSTM 2×256');
    expect(text).toMatch(/ort(, 2 threads|×2)/);
    expect(text).toMatch(/█+.*41%/);
    expect(text).toContain('eta 2m21s');
    expect(text).toContain('step 820/2,000');
    expect(text).toContain('epoch 2.62');
    expect(text).toContain('5,210 chars/s');
    expect(text).toContain('lr 2.0e-3');
    expect(text).toContain('|g| 1.23');
    expect(text).toMatch(/train \d\.\d{4} nats \(\d\.\d{3} bpc\)/);
    expect(text).toMatch(/val \d\.\d{4} nats \(\d\.\d{3} bpc\)/);
    expect(text).toContain('loss (nats)');
    expect(text).toMatch(/[\u2801-\u28ff]/);
    expect(text).toContain('◆');
    expect(text).toContain('820'); // x axis end
    expect(text).toContain('▸T=0.8 ROMEO:↵I would');
    expect(text).toContain('T=0.5 KING RICHARD');
    expect(text).toContain('checkpoints/tinyshakespeare/best');
    for (const key of ['p pause', 's save', 'g sample', 't ', 'q ']) expect(text).toContain(key);
  });

  it('fits 80×24 with no line wider than 80, in every state', () => {
    const states: DashboardState[] = [
      initialDashboardState(),
      reduceAll([{ type: 'start', info: runInfo() }]),
      reduceAll([{ type: 'start', info: runInfo() }, stepEvent(1)]),
      mid,
      warned,
      reduceAll([{ type: 'paused', step: 820 }], warned),
      reduceAll([{ type: 'done', step: 2000, reason: 'max-steps', elapsedMs: 723_000, sessionMs: 723_000, bestValLoss: 1.4, latestPath: 'a', bestPath: 'b' }], mid),
      reduceAll([{ type: 'error', step: 820, message: 'Tensor allocation failed: '.repeat(12) }], mid),
    ];
    for (const s of states) {
      for (const color of [false, true]) expectFits(frame(s, 80, 24, { color }), 80, 24);
    }
    expectFits(frame(mid, 80, 24, { stopping: true }), 80, 24);
  });

  it('uses the room on a large terminal and survives a tiny one', () => {
    const small = planDashboard(mid, 80, 24, 0.8);
    const large = planDashboard(mid, 120, 40, 0.8);
    expect(large.chartRows).toBeGreaterThan(small.chartRows);
    const lines = frame(warned, 120, 40);
    expectFits(lines, 120, 40);
    expect(lines.length).toBeGreaterThan(30);
    expect(lines.join('\n')).toContain('validation loss rose');
    for (const [w, h] of [[40, 10], [30, 6], [20, 3]] as const) expectFits(frame(warned, w, h), w, h);
  });

  it('keeps long and wide sample text inside the width', () => {
    const s = reduceAll([{ type: 'sample', step: 820, samples: [{ temperature: 0.8, text: '日本語のテキスト'.repeat(30) + '\u001B[2J' }] }], mid);
    const lines = frame(s, 80, 24);
    expectFits(lines, 80, 24);
    expect(lines.join('')).not.toContain('\u001B');
  });

  it('shows PAUSED, stopping, done and error states', () => {
    const paused = frame(reduceAll([{ type: 'paused', step: 820 }], mid), 80, 24).join('\n');
    expect(paused).toContain('PAUSED');
    expect(paused).toContain('p resume');
    expect(frame(mid, 80, 24, { stopping: true }).join('\n')).toContain('saving latest/ and exiting…');
    const doneEvent: TrainEvent = {
      type: 'done', step: 2000, reason: 'max-steps', elapsedMs: 723_000, sessionMs: 723_000, bestValLoss: 1.4012, latestPath: 'checkpoints/x-lstm/latest', bestPath: 'b',
    };
    const doneRows = frame(reduceAll([doneEvent], mid), 80, 24);
    const done = doneRows.join('\n');
    expect(done).toContain('DONE');
    // The last row says what to do next.
    expect(doneRows.at(-1)!.trim()).toBe(`next: ${charnnCommand()} sample checkpoints/x-lstm`);
    expect(done).toContain('reached max steps at step 2,000');
    expect(done).toContain('12m03s');
    expect(done).not.toContain('p pause');
    const failed = frame(reduceAll([{ type: 'error', step: 820, message: 'out of memory' }], mid), 80, 24).join('\n');
    expect(failed).toContain('ERROR at step 820');
    expect(failed).toContain('out of memory');
  });

  it('emits ANSI only when colour is on', () => {
    const { lastFrame, unmount } = render(<Dashboard state={mid} width={80} height={24} color={false} temperature={0.8} />);
    expect(lastFrame()).not.toMatch(/\u001B\[/);
    unmount();
  });
});
