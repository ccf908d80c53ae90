/**
 * The interactive training app: finished items (evals, checkpoints,
 * warnings) scroll by in <Static>, the dashboard stays live below them, and
 * keys steer the run (`n` pages through the notes when they do not all
 * fit, until the app exits). Exits once the run is done or failed, leaving
 * the last frame on screen, without the keys that no longer answer.
 */
import { useEffect, useRef, useState } from 'react';
import { Static, useInput, useStdin } from 'ink';
import { useExitWhenFinished, useSecondInterruptExits } from '../shared/app-hooks.js';
import { Dashboard } from './Dashboard.js';
import { LogLine } from './LogLine.js';
import { useTerminalSize } from '../shared/useTerminalSize.js';
import type { DashboardState } from './dashboard-state.js';
import { DEFAULT_FLUSH_INTERVAL_MS, useTrainEvents, type TrainSession } from './useTrainEvents.js';
import { DEFAULT_SAMPLING } from '../../sample/distribution.js';
import { DEFAULT_TRAIN_CONFIG } from '../../settings/train-settings.js';

/** How long the final frame stays up (`n` still pages the notes) before the app exits. */
const DEFAULT_EXIT_DELAY_MS = 50;

/** Longest a key stays marked as pending without an answer from the trainer. */
const PENDING_TIMEOUT_MS = 120_000;

interface PendingState {
  /** The paused state `p` asked for. */
  pause?: boolean;
  /** Checkpoints written when `s` was pressed. */
  save?: number;
  /** The samples shown when `g` was pressed. */
  sample?: DashboardState['samples'];
  since?: number;
}

interface TrainAppProps {
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
  const i = ts.indexOf(DEFAULT_SAMPLING.temperature);
  return i >= 0 ? i : 0;
}

export function TrainApp(props: TrainAppProps) {
  const { session, color } = props;
  const state = useTrainEvents(session, props.flushIntervalMs ?? DEFAULT_FLUSH_INTERVAL_MS);
  // The run's own temperatures once it has started (a resumed run keeps those it was started with).
  const temperatures = state.info?.sampleTemperatures.length
    ? state.info.sampleTemperatures
    : props.sampleTemperatures?.length ? props.sampleTemperatures : DEFAULT_TRAIN_CONFIG.sampleTemperatures;
  const { columns, rows } = useTerminalSize();
  const { isRawModeSupported } = useStdin();
  // Key handling reads refs, not render-time values: a key pressed right
  // after another must see its effect even before the next render.
  const tIndex = useRef(initialTemperatureIndex(temperatures));
  const temperaturesKey = temperatures.join();
  const cycled = useRef(temperaturesKey);
  if (cycled.current !== temperaturesKey) {
    cycled.current = temperaturesKey;
    tIndex.current = initialTemperatureIndex(temperatures);
  }
  const stopRequested = useRef(false);
  const secondInterrupt = useSecondInterruptExits(props.onForceExit);
  const [, setTIndex] = useState(tIndex.current);
  // Keys the trainer answers between steps: acknowledged on screen at once,
  // cleared when its event arrives (the paused state, a checkpoint, samples).
  const [pending, setPending] = useState<PendingState>({});
  const latestState = useRef(state);
  latestState.current = state;
  const [stopping, setStopping] = useState(false);
  // The first note shown when they do not all fit; `n` moves on by one, going round.
  const [notesOffset, setNotesOffset] = useState(0);
  const finished = state.status === 'done' || state.status === 'error';
  const [leaving, setLeaving] = useState(false);
  const temperature = temperatures[tIndex.current % temperatures.length]!;

  useInput(
    (input, key) => {
      // Once the run is over only `n` still means something: the notes stay on screen.
      if (finished && input !== 'n') return;
      if (key.ctrl && input === 'c') {
        if (secondInterrupt()) return;
      } else if (input === 'p') {
        session.send({ type: 'toggle-pause' });
        setPending((p) => ({ ...p, pause: !(p.pause ?? latestState.current.paused), since: Date.now() }));
        return;
      } else if (input === 's') {
        session.send({ type: 'save' });
        setPending((p) => ({ ...p, save: p.save ?? latestState.current.checkpointsWritten, since: Date.now() }));
        return;
      } else if (input === 'g') {
        session.send({ type: 'sample', temperatures: [temperatures[tIndex.current % temperatures.length]!] });
        setPending((p) => ({ ...p, sample: p.sample ?? latestState.current.samples, since: Date.now() }));
        return;
      } else if (input === 'n') {
        const count = latestState.current.notes.length;
        if (count > 0) setNotesOffset((o) => (o + 1) % count);
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
    { isActive: isRawModeSupported === true && !leaving },
  );

  // Clear what the trainer has confirmed; give up waiting after a while
  // (a sample with --sample-length 0 never comes).
  useEffect(() => {
    setPending((p) => {
      const next: PendingState = { ...p };
      if (finished || (p.since !== undefined && Date.now() - p.since > PENDING_TIMEOUT_MS)) return {};
      if (p.pause !== undefined && p.pause === state.paused) delete next.pause;
      if (p.save !== undefined && state.checkpointsWritten > p.save) delete next.save;
      if (p.sample !== undefined && state.samples !== p.sample) delete next.sample;
      const same = next.pause === p.pause && next.save === p.save && next.sample === p.sample;
      return same ? p : next;
    });
  }, [state, finished]);

  // The final frame shows a moment with `n` still working, then is drawn once
  // more without its hint (it no longer answers) and the app exits.
  useEffect(() => {
    if (!finished) return;
    const timer = setTimeout(() => setLeaving(true), props.exitDelayMs ?? DEFAULT_EXIT_DELAY_MS);
    return () => clearTimeout(timer);
  }, [finished, props.exitDelayMs]);
  useExitWhenFinished(leaving, 0);

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
        pending={{ pause: pending.pause, save: pending.save !== undefined, sample: pending.sample !== undefined }}
        notesOffset={notesOffset}
        keysGone={leaving}
      />
    </>
  );
}
