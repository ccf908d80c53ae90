/** Mount the training dashboard on a terminal (commands call this, never JSX). */
import { render } from 'ink';
import type { TrainEvent } from '../../train/events.js';
import { TrainApp } from './TrainApp.js';
import { bufferUntilSubscribed } from '../shared/buffered-subscription.js';
import { colorFromEnv } from '../shared/color.js';
import type { TrainSession } from './useTrainEvents.js';

export type { TrainSession } from './useTrainEvents.js';

interface RenderTrainOptions {
  stdout?: NodeJS.WriteStream;
  stdin?: NodeJS.ReadStream;
  /** ANSI colours; default: on unless NO_COLOR is set (non-empty). */
  color?: boolean;
  /** Temperatures `t` cycles through (default: the training default's, settings/train-settings.ts). */
  sampleTemperatures?: number[];
  /** Called on a second Ctrl-C; default process.exit(130). */
  onForceExit?: () => void;
  /** Route console.* output above the dashboard instead of through it (default true). */
  patchConsole?: boolean;
}

interface TrainDashboardHandle {
  waitUntilExit(): Promise<void>;
  unmount(): void;
  /** Erase the live frame (e.g. before reporting an error that came before any training). */
  clear(): void;
}

function bufferedSession(session: TrainSession): TrainSession & { close(): void } {
  return { ...bufferUntilSubscribed<TrainEvent>((listener) => session.subscribe(listener)), send: (command) => session.send(command) };
}

export function renderTrainDashboard(session: TrainSession, options: RenderTrainOptions = {}): TrainDashboardHandle {
  const buffered = bufferedSession(session);
  const instance = render(
    <TrainApp
      session={buffered}
      color={options.color ?? colorFromEnv()}
      sampleTemperatures={options.sampleTemperatures}
      onForceExit={options.onForceExit}
    />,
    {
      stdout: options.stdout ?? process.stdout,
      stdin: options.stdin ?? process.stdin,
      exitOnCtrlC: false,
      patchConsole: options.patchConsole ?? true,
    },
  );
  const exited = instance.waitUntilExit().then(
    () => buffered.close(),
    (error: unknown) => {
      buffered.close();
      throw error;
    },
  );
  return {
    waitUntilExit: () => exited,
    unmount: () => instance.unmount(),
    clear: () => instance.clear(),
  };
}
