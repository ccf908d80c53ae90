/**
 * A run's loss curve as rows, from the history in its charnn.json: at each
 * evaluation, the step, the characters trained on by then, the training
 * time, the mean training loss since the previous evaluation and the
 * validation loss — what `charnn runs <run>` charts and writes as CSV/JSON.
 */
import type { CharnnMeta } from './meta.js';

export interface CurvePoint {
  step: number;
  /** Characters trained on by this step: step × batch × seq-len (both fixed for a run, resumes included). */
  chars: number;
  /** Training time summed over sessions at this evaluation, or null where the checkpoint did not record it. */
  elapsedMs: number | null;
  trainLoss: number | null;
  valLoss: number | null;
}

/** What a curve is made from: a checkpoint's history, its batch shape and where it stands. */
export type CurveSource = Pick<CharnnMeta, 'history'> & {
  training: Pick<CharnnMeta['training'], 'batchSize' | 'seqLen'>;
  progress: Pick<CharnnMeta['progress'], 'step' | 'elapsedMs'>;
};

const finite = (x: number): number | null => (Number.isFinite(x) ? x : null);

/**
 * One row per evaluation, in recorded order: a validation point and the
 * training point of the same step make one row (a step with only one of
 * them gets a row with the other null).
 */
export function lossCurve(meta: CurveSource): CurvePoint[] {
  const { train, val } = meta.history;
  const times = new Map<number, number>();
  for (const [step, ms] of meta.history.time ?? []) times.set(step, ms);
  const perStep = meta.training.batchSize * meta.training.seqLen;
  const row = (step: number, trainLoss: number | null, valLoss: number | null): CurvePoint => ({
    step, chars: step * perStep, elapsedMs: times.get(step) ?? null, trainLoss, valLoss,
  });
  const rows: CurvePoint[] = [];
  let i = 0;
  let j = 0;
  while (i < val.length || j < train.length) {
    const v = val[i];
    const t = train[j];
    if (v && t && v[0] === t[0]) {
      rows.push(row(v[0], finite(t[1]), finite(v[1])));
      i++;
      j++;
    } else if (v && (!t || v[0] < t[0])) {
      rows.push(row(v[0], null, finite(v[1])));
      i++;
    } else {
      rows.push(row(t![0], finite(t![1]), null));
      j++;
    }
  }
  return rows;
}

/**
 * The training time of every row, where it was not recorded estimated by
 * linear interpolation in steps between the times that are known: step 0
 * at 0, the recorded ones, and the checkpoint's own step and time (a run
 * trained by a charnn that did not record time per evaluation, or resumed
 * from one). `estimated` counts the rows whose time is estimated.
 */
export function timeOfRows(points: readonly CurvePoint[], progress: CurveSource['progress']): { elapsedMs: number[]; estimated: number } {
  const anchors: [number, number][] = [[0, 0]];
  for (const p of points) if (p.elapsedMs !== null) anchors.push([p.step, p.elapsedMs]);
  anchors.push([progress.step, progress.elapsedMs]);
  anchors.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let estimated = 0;
  const elapsedMs = points.map((p) => {
    if (p.elapsedMs !== null) return p.elapsedMs;
    estimated++;
    // The last anchor at or before the step (binary search), and the first after it.
    let k = 0;
    let hi = anchors.length - 1;
    while (k < hi) {
      const mid = Math.ceil((k + hi) / 2);
      if (anchors[mid]![0] <= p.step) k = mid;
      else hi = mid - 1;
    }
    const [s0, t0] = anchors[k]!;
    const next = anchors[k + 1];
    if (!next || next[0] === s0) return t0;
    return t0 + ((p.step - s0) / (next[0] - s0)) * (next[1] - t0);
  });
  return { elapsedMs, estimated };
}
