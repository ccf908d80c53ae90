import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, render } from 'ink-testing-library';
import type { TrainEvent } from '../../src/train/events.js';
import { TrainApp } from '../../src/ui/train/TrainApp.js';
import { renderTrainDashboard } from '../../src/ui/train/render-train.js';
import { FakeStdin, FakeStdout, FakeSession, evalEvent, eventually, runInfo, sleep, stepEvent, strip } from './fixtures.js';

const FLUSH_MS = 30;
const CTRL_C = '\u0003';

const doneEvent: TrainEvent = {
  type: 'done',
  step: 40,
  reason: 'stopped',
  elapsedMs: 4_800,
  sessionMs: 4_800,
  bestValLoss: 2.1,
  latestPath: 'checkpoints/t/latest',
  bestPath: 'checkpoints/t/best',
};

function mount(onForceExit = vi.fn(), exitDelayMs = 10) {
  const session = new FakeSession();
  const app = render(<TrainApp session={session} color={false} flushIntervalMs={FLUSH_MS} exitDelayMs={exitDelayMs} onForceExit={onForceExit} />);
  const frame = () => strip(app.lastFrame());
  /** Wait until the app has subscribed (its effect ran). */
  const subscribed = () => eventually(() => expect(session.listenerCount).toBe(1));
  /** Emit events and wait until the frame shows `text`. */
  const emitAndShow = async (text: string, ...events: TrainEvent[]) => {
    session.emit(...events);
    await eventually(() => expect(frame()).toContain(text));
  };
  return { session, app, frame, onForceExit, subscribed, emitAndShow };
}

afterEach(() => cleanup());

