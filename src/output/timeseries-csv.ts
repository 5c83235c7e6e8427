// timeseries.csv: one row per interval of simulated time, streamed.
import { stringify, type Stringifier } from 'csv-stringify';
import { createWriteStream } from 'node:fs';

export interface TimeseriesRow {
  replication: number;
  tStart: number;
  tEnd: number;
  /** Calls in progress at the end of the interval. */
  activeCalls: number;
  /** Calls that arrived in the interval. */
  callAttempts: number;
  /** Session refresh requests per second crossing each leg (first transmissions). */
  refreshTpsInbound: number;
  refreshTpsOutbound: number;
  reinvitesRelayed: number;
  reinvitesAnsweredLocally: number;
  /** Busy fraction of the border element's processor over the interval. */
  cpuUtilisation: number;
  drops: number;
  rejects: number;
}

export const TIMESERIES_COLUMNS = [
  'replication', 't_start_s', 't_end_s', 'active_calls', 'call_attempts', 'refresh_tps_inbound', 'refresh_tps_outbound',
  'reinvites_relayed', 'reinvites_answered_locally', 'cpu_utilisation', 'drops', 'rejects',
] as const;

const f = (x: number) => +x.toFixed(6);

export class TimeseriesCsvWriter {
  private readonly csv: Stringifier;
  private readonly done: Promise<void>;

  constructor(path: string) {
    const file = createWriteStream(path);
    this.csv = stringify({ header: true, columns: [...TIMESERIES_COLUMNS] });
    this.csv.pipe(file);
    this.done = new Promise((resolve, reject) => {
      file.on('finish', resolve);
      file.on('error', reject);
      this.csv.on('error', reject);
    });
  }

  write(r: TimeseriesRow): void {
    this.csv.write([r.replication, f(r.tStart), f(r.tEnd), r.activeCalls, r.callAttempts, f(r.refreshTpsInbound), f(r.refreshTpsOutbound),
      r.reinvitesRelayed, r.reinvitesAnsweredLocally, f(r.cpuUtilisation), r.drops, r.rejects]);
  }

  /** Stops writing at once (the run failed); errors from the half-written file are dropped. */
  abort(): void {
    this.done.catch(() => {});
    this.csv.destroy();
  }

  async close(): Promise<void> {
    this.csv.end();
    await this.done;
  }
}
