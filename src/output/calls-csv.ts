// calls.csv: one row per call, written as a stream while the run goes (csv-stringify), so
// memory does not depend on the number of calls.
import { CsvFile } from './csv-file.ts';
import type { Call } from '../elements/call.ts';

export const CALL_COLUMNS = [
  'replication',
  'call',
  'arrival_s',
  'answered_s',
  'ended_s',
  'holding_s',
  'caller_profile',
  'callee_profile',
  'outcome',
  'cause',
  'leg',
  'side',
  'status',
  'attempts',
  'features',
  'in_session_expires',
  'in_refresher',
  'out_session_expires',
  'out_refresher',
  'in_reinvites_received',
  'in_relayed',
  'in_answered_locally',
  'in_rejected',
  'in_glare',
  'out_reinvites_received',
  'out_relayed',
  'out_answered_locally',
  'out_rejected',
  'out_glare',
  'refreshes_sent',
  'refreshes_succeeded',
  'refreshes_failed',
  'retried',
] as const;

const t = (x: number): string => (x < 0 ? '' : x.toFixed(6));

/** A call as a CSV row, in CALL_COLUMNS order. */
export function callRow(c: Call, replication = 0): (string | number)[] {
  const i = c.inbound,
    o = c.outbound,
    n = c.counters;
  return [
    replication,
    c.index,
    t(c.arrivalAt),
    t(c.answeredAt),
    t(c.endedAt),
    t(c.holding),
    c.callerProfile,
    c.calleeProfile,
    c.outcome,
    c.cause,
    c.leg,
    c.side,
    c.status || '',
    c.attempts,
    c.features
      .map((f) => (f.reason === '' ? `${f.feature}:${f.status}` : `${f.feature}:${f.status}:${f.reason}`))
      .join('|'),
    i.sessionExpires || '',
    i.refresher,
    o.sessionExpires || '',
    o.refresher,
    i.received,
    i.relayed,
    i.answeredLocally,
    i.rejected,
    i.glare,
    o.received,
    o.relayed,
    o.answeredLocally,
    o.rejected,
    o.glare,
    n.refreshesSent,
    n.refreshesSucceeded,
    n.refreshesFailed,
    c.retried,
  ];
}

/** calls.csv, one row per call as calls end. */
export class CallsCsvWriter extends CsvFile {
  constructor(path: string) {
    super(path, CALL_COLUMNS);
  }

  /** Writes a call's row; false when the stream wants the producer to wait (backpressure). */
  write(c: Call, replication = 0): boolean {
    return this.writeCells(callRow(c, replication));
  }
}
