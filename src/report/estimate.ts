// A summary figure as an estimate (a mean, with its 95 % interval over replications), and as text.

import { format } from 'd3';
import type { Figure } from '../results/summary.ts';
import { num } from './number-format.ts';

export interface Est {
  mean: number;
  ci: [number, number] | null;
}

export function est(f: Figure | undefined): Est | null {
  if (f === undefined) return null;
  if (typeof f === 'number') return { mean: f, ci: null };
  return { mean: f.mean, ci: f.ci95 };
}

export function estText(e: Est | null, scale = 1, unit = ''): string {
  if (e === null) return '–';
  const m = num(e.mean * scale) + unit;
  if (e.ci === null) return m;
  return `${m} ± ${halfWidth(e, scale)}`;
}

/** The half-width of a figure's 95 % interval, to three significant digits. */
export function halfWidth(e: Est, scale = 1): string {
  if (e.ci === null) return '';
  const h = ((e.ci[1] - e.ci[0]) / 2) * scale;
  return Math.abs(h) >= 1000 ? num(Math.round(h)) : format('.3~r')(h);
}

/** The figures of a table of counts, largest first (ties by name). */
export function entriesOf(counts: Readonly<Record<string, Figure>>): Array<[string, Est]> {
  const out: Array<[string, Est]> = [];
  for (const [k, v] of Object.entries(counts)) {
    const e = est(v);
    if (e !== null) out.push([k, e]);
  }
  return out.sort((a, b) => b[1].mean - a[1].mean || (a[0] < b[0] ? -1 : 1));
}
