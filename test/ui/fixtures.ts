/** Synthetic training events and a fake terminal for the UI tests. */
import { EventEmitter } from 'node:events';
import type { EvalEvent, RunInfo, StepEvent, TrainCommand, TrainEvent } from '../../src/train/events.js';
import { initialDashboardState, reduceDashboard, type DashboardState } from '../../src/ui/train/dashboard-state.js';
import { sleep } from '../helpers/wait.js';

// eslint-disable-next-line no-control-regex
const ANSI = /\u001B\[[0-9;?]*[ -/]*[@-~]|\u001B\][^\u0007]*\u0007/g;

/** Remove ANSI escape sequences. */
export const strip = (s: string | undefined): string => (s ?? '').replace(ANSI, '');

/** Columns of a line: every code point one column (the fixtures use no wide characters). */
export const columns = (line: string): number => Array.from(line).length;

export function runInfo(over: Partial<RunInfo> = {}): RunInfo {
  return {
    corpusName: 'tinyshakespeare.txt',
    corpusChars: 1_115_394,
    corpusBytes: 1_115_394,
    trainChars: 1_003_854,
    valChars: 111_540,
    vocabSize: 65,
    cell: 'lstm',
    layers: 2,
    hidden: 256,
    embedding: 64,
    dropout: 0,
    dropoutMask: 'step',
    weightDrop: 0,
    embeddingDropout: 0,
    params: 818_497,
    backend: 'tensorflow',
    engine: 'ort, 2 threads',
    batchSize: 32,
    seqLen: 100,
    stepsPerEpoch: 313,
    maxSteps: 2000,
    maxEpochs: null,
    maxTimeMs: null,
    startStep: 0,
    outDir: 'checkpoints/tinyshakespeare',
    resumedFrom: null,
    notes: [],
    sampleTemperatures: [0.5, 0.8, 1],
    ...over,
  };
}

/** A plausible decaying loss. */
export const lossAt = (step: number): number => 1.3 + 2.9 * Math.exp(-step / 400) + 0.08 * Math.sin(step * 1.7);

export function stepEvent(step: number, over: Partial<StepEvent> = {}): StepEvent {
  return {
    type: 'step',
    step,
    epoch: step / 313,
    loss: lossAt(step),
    lr: 2e-3,
    gradNorm: 1.23,
    charsPerSec: 5210,
    elapsedMs: step * 120,
    progress: step / 2000,
    etaMs: (2000 - step) * 120,
    ...over,
  };
}

export function evalEvent(step: number, best: number, over: Partial<EvalEvent> = {}): EvalEvent {
  const valLoss = lossAt(step) + 0.05;
  return {
    type: 'eval',
    step,
    epoch: step / 313,
    valLoss,
    valBpc: valLoss / Math.LN2,
    trainLoss: lossAt(step),
    trainBpc: lossAt(step) / Math.LN2,
    bestValLoss: Math.min(best, valLoss),
    improved: valLoss < best,
    valBatches: 20,
    ...over,
  };
}

/** A run 820 steps in: steps, evals every 200, samples, checkpoints. */
export function midRunEvents(upTo = 820): TrainEvent[] {
  const events: TrainEvent[] = [{ type: 'start', info: runInfo() }];
  let best = Infinity;
  for (let s = 1; s <= upTo; s++) {
    events.push(stepEvent(s));
    if (s % 200 === 0) {
      const e = evalEvent(s, best);
      best = e.bestValLoss;
      events.push(e);
      events.push({ type: 'checkpoint', step: s, kind: 'latest', path: 'checkpoints/tinyshakespeare/latest' });
      if (e.improved) events.push({ type: 'checkpoint', step: s, kind: 'best', path: 'checkpoints/tinyshakespeare/best' });
    }
  }
  events.push({
    type: 'sample',
    step: 800,
    samples: [
      { temperature: 0.5, text: 'KING RICHARD III:\nWhat say you to the time of the world, and the seat of the king?' },
      { temperature: 0.8, text: 'ROMEO:\nI would the fool of our care in the lord, and so bid thee well.' },
      { temperature: 1.0, text: 'MENENIUS:\nWhy, qual\tthe Vorcy prink, gord! he mast so; ifter now?' },
    ],
  });
  return events;
}

export function reduceAll(events: TrainEvent[], state: DashboardState = initialDashboardState()): DashboardState {
  return events.reduce(reduceDashboard, state);
}

/** A tiny in-memory training session: emit events, record commands. */
export class FakeSession {
  readonly sent: TrainCommand[] = [];
  private listeners = new Set<(e: TrainEvent) => void>();

  subscribe = (listener: (e: TrainEvent) => void): (() => void) => {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  };

  send = (command: TrainCommand): void => {
    this.sent.push(command);
  };

  emit(...events: TrainEvent[]): void {
    for (const e of events) for (const l of [...this.listeners]) l(e);
  }

  get listenerCount(): number {
    return this.listeners.size;
  }
}

export { sleep };

/**
 * Poll until `check` stops throwing (or time runs out, then rethrow). The
 * deadline only bounds a failure: 30 s, as a frame can be late on a loaded
 * machine (2 s is short when the whole suite shares two cores) and a slow
 * one takes 5× as long again.
 */
export async function eventually(check: () => void, timeoutMs = 30_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    try {
      check();
      return;
    } catch (error) {
      if (Date.now() > end) throw error;
      await sleep(10);
    }
  }
}

/**
 * A stdout for Ink's render(): 80×24, keeps what was written. isTTY makes
 * Ink treat it as a terminal (it then also installs its own exit handlers).
 */
export class FakeStdout extends EventEmitter {
  constructor(readonly isTTY = false) {
    super();
  }
  columns = 80;
  rows = 24;
  output = '';
  write = (chunk: string) => {
    this.output += chunk;
    return true;
  };
}

/** A raw-mode stdin for Ink's render(); write() types keys. */
export class FakeStdin extends EventEmitter {
  isTTY = true;
  private data: string | null = null;
  write(data: string) {
    this.data = data;
    this.emit('readable');
    this.emit('data', data);
  }
  setRawMode() {}
  setEncoding() {}
  resume() {}
  pause() {}
  ref() {}
  unref() {}
  read() {
    const d = this.data;
    this.data = null;
    return d;
  }
}
