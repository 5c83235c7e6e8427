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
      final = resolve(out);
      if (existsSync(final) && !force) throw new InputError('--out', undefined, `${out} already exists; give another folder or --force to replace it`);
    } else {
      const base = resolve('results', name);
      final = base;
      for (let i = 2; existsSync(final); i++) final = `${base}-${i}`;
    }
    mkdirSync(dirname(final), { recursive: true });
    const temp = join(dirname(final), `.${basename(final)}.partial-${process.pid}`);
    rmSync(temp, { recursive: true, force: true });
    mkdirSync(temp);
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
