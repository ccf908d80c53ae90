/** The parent side of a training worker: the same subscribe/send surface as a Trainer. */
import { Worker } from 'node:worker_threads';
import { CharnnError } from '../util/errors.js';
import { workerUrl } from '../util/worker-url.js';
import type { TrainCommand, TrainEvent, TrainEventListener } from './events.js';
import type { TrainRequest } from './setup.js';
import type { WorkerMessage } from './worker.js';

export interface TrainingWorker {
  subscribe(listener: TrainEventListener): () => void;
  send(command: TrainCommand): void;
  /** Resolves when training has finished; rejects with the run's CharnnError. */
  finished: Promise<void>;
  terminate(): Promise<number>;
}

export function startTrainingWorker(request: TrainRequest): TrainingWorker {
  const worker = new Worker(workerUrl('./worker.js', import.meta.url), { workerData: request, stdout: false, stderr: false });
  const listeners = new Set<TrainEventListener>();
  const backlog: TrainEvent[] = [];
  const finished = new Promise<void>((resolve, reject) => {
    let settled = false;
    worker.on('message', (message: WorkerMessage) => {
      if (message.kind === 'event') {
        if (listeners.size === 0) backlog.push(message.event);
        for (const listener of listeners) listener(message.event);
      } else if (message.kind === 'finished') {
        settled = true;
        resolve();
      } else {
        settled = true;
        const event: TrainEvent = { type: 'error', step: -1, message: message.message };
        for (const listener of listeners) listener(event);
        reject(new CharnnError(message.message, { hint: message.hint, exitCode: message.exitCode }));
      }
    });
    worker.on('error', (error) => {
      settled = true;
      reject(error);
    });
    worker.on('exit', (code) => {
      if (!settled) reject(new CharnnError(`the training worker stopped unexpectedly (exit code ${code})`, { exitCode: 1 }));
    });
  });
  return {
    subscribe(listener) {
      listeners.add(listener);
      // Events emitted before the UI subscribed (the start event) are replayed.
      for (const event of backlog.splice(0)) listener(event);
      return () => listeners.delete(listener);
    },
    send(command) {
      worker.postMessage(command);
    },
    finished,
    terminate: () => worker.terminate(),
  };
}
