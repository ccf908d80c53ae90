import { describe, expect, it } from 'vitest';
import {
  MAX_LATER_NOTES,
  MAX_TRAIN_POINTS,
  MAX_WARNINGS,
  initialDashboardState,
  pushTrainLoss,
  reduceDashboard,
  trainLossPoints,
  type TrainLossHistory,
} from '../../src/ui/train/dashboard-state.js';
import { evalEvent, midRunEvents, reduceAll, runInfo, stepEvent } from './fixtures.js';

describe('reduceDashboard', () => {
  it('starts waiting and runs after start', () => {
    const s0 = initialDashboardState();
    expect(s0.status).toBe('waiting');
    const s1 = reduceDashboard(s0, { type: 'start', info: runInfo() });
    expect(s1.status).toBe('running');
    expect(s1.info?.corpusName).toBe('tinyshakespeare.txt');
    expect(s0.info).toBeNull(); // pure: the input is untouched
  });

  it('keeps the latest step figures and every step in the loss history', () => {
    const s = reduceAll([{ type: 'start', info: runInfo() }, stepEvent(1), stepEvent(2), stepEvent(3, { loss: 2.5 })]);
    expect(s.step?.step).toBe(3);
    expect(s.step?.loss).toBe(2.5);
    expect(trainLossPoints(s.trainHistory).map((p) => p.step)).toEqual([1, 2, 3]);
  });

  it('records evals, best val loss, checkpoints and finished items for the log', () => {
    const s = reduceAll(midRunEvents(820));
    expect(s.valHistory.map((p) => p.step)).toEqual([200, 400, 600, 800]);
    expect(s.lastEval?.step).toBe(800);
    expect(s.bestValLoss).toBeCloseTo(s.lastEval!.bestValLoss, 12);
    expect(s.bestValStep).toBe(800);
    expect(s.latestCheckpoint).toEqual({ kind: 'latest', path: 'checkpoints/tinyshakespeare/latest', step: 800 });
    expect(s.bestCheckpoint?.step).toBe(800);
    expect(s.checkpointsWritten).toBe(8);
    expect(s.log.map((e) => e.kind)).toEqual(['eval', 'checkpoint', 'checkpoint', 'eval', 'checkpoint', 'checkpoint', 'eval', 'checkpoint', 'checkpoint', 'eval', 'checkpoint', 'checkpoint']);
    expect(s.log.map((e) => e.id)).toEqual(s.log.map((_, i) => i));
  });

  it('does not move the best step on an eval that did not improve', () => {
    const s = reduceAll([
      { type: 'start', info: runInfo() },
      evalEvent(200, Infinity, { valLoss: 2, bestValLoss: 2, improved: true }),
      evalEvent(400, 2, { valLoss: 2.1, bestValLoss: 2, improved: false }),
    ]);
    expect(s.bestValLoss).toBe(2);
    expect(s.bestValStep).toBe(200);
  });

  it('merges samples by temperature, latest wins, ascending', () => {
    const s = reduceAll([
      { type: 'sample', step: 100, samples: [{ temperature: 1, text: 'a' }, { temperature: 0.5, text: 'b' }] },
      { type: 'sample', step: 200, samples: [{ temperature: 0.8, text: 'c' }] },
      { type: 'sample', step: 300, samples: [{ temperature: 1, text: 'd' }] },
    ]);
    expect(s.samples).toEqual([
      { temperature: 0.5, text: 'b', step: 100 },
      { temperature: 0.8, text: 'c', step: 200 },
      { temperature: 1, text: 'd', step: 300 },
    ]);
  });

  it("keeps the run's notes for the dashboard: all those it started with, then the latest later ones, one per topic", () => {
    let s = reduceAll([
      { type: 'start', info: runInfo({ startStep: 40, notes: ['this run writes to checkpoints/t-2', 'the text is short'] }) },
      stepEvent(41),
      { type: 'note', step: 41, message: 'learning rate: cosine over 900 steps', topic: 'learning rate' },
    ]);
    expect(s.notes.map((n) => [n.step, n.text])).toEqual([
      [40, 'this run writes to checkpoints/t-2'],
      [40, 'the text is short'],
      [41, 'learning rate: cosine over 900 steps'],
    ]);
    // They still reach the scroll-back too.
    expect(s.log.filter((e) => e.kind === 'note')).toHaveLength(3);
    // A re-planned schedule replaces the last plan instead of piling up.
    for (let i = 0; i < 30; i++) s = reduceDashboard(s, { type: 'note', step: 42 + i, message: `learning rate: plan ${i}`, topic: 'learning rate' });
    expect(s.notes.map((n) => n.text)).toEqual(['this run writes to checkpoints/t-2', 'the text is short', 'learning rate: plan 29']);
    expect(s.log.filter((e) => e.kind === 'note')).toHaveLength(33);
    // Many later notes: the latest few stay, and so do the run's first notes (where it writes).
    for (let i = 0; i < MAX_LATER_NOTES + 3; i++) s = reduceDashboard(s, { type: 'note', step: 80 + i, message: `n${i}` });
    expect(s.notes).toHaveLength(2 + MAX_LATER_NOTES);
    expect(s.notes.slice(0, 2).map((n) => n.text)).toEqual(['this run writes to checkpoints/t-2', 'the text is short']);
    expect(s.notes.at(-1)?.text).toBe(`n${MAX_LATER_NOTES + 2}`);
    // A new run starts with its own notes only.
    s = reduceDashboard(s, { type: 'start', info: runInfo({ notes: ['fresh'] }) });
    expect(s.notes.map((n) => n.text)).toEqual(['fresh']);
  });

  it('tracks pause, keeps only the last warnings, and ends on done or error', () => {
    let s = reduceAll([{ type: 'start', info: runInfo() }, stepEvent(1), { type: 'paused', step: 1 }]);
    expect(s.paused).toBe(true);
    expect(s.status).toBe('paused');
    s = reduceDashboard(s, { type: 'resumed', step: 1 });
    expect(s.paused).toBe(false);
    expect(s.status).toBe('running');
    for (let i = 0; i < MAX_WARNINGS + 3; i++) s = reduceDashboard(s, { type: 'warning', step: i, message: `w${i}` });
    expect(s.warnings).toHaveLength(MAX_WARNINGS);
    expect(s.warnings.at(-1)?.message).toBe(`w${MAX_WARNINGS + 2}`);
    const done = reduceDashboard(s, {
      type: 'done',
      step: 1,
      reason: 'stopped',
      elapsedMs: 1000,
      sessionMs: 1000,
      bestValLoss: 1.5,
      latestPath: 'l',
      bestPath: 'b',
    });
    expect(done.status).toBe('done');
    expect(done.bestValLoss).toBe(1.5);
    const failed = reduceDashboard(s, { type: 'error', step: 1, message: 'out of memory' });
    expect(failed.status).toBe('error');
    expect(failed.log.at(-1)?.kind).toBe('error');
    // A late 'paused' does not hide the final state.
    expect(reduceDashboard(failed, { type: 'paused', step: 1 }).status).toBe('error');
  });
});

