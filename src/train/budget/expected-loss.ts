/**
 * The validation loss a model is expected to reach after training on a
 * number of characters, read off a measured loss-against-compute curve
 * (./grid.ts). Between two measured points the loss is interpolated linearly
 * in log(characters), the scale on which such curves are nearly straight.
 * Beyond the last point it is extrapolated along the slope of the curve's
 * last third (least squares in log characters), halved: char-RNN curves bend
 * towards their floor, so the straight line would promise too much. How far
 * that assumption holds is measured by `npm run quality` (docs/budget.md).
 */

/** [characters trained, best validation loss so far in nats], characters increasing. */
export type Curve = readonly (readonly [number, number])[];

/** How much of the last third's slope the extrapolation keeps. */
const EXTRAPOLATION_DAMPING = 0.5;

/**
 * @param curve at least two points, characters increasing.
 * @param chars characters the model will train on (≥ 0).
 * @param untrained the loss before any training (ln of the vocabulary size), where the curve starts at 0 characters.
 */
export function expectedLoss(curve: Curve, chars: number, untrained: number): number {
  const [x0, y0] = curve[0]!;
  if (chars <= x0) return untrained + (y0 - untrained) * Math.max(0, chars) / x0;
  const last = curve.length - 1;
  for (let i = 1; i <= last; i++) {
    const [xa, ya] = curve[i - 1]!;
    const [xb, yb] = curve[i]!;
    if (chars <= xb) return ya + ((yb - ya) * Math.log(chars / xa)) / Math.log(xb / xa);
  }
  const [xn, yn] = curve[last]!;
  return yn + EXTRAPOLATION_DAMPING * Math.min(0, tailSlope(curve)) * Math.log(chars / xn);
}

/** d loss / d ln(characters) over the curve's last third (at least its last two points), least squares. */
function tailSlope(curve: Curve): number {
  const tail = curve.slice(Math.min(curve.length - 2, Math.floor((curve.length * 2) / 3)));
  const xs = tail.map(([x]) => Math.log(x));
  const ys = tail.map(([, y]) => y);
  const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
  const my = ys.reduce((a, b) => a + b, 0) / ys.length;
  let sxy = 0;
  let sxx = 0;
  xs.forEach((x, i) => {
    sxy += (x - mx) * (ys[i]! - my);
    sxx += (x - mx) ** 2;
  });
  return sxx > 0 ? sxy / sxx : 0;
}