describe('TrainApp', () => {
  it('subscribes once and updates the frame as events arrive', async () => {
    const { session, frame, subscribed, emitAndShow } = mount();
    await subscribed();
    expect(frame()).toContain('waiting for training to start');
    const steps = [1, 2, 3, 4, 5].map((s) => stepEvent(s));
    await emitAndShow('step 5/2,000', { type: 'start', info: runInfo() }, ...steps);
    expect(frame()).toContain('tinyshakespeare.txt');
    // Finished items go to the scroll-back above the dashboard.
    session.emit(evalEvent(5, Infinity));
    await eventually(() => expect(frame()).toMatch(/eval step 5: val \d\.\d{4} nats/));
    expect(session.listenerCount).toBe(1);
  });

  it('coalesces a burst of step events into a few renders', async () => {
    const { session, app, subscribed, emitAndShow } = mount();
    await subscribed();
    await emitAndShow('tinyshakespeare.txt', { type: 'start', info: runInfo() });
    const before = app.frames.length;
    for (let s = 1; s <= 1000; s++) session.emit(stepEvent(s));
    expect(app.frames.length).toBe(before); // nothing rendered synchronously
    await eventually(() => expect(strip(app.lastFrame())).toContain('step 1,000/2,000'));
    await sleep(FLUSH_MS * 3);
    const renders = app.frames.length - before;
    expect(renders).toBeGreaterThanOrEqual(1);
    expect(renders).toBeLessThanOrEqual(3);
  });

  it('sends commands for p, s and g, and t cycles the sampling temperature', async () => {
    const { session, app, frame, subscribed, emitAndShow } = mount();
    await subscribed();
    await emitAndShow('g sample T=0.8', { type: 'start', info: runInfo() }, stepEvent(1));
    app.stdin.write('p');
    app.stdin.write('s');
    app.stdin.write('g');
    expect(session.sent).toEqual([{ type: 'toggle-pause' }, { type: 'save' }, { type: 'sample', temperatures: [0.8] }]);
    app.stdin.write('t');
    await eventually(() => expect(frame()).toContain('g sample T=1.0'));
    app.stdin.write('t');
    await eventually(() => expect(frame()).toContain('g sample T=0.5'));
    app.stdin.write('g');
    expect(session.sent.at(-1)).toEqual({ type: 'sample', temperatures: [0.5] });
    // Pressed back to back, before any re-render: the second key sees the first.
    app.stdin.write('t');
    app.stdin.write('g');
    expect(session.sent.at(-1)).toEqual({ type: 'sample', temperatures: [0.8] });
  });

  it("t cycles the run's own temperatures, which a resumed run brings from its checkpoint", async () => {
    const { session, app, frame, subscribed, emitAndShow } = mount();
    await subscribed();
    await emitAndShow('g sample T=0.3', { type: 'start', info: runInfo({ sampleTemperatures: [0.3, 0.9] }) }, stepEvent(1));
    app.stdin.write('t');
    await eventually(() => expect(frame()).toContain('g sample T=0.9'));
    app.stdin.write('g');
    expect(session.sent.at(-1)).toEqual({ type: 'sample', temperatures: [0.9] });
  });

  it('acknowledges p, s and g at once, before the trainer answers between steps', async () => {
    const { session, app, frame, subscribed, emitAndShow } = mount();
    await subscribed();
    await emitAndShow('step 1/', { type: 'start', info: runInfo() }, stepEvent(1));
    // The target is 100 ms; the limit leaves room for a loaded test machine.
    const ACK_MS = 300;
    app.stdin.write('p');
    await eventually(() => expect(frame()).toContain('PAUSING…'), ACK_MS);
    app.stdin.write('s');
    app.stdin.write('g');
    await eventually(() => expect(frame()).toMatch(/s saving….*g sampling…/), ACK_MS);
    // The trainer confirms, one after the other.
    await emitAndShow('PAUSED', { type: 'paused', step: 1 });
    expect(frame()).toContain('saving…');
    await emitAndShow('s save ', { type: 'checkpoint', step: 1, kind: 'latest', path: 'checkpoints/t/latest' });
    expect(frame()).toContain('sampling…');
    await emitAndShow('g sample T=0.8', { type: 'sample', step: 1, samples: [{ temperature: 0.8, text: 'hello' }] });
    app.stdin.write('p');
    await eventually(() => expect(frame()).toContain('RESUMING…'), ACK_MS);
    await emitAndShow('TRAINING', { type: 'resumed', step: 1 });
    expect(session.sent.map((c) => c.type)).toEqual(['toggle-pause', 'save', 'sample', 'toggle-pause']);
  });

  it('n pages through the notes that do not all fit, going round', async () => {
    const { session, app, frame, subscribed, emitAndShow } = mount();
    await subscribed();
    const notes = Array.from({ length: 6 }, (_, i) => `note number ${i + 1}: ${'a long explanation of what the run decided '.repeat(3)}`);
    await emitAndShow('step 1/', { type: 'start', info: runInfo({ notes }) }, stepEvent(1));
    expect(frame()).toMatch(/• note number 1:/);
    const paging = /n (?:next note \((\d)(?:–\d)? of 6\)|notes (\d)(?:–\d)?\/6)/;
    const firstShown = () => Number(paging.exec(frame())?.slice(1).find(Boolean));
    expect(firstShown()).toBe(1);
    app.stdin.write('n');
    await eventually(() => expect(firstShown()).toBe(2));
    expect(frame()).toMatch(/• note number 2:/);
    expect(frame()).not.toMatch(/• note number 1:/);
    // From the last note back to the first.
    for (let i = 0; i < 4; i++) app.stdin.write('n');
    await eventually(() => expect(firstShown()).toBe(6));
    expect(frame()).toMatch(/• note number 6:/);
    app.stdin.write('n');
    await eventually(() => expect(firstShown()).toBe(1));
    expect(frame()).toMatch(/• note number 1:/);
    expect(session.sent).toEqual([]); // n is the dashboard's own: nothing goes to the trainer
  });

  it('n keeps paging the notes, and says so, through the final evaluation and in the final frame while the app is up', async () => {
    // The app stays up after done for as long as the test needs (it is unmounted at the end).
    const { session, app, frame, subscribed, emitAndShow } = mount(vi.fn(), 600_000);
    await subscribed();
    const notes = Array.from({ length: 6 }, (_, i) => `note number ${i + 1}: ${'a long explanation of what the run decided '.repeat(3)}`);
    await emitAndShow('step 1/', { type: 'start', info: runInfo({ notes }) }, stepEvent(1));
    const hint = /n notes (\d)(?:–\d)?\/6/;
    const firstShown = () => Number(hint.exec(frame())?.[1]);
    await emitAndShow('EVALUATING', { type: 'phase', step: 40, phase: 'evaluating', reason: 'max-time' });
    expect(firstShown()).toBe(1);
    app.stdin.write('n');
    await eventually(() => expect(firstShown()).toBe(2));
    expect(frame()).toMatch(/• note number 2:/);
    await emitAndShow('DONE', stepEvent(40), doneEvent);
    expect(firstShown()).toBe(2);
    app.stdin.write('n');
    await eventually(() => expect(firstShown()).toBe(3));
    expect(frame()).toMatch(/• note number 3:/);
    // Other keys mean nothing once the trainer is gone.
    app.stdin.write('p');
    app.stdin.write('q');
    expect(session.sent).toEqual([]);
  });

  it('the frame left on screen after the app exits does not offer n', async () => {
    const { session, frame, subscribed } = mount();
    await subscribed();
    const notes = Array.from({ length: 6 }, (_, i) => `note number ${i + 1}: ${'a long explanation of what the run decided '.repeat(3)}`);
    session.emit({ type: 'start', info: runInfo({ notes }) }, stepEvent(40), doneEvent);
    await eventually(() => expect(session.listenerCount).toBe(0));
    expect(frame()).toContain('DONE');
    expect(frame()).toMatch(/• note number 1:/);
    expect(frame()).not.toMatch(/n notes/);
  });

  it('shows PAUSED when the trainer confirms the pause', async () => {
    const { frame, subscribed, emitAndShow } = mount();
    await subscribed();
    await emitAndShow('PAUSED', { type: 'start', info: runInfo() }, stepEvent(1), { type: 'paused', step: 1 });
    expect(frame()).toContain('p resume');
  });

  it('q asks the trainer to stop and says it is saving', async () => {
    const { session, app, frame, subscribed, emitAndShow } = mount();
    await subscribed();
    await emitAndShow('step 1/', { type: 'start', info: runInfo() }, stepEvent(1));
    app.stdin.write('q');
    app.stdin.write('q');
    expect(session.sent).toEqual([{ type: 'stop' }]); // not sent twice
    await eventually(() => expect(frame()).toContain('saving latest/ and exiting…'));
  });

  it('first Ctrl-C stops gracefully, the second forces the exit', async () => {
    const { session, app, frame, onForceExit, subscribed, emitAndShow } = mount();
    await subscribed();
    await emitAndShow('step 1/', { type: 'start', info: runInfo() }, stepEvent(1));
    app.stdin.write(CTRL_C);
    expect(session.sent).toEqual([{ type: 'stop' }]);
    expect(onForceExit).not.toHaveBeenCalled();
    await eventually(() => expect(frame()).toContain('saving latest/'));
    app.stdin.write(CTRL_C);
    expect(onForceExit).toHaveBeenCalledTimes(1);
  });

  it('shows the final state, then exits and unsubscribes', async () => {
    const { session, frame, subscribed } = mount();
    await subscribed();
    session.emit({ type: 'start', info: runInfo() }, stepEvent(40), doneEvent);
    await eventually(() => expect(session.listenerCount).toBe(0));
    expect(frame()).toContain('DONE');
    expect(frame()).toContain('stopped at step 40');
  });
});

describe('renderTrainDashboard', () => {
  it('keeps events sent right after mounting, and resolves waitUntilExit after done', async () => {
    const session = new FakeSession();
    const stdout = new FakeStdout();
    const handle = renderTrainDashboard(session, {
      stdout: stdout as unknown as NodeJS.WriteStream,
      stdin: new FakeStdin() as unknown as NodeJS.ReadStream,
      color: false,
      patchConsole: false,
    });
    // Synchronously, before the app's own effect has subscribed.
    session.emit({ type: 'start', info: runInfo({ corpusName: 'early-bird.txt' }) }, stepEvent(40));
    await eventually(() => expect(strip(stdout.output)).toContain('early-bird.txt'));
    session.emit(doneEvent);
    await handle.waitUntilExit();
    const out = strip(stdout.output);
    expect(out).toContain('early-bird.txt');
    expect(out).toContain('DONE');
    expect(out).not.toMatch(/\u001B\[3\dm/); // no colours with color: false
    expect(session.listenerCount).toBe(0);
  });
});
