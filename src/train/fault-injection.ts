/**
 * Test hook for the divergence handling: makes chosen training steps report
 * a NaN (or exploded) loss, as if the model had diverged there. Off unless
 * the environment asks for it, and then only a multiplication per step.
 *
 *   CHARNN_FAULT_NAN_ATTEMPTS="12-16,30,40-"      NaN loss on those attempts
 *   CHARNN_FAULT_EXPLODE_ATTEMPTS="12-16"         loss × 1e6 on those attempts
 *
 * An attempt is one computed training step of this process, counted from 1
 * (skipped steps and steps repeated after a recovery count again), so a
 * fault at a step that is retried does not stay forever; "a-" is open-ended.
 */

type Ranges = [number, number][];

function parseRanges(spec: string | undefined, name: string): Ranges {
  if (!spec) return [];
  return spec.split(',').filter((part) => part.trim() !== '').map((part) => {
    const match = /^\s*(\d+)\s*(?:(-)\s*(\d*)\s*)?$/.exec(part);
    if (!match) throw new Error(`${name}: cannot parse "${part}" (expected e.g. 12,20-25,40-)`);
    const from = Number(match[1]);
    const to = match[2] ? (match[3] ? Number(match[3]) : Infinity) : from;
    return [from, to] as [number, number];
  });
}

let nan: Ranges | null = null;
let explode: Ranges | null = null;
let attempts = 0;

const hit = (ranges: Ranges, n: number): boolean => ranges.some(([from, to]) => n >= from && n <= to);

/**
 * Counts one training attempt and returns the loss to use for it: `loss`
 * itself unless a fault is configured for this attempt.
 */
export function faultLoss(loss: number): number {
  nan ??= parseRanges(process.env['CHARNN_FAULT_NAN_ATTEMPTS'], 'CHARNN_FAULT_NAN_ATTEMPTS');
  explode ??= parseRanges(process.env['CHARNN_FAULT_EXPLODE_ATTEMPTS'], 'CHARNN_FAULT_EXPLODE_ATTEMPTS');
  if (nan.length === 0 && explode.length === 0) return loss;
  attempts++;
  if (hit(nan, attempts)) return NaN;
  if (hit(explode, attempts)) return loss * 1e6;
  return loss;
}

