/**
 * Worker-thread entry: runs a training request off the UI thread, posting
 * every TrainEvent to the parent and taking TrainCommands from it.
 */
import { initBackend, type BackendName } from '../engine/tfjs/backend/index.js';
import { serveWorker } from '../util/worker-pool.js';
import type { TrainCommand, TrainEvent } from './events.js';
import { prepareTraining, type TrainRequest } from './setup.js';

export interface TrainingProtocol {
  init: TrainRequest;
  request: never;
  reply: never;
  event: TrainEvent;
  command: TrainCommand;
  /** Training ended (done or stopped: the events say which). */
  result: null;
}

serveWorker<TrainingProtocol>(
  async ({ init, emit, onCommand }) => {
    await initBackend(init.engine.backend as BackendName);
    const trainer = await prepareTraining(init, (message) => emit({ type: 'note', step: 0, message }));
    trainer.subscribe((event) => emit(event));
    onCommand((command) => trainer.send(command));
    return {
      async run() {
        await trainer.run();
        trainer.dispose();
        return null;
      },
    };
  },
);
