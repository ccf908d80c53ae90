/**
 * Runs a training request with the chosen face: plain lines on stderr, JSON
 * lines on stdout, or the Ink dashboard (training then runs in a worker
 * thread so the UI stays responsive). SIGINT/SIGTERM/SIGHUP ask the trainer
 * to save latest/ and stop; a second SIGINT exits at once — the checkpoint
 * on disk is whole either way, since saves are atomic. So does a write error
 * on stdout or stderr: `charnn train --json | head` (the reader went away)
 * saves and exits 0; `> /dev/full` saves and ends with one line and exit 1.
 */
import { prepareTraining, type TrainRequest } from '../train/setup.js';
import { createJsonReporter, createPlainReporter } from '../ui/train/reporters.js';
import { outputFailure, outputFailureError, whenOutputFails, writeErr, writeOutLine } from './output.js';
import { signalVerb, stopOnSignals } from './signals.js';

type TrainMode = 'plain' | 'json' | 'dashboard';

export async function runTraining(request: TrainRequest, mode: TrainMode): Promise<void> {
  if (mode === 'dashboard') {
    const { runDashboardTraining } = await import('./train-dashboard.js');
    await runDashboardTraining(request);
    return;
  }
  const report = mode === 'json' ? createJsonReporter(writeOutLine) : createPlainReporter(writeErr);
  // Before the run starts, as a note (in JSON mode on stderr: stdout's events begin with start).
  const trainer = await prepareTraining(request, (message) => (mode === 'json' ? writeErr(`charnn: ${message}`) : report({ type: 'note', step: 0, message })));
  trainer.subscribe(report);
  const removeOutputGuard = whenOutputFails((f) => {
    if (f.closed) writeErr(`charnn: ${f.stream} was closed, saving latest/ and stopping`);
    trainer.send({ type: 'stop' });
  });
  const removeHandlers = stopOnSignals(() => trainer.send({ type: 'stop' }), {
    first: (signal) => `charnn: ${signalVerb(signal)}, saving latest/ and stopping (press Ctrl-C again to quit at once)`,
    again: 'charnn: interrupted again, exiting without saving',
  });
  let step: number;
  try {
    ({ step } = await trainer.run());
  } finally {
    removeHandlers();
    removeOutputGuard();
    trainer.dispose();
  }
  const output = outputFailure();
  if (output) {
    const error = outputFailureError(output, `saved latest/ at step ${step} and stopped`);
    if (error) throw error;
  }
}
