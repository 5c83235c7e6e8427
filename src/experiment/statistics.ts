// Output analysis over independent replications: the mean of each figure and its 95 %
// confidence interval from Student's t with n - 1 degrees of freedom.
import tQuantile from '@stdlib/stats-base-dists-t-quantile';

export interface Estimate {
  mean: number;
  /** Half-width of the 95 % interval; null with fewer than two replications. */
  halfWidth: number | null;
  ci95: [number, number] | null;
  n: number;
}

export function estimate(xs: readonly number[], level = 0.95): Estimate {
  const n = xs.length;
  if (n === 0) return { mean: NaN, halfWidth: null, ci95: null, n };
  let sum = 0;
  for (const x of xs) sum += x;
  const mean = sum / n;
  if (n < 2) return { mean, halfWidth: null, ci95: null, n };
  let ss = 0;
  for (const x of xs) ss += (x - mean) * (x - mean);
  const sd = Math.sqrt(ss / (n - 1));
  const half = tQuantile(1 - (1 - level) / 2, n - 1) * (sd / Math.sqrt(n));
  return { mean, halfWidth: half, ci95: [mean - half, mean + half], n };
}

/**
 * The numeric leaves of a summary as dotted paths ("calls.completed", "drops.byCause.session-expired"),
 * sorted, so replications and sweep points line up column by column.
 */
export function flatten(value: unknown, prefix = '', out: Record<string, number> = {}): Record<string, number> {
  if (typeof value === 'number') {
    out[prefix] = value;
  } else if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    for (const k of Object.keys(value).sort())
      flatten((value as Record<string, unknown>)[k], prefix === '' ? k : `${prefix}.${k}`, out);
  }
  return out;
}

/** Every path that appears in any of the rows, sorted; a row lacking one counts it as 0. */
export function unionKeys(rows: ReadonlyArray<Record<string, number>>): string[] {
  const keys = new Set<string>();
  for (const r of rows) for (const k of Object.keys(r)) keys.add(k);
  return [...keys].sort();
}
