/**
 * The glue between the training worker and the dashboard
 * (src/cli/train-dashboard.ts): however the worker ends, the app unmounts
 * and the command settles. The worker and the terminal are fakes.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { TrainCommand, TrainEvent } from '../../src/train/events.js';
import type { TrainRequest } from '../../src/train/setup.js';
import { CharnnError } from '../../src/util/errors.js';
import { FakeStdin, FakeStdout, runInfo, stepEvent, strip } from './fixtures.js';

const terminal = vi.hoisted(() => ({ stdout: null as unknown, stdin: null as unknown }));

class FakeWorker {
  readonly sent: TrainCommand[] = [];
  private listeners = new Set<(e: TrainEvent) => void>();
  resolve!: () => void;
  reject!: (e: unknown) => void;
  finished = new Promise<void>((resolve, reject) => {
    this.resolve = resolve;
    this.reject = reject;
  });
  subscribe = (l: (e: TrainEvent) => void) => {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  };
  send = (c: TrainCommand) => {
    this.sent.push(c);
  };
  terminate = async () => 0;
  emit(...events: TrainEvent[]) {
    for (const e of events) for (const l of [...this.listeners]) l(e);
  }
}

let worker: FakeWorker;

vi.mock('../../src/train/worker-session.js', () => ({
  startTrainingWorker: () => worker,
}));

vi.mock('../../src/ui/train/render-train.js', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../src/ui/train/render-train.js')>();
  return {
    ...actual,
    renderTrainDashboard: (session: Parameters<typeof actual.renderTrainDashboard>[0], options: Parameters<typeof actual.renderTrainDashboard>[1]) =>
      actual.renderTrainDashboard(session, {
        ...options,
        color: false,
        stdout: terminal.stdout as NodeJS.WriteStream,
        stdin: terminal.stdin as NodeJS.ReadStream,
        patchConsole: false,
      }),
  };
});

const { EXIT_GRACE_MS, runDashboardTraining } = await import('../../src/cli/train-dashboard.js');

const request = { training: { sampleTemperatures: [0.5, 1] } } as unknown as TrainRequest;

function setUp() {
  worker = new FakeWorker();
  const stdout = new FakeStdout();
  terminal.stdout = stdout;
  terminal.stdin = new FakeStdin();
  const output = () => strip(stdout.output);
  return { stdout, output };
}

const tick = (ms = 30) => new Promise((r) => setTimeout(r, ms));

afterEach(() => {
  vi.restoreAllMocks();
});

describe('runDashboardTraining', () => {
  it('a worker that dies after the start: the app shows the error and exits, the command fails', async () => {
    const { output } = setUp();
    const run = runDashboardTraining(request);
    worker.emit({ type: 'start', info: runInfo() }, stepEvent(1), stepEvent(2), stepEvent(3));
    await tick();
    // The app exits by itself on the error, not when the grace period for a stuck app runs out.
    const graceEnded = vi.fn();
    const realSetTimeout = globalThis.setTimeout;
    vi.spyOn(globalThis, 'setTimeout').mockImplementation(((callback: (...a: unknown[]) => void, ms?: number, ...rest: unknown[]) =>
      realSetTimeout(ms === EXIT_GRACE_MS ? (...a: unknown[]) => {
        graceEnded();
        callback(...a);
      } : callback, ms, ...rest)) as typeof setTimeout);
    worker.reject(new CharnnError('the training worker stopped unexpectedly (exit code 1)', { exitCode: 1 }));
    await expect(run).rejects.toThrow('stopped unexpectedly');
    expect(vi.mocked(globalThis.setTimeout).mock.calls.some((call) => call[1] === EXIT_GRACE_MS), 'the grace period was armed').toBe(true);
    expect(graceEnded).not.toHaveBeenCalled();
    expect(output()).toContain('ERROR at step 3');
    expect(output()).toContain('stopped unexpectedly');
  });

  it('an error event without a step is shown at the last step', async () => {
    const { output } = setUp();
    const run = runDashboardTraining(request);
    worker.emit({ type: 'start', info: runInfo() }, stepEvent(5));
    await tick();
    worker.emit({ type: 'error', step: -1, message: 'could not save the latest checkpoint: the disk is full' });
    worker.reject(new CharnnError('could not save the latest checkpoint: the disk is full', { exitCode: 1 }));
    await expect(run).rejects.toThrow('disk is full');
    expect(output()).toContain('ERROR at step 5');
    expect(output()).not.toContain('step -1');
  });

  it('a failure before the start: the dashboard is cleared and the error left to the command', async () => {
    const { output } = setUp();
    const run = runDashboardTraining(request);
    await tick();
    worker.emit({ type: 'error', step: -1, message: 'corpus not found: x.txt' });
    worker.reject(new CharnnError('corpus not found: x.txt'));
    await expect(run).rejects.toThrow('corpus not found');
    expect(output()).not.toContain('ERROR');
  });

  it('a worker that finishes without a done event still lets the command end', async () => {
    setUp();
    const run = runDashboardTraining(request);
    worker.emit({ type: 'start', info: runInfo() }, stepEvent(1));
    await tick();
    worker.resolve();
    await expect(run).resolves.toBeUndefined();
  });

  it('a normal run ends with the final frame', async () => {
    const { output } = setUp();
    const run = runDashboardTraining(request);
    worker.emit({ type: 'start', info: runInfo() }, stepEvent(1));
    await tick();
    worker.emit({ type: 'done', step: 1, reason: 'max-steps', elapsedMs: 1000, sessionMs: 1000, bestValLoss: null, latestPath: 'l', bestPath: null });
    worker.resolve();
    await expect(run).resolves.toBeUndefined();
    expect(output()).toContain('DONE');
  });

  it('SIGTERM asks the worker to stop', async () => {
    setUp();
    const run = runDashboardTraining(request);
    worker.emit({ type: 'start', info: runInfo() }, stepEvent(1));
    await tick();
    process.emit('SIGTERM', 'SIGTERM');
    expect(worker.sent).toEqual([{ type: 'stop' }]);
    worker.emit({ type: 'done', step: 1, reason: 'stopped', elapsedMs: 1000, sessionMs: 1000, bestValLoss: null, latestPath: 'l', bestPath: null });
    worker.resolve();
    await run;
    expect(process.listenerCount('SIGTERM')).toBe(0);
  });
});
