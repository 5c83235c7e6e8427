// Runs a checked experiment in the page the way src/experiment/run.ts does (time series rows
// every `interval` simulated seconds, a summary at the end), because run.ts reads package.json
// and writes files when it is loaded and so cannot be bundled for a browser.

import type { Call } from '../elements/call.ts';
import { runReplicationSync } from '../experiment/replication.ts';
import { traceToJson, type TracedCall } from '../results/ladder.ts';
import type { TimeseriesPoint } from '../results/series.ts';
import type { Summary } from '../results/summary.ts';
import type { BrowserExperiment } from './experiment.ts';

export interface BrowserRunOptions {
  /** Simulated seconds between time-series points (default 60). */
  interval?: number;
  onCall?: (call: Call) => void;
  /** `onCall` copies what it keeps, so that records may serve later calls (ReplicationOptions.copiesCalls). */
  copiesCalls?: boolean;
  onSample?: (point: TimeseriesPoint) => void;
  /** Calls whose message ladder is recorded. */
  traced?: readonly number[];
  /** Stop as soon as this call is over. */
  stopAfterCall?: number;
}

export interface BrowserRunResult {
  summary: Summary;
  fingerprint: string;
  /** Ladders of the traced calls, by call index (see results/ladder.ts). */
  ladders: Map<number, TracedCall>;
  /** Wall-clock milliseconds the run took. */
  elapsedMs: number;
}

/** Runs the first replication of a checked experiment in memory, with the same code as the CLI. */
export function simulate(loaded: BrowserExperiment, opts: BrowserRunOptions = {}): BrowserRunResult {
  const t0 = Date.now();
  const ladders = new Map<number, TracedCall>();
  const r = runReplicationSync(loaded, 0, {
    ...(opts.interval !== undefined ? { interval: opts.interval } : {}),
    ...(opts.traced !== undefined ? { traced: opts.traced } : {}),
    ...(opts.stopAfterCall !== undefined ? { stopAfterCall: opts.stopAfterCall } : {}),
    check: false,
    onCall: (c) => {
      if (c.trace !== null) ladders.set(c.index, traceToJson(c));
      opts.onCall?.(c);
    },
    // The ladders above are copies; the caller's own onCall decides for itself.
    copiesCalls: opts.onCall === undefined || opts.copiesCalls === true,
    onSample: ({ replication: _r, ...point }) => opts.onSample?.(point),
  });
  return { summary: r.summary, fingerprint: r.fingerprint, ladders, elapsedMs: Date.now() - t0 };
}
