// A CSV file written as the run goes, with backpressure, a clean close, and an abort for a failed
// run. Cells a spreadsheet would read as formulas (=, +, -, @ first) are escaped. Rows are put
// into text by csv-stringify a batch at a time (its synchronous form) and the text handed to the
// file, rather than through a stream transform per row: calls.csv has a row per call, and the
// batches took a part of its cost off a run (README, Performance).
import { stringify } from 'csv-stringify/sync';
import { createWriteStream, type WriteStream } from 'node:fs';

/**
 * Rows put into text together. Few: rows kept longer than a young-generation collection are
 * copied into the old generation and cost a full collection later. The command a user runs on
 * 200,000 W1 calls, alternated with 512 as before: 18.7-19.8 s against 20.0-22.3 s, same memory,
 * the same bytes (README, Performance). Formatting calls.csv on a thread of its own saved no more
 * and cost about 30 MB (the thread's own heap and runtime).
 */
const BATCH = 16;

export class CsvFile {
  private readonly file: WriteStream;
  private readonly columns: string[];
  private readonly done: Promise<void>;
  private rows: Array<ReadonlyArray<string | number>> = [];
  private headerWritten = false;

  constructor(path: string, columns: readonly string[]) {
    this.file = createWriteStream(path);
    this.columns = [...columns];
    this.done = new Promise((resolve, reject) => {
      this.file.on('finish', resolve);
      this.file.on('error', reject);
    });
  }

  /** Writes a row; false when the file wants the producer to wait (backpressure). */
  protected writeCells(row: ReadonlyArray<string | number>): boolean {
    this.rows.push(row);
    return this.rows.length < BATCH || this.flush();
  }

  /** Hands the rows so far to the file; false when its buffer is full. */
  private flush(): boolean {
    const header = !this.headerWritten;
    this.headerWritten = true;
    const text = stringify(this.rows, { header, columns: this.columns, escape_formulas: true });
    this.rows = [];
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
    if (this.rows.length > 0 || !this.headerWritten) this.flush();
    this.file.end();
    await this.done;
  }
}
