// timeseries.csv: one row per interval of simulated time, streamed.
import type { TimeseriesPoint } from '../results/series.ts';
import { CsvFile } from './csv-file.ts';

/** A row of timeseries.csv: the report's TimeseriesPoint, for one replication. */
export interface TimeseriesRow extends TimeseriesPoint {
  replication: number;
}

export const TIMESERIES_COLUMNS = [
  'replication',
  't_start_s',
  't_end_s',
  'active_calls',
  'call_attempts',
  'refresh_tps_inbound',
  'refresh_tps_outbound',
  'reinvites_relayed',
  'reinvites_answered_locally',
  'cpu_utilisation',
  'drops',
  'rejects',
] as const;

const f = (x: number) => +x.toFixed(6);

export class TimeseriesCsvWriter extends CsvFile {
  constructor(path: string) {
    super(path, TIMESERIES_COLUMNS);
  }

  write(r: TimeseriesRow): void {
    this.writeCells([
      r.replication,
      f(r.tStart),
      f(r.tEnd),
      r.activeCalls,
      r.callAttempts,
      f(r.refreshTpsInbound),
      f(r.refreshTpsOutbound),
      r.reinvitesRelayed,
      r.reinvitesAnsweredLocally,
      f(r.cpuUtilisation),
      r.drops,
      r.rejects,
    ]);
  }
}
