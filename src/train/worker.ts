/**
 * Worker-thread entry: runs a training request off the UI thread, posting
 * every TrainEvent to the parent and taking TrainCommands from it.
 */
import os from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { initBackend, type BackendName } from '../backend/index.js';
import { CharnnError } from '../util/errors.js';
import { prepareTraining, type TrainRequest } from './setup.js';
import type { TrainCommand } from './events.js';

export type WorkerMessage =
  | { kind: 'event'; event: import('./events.js').TrainEvent }
  | { kind: 'finished' }
  | { kind: 'failed'; message: string; hint?: string; exitCode: 1 | 2; stack?: string };

const port = parentPort!;

// On Linux this lowers only this thread, so the UI thread answers keys promptly
// while training keeps the cores busy.
try {
  os.setPriority(0, os.constants.priority.PRIORITY_BELOW_NORMAL);
} catch {
  // Not permitted here: run at normal priority.
}
const request = workerData as TrainRequest;

async function main(): Promise<void> {
  try {
    await initBackend(request.backend as BackendName);
    const trainer = await prepareTraining(request);
    trainer.subscribe((event) => port.postMessage({ kind: 'event', event } satisfies WorkerMessage));
    port.on('message', (command: TrainCommand) => trainer.send(command));
    await trainer.run();
    trainer.dispose();
    port.postMessage({ kind: 'finished' } satisfies WorkerMessage);
  } catch (error) {
    const e = error as Error;
    port.postMessage({
      kind: 'failed',
      message: e instanceof CharnnError ? e.message : `internal error: ${e.message}`,
      hint: e instanceof CharnnError ? e.hint : 'run with --debug for details and please report it',
      exitCode: e instanceof CharnnError ? e.exitCode : 1,
      stack: e.stack,
    } satisfies WorkerMessage);
  } finally {
    port.close();
  }
}

void main();
