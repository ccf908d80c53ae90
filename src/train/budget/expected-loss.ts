/**
 * The validation loss a model is expected to reach after training on a
 * number of characters, read off a measured loss-against-compute curve
 * (./grid.ts). Between two measured points the loss is interpolated linearly
 * in log(characters), the scale on which such curves are nearly straight.
 * Beyond the last point it stays at the last point's loss: every curve is
 * measured until it flattens (on a 1 MB text, or a shorter one, a model at a
 * constant rate stops improving within about 6–11 passes and then overfits;
 * docs/budget.md), so a model given more characters than its curve holds is
 * expected no lower than its measured best. An extrapolation along the
 * curve's last slope promised an hour-long run of the GRU 2×256, 98 passes
 * over Tiny Shakespeare, 1.41 nats, where it stops at 1.50.
 */

/** [characters trained, best validation loss so far in nats], characters increasing. */
export type Curve = readonly (readonly [number, number])[];

/**
 * @param curve at least two points, characters increasing.
 * @param chars characters the model will train on (≥ 0).
 * @param untrained the loss before any training (ln of the vocabulary size), where the curve starts at 0 characters.
 */
export function expectedLoss(curve: Curve, chars: number, untrained: number): number {
  const [x0, y0] = curve[0]!;
  if (chars <= x0) return untrained + (y0 - untrained) * Math.max(0, chars) / x0;
  for (let i = 1; i < curve.length; i++) {
    const [xa, ya] = curve[i - 1]!;
    const [xb, yb] = curve[i]!;
    if (chars <= xb) return ya + ((yb - ya) * Math.log(chars / xa)) / Math.log(xb / xa);
  }
  return curve[curve.length - 1]![1];
}
