/**
 * Small number and time formatters shared by the dashboard and the plain
 * reporters. All of them are locale independent (a log line must read the
 * same on every machine) and total: null, NaN and Infinity never throw.
 */

/** Placeholder for a figure that is not known yet. */
export const UNKNOWN = '--';

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/**
 * Compact duration: `12s`, `4m12s`, `1h04m`, `2d03h`. Unknown or negative
 * durations print as `--`.
 */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms) || ms < 0) return UNKNOWN;
  const total = Math.floor(ms / 1000);
  const s = total % 60;
  const m = Math.floor(total / 60) % 60;
  const h = Math.floor(total / 3600) % 24;
  const d = Math.floor(total / 86_400);
  if (total < 60) return `${total}s`;
  if (total < 3600) return `${m}m${pad2(s)}s`;
  if (total < 86_400) return `${h}h${pad2(m)}m`;
  return `${d}d${pad2(h)}h`;
}

/** Integer with thousands separators: `1,115,394`. */
export function formatCount(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return UNKNOWN;
  const rounded = Math.round(n);
  const sign = rounded < 0 ? '-' : '';
  return sign + String(Math.abs(rounded)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** Short count for tight spaces: `950`, `1.2k`, `12k`, `3.4M`, `1.1G`, `9999G`, then `1.0e13` (never wider than 6 characters and a sign). */
export function formatCompact(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return UNKNOWN;
  const a = Math.abs(n);
  const sign = n < 0 ? '-' : '';
  // Beyond 9999G (a hand-edited checkpoint's loss of 1e300): "1.0e300", not "1.0000000000000001e+291G".
  if (a >= 9_999.5e9) return sign + a.toExponential(1).replace('e+', 'e');
  const units: [number, string][] = [
    [1e9, 'G'],
    [1e6, 'M'],
    [1e3, 'k'],
  ];
  for (const [size, unit] of units) {
    // 999,950 rounds to "1000.0k"; promote it to the next unit instead.
    if (a >= size * 0.99995) {
      const v = a / size;
      return sign + (v < 9.95 ? v.toFixed(1).replace(/\.0$/, '') : String(Math.round(v))) + unit;
    }
  }
  return sign + String(Math.round(a));
}

/** Nats per character to bits per character. */
export function natsToBpc(nats: number): number {
  return nats / Math.LN2;
}

/** A loss in nats with 4 decimals; `NaN` stays visible because it means divergence. */
export function formatLoss(nats: number | null | undefined, digits = 4): string {
  if (nats === null || nats === undefined) return UNKNOWN;
  if (!Number.isFinite(nats)) return String(nats);
  return nats.toFixed(digits);
}

/** A loss in nats shown as bits per character, 3 decimals. */
export function formatBpc(nats: number | null | undefined): string {
  if (nats === null || nats === undefined) return UNKNOWN;
  return formatLoss(natsToBpc(nats), 3);
}

/** Learning rate in scientific notation: `2.0e-3`. */
export function formatLr(lr: number | null | undefined): string {
  if (lr === null || lr === undefined) return UNKNOWN;
  if (!Number.isFinite(lr)) return String(lr);
  if (lr === 0) return '0';
  return lr.toExponential(1);
}

/** Gradient norm: 2 decimals while small, compact when it explodes. */
export function formatGradNorm(g: number | null | undefined): string {
  if (g === null || g === undefined) return UNKNOWN;
  if (!Number.isFinite(g)) return String(g);
  if (Math.abs(g) >= 1000) return formatCompact(g);
  return g.toFixed(2);
}

/** Fraction 0..1 as a whole percentage: `41%`. */
export function formatPercent(p: number | null | undefined): string {
  if (p === null || p === undefined || !Number.isFinite(p)) return UNKNOWN;
  return `${Math.floor(Math.max(0, Math.min(1, p)) * 100)}%`;
}

/** Sampling temperature: `0.5`, `1.0`, `0.75`. */
export function formatTemperature(t: number): string {
  if (!Number.isFinite(t)) return String(t);
  const one = t.toFixed(1);
  return Number(one) === t ? one : String(Number(t.toFixed(3)));
}

/** Fractional epoch with 2 decimals: `2.61`. */
export function formatEpoch(epoch: number | null | undefined): string {
  if (epoch === null || epoch === undefined || !Number.isFinite(epoch)) return UNKNOWN;
  return epoch.toFixed(2);
}

/** `5m ago`, `3h ago`, `2d ago`, then the date (when a run or checkpoint last changed). */
export function formatAge(changedMs: number | null, nowMs: number): string {
  if (changedMs === null) return '–';
  const s = Math.max(0, Math.round((nowMs - changedMs) / 1000));
  if (s < 60) return 'just now';
  if (s < 3600) return `${Math.floor(s / 60)}m ago`;
  if (s < 86_400) return `${Math.floor(s / 3600)}h ago`;
  if (s < 7 * 86_400) return `${Math.floor(s / 86_400)}d ago`;
  return new Date(changedMs).toISOString().slice(0, 10);
}
