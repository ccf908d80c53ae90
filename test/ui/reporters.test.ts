import { describe, expect, it } from 'vitest';
import type { TrainEvent } from '../../src/train/events.js';
import { createJsonReporter, createPlainReporter } from '../../src/ui/train/reporters.js';
import { formatNextLine } from '../../src/ui/train/event-lines.js';
import { charnnCommand } from '../../src/util/invocation.js';
import type { DoneEvent } from '../../src/train/events.js';
import { evalEvent, midRunEvents, runInfo, stepEvent } from './fixtures.js';

function collect(events: TrainEvent[], make: (write: (l: string) => void) => (e: TrainEvent) => void): string[] {
  const lines: string[] = [];
  const report = make((l) => lines.push(l));
  for (const e of events) report(e);
  return lines;
}

const done: DoneEvent = {
  type: 'done',
  step: 2000,
  reason: 'max-steps',
  elapsedMs: 723_000,
  sessionMs: 723_000,
  bestValLoss: 1.4012,
  latestPath: 'checkpoints/x/latest',
  bestPath: 'checkpoints/x/best',
};

describe('plain reporter', () => {
  it('prints a run header and the step line in the documented format', () => {
    const lines = collect(
      [
        { type: 'start', info: runInfo() },
        stepEvent(120, { epoch: 0.3834, loss: 1.9213, lr: 2e-3, gradNorm: 1.234, charsPerSec: 5210, etaMs: 252_000 }),
      ],
      (w) => createPlainReporter(w),
    );
    expect(lines[0]).toBe(
      'run tinyshakespeare.txt · 1,115,394 chars · vocab 65 · lstm 2×256 (emb 64) · 818,497 params · engine ort, 2 threads · batch 32×100 · limit 2,000 steps · → checkpoints/tinyshakespeare',
    );
    expect(lines[1]).toBe('step 120/2000  epoch 0.38  loss 1.9213 (2.772 bpc)  lr 2.0e-3  |g| 1.23  5,210 chars/s  eta 4m12s');
  });

  it('throttles step lines: first always, then every N steps and T ms, whichever is later', () => {
    const steps = Array.from({ length: 100 }, (_, i) => stepEvent(i + 1, { elapsedMs: (i + 1) * 100 }));
    // 10 steps = 1 s, so the 2 s limit is the later one: every 20 steps.
    const lines = collect(steps, (w) => createPlainReporter(w, { everySteps: 10, everyMs: 2000 }));
    expect(lines.map((l) => l.split('  ')[0])).toEqual(['step 1', 'step 21', 'step 41', 'step 61', 'step 81']);
    // With a short time limit the step count decides.
    const fast = collect(steps, (w) => createPlainReporter(w, { everySteps: 25, everyMs: 0 }));
    expect(fast.map((l) => l.split('  ')[0])).toEqual(['step 1', 'step 26', 'step 51', 'step 76']);
  });

  it('always prints evals, samples, checkpoints, warnings, pauses, done and errors', () => {
    const lines = collect(
      [
        { type: 'start', info: runInfo() },
        stepEvent(1),
        stepEvent(2),
        evalEvent(200, Infinity, { valLoss: 1.8123, valBpc: 1.8123 / Math.LN2, trainLoss: 1.9001, improved: true, bestValLoss: 1.8123 }),
        evalEvent(400, 1.8123, { valLoss: 1.9, valBpc: 1.9 / Math.LN2, trainLoss: 1.8, improved: false, bestValLoss: 1.8123 }),
        { type: 'sample', step: 400, samples: [{ temperature: 0.8, text: 'ROMEO:\nHark\u001B[31m!' }] },
        { type: 'checkpoint', step: 200, kind: 'best', path: 'checkpoints/x/best' },
        { type: 'warning', step: 300, message: 'gradient norm 1e6, clipped' },
        { type: 'paused', step: 400 },
        { type: 'resumed', step: 400 },
        done,
        { type: 'error', step: 401, message: 'disk full' },
      ],
      (w) => createPlainReporter(w),
    );
    expect(lines).toEqual([
      expect.stringMatching(/^run /),
      expect.stringMatching(/^step 1\//),
      'eval step 200: val 1.8123 nats (2.615 bpc), train 1.9001 — best so far',
      'eval step 400: val 1.9000 nats (2.741 bpc), train 1.8000 — best 1.8123',
      'sample step 400 T=0.8:',
      '  │ ROMEO:',
      '  │ Hark\uFFFD[31m!',
      'checkpoint best → checkpoints/x/best',
      'warning at step 300: gradient norm 1e6, clipped',
      'paused at step 400',
      'resumed at step 400',
      'done at step 2000: reached max steps after 12m03s · best val 1.4012 nats (2.022 bpc) · latest → checkpoints/x/latest · best → checkpoints/x/best',
      // What to do next, with the run directory (relative to the working directory).
      `next: ${charnnCommand()} sample checkpoints/x`,
      'error at step 401: disk full',
    ]);
    for (const l of lines) expect(l).not.toMatch(/\u001B/);
  });
});

describe('a first look', () => {
  it('says it read part of the validation split and leaves best/ out of it', () => {
    const [line] = collect(
      [evalEvent(9, NaN, { valLoss: 3.7918, valBpc: 3.7918 / Math.LN2, trainLoss: 4.1193, improved: false, bestValLoss: NaN, quick: { batches: 8, of: 35 } })],
      (w) => createPlainReporter(w),
    );
    expect(line).toBe('eval step 9: val 3.7918 nats (5.470 bpc), train 4.1193 — a first look (8 of 35 validation batches)');
    const [first] = collect([evalEvent(9, NaN, { improved: true, quick: { batches: 8, of: 35 } })], (w) => createPlainReporter(w));
    expect(first).toMatch(/— a first look \(8 of 35 validation batches\), best so far$/);
  });

  it('a look by the clock says so, and leaves out a best of the whole split it is not comparable with', () => {
    const [best, worse, lower] = collect(
      [
        evalEvent(40, NaN, { valLoss: 3.2, valBpc: 3.2 / Math.LN2, trainLoss: 3.3, improved: true, bestValLoss: 3.2, quick: { batches: 8, of: 35, timed: true } }),
        evalEvent(80, NaN, { valLoss: 3.3, valBpc: 3.3 / Math.LN2, trainLoss: 3.3, improved: false, bestValLoss: 3.2, quick: { batches: 8, of: 35, timed: true } }),
        evalEvent(260, NaN, { valLoss: 2.9, valBpc: 2.9 / Math.LN2, trainLoss: 3.0, improved: false, bestValLoss: 3.0, quick: { batches: 8, of: 35, timed: true } }),
      ],
      (w) => createPlainReporter(w),
    );
    expect(best).toBe('eval step 40: val 3.2000 nats (4.617 bpc), train 3.3000 — a look by the clock (8 of 35 validation batches), best so far');
    expect(worse).toMatch(/— a look by the clock \(8 of 35 validation batches\), best 3\.2000$/);
    expect(lower).toMatch(/— a look by the clock \(8 of 35 validation batches\)$/);
  });

  it('a last look at a stop says whether it beat the first', () => {
    const [better, worse] = collect(
      [
        evalEvent(60, NaN, { valLoss: 3.1, valBpc: 3.1 / Math.LN2, trainLoss: 3.3, improved: true, bestValLoss: 3.1, quick: { batches: 8, of: 35, last: true } }),
        evalEvent(60, NaN, { valLoss: 3.9, valBpc: 3.9 / Math.LN2, trainLoss: 3.3, improved: false, bestValLoss: 3.7918, quick: { batches: 8, of: 35, last: true } }),
      ],
      (w) => createPlainReporter(w),
    );
    expect(better).toMatch(/— a last look \(8 of 35 validation batches\), better than the looks before it: best so far$/);
    expect(worse).toMatch(/— a last look \(8 of 35 validation batches\), best 3\.7918$/);
  });
});

describe('the end of a run', () => {
  it('says when training is over and the final evaluation and save are under way, and when the time limit cut the evaluation short', () => {
    const lines = collect(
      [
        { type: 'phase', step: 1200, phase: 'evaluating', reason: 'max-time' },
        evalEvent(1200, NaN, { valLoss: 1.5, valBpc: 1.5 / Math.LN2, trainLoss: 1.4, improved: false, bestValLoss: 1.45, quick: { batches: 5, of: 35, cut: true } }),
        { type: 'phase', step: 1200, phase: 'saving', reason: 'max-time' },
      ],
      (w) => createPlainReporter(w),
    );
    expect(lines).toEqual([
      'reached time limit at step 1,200: final evaluation…',
      'eval step 1200: val 1.5000 nats (2.164 bpc), train 1.4000 — cut short at the time limit (5 of 35 validation batches), best/ kept (best 1.4500)',
      'saving at step 1,200…',
    ]);
    // A run with no best/ yet: the cut evaluation becomes its first, as the trainer's note says.
    const first = collect(
      [evalEvent(1200, NaN, { valLoss: 1.5, valBpc: 1.5 / Math.LN2, trainLoss: 1.4, improved: true, bestValLoss: 1.5, quick: { batches: 5, of: 35, cut: true } })],
      (w) => createPlainReporter(w),
    );
    expect(first).toEqual(['eval step 1200: val 1.5000 nats (2.164 bpc), train 1.4000 — cut short at the time limit (5 of 35 validation batches), the first best/']);
  });
});

describe('the next-step line', () => {
  it('names the run directory relative to the working directory, or absolute outside it, quoted for a shell when needed', () => {
    const at = (latestPath: string | null) => formatNextLine({ ...done, latestPath }, '/home/me/project', 'npx charnn');
    expect(at('/home/me/project/checkpoints/x-lstm/latest')).toBe('next: npx charnn sample checkpoints/x-lstm');
    expect(at('/data/runs/x/latest')).toBe('next: npx charnn sample /data/runs/x');
    expect(at('/home/me/project/my runs/it\'s/latest')).toBe(`next: npx charnn sample 'my runs/it'\\''s'`);
    expect(at(null)).toBeNull();
  });
});

describe('JSON reporter', () => {
  it('writes every event as one valid JSON object per line', () => {
    const events = [...midRunEvents(50), done];
    const lines = collect(events, createJsonReporter);
    expect(lines).toHaveLength(events.length);
    for (const [i, l] of lines.entries()) {
      expect(l).not.toContain('\n');
      expect(JSON.parse(l)).toEqual(events[i]);
    }
  });

  it('turns a diverged NaN loss into null rather than invalid JSON', () => {
    const [line] = collect([stepEvent(5, { loss: NaN })], createJsonReporter);
    expect(JSON.parse(line!).loss).toBeNull();
  });
});
