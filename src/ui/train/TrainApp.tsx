/**
 * The interactive training app: finished items (evals, checkpoints,
 * warnings) scroll by in <Static>, the dashboard stays live below them, and
 * keys steer the run. Exits once the run is done or failed, leaving the
 * last frame on screen.
 */
import { useEffect, useRef, useState } from 'react';
import { Static, useApp, useInput, useStdin } from 'ink';
import { Dashboard } from './Dashboard.js';
import { LogLine } from './LogLine.js';
import { useTerminalSize } from './useTerminalSize.js';
import { DEFAULT_FLUSH_INTERVAL_MS, useTrainEvents, type TrainSession } from './useTrainEvents.js';

export const DEFAULT_SAMPLE_TEMPERATURES: readonly number[] = [0.5, 0.8, 1.0];

export interface TrainAppProps {
  session: TrainSession;
  color: boolean;
  /** Temperatures `t` cycles through; `g` samples at the selected one. */
  sampleTemperatures?: readonly number[];
  /** Second Ctrl-C: quit without waiting for the save. Default process.exit(130). */
  onForceExit?: () => void;
  flushIntervalMs?: number;
  /** Delay between showing the final frame and exiting. */
  exitDelayMs?: number;
}

function initialTemperatureIndex(ts: readonly number[]): number {
  const i = ts.indexOf(0.8);
  return i >= 0 ? i : 0;
}

export function TrainApp(props: TrainAppProps) {
  const { session, color } = props;
  const temperatures = props.sampleTemperatures?.length ? props.sampleTemperatures : DEFAULT_SAMPLE_TEMPERATURES;
  const state = useTrainEvents(session, props.flushIntervalMs ?? DEFAULT_FLUSH_INTERVAL_MS);
  const { columns, rows } = useTerminalSize();
  const { exit } = useApp();
  const { isRawModeSupported } = useStdin();
  // Key handling reads refs, not render-time values: a key pressed right
  // after another must see its effect even before the next render.
  const tIndex = useRef(initialTemperatureIndex(temperatures));
  const stopRequested = useRef(false);
  const interrupts = useRef(0);
  const [, setTIndex] = useState(tIndex.current);
  const [stopping, setStopping] = useState(false);
  const finished = state.status === 'done' || state.status === 'error';
  const temperature = temperatures[tIndex.current % temperatures.length]!;

  useInput(
    (input, key) => {
      if (key.ctrl && input === 'c') {
        interrupts.current += 1;
        if (interrupts.current > 1) {
          (props.onForceExit ?? (() => process.exit(130)))();
          return;
        }
      } else if (input === 'p') {
        session.send({ type: 'toggle-pause' });
        return;
      } else if (input === 's') {
        session.send({ type: 'save' });
        return;
      } else if (input === 'g') {
        session.send({ type: 'sample', temperatures: [temperatures[tIndex.current % temperatures.length]!] });
        return;
      } else if (input === 't') {
        tIndex.current = (tIndex.current + 1) % temperatures.length;
        setTIndex(tIndex.current);
        return;
      } else if (input !== 'q') {
        return;
      }
      // q or a first Ctrl-C: ask the trainer to save latest/ and stop.
      if (!stopRequested.current) session.send({ type: 'stop' });
      stopRequested.current = true;
      setStopping(true);
    },
    { isActive: isRawModeSupported === true && !finished },
  );

  useEffect(() => {
    if (!finished) return;
    const timer = setTimeout(() => exit(), props.exitDelayMs ?? 50);
    return () => clearTimeout(timer);
  }, [finished, exit, props.exitDelayMs]);

  return (
    <>
      <Static items={state.log}>{(entry) => <LogLine key={entry.id} entry={entry} color={color} />}</Static>
      <Dashboard
        state={state}
        width={columns}
        // One row short of the screen: a frame as tall as the terminal makes Ink clear and redraw it all.
        height={Math.max(1, rows - 1)}
        color={color}
        temperature={temperature}
        stopping={stopping && !finished}
      />
    </>
  );
}
