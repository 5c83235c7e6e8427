// calls.csv: one row per call, written as a stream while the run goes, so memory does not depend
// on the number of calls. A row is put into bytes as it is written: its numbers digit by digit,
// its texts (profile names, outcome, cause, side, refresher, features: a few distinct ones per
// run) from bytes made once per text. The file is byte for byte what the row's cells joined by
// commas, or csv-stringify, would give (callRow, CsvFile; test/calls-csv.test.ts): a row with a
// text that csv-stringify would quote or guard is handed to CsvFile's own rule as before.
import { CsvFile, PLAIN_TEXT } from './csv-file.ts';
import type { Call, LegCounts } from '../elements/call.ts';

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
    featuresCell(c),
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

/**
 * Bytes of calls.csv handed to the file at once: a few hundred rows. Few writes (on 200,000 W1
 * calls, about 500), and each chunk is made once and left to the file.
 */
const CHUNK_BYTES = 1 << 16;
/** Room a row's cells other than its texts can take at most: 24 numbers or times of up to 32 characters, 33 commas, a line end. */
const ROW_BYTES_BESIDES_TEXTS = 24 * 32 + 34;
/**
 * Distinct texts kept as bytes. A run has a handful (profiles, causes, sides, feature lists);
 * beyond this many, a text is checked and copied each time it is written.
 */
const MOST_TEXTS = 4096;
/** Times below this many seconds are put into digits directly (their microseconds fit well within a double's precision). */
const DIRECT_TIME_LIMIT = 1e6;
const COMMA = 44,
  DOT = 46,
  ZERO = 48,
  LINE_END = 10;

/**
 * calls.csv, one row per call as calls end, put into bytes directly: a row used to be an array of
 * 33 cells, four texts from toFixed and a joined line, about 1.7 s of the 13 s of the command a
 * user runs on 200,000 W1 calls (README, Performance).
 */
export class CallsCsvWriter extends CsvFile {
  private chunk = new Uint8Array(CHUNK_BYTES);
  private at = 0;
  /** Each text seen so far: its bytes when csv-stringify writes it as it is, else null. */
  private readonly texts = new Map<string, Uint8Array | null>();
  /** The texts of the row being written, in column order (see `write`), and their bytes in all. */
  private readonly rowTexts: Uint8Array[] = [];
  private textBytes = 0;

  constructor(path: string) {
    super(path, CALL_COLUMNS);
  }

  /** Writes a call's row; false when the stream wants the producer to wait (backpressure). */
  write(c: Call, replication = 0): boolean {
    const i = c.inbound,
      o = c.outbound,
      n = c.counters;
    this.rowTexts.length = 0;
    this.textBytes = 0;
    // The row's texts, in column order; one that csv-stringify must write sends the row to CsvFile's rule.
    if (!(
      this.take(c.callerProfile) &&
      this.take(c.calleeProfile) &&
      this.take(c.outcome) &&
      this.take(c.cause) &&
      this.take(c.leg) &&
      this.take(c.side) &&
      this.take(featuresCell(c)) &&
      this.take(i.refresher) &&
      this.take(o.refresher)
    ))
      return this.writeText(this.rowText(callRow(c, replication)));
    const room = this.at + this.textBytes + ROW_BYTES_BESIDES_TEXTS <= this.chunk.length;
    const ready = room || this.handOver(this.textBytes);
    this.writeRow(c, replication, i, o, n);
    return ready;
  }

  /** The row's cells into the chunk, which has room for them; its texts are in `rowTexts`. */
  private writeRow(c: Call, replication: number, i: LegCounts, o: LegCounts, n: Call['counters']): void {
    const t = this.rowTexts;
    this.number(replication);
    this.number(c.index);
    this.time(c.arrivalAt);
    this.time(c.answeredAt);
    this.time(c.endedAt);
    this.time(c.holding);
    this.textCell(t[0]!); // caller_profile
    this.textCell(t[1]!); // callee_profile
    this.textCell(t[2]!); // outcome
    this.textCell(t[3]!); // cause
    this.textCell(t[4]!); // leg
    this.textCell(t[5]!); // side
    this.numberOrEmpty(c.status);
    this.number(c.attempts);
    this.textCell(t[6]!); // features
    this.numberOrEmpty(i.sessionExpires);
    this.textCell(t[7]!); // in_refresher
    this.numberOrEmpty(o.sessionExpires);
    this.textCell(t[8]!); // out_refresher
    this.number(i.received);
    this.number(i.relayed);
    this.number(i.answeredLocally);
    this.number(i.rejected);
    this.number(i.glare);
    this.number(o.received);
    this.number(o.relayed);
    this.number(o.answeredLocally);
    this.number(o.rejected);
    this.number(o.glare);
    this.number(n.refreshesSent);
    this.number(n.refreshesSucceeded);
    this.number(n.refreshesFailed);
    this.number(c.retried);
    this.chunk[this.at - 1] = LINE_END; // the last cell ends the line, not a comma
  }

