// Results are written into a temporary folder beside the destination and renamed into place
// only when complete, so a results folder is never half-written; an existing one is replaced
// only when asked (--force).
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { InputError } from '../errors.ts';

export class ResultsDir {
  private constructor(
    /** Where the results end up. */
    readonly final: string,
    /** Where they are written meanwhile. */
    readonly temp: string,
    private readonly force: boolean,
  ) {}

  /**
   * The destination: `out` when given (an existing folder is an error without `force`), else
   * `results/<name>`, or the first of `results/<name>-2`, `-3`, ... that is free.
   */
  static prepare(out: string | undefined, name: string, force: boolean): ResultsDir {
    let final: string;
    if (out !== undefined) {
      // An empty name would be the current folder, which --force would replace.
      if (out.trim() === '') throw new InputError('--out', undefined, `got ${JSON.stringify(out)}, an empty folder name; allowed: a folder name, e.g. results/mine`);
      final = resolve(out);
      if (existsSync(final) && !force) throw new InputError('--out', undefined, `${out} already exists; give another folder or --force to replace it`);
    } else {
      const base = resolve('results', name);
      final = base;
      for (let i = 2; existsSync(final); i++) final = `${base}-${i}`;
    }
    const temp = join(dirname(final), `.${basename(final)}.partial-${process.pid}`);
    try {
      mkdirSync(dirname(final), { recursive: true });
      rmSync(temp, { recursive: true, force: true });
      mkdirSync(temp);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code ?? String(e);
      if (out === undefined) throw new InputError(final, undefined, `cannot create the results folder (${code}); give --out with a folder that can be written`);
      throw new InputError('--out', undefined, `cannot write ${JSON.stringify(out)} (${code}); allowed: a folder that can be created and written`);
    }
    return new ResultsDir(final, temp, force);
  }

  file(name: string): string {
    return join(this.temp, name);
  }

  /** Moves the finished results into place. */
  commit(): void {
    if (existsSync(this.final)) {
      if (!this.force) throw new InputError(this.final, undefined, 'appeared while the run was going; results left in ' + this.temp);
      rmSync(this.final, { recursive: true, force: true });
    }
    renameSync(this.temp, this.final);
  }

  discard(): void {
    rmSync(this.temp, { recursive: true, force: true });
  }
}
