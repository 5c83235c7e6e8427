// A run's figures over time (timeseries.csv) and by value (histograms.json), as the output files,
// the report and the notebooks all read them.

/** A histogram with fixed-width bins starting at `start`; `over` counts values past the last bin. */
export interface Histogram {
  start: number;
  binWidth: number;
  counts: number[];
  over: number;
  unit: string;
  /** What is counted, for the axis title. */
  label: string;
}

/** One interval of the first replication's time series (a row of timeseries.csv). */
export interface TimeseriesPoint {
  tStart: number;
  tEnd: number;
  activeCalls: number;
  callAttempts: number;
  refreshTpsInbound: number;
  refreshTpsOutbound: number;
  reinvitesRelayed: number;
  reinvitesAnsweredLocally: number;
  cpuUtilisation: number;
  drops: number;
  rejects: number;
}

