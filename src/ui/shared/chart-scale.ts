/**
 * Axis numbers for the terminal line chart: label formats for linear and
 * log10 axes, and round tick steps.
 */
import { formatCompact } from './format.js';

/** Label for a value on a log axis: `0.5`, `120`, `1e-12`, `3.2e-7`. */
export function formatLogLabel(v: number): string {
  if (!(v > 0) || !Number.isFinite(v)) return String(v);
  let exp = Math.floor(Math.log10(v));
  if (exp >= -3 && exp < 4) return String(Number(v.toPrecision(2)));
  let m = Math.round((v / 10 ** exp) * 10) / 10;
  if (m >= 10) {
    m = 1;
    exp += 1;
  }
  return m === 1 ? `1e${exp}` : `${m.toFixed(1)}e${exp}`;
}

/** Fixed decimals, enough to tell apart labels a few rows apart over [lo, hi]. */
export function linearFormatter(lo: number, hi: number, rows: number): (y: number) => string {
  const big = Math.max(Math.abs(lo), Math.abs(hi));
  if (big >= 1e5) return (y) => formatCompact(y);
  // Enough decimals to tell labels a few rows apart.
  const resolution = (2 * (hi - lo)) / Math.max(1, rows);
  const decimals = resolution > 0 ? Math.min(6, Math.max(0, 1 - Math.floor(Math.log10(resolution) + 1e-9))) : 2;
  return (y) => {
    const s = y.toFixed(decimals);
    return /^-0(\.0*)?$/.test(s) ? s.slice(1) : s;
  };
}

/** 1, 2 or 5 × 10^k, the smallest such step ≥ `raw`. */
export function niceStep(raw: number): number {
  const p = 10 ** Math.floor(Math.log10(raw));
  const m = raw / p;
  return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * p;
}

/** Steps and other counts: integers, compact from 10,000 (`12k`). */
export function defaultFormatX(x: number): string {
  const r = Math.round(x);
  return Math.abs(r) >= 10_000 ? formatCompact(r) : String(r);
}
