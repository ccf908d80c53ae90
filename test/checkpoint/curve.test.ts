/** A run's loss curve from charnn.json's history (checkpoint/curve.ts) and the history's time record (meta.ts). */
import { describe, expect, it } from 'vitest';
import { lossCurve, timeOfRows, type CurveSource } from '../../src/checkpoint/curve.js';
import { parseMeta } from '../../src/checkpoint/meta.js';
import { RunState } from '../../src/train/run-state.js';
import { initParamArrays } from '../../src/model/params.js';
import { Rng } from '../../src/util/rng.js';
import type { ModelConfig } from '../../src/model/config.js';
import { validMeta } from '../helpers/meta.js';

const source = (history: CurveSource['history'], progress = { step: 30, elapsedMs: 3000 }): CurveSource => ({
  history, training: { batchSize: 4, seqLen: 10 }, progress,
});

describe('lossCurve', () => {
  it('pairs each validation point with the training point of its step, counts characters and takes recorded times', () => {
    const rows = lossCurve(source({
      train: [[10, 3.5], [20, 2.5], [30, 2.0]],
      val: [[5, 4.0], [10, 3.6], [30, 2.2]],
      time: [[10, 1000], [30, 3000]],
    }));
    expect(rows).toEqual([
      { step: 5, chars: 200, elapsedMs: null, trainLoss: null, valLoss: 4.0 },
      { step: 10, chars: 400, elapsedMs: 1000, trainLoss: 3.5, valLoss: 3.6 },
      { step: 20, chars: 800, elapsedMs: null, trainLoss: 2.5, valLoss: null },
      { step: 30, chars: 1200, elapsedMs: 3000, trainLoss: 2.0, valLoss: 2.2 },
    ]);
  });

  it('turns a loss JSON could only hold as Infinity into a gap, and is empty for an empty history', () => {
    expect(lossCurve(source({ train: [], val: [[5, Infinity]] }))[0]!.valLoss).toBeNull();
    expect(lossCurve(source({ train: [], val: [] }))).toEqual([]);
  });
});

describe('timeOfRows', () => {
  it('keeps recorded times and estimates the rest between step 0, the recorded ones and the checkpoint’s own time', () => {
    const rows = lossCurve(source({ train: [], val: [[5, 4], [10, 3], [20, 2], [25, 1.5]], time: [[10, 2000]] }, { step: 30, elapsedMs: 4000 }));
    const { elapsedMs, estimated } = timeOfRows(rows, { step: 30, elapsedMs: 4000 });
    // 5: halfway from (0, 0) to (10, 2000); 20 and 25: on the way from (10, 2000) to (30, 4000).
    expect(elapsedMs).toEqual([1000, 2000, 3000, 3500]);
    expect(estimated).toBe(3);
  });

  it('estimates every row of a history with no time record from the run’s pace', () => {
    const rows = lossCurve(source({ train: [], val: [[10, 3], [30, 2]] }, { step: 30, elapsedMs: 6000 }));
    expect(timeOfRows(rows, { step: 30, elapsedMs: 6000 })).toEqual({ elapsedMs: [2000, 6000], estimated: 2 });
  });
});

describe('history.time in charnn.json', () => {
  const model: ModelConfig = { cell: 'gru', vocabSize: 3, embedding: 4, hidden: 4, layers: 1, dropout: 0 };

  it('is recorded at each evaluation with the training time so far, also in a run resumed from a checkpoint without it', () => {
    const params = initParamArrays(model, new Rng(1));
    const fresh = new RunState(model, 2, 10, params, 1, null);
    fresh.progress.step = 5;
    fresh.progress.elapsedMs = 1234.4;
    fresh.recordEvaluation(2.5, 2.7, false);
    expect(fresh.history.time).toEqual([[5, 1234]]);

    const resumed = new RunState(model, 2, 10, params, 1, {
      progress: { ...fresh.progress }, history: { train: [[5, 2.7]], val: [[5, 2.5]] }, optimizer: null, carried: null,
    });
    resumed.progress.step = 10;
    resumed.progress.elapsedMs = 2000;
    resumed.recordEvaluation(2.4, 2.6, false);
    expect(resumed.history).toEqual({ train: [[5, 2.7], [10, 2.6]], val: [[5, 2.5], [10, 2.4]], time: [[10, 2000]] });
  });

  it('a loss charnn.json cannot hold is neither recorded nor made the best (the next checkpoint stays readable)', () => {
    const state = new RunState(model, 2, 10, initParamArrays(model, new Rng(1)), 1, null);
    state.progress.step = 5;
    expect(state.recordEvaluation(Infinity, 2.7, false)).toBe(false);
    state.progress.step = 10;
    expect(state.recordEvaluation(2e4, 3e4, false)).toBe(false);
    expect(state.progress.bestValLoss).toBeNull();
    expect(state.history.val).toEqual([]);
    expect(state.history.train).toEqual([[5, 2.7]]);
    state.progress.step = 15;
    expect(state.recordEvaluation(2.5, 2.6, false)).toBe(true);
    expect(state.progress).toMatchObject({ bestValLoss: 2.5, bestStep: 15 });
    expect(state.history.val).toEqual([[15, 2.5]]);
  });

  it('is optional when read, and must be [step, milliseconds ≥ 0] pairs when present', () => {
    const meta = { ...validMeta(), history: { train: [], val: [] } };
    expect(parseMeta(JSON.stringify(meta), 'ck').history.time).toBeUndefined();
    expect(parseMeta(JSON.stringify({ ...meta, history: { train: [], val: [], time: [[5, 10.5]] } }), 'ck').history.time).toEqual([[5, 10.5]]);
    for (const time of [[[5, -1]], [[5]], 'x', [[-1, 5]]]) {
      expect(() => parseMeta(JSON.stringify({ ...meta, history: { train: [], val: [], time } }), 'ck')).toThrow(/history\.time(\[\d+\])? must be a (list of )?\[step, milliseconds\] pairs?/);
    }
  });
});
