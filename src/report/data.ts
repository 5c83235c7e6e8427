// What a report page is given: one JSON object embedded in report.html. Built by collect.ts from
// a results folder (run, sweep or compare); drawn by page.ts in the browser. Plain data only:
// the page shows every string as text, never as markup.

import type { Histogram, TimeseriesPoint } from '../results/series.ts';
import type { RunSummary } from '../results/summary.ts';
import type { TracedCall } from '../results/ladder.ts';

/** A sample call of one outcome, with its full ladder, titled e.g. "dropped: session-expired". */
export type LadderSample = TracedCall & { title: string };

export interface RunReport {
  experiment: string;
  description: string;
  /** What to read in the results (the experiment's lookAt), or ''. */
  lookAt: string;
  seed: string | number;
  replications: number;
  platform: { id: string; name: string; maxSessions: number; callsPerSecond: number; cpuAdmissionPercent: number };
  configFile: string;
  configText: string;
  fingerprint: string;
  /** summary.json as written (numbers, or {mean, ci95} over replications). */
  summary: RunSummary;
  /** The first replication's time series. */
  timeseries: TimeseriesPoint[];
  histograms: { callLength: Histogram; refreshLatency: Histogram; dropMoments: Histogram };
  ladders: LadderSample[];
}

export interface SweepReport {
  experiment: string;
  params: Array<{ path: string; values: unknown[] }>;
  /** One row per point: the parameter values, and each figure's mean and 95 % half-width (null without replications). */
  rows: Array<{
    point: number;
    values: Record<string, unknown>;
    figures: Record<string, { mean: number; halfWidth: number | null }>;
  }>;
}

export interface CompareReport {
  experiment: string;
  seed: string | number;
  replications: number;
  a: { set: string[]; config: string; platform: string; midcallSignaling: string; minSe: number };
  b: { set: string[]; config: string; platform: string; midcallSignaling: string; minSe: number };
  calls: number[];
  changedCalls: number[];
  transitions: Array<{
    change: string;
    count: number;
    exampleCall: number;
    firstDifference: { at: number; a: string; b: string } | null;
  }>;
  deltas: Record<string, { a: number; b: number; delta: number; ci95: [number, number] | null }>;
  /** Up to 500 changed calls of the first replication, as in changed-calls.csv. */
  changed: Array<{ call: number; a: string; b: string; divergedAt: number | null; firstA: string; firstB: string }>;
}

export type ReportData =
  | { kind: 'run'; cubesim: string; run: RunReport }
  | { kind: 'sweep'; cubesim: string; sweep: SweepReport }
  | { kind: 'compare'; cubesim: string; compare: CompareReport };

/** Element ids and classes the page draws, for tests and for users' own styling. */
export const REPORT_DOM = {
  data: 'report-data',
  headline: 'headline',
  outcomes: 'outcomes',
  timeseries: 'timeseries',
  histograms: 'histograms',
  ladders: 'ladders',
  /** One <svg class="ladder"> per sample; each arrow is a <g class="message">; each timer mark a <g class="timer">. */
  ladderClass: 'ladder',
  messageClass: 'message',
  /** The <tspan> of an arrow's text that holds the message's label (results/ladder.ts messageLabel). */
  messageLabelClass: 'message-label',
  timerClass: 'timer',
  sweep: 'sweep',
  compare: 'compare',
} as const;
