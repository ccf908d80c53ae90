/**
 * Hooks shared by the full-screen apps (train dashboard, compare): one
 * subscription to an event stream with coalesced renders, the two-step
 * Ctrl-C, and leaving once the run is over.
 */
import { useEffect, useRef, useState } from 'react';
import { useApp } from 'ink';

interface EventSource<E> {
  /** Listen to events; returns the unsubscribe function. */
  subscribe(listener: (e: E) => void): () => void;
}

/**
 * Folds every event into the state at once (a chart sees every step), but
 * re-renders only when an event that is not `quiet` arrives, or at most once
 * per `flushIntervalMs` while quiet ones stream in: hundreds of steps a
 * second cost a dozen renders, not hundreds. `reduce` and `quiet` must be
 * stable (module-level) functions.
 */
export function useCoalescedEvents<E, S>(
  source: EventSource<E>,
  reduce: (state: S, event: E) => S,
  initial: () => S,
  quiet: (event: E) => boolean,
  flushIntervalMs: number,
): S {
  const [state, setState] = useState(initial);
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
    const unsubscribe = source.subscribe((event) => {
      latest.current = reduce(latest.current, event);
      dirty = true;
      if (!quiet(event)) flush();
      else if (timer === null) timer = setTimeout(flush, flushIntervalMs);
    });
    return () => {
      unsubscribe();
      if (timer !== null) clearTimeout(timer);
    };
  }, [source, reduce, quiet, flushIntervalMs]);

  return state;
}

/**
 * Ctrl-C in raw mode: the first press asks for a graceful stop, the second
 * quits at once (exit 130 unless `onForceExit` says otherwise). The returned
 * function counts a press and returns true when it was the second.
 */
export function useSecondInterruptExits(onForceExit?: () => void): () => boolean {
  const presses = useRef(0);
  return () => {
    presses.current += 1;
    if (presses.current < 2) return false;
    (onForceExit ?? (() => process.exit(130)))();
    return true;
  };
}

/** Unmounts the app `delayMs` after the run is over, so the last frame is drawn first. */
export function useExitWhenFinished(finished: boolean, delayMs = 50): void {
  const { exit } = useApp();
  useEffect(() => {
    if (!finished) return;
    const timer = setTimeout(() => exit(), delayMs);
    return () => clearTimeout(timer);
  }, [finished, exit, delayMs]);
}
