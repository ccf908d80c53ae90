/**
 * Runs a training request with the chosen face: plain lines on stderr, JSON
 * lines on stdout, or the Ink dashboard (training then runs in a worker
 * thread so the UI stays responsive). SIGINT/SIGTERM ask the trainer to save
 * latest/ and stop; a second SIGINT exits at once — the checkpoint on disk
 * is whole either way, since saves are atomic.
 */
import { prepareTraining, type TrainRequest } from '../train/setup.js';
import type { TrainEvent } from '../train/events.js';
import { runtimeError } from '../util/errors.js';
import { createJsonReporter, createPlainReporter } from '../ui/train/reporters.js';
import { stopOnSignals } from './signals.js';

export type TrainMode = 'plain' | 'json' | 'dashboard';

/**
 * JSON lines on stdout while training: when the reader goes away
 * (`charnn train --json | head`), training stops as after Ctrl-C — latest/
 * is saved and the exit code is 0 — instead of the process exiting at once
 * and losing the steps since the last checkpoint.
 */
function watchStdout(onClosed: () => void): { write: (text: string) => void; restore: () => void } {
  let closed = false;
  const others = process.stdout.listeners('error') as ((error: Error) => void)[];
  for (const listener of others) process.stdout.off('error', listener);
  const onError = (error: NodeJS.ErrnoException): void => {
    if (error.code !== 'EPIPE' && error.code !== 'ERR_STREAM_DESTROYED') {
      for (const listener of others) listener(error);
      return;
    }
    if (!closed) {
      closed = true;
      process.stderr.write('charnn: stdout was closed, saving latest/ and stopping\n');
      onClosed();
    }
  };
  process.stdout.on('error', onError);
  return {
    write(text) {
      if (closed) return;
      try {
        process.stdout.write(text);
      } catch (error) {
        onError(error as NodeJS.ErrnoException);
      }
    },
    restore() {
      // Late errors of the closed pipe are expected; keep swallowing them.
      if (closed) return;
      process.stdout.off('error', onError);
      for (const listener of others) process.stdout.on('error', listener);
    },
  };
}

export async function runTraining(request: TrainRequest, mode: TrainMode): Promise<void> {
  if (mode === 'dashboard') {
    const { runDashboardTraining } = await import('./train-dashboard.js');
    await runDashboardTraining(request);
    return;
  }
  const trainer = prepareTraining(request);
  const stdout = mode === 'json' ? watchStdout(() => trainer.send({ type: 'stop' })) : null;
  const report =
    mode === 'json'
      ? createJsonReporter((line) => stdout!.write(`${line}\n`))
      : createPlainReporter((line) => process.stderr.write(`${line}\n`));
  let failure: TrainEvent | null = null;
  trainer.subscribe((event) => {
    if (event.type === 'error') failure = event;
    report(event);
  });
  const removeHandlers = stopOnSignals(() => trainer.send({ type: 'stop' }), {
    first: (signal) => `charnn: ${signal === 'SIGINT' ? 'interrupted' : 'terminated'}, saving latest/ and stopping (press Ctrl-C again to quit at once)`,
    again: 'charnn: interrupted again, exiting without saving',
  });
  try {
    await trainer.run();
  } finally {
    removeHandlers();
    stdout?.restore();
    trainer.dispose();
  }
  if (failure) throw runtimeError((failure as { message: string }).message);
}

