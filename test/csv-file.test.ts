// A CSV file is put into text a few rows at a time: however its rows fall into batches, and
// whichever of its rows are joined as plain cells rather than given to csv-stringify, the file is
// what one csv-stringify of them all gives (the header once, formula-like cells escaped), and a
// file that cannot be made fails its close with the system's own error.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'csv-stringify/sync';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { CsvFile, isPlainRow } from '../src/output/csv-file.ts';

const dir = mkdtempSync(join(tmpdir(), 'cubesim-csv-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const COLUMNS = ['call', 'cause', 'ended_s'];
/** Names a spreadsheet would read as formulas: the header is guarded as the rows are. */
const FORMULA_COLUMNS = ['-call', '=cause', '@ended_s'];

class Rows extends CsvFile {
  constructor(path: string, columns = COLUMNS) {
    super(path, columns);
  }
  add(row: ReadonlyArray<string | number>): boolean {
    return this.writeCells(row);
  }
}

const row = (i: number) => [
  i % 11 === 0 ? -i : i,
  i % 7 === 0 ? '=cmd' : i % 5 === 0 ? 'a,"b"' : i % 3 === 0 ? '-5' : 'normal-clearing',
  i % 13 === 0 ? -i / 7 : (i / 3).toFixed(6),
];

describe('a CSV file written as the run goes', () => {
  it('is the text of all its rows at once, whatever the batches', async () => {
    for (const columns of [COLUMNS, FORMULA_COLUMNS])
      for (const n of [0, 1, 15, 16, 17, 1000]) {
        const rows = Array.from({ length: n }, (_, i) => row(i));
        const path = join(dir, `rows-${columns[0]}-${n}.csv`);
        const f = new Rows(path, columns);
        for (const r of rows) if (!f.add(r)) await f.drained();
        await f.close();
        expect(readFileSync(path, 'utf8')).toBe(stringify(rows, { header: true, columns, escape_formulas: true }));
      }
  });

  it('joins a row by commas only where csv-stringify writes exactly that', () => {
    // Cells near the edge of plain: the marks csv-stringify quotes, escapes or guards as formulas
    // (also as a first character only, and their full-width forms), and the ones it leaves alone.
    const text = fc.string({
      unit: fc.constantFrom(...'aZ09_.:|/ -,"\n\r\t=+@\'\uFF1D\uFF0B\uFF0D\uFF20é;'),
      maxLength: 6,
    });
    const cell = fc.oneof(text, fc.double(), fc.integer({ min: -1e6, max: 1e6 }));
    let plain = 0;
    fc.assert(
      fc.property(fc.array(cell, { minLength: COLUMNS.length, maxLength: COLUMNS.length }), (row) => {
        if (!isPlainRow(row)) return;
        plain++;
        expect(row.join(',') + '\n').toBe(stringify([row], { columns: COLUMNS, escape_formulas: true }));
      }),
      { seed: 4028, numRuns: 5000 },
    );
    expect(plain).toBeGreaterThan(500); // the property was not vacuous
    // and a row with any cell it must quote or guard is not taken as plain
    for (const odd of ['a,b', 'say "x"', 'two\nlines', '=1+1', '-x', '+x', '@x', '\tx', '\uFF1Dx'])
      expect(isPlainRow([1, odd, 'normal-clearing'])).toBe(false);
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
