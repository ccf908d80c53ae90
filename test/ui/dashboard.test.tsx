import { describe, expect, it } from 'vitest';
import { render } from 'ink-testing-library';
import type { RunInfo, TrainEvent } from '../../src/train/events.js';
import { Dashboard, planDashboard } from '../../src/ui/train/Dashboard.js';
import { initialDashboardState, type DashboardState } from '../../src/ui/train/dashboard-state.js';
import { sampleRows } from '../../src/ui/train/dashboard-rows.js';
import type { Row } from '../../src/ui/shared/Line.js';
import { columns, midRunEvents, reduceAll, runInfo, stepEvent, strip } from './fixtures.js';
import { charnnCommand } from '../../src/util/invocation.js';

function frame(
  state: DashboardState,
  width: number,
  height: number,
  extra: { color?: boolean; stopping?: boolean; notesOffset?: number } = {},
): string[] {
  const { lastFrame, unmount } = render(
    <Dashboard
      state={state}
      width={width}
      height={height}
      color={extra.color ?? false}
      temperature={0.8}
      stopping={extra.stopping}
      notesOffset={extra.notesOffset}
    />,
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
    expect(text).toContain('▸T=0.8 @800 ROMEO:↵I would');
    expect(text).toContain('T=0.5 @800 KING RICHARD');
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

  it('says in the header that a model was chosen for the budget, where it fits, and keeps the model\'s name where the budget does not fit', () => {
    const chosen = reduceAll([{ type: 'start', info: runInfo({ cell: 'gru' as RunInfo['cell'], layers: 2, hidden: 256, chosenFor: 'best for 30 min' }) }]);
    const at = (width: number): string => frame(chosen, width, 24)[0]!;
    expect(at(80)).toContain('GRU 2×256 best for 30 min');
    expect(at(120)).toContain('best for 30 min');
    expect(at(60)).toContain('GRU 2×256');
    for (const width of [60, 40]) expectFits(frame(chosen, width, 24), width, 24);
    expect(frame(reduceAll([{ type: 'start', info: runInfo() }]), 80, 24)[0]).not.toContain('best for');
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

  it('labels every sample with the step it was drawn at, older ones apart from the newest', () => {
    // g at step 820 refreshes T=0.8 only; the others are from the eval at step 800.
    const s = reduceAll([{ type: 'sample', step: 820, samples: [{ temperature: 0.8, text: 'fresh text' }] }], mid);
    const text = frame(s, 80, 24).join('\n');
    expect(text).toContain(' T=0.5 @800 KING RICHARD');
    expect(text).toContain('▸T=0.8 @820 fresh text');
    expect(text).toContain(' T=1.0 @800 MENENIUS');
    // The older rows are dimmed (their step and text), the newest not.
    const styled = sampleRows(s, 80, 1, 0.8);
    const dimmed = (row: Row) => row.slice(1).map((part) => part.style?.dim === true);
    expect(styled.map(dimmed)).toEqual([[true, true], [false, false], [true, true]]);
    // Steps above 999 keep their thousands separator and line up.
    const late = reduceAll([{ type: 'sample', step: 12_400, samples: [{ temperature: 1, text: 'later' }] }], s);
    const lines = frame(late, 80, 24).filter((l) => /^[ ▸]T=\d/.test(l));
    expect(lines.map((l) => l.slice(0, 14))).toEqual([' T=0.5 @800    ', '▸T=0.8 @820    ', ' T=1.0 @12,400 '].map((l) => l.slice(0, 14)));
    expectFits(frame(late, 40, 12), 40, 12);
  });

  describe('notes', () => {
    const notes = [
      'checkpoints/tiny-lstm holds a run at step 200 (lstm 1×64); this run writes to checkpoints/tiny-lstm-2 (continue that one with --resume checkpoints/tiny-lstm)',
      'the text is short: batch 32 × seq-len 100 does not fit its 450 training characters; training with batch 2 × seq-len 100',
      'skipped 2 binary files in corpus/: a.png, b.zip',
      'learning rate: cosine from 2.0e-3 to 2.0e-4 over 1,000 steps (from the epochs)',
    ];
    const withNotes = (events = midRunEvents(820)) => reduceAll([{ type: 'start', info: runInfo({ notes: notes.slice(0, 3) }) }, ...events.slice(1), { type: 'note', step: 820, message: notes[3]! }]);
    /** The note rows of a frame (the last section above the footer), joined back into their texts. */
    const shownNotes = (lines: string[]) =>
      lines
        .slice(lines.findIndex((l) => l.startsWith('• ')), -1)
        .join('\n')
        .split('• ')
        .slice(1)
        .map((n) => n.split('\n').map((l) => l.trim()).join(' ').trim());

    it('shows them during the run at 80×24, the first one whole, and says how to see the others', () => {
      const lines = frame(withNotes(), 80, 24);
      expectFits(lines, 80, 24);
      const text = lines.join('\n');
      expect(shownNotes(lines)).toEqual([notes[0]]);
      // The rest of the dashboard is still there.
      expect(text).toContain('loss (nats)');
      expect(text).toContain('▸T=0.8');
      expect(text).toMatch(/best @800/);
      expect(lines.at(-1)).toMatch(/TRAINING .*n notes 1\/4/);
    });

    it('n moves the window on: each note in turn, going round', () => {
      const s = withNotes();
      expect(shownNotes(frame(s, 80, 24, { notesOffset: 1 }))[0]).toBe(notes[1]);
      const third = frame(s, 80, 24, { notesOffset: 2 });
      expect(shownNotes(third)[0]).toBe(notes[2]);
      expect(third.at(-1)).toMatch(/n notes 3–4\/4/);
      expect(shownNotes(frame(s, 80, 24, { notesOffset: 3 }))[0]).toBe(notes[3]);
      expect(shownNotes(frame(s, 80, 24, { notesOffset: 4 }))[0]).toBe(notes[0]);
    });

    it('shows them all, without paging, where there is room', () => {
      const lines = frame(withNotes(), 120, 40);
      expectFits(lines, 120, 40);
      expect(shownNotes(lines)).toEqual(notes);
      expect(lines.join('\n')).not.toContain('n next note');
      // n changes nothing then.
      expect(frame(withNotes(), 120, 40, { notesOffset: 2 })).toEqual(lines);
      // Before the first eval there is room at 80×24 for more than one.
      const early = frame(withNotes(midRunEvents(30).filter((e) => e.type !== 'sample')), 80, 24);
      expectFits(early, 80, 24);
      expect(shownNotes(early).length).toBeGreaterThanOrEqual(2);
      expect(shownNotes(early)[0]).toBe(notes[0]);
    });

    it('escapes control and bidi characters, and fits every terminal', () => {
      const hostile = reduceAll([{ type: 'note', step: 820, message: 'skipped 1 binary file in /tmp/x\u001B]52;c;aGk=\u0007\u202Egnp.exe: y\n\tz' }], mid);
      const lines = frame(hostile, 80, 24);
      const text = lines.join('\n');
      expect(text).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u202e]/);
      expect(text).toContain('\\x1b]52;c;aGk=\\x07\\u202egnp.exe: y z');
      const done = reduceAll([{ type: 'done', step: 2000, reason: 'max-steps', elapsedMs: 723_000, sessionMs: 723_000, bestValLoss: 1.4, latestPath: 'a/latest', bestPath: 'a/best' }], withNotes());
      const failed = reduceAll([{ type: 'error', step: 820, message: 'Tensor allocation failed: '.repeat(12) }], withNotes());
      const warned = reduceAll([{ type: 'warning', step: 810, message: 'validation loss rose for 2 evals in a row' }], withNotes());
      for (const [w, h] of [[80, 24], [120, 40], [40, 10], [30, 6], [20, 3]] as const) {
        for (const s of [withNotes(), hostile, done, failed, warned]) expectFits(frame(s, w, h, { notesOffset: 1 }), w, h);
      }
      // The final frame keeps its status rows and a note.
      const last = frame(done, 80, 24);
      expect(last.at(-1)!.trim()).toBe(`next: ${charnnCommand()} sample a`);
      expect(last.join('\n')).toMatch(/^• /m);
    });
  });

  it('says EVALUATING, then SAVING, once training is over, instead of TRAINING', () => {
    const evaluating = frame(reduceAll([{ type: 'phase', step: 2000, phase: 'evaluating', reason: 'max-time' }], mid), 80, 24);
    expect(evaluating.at(-1)).toMatch(/^ EVALUATING  final evaluation…  reached time limit at step 2,000/);
    expect(evaluating.join('\n')).not.toContain('TRAINING');
    const saving = frame(reduceAll([{ type: 'phase', step: 2000, phase: 'saving', reason: 'max-time' }], mid), 80, 24);
    expect(saving.at(-1)).toMatch(/^ SAVING  saving latest\/…/);
    expectFits(saving, 80, 24);
  });

  it('emits ANSI only when colour is on', () => {
    const { lastFrame, unmount } = render(<Dashboard state={mid} width={80} height={24} color={false} temperature={0.8} />);
    expect(lastFrame()).not.toMatch(/\u001B\[/);
    unmount();
  });
});
