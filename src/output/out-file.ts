// One output file named on the command line (--out FILE): never replaced without --force, its
// folder must exist, and it appears only when complete (written beside it, then renamed).
import { existsSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { InputError } from '../errors.ts';

/** Refuses, before anything runs, a destination that cannot be written or exists without `force`. */
export function checkOutFile(path: string, force: boolean, flag = '--out'): void {
  const full = resolve(path);
  if (existsSync(full)) {
    if (statSync(full).isDirectory()) throw new InputError(flag, undefined, `${path} is a folder; give a file name`);
    if (!force) throw new InputError(flag, undefined, `${path} already exists; give another file name or --force to replace it`);
  }
  const dir = dirname(full);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new InputError(flag, undefined, `folder ${dirname(path)} does not exist`);
}

/** Writes the whole file under a temporary name beside it, then renames it into place. */
export function writeOutFile(path: string, data: string | Uint8Array, force: boolean, flag = '--out'): void {
  checkOutFile(path, force, flag);
  const full = resolve(path);
  const temp = join(dirname(full), `.${basename(full)}.partial-${process.pid}`);
  try {
    writeFileSync(temp, data);
    if (!force && existsSync(full)) throw new InputError(flag, undefined, `${path} appeared while cubesim was running; nothing written`);
    renameSync(temp, full);
  } finally {
    rmSync(temp, { force: true });
  }
}
