// A CSV file written as a stream (csv-stringify piped to the file), with backpressure, a clean
// close, and an abort for a failed run. Cells a spreadsheet would read as formulas
// (=, +, -, @ first) are escaped.
import { stringify, type Stringifier } from 'csv-stringify';
import { createWriteStream } from 'node:fs';

export class CsvFile {
  private readonly csv: Stringifier;
  private readonly done: Promise<void>;

  constructor(path: string, columns: readonly string[]) {
    const file = createWriteStream(path);
    this.csv = stringify({ header: true, columns: [...columns], escape_formulas: true });
    this.csv.pipe(file);
    this.done = new Promise((resolve, reject) => {
      file.on('finish', resolve);
      file.on('error', reject);
      this.csv.on('error', reject);
    });
  }

  /** Writes a row; false when the stream wants the producer to wait (backpressure). */
  protected writeCells(row: ReadonlyArray<string | number>): boolean {
    return this.csv.write(row);
  }

  /** Resolves when the buffered rows have been handed to the file. */
  drained(): Promise<void> {
    return new Promise((resolve) => this.csv.once('drain', () => resolve()));
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
