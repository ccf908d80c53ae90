/**
 * Training with the live Ink dashboard; the trainer runs in a worker thread
 * so keys are answered at once even in the middle of a step.
 *
 * However the worker ends, the app unmounts and the terminal is given back:
 * - `done`: the app shows the final frame and exits by itself;
 * - the run fails after it started: the app shows the error (the worker's
 *   own error event, or one made here when the worker died without a word)
 *   and exits; the error is then reported like any other command's;
 * - it fails before it started (bad corpus, bad resume): the half-drawn
 *   dashboard is cleared, so only the one-line error remains.
 * Ctrl-C in raw mode reaches the app as a key (first: save and stop; second:
 * exit at once); SIGINT / SIGTERM from outside do the same. A closed
 * terminal (SIGHUP, then EIO on every write and read) saves and stops too.
 */
import type { TrainCommand, TrainEvent } from '../train/events.js';
import type { TrainRequest } from '../train/setup.js';
import { startTrainingWorker } from '../train/worker-session.js';
import { colorFromEnv } from '../ui/shared/color.js';
import { renderTrainDashboard, type TrainSession } from '../ui/train/render-train.js';
import { outputFailure, outputFailureError, whenOutputFails } from './output.js';
import { stopOnSignals } from './signals.js';

/** How long the app may take to show its final frame and exit once the worker has ended. */
export const EXIT_GRACE_MS = 3000;

/**
 * The worker's events as the dashboard should see them: an error before the
 * run started is held back (the command reports it), an error without a
 * step gets the last step, and the caller can add an error of its own.
 */
class DashboardFeed implements TrainSession {
  started = false;
  ended = false;
  private lastStep = 0;
  private listeners = new Set<(e: TrainEvent) => void>();

  constructor(private readonly worker: TrainSession) {
    worker.subscribe((event) => this.deliver(event));
  }

  private deliver(event: TrainEvent): void {
    if (event.type === 'start') {
      this.started = true;
      this.lastStep = event.info.startStep;
    } else if (event.type === 'step') {
      this.lastStep = event.step;
    } else if (event.type === 'error') {
      if (!this.started || this.ended) return;
      if (event.step < 0) event = { ...event, step: this.lastStep };
    }
    if (event.type === 'done' || event.type === 'error') this.ended = true;
    for (const listener of [...this.listeners]) listener(event);
  }

  /** Tell the app the run failed (when the worker could not). */
  fail(message: string): void {
    this.deliver({ type: 'error', step: this.lastStep, message });
  }

  subscribe(listener: (e: TrainEvent) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  send(command: TrainCommand): void {
    this.worker.send(command);
  }
}

function within(promise: Promise<unknown>, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    promise.then(
      () => {
        clearTimeout(timer);
        resolve(true);
      },
      () => {
        clearTimeout(timer);
        resolve(true);
      },
    );
  });
}

export async function runDashboardTraining(request: TrainRequest): Promise<void> {
  const worker = startTrainingWorker(request);
  const feed = new DashboardFeed(worker);
  const app = renderTrainDashboard(feed, {
    color: colorFromEnv(),
    sampleTemperatures: request.training.sampleTemperatures,
  });
  // SIGTERM, SIGHUP (and SIGINT when the terminal is not in raw mode) mean: save and stop.
  const stop = (): void => worker.send({ type: 'stop' });
  const removeHandlers = stopOnSignals(stop);
  const removeOutputGuard = whenOutputFails(stop);
  // A terminal that went away fails reads too; the run must still save.
  const onInputError = (): void => stop();
  process.stdin.on('error', onInputError);
  let failure: unknown = null;
  let lastStep = 0;
  worker.subscribe((event) => {
    if (event.type === 'done') lastStep = event.step;
  });
  try {
    await worker.finished;
  } catch (error) {
    failure = error ?? new Error('the training worker failed');
  } finally {
    removeHandlers();
    removeOutputGuard();
  }
  const exited = app.waitUntilExit();
  if (failure !== null && !feed.started) {
    app.clear();
    app.unmount();
  } else {
    if (!feed.ended) {
      if (failure !== null) feed.fail((failure as Error).message ?? String(failure));
      // A worker that finished without a done event: nothing more will come.
      else app.unmount();
    }
    if (!(await within(exited, EXIT_GRACE_MS))) app.unmount();
  }
  await exited.catch(() => undefined);
  process.stdin.off('error', onInputError);
  if (failure !== null) throw failure;
  const output = outputFailure();
  if (output) {
    const error = outputFailureError(output, `saved latest/ at step ${lastStep} and stopped`);
    if (error) throw error;
  }
}
