/** Training with the live Ink dashboard; the trainer runs in a worker thread. */
import type { TrainRequest } from '../train/setup.js';
import { startTrainingWorker } from '../train/worker-session.js';
import { colorFromEnv, renderTrainDashboard } from '../ui/train/render-train.js';

export async function runDashboardTraining(request: TrainRequest): Promise<void> {
  const worker = startTrainingWorker(request);
  const app = renderTrainDashboard(worker, {
    color: colorFromEnv(),
    sampleTemperatures: request.training.sampleTemperatures,
  });
  // SIGTERM (and SIGINT when the terminal is not in raw mode) mean: save and stop.
  let signals = 0;
  const onSignal = (): void => {
    signals++;
    if (signals > 1) process.exit(130);
    worker.send({ type: 'stop' });
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  try {
    await worker.finished;
    await app.waitUntilExit();
  } catch (error) {
    app.unmount();
    throw error;
  } finally {
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
  }
}
