/**
 * The one hook that listens to a training run: every event folded into the
 * dashboard state, renders coalesced while steps stream in (useCoalescedEvents).
 */
import type { TrainCommand, TrainEvent } from '../../train/events.js';
import { useCoalescedEvents } from '../shared/app-hooks.js';
import { initialDashboardState, reduceDashboard, type DashboardState } from './dashboard-state.js';

/** What the dashboard needs from a training run: its events, and a way to steer it. */
export interface TrainSession {
  /** Listen to events; returns the unsubscribe function. */
  subscribe(listener: (e: TrainEvent) => void): () => void;
  send(command: TrainCommand): void;
}

/** ~12 frames a second. */
export const DEFAULT_FLUSH_INTERVAL_MS = 80;

const isStep = (e: TrainEvent): boolean => e.type === 'step';

export function useTrainEvents(session: TrainSession, flushIntervalMs = DEFAULT_FLUSH_INTERVAL_MS): DashboardState {
  return useCoalescedEvents(session, reduceDashboard, initialDashboardState, isStep, flushIntervalMs);
}
