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

export type TrainMode = 'plain' | 'json' | 'dashboard';

function installSignalHandlers(stop: () => void): () => void {
  let interrupts = 0;
  const onSignal = (signal: NodeJS.Signals): void => {
    interrupts++;
    if (interrupts > 1) {
      process.stderr.write('charnn: interrupted again, exiting without saving\n');
      process.exit(130);
    }
    process.stderr.write(`charnn: ${signal === 'SIGINT' ? 'interrupted' : 'terminated'}, saving latest/ and stopping (press Ctrl-C again to quit at once)\n`);
    stop();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return () => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  };
}

export async function runTraining(request: TrainRequest, mode: TrainMode): Promise<void> {
  if (mode === 'dashboard') {
    const { runDashboardTraining } = await import('./train-dashboard.js');
    await runDashboardTraining(request);
    return;
  }
  const trainer = prepareTraining(request);
  const report =
    mode === 'json'
      ? createJsonReporter((line) => process.stdout.write(`${line}\n`))
      : createPlainReporter((line) => process.stderr.write(`${line}\n`));
  let failure: TrainEvent | null = null;
  trainer.subscribe((event) => {
    if (event.type === 'error') failure = event;
    report(event);
  });
  const removeHandlers = installSignalHandlers(() => trainer.send({ type: 'stop' }));
  try {
    await trainer.run();
  } finally {
    removeHandlers();
    trainer.dispose();
  }
  if (failure) throw runtimeError((failure as { message: string }).message);
}

export { installSignalHandlers };
