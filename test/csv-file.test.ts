// A CSV file is put into text a few rows at a time: however its rows fall into batches, the file
// is what one csv-stringify of them all gives (the header once, formula-like cells escaped), and a
// file that cannot be made fails its close with the system's own error.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'csv-stringify/sync';
import { afterAll, describe, expect, it } from 'vitest';
import { CsvFile } from '../src/output/csv-file.ts';

const dir = mkdtempSync(join(tmpdir(), 'cubesim-csv-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const COLUMNS = ['call', 'cause', 'ended_s'];

class Rows extends CsvFile {
  constructor(path: string) {
    super(path, COLUMNS);
  }
  add(row: ReadonlyArray<string | number>): boolean {
    return this.writeCells(row);
  }
}

const row = (i: number) => [i, i % 7 === 0 ? '=cmd' : i % 5 === 0 ? 'a,"b"' : 'normal-clearing', (i / 3).toFixed(6)];

describe('a CSV file written as the run goes', () => {
  it('is the text of all its rows at once, whatever the batches', async () => {
    for (const n of [0, 1, 15, 16, 17, 1000]) {
      const rows = Array.from({ length: n }, (_, i) => row(i));
      const path = join(dir, `rows-${n}.csv`);
      const f = new Rows(path);
      for (const r of rows) if (!f.add(r)) await f.drained();
      await f.close();
      expect(readFileSync(path, 'utf8')).toBe(
        stringify(rows, { header: true, columns: COLUMNS, escape_formulas: true }),
      );
    }
  });

  it("fails its close with the system's error when the file cannot be made", async () => {
    const f = new Rows(join(dir, 'no-such-folder', 'calls.csv'));
    f.add(row(1));
    const err = await f.close().then(
      () => null,
      (e: unknown) => e as NodeJS.ErrnoException,
    );
    expect(err?.code).toBe('ENOENT');
    expect(err?.message).toContain('no-such-folder');
  });
});