  /**
   * Adds a text to the row's when it is written as it is (ASCII, then); false when csv-stringify
   * must write it.
   */
  private take(text: string): boolean {
    let bytes = this.texts.get(text);
    if (bytes === undefined) {
      bytes = PLAIN_TEXT.test(text) ? asciiBytes(text) : null;
      if (this.texts.size < MOST_TEXTS) this.texts.set(text, bytes);
    }
    if (bytes === null) return false;
    this.rowTexts.push(bytes);
    this.textBytes += bytes.length;
    return true;
  }

  /** A row written by CsvFile's rule (a text cell to quote or guard), after the bytes before it. */
  private writeText(row: string): boolean {
    const bytes = Buffer.from(row, 'utf8');
    const ready = this.at + bytes.length <= this.chunk.length || this.handOver(bytes.length);
    this.chunk.set(bytes, this.at);
    this.at += bytes.length;
    return ready;
  }

  /**
   * Hands the rows in the chunk to the file and starts a new chunk with room for at least `room`
   * more bytes of text besides a row's numbers; false when the file's buffer is full.
   */
  private handOver(room: number): boolean {
    const full = this.chunk.subarray(0, this.at);
    this.chunk = new Uint8Array(Math.max(CHUNK_BYTES, room + ROW_BYTES_BESIDES_TEXTS));
    this.at = 0;
    return full.length === 0 || this.writeBytes(full);
  }

  override async close(): Promise<void> {
    if (this.at > 0) this.handOver(0);
    await super.close();
  }

  private textCell(bytes: Uint8Array): void {
    const b = this.chunk;
    let at = this.at;
    // A few bytes as a rule (a profile, a cause): copied one by one, cheaper than a call to `set`.
    if (bytes.length < 64) for (let k = 0; k < bytes.length; k++) b[at++] = bytes[k]!;
    else {
      b.set(bytes, at);
      at += bytes.length;
    }
    b[at++] = COMMA;
    this.at = at;
  }

  /** A number as JavaScript writes it (`String(x)`, as a joined row has it), then a comma. */
  private number(x: number): void {
    if (x >>> 0 === x) this.digits(x, 1);
    else this.ascii(String(x));
    this.chunk[this.at++] = COMMA;
  }

  /** `x || ''`: zero (or NaN) is an empty cell. */
  private numberOrEmpty(x: number): void {
    if (x) this.number(x);
    else this.chunk[this.at++] = COMMA;
  }

  /**
   * A time as `x.toFixed(6)` writes it, and nothing when it is negative (not reached). Below
   * DIRECT_TIME_LIMIT, the microseconds are x * 1e6 rounded to the nearest whole number: the
   * product is within 2^-12 of exact there, so the nearest whole number is toFixed's own unless
   * the exact product lies within that of a half, which goes to toFixed itself.
   */
  private time(x: number): void {
    if (x < 0) {
      this.chunk[this.at++] = COMMA;
      return;
    }
    const m = x * 1e6;
    const fraction = m - Math.floor(m);
    if (x < DIRECT_TIME_LIMIT && Math.abs(fraction - 0.5) > 1e-3) {
      const micros = Math.round(m);
      const seconds = Math.floor(micros / 1e6);
      this.digits(seconds, 1);
      this.chunk[this.at++] = DOT;
      this.digits(micros - seconds * 1e6, 6);
    } else {
      this.ascii(x.toFixed(6));
    }
    this.chunk[this.at++] = COMMA;
  }

  /** A whole number below 2^32 in decimal, with leading zeros to at least `width` digits. */
  private digits(x: number, width: number): void {
    let count = 1;
    for (let p = 10; p <= x && count < 10; p *= 10) count++;
    if (count < width) count = width;
    const b = this.chunk;
    let at = this.at + count;
    this.at = at;
    // Below 2^31 (nearly always) a division keeps to whole 32-bit numbers.
    if (x <= 0x7fffffff)
      for (let k = 0; k < count; k++) {
        const q = (x / 10) | 0;
        b[--at] = ZERO + (x - q * 10);
        x = q;
      }
    else
      for (let k = 0; k < count; k++) {
        const q = Math.floor(x / 10);
        b[--at] = ZERO + (x - q * 10);
        x = q;
      }
  }

  /** A text of ASCII characters only (a number's or time's), byte by byte. */
  private ascii(s: string): void {
    const b = this.chunk;
    for (let k = 0; k < s.length; k++) b[this.at++] = s.charCodeAt(k);
  }
}

/** The features cell: each feature tried, its result and reason, in the order recorded. */
function featuresCell(c: Call): string {
  const f = c.features;
  if (f.length === 0) return '';
  return f
    .map((r) => (r.reason === '' ? `${r.feature}:${r.status}` : `${r.feature}:${r.status}:${r.reason}`))
    .join('|');
}

/** The bytes of a text of ASCII characters. */
function asciiBytes(s: string): Uint8Array {
  const b = new Uint8Array(s.length);
  for (let k = 0; k < s.length; k++) b[k] = s.charCodeAt(k);
  return b;
}
