/**
 * The one hook that listens to a training run. Every event is folded into
 * the dashboard state at once (so the loss chart sees every step), but
 * React only re-renders when something other than a step arrives, or at
 * most once per `flushIntervalMs` while steps stream in — hundreds of steps
 * a second cost a dozen renders, not hundreds.
 */
import { useEffect, useRef, useState } from 'react';
import type { TrainCommand, TrainEvent } from '../../train/events.js';
import { initialDashboardState, reduceDashboard, type DashboardState } from './dashboard-state.js';

/** What the dashboard needs from a training run: its events, and a way to steer it. */
export interface TrainSession {
  /** Listen to events; returns the unsubscribe function. */
  subscribe(listener: (e: TrainEvent) => void): () => void;
  send(command: TrainCommand): void;
}

/** ~12 frames a second. */
export const DEFAULT_FLUSH_INTERVAL_MS = 80;

export function useTrainEvents(session: TrainSession, flushIntervalMs = DEFAULT_FLUSH_INTERVAL_MS): DashboardState {
  const [state, setState] = useState(initialDashboardState);
  const latest = useRef(state);

  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | null = null;
    let dirty = false;
    const flush = () => {
      if (timer !== null) clearTimeout(timer);
      timer = null;
      if (!dirty) return;
      dirty = false;
      setState(latest.current);
    };
    const unsubscribe = session.subscribe((event) => {
      latest.current = reduceDashboard(latest.current, event);
      dirty = true;
      if (event.type !== 'step') flush();
      else if (timer === null) timer = setTimeout(flush, flushIntervalMs);
    });
    return () => {
      unsubscribe();
      if (timer !== null) clearTimeout(timer);
    };
  }, [session, flushIntervalMs]);

  return state;
}
