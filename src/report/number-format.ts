// Numbers as the report page writes them.

import { format } from 'd3';

const fmtInt = format(',');
/** A number as a person would write it: integers with separators, others to 3–4 significant digits. */
export function num(x: number): string {
  if (!Number.isFinite(x)) return '–';
  if (Number.isInteger(x)) return fmtInt(x);
  const a = Math.abs(x);
  if (a >= 1000) return format(',.0f')(x);
  if (a >= 100) return format('.1f')(x);
  if (a >= 1) return format('.3~f')(x);
  if (a === 0) return '0';
  return format('.3~g')(x);
}

/** A percentage to three significant digits: 12.6, 100, 0.5. */
export function pct(x: number): string {
  return Number.isFinite(x) ? format('.3~r')(x) : '–';
}

export function signed(x: number): string {
  return x > 0 ? `+${num(x)}` : num(x);
}
