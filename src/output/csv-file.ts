// A CSV file written as the run goes, with backpressure, a clean close, and an abort for a failed
// run. Cells a spreadsheet would read as formulas (=, +, -, @ first) are escaped. csv-stringify
// (its synchronous form) writes the header and every row that has a cell it might quote or guard,
// or not one cell per column; a row of plain cells (numbers, and texts of letters, digits and a
// few marks that start like no formula) is its cells joined by commas, which is byte for byte what
// csv-stringify writes for it (test/csv-file.test.ts: every plain row of 5,000 random ones, and
// whole files of mixed rows, against csv-stringify's own text). csv-stringify makes several small
// arrays and an object for every cell; calls.csv, a row of 33 cells per call, goes further and
// puts its plain rows into bytes itself (calls-csv.ts, `writeBytes` here).
import { stringify } from 'csv-stringify/sync';
import { createWriteStream, type WriteStream } from 'node:fs';

/**
 * Rows held as text before they go to the file together (rows written with `writeCells`:
 * timeseries.csv, and calls.csv's rows with a text to quote; calls.csv's plain rows go as bytes,
 * 64 kB at a time, calls-csv.ts). Few: rows kept longer than a young-generation collection are
 * copied into the old generation and cost a full collection later. Measured when calls.csv still
 * went this way, the command a user runs on 200,000 W1 calls, alternated with 512 as before:
 * 18.7-19.8 s against 20.0-22.3 s, same memory, the same bytes (README, Performance). Formatting
 * calls.csv on a thread of its own saved no more and cost about 30 MB (the thread's own heap and
 * runtime).
 */
const BATCH = 16;

/**
 * Bytes the file may hold unwritten before it asks the producer to wait. Node's default, 16 kB,
 * is about a hundred calls.csv rows: on 200,000 W1 calls the run stopped up to 2,000 times to
 * wait for the disk, and the command as a whole took 10.6 s by the median where it takes 9.9 s
 * with 1 MB (npm run bench -- --mode against --what command, 8 pairs: 7 faster; peak memory
 * 179.6 against 173.6 MB).
 */
const UNWRITTEN_BYTES = 1 << 20;

/**
 * A text cell that csv-stringify, with the options used here, writes as it is: nothing in it to
 * quote (delimiter, quote, line break) and no first character that a spreadsheet reads as a
 * formula. Deliberately narrower than what csv-stringify leaves alone; anything else goes to it.
 */
export const PLAIN_TEXT = /^(?:[A-Za-z0-9_.][A-Za-z0-9_.:|/ -]*)?$/;

/**
 * Whether every cell of `row` is written as it is (a number as JavaScript writes it); whether the
 * row has one cell per column is the caller's to check.
 */
export function isPlainRow(row: ReadonlyArray<string | number>): boolean {
  for (let i = 0; i < row.length; i++) {
    const cell = row[i]!;
    if (typeof cell !== 'number' && !PLAIN_TEXT.test(cell)) return false;
  }
  return true;
}

export class CsvFile {
  private readonly file: WriteStream;
  private readonly columns: string[];
  private readonly done: Promise<void>;
  /** Rows put into text and not yet handed to the file (at first the header), and how many. */
  private text: string;
  private rows = 0;

  constructor(path: string, columns: readonly string[]) {
    this.file = createWriteStream(path, { highWaterMark: UNWRITTEN_BYTES });
    this.columns = [...columns];
    this.text = stringify([], { header: true, columns: this.columns, escape_formulas: true });
    this.done = new Promise((resolve, reject) => {
      this.file.on('finish', resolve);
      this.file.on('error', reject);
    });
  }

  /** Writes a row; false when the file wants the producer to wait (backpressure). */
  protected writeCells(row: ReadonlyArray<string | number>): boolean {
    this.text += this.rowText(row);
    return ++this.rows < BATCH || this.flush();
  }

  /** A row as the file has it: its cells joined by commas when plain, else as csv-stringify writes it. */
  protected rowText(row: ReadonlyArray<string | number>): string {
    return row.length === this.columns.length && isPlainRow(row)
      ? row.join(',') + '\n'
      : stringify([row], { columns: this.columns, escape_formulas: true });
  }

  /**
   * Hands rows already put into bytes to the file, after any rows still held as text (at first
   * the header); the bytes must not change afterwards. False when the file's buffer is full.
   */
  protected writeBytes(bytes: Uint8Array): boolean {
    if (this.text !== '') this.flush();
    return this.file.write(bytes);
  }

  /** Hands the rows so far to the file; false when its buffer is full. */
  private flush(): boolean {
    const text = this.text;
    this.text = '';
    this.rows = 0;
    return this.file.write(text);
  }

  /** Resolves when the buffered rows have been handed to the file. */
  drained(): Promise<void> {
    return new Promise((resolve) => this.file.once('drain', () => resolve()));
  }

  /** Stops writing at once (the run failed); errors from the half-written file are dropped. */
  abort(): void {
    this.done.catch(() => {});
    this.file.destroy();
  }

  async close(): Promise<void> {
    if (this.text !== '') this.flush();
    this.file.end();
    await this.done;
  }
}
