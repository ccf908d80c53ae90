/** The parent side of a training worker: the same subscribe/send surface as a Trainer. */
import { WorkerThread } from '../util/worker-pool.js';
import { workerUrl } from '../util/worker-url.js';
import type { TrainCommand, TrainEventListener } from './events.js';
import type { TrainRequest } from './setup.js';
import type { TrainingProtocol } from './worker.js';

interface TrainingWorker {
  /** Events emitted before the first listener subscribed (the start event) are replayed to it. */
  subscribe(listener: TrainEventListener): () => void;
  send(command: TrainCommand): void;
  /**
   * Resolves when training has finished; rejects with the run's CharnnError,
   * or one naming the worker if it died. A failure is also told to the
   * listeners as an error event first.
   */
  finished: Promise<void>;
  terminate(): Promise<void>;
}

export function startTrainingWorker(request: TrainRequest): TrainingWorker {
  const thread = new WorkerThread<TrainingProtocol>({ entry: workerUrl('./worker.js', import.meta.url), init: request, name: 'the training worker' });
  const listeners = new Set<TrainEventListener>();
  const finished = thread.result.then(
    () => undefined,
    (error: Error) => {
      for (const listener of [...listeners]) listener({ type: 'error', step: -1, message: error.message });
      throw error;
    },
  );
  return {
    subscribe(listener) {
      listeners.add(listener);
      const unsubscribe = thread.subscribe(listener);
      return () => {
        unsubscribe();
        listeners.delete(listener);
      };
    },
    send: (command) => thread.send(command),
    finished,
    terminate: () => thread.terminate(),
  };
}