describe('train loss history', () => {
  it('stays bounded over a very long run and keeps the mean', () => {
    let h: TrainLossHistory = initialDashboardState().trainHistory;
    const steps = 200_000;
    for (let i = 1; i <= steps; i++) h = pushTrainLoss(h, i, i % 2 === 0 ? 1 : 3);
    expect(h.points.length).toBeLessThanOrEqual(MAX_TRAIN_POINTS);
    expect(h.points.length).toBeGreaterThanOrEqual(MAX_TRAIN_POINTS / 2);
    const pts = trainLossPoints(h);
    const total = h.points.reduce((n, p) => n + p.count, 0) + (h.pending?.count ?? 0);
    expect(total).toBe(steps);
    for (const p of h.points) expect(p.loss).toBeCloseTo(2, 9);
    // Ordered, spanning the run.
    for (let i = 1; i < pts.length; i++) expect(pts[i]!.step).toBeGreaterThan(pts[i - 1]!.step);
    expect(pts[0]!.step).toBeLessThan(steps / 1000);
    expect(pts.at(-1)!.step).toBeGreaterThan(steps * 0.999);
  });

  it('ignores a non-finite loss inside a bucket but leaves a gap when all are', () => {
    let h: TrainLossHistory = { points: [], bucketSize: 2, pending: null };
    h = pushTrainLoss(h, 1, NaN);
    h = pushTrainLoss(h, 2, 4);
    h = pushTrainLoss(h, 3, NaN);
    h = pushTrainLoss(h, 4, Infinity);
    expect(h.points.map((p) => p.loss)).toEqual([4, NaN]);
  });
});
