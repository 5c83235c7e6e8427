// One output file named on the command line (--out FILE): never replaced without --force, its
// folder must exist, and it appears only when complete (written beside it, then renamed).
// Whatever the file system refuses (a read-only or virtual folder, no permission, a full disk)
// is reported as bad input naming the flag, the path and the error code, never as a crash.
import { existsSync, lstatSync, renameSync, rmSync, statSync, writeFileSync, type Stats } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { InputError } from '../errors.ts';

/** The code of a file-system error (ENOENT, EACCES, ...), or its text when it has none. */
function codeOf(e: unknown): string {
  const code = (e as NodeJS.ErrnoException | null)?.code;
  return typeof code === 'string' ? code : e instanceof Error ? e.message : String(e);
}

function cannotWrite(flag: string, path: string, e: unknown): InputError {
  return new InputError(
    flag,
    undefined,
    `cannot write ${JSON.stringify(path)} (${codeOf(e)}); allowed: a new file in a folder that exists and can be written`,
  );
}

function lstatOrNull(path: string): Stats | null {
  try {
    return lstatSync(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
}

/**
 * Refuses, before anything runs, a destination that cannot be written, or exists without
 * `force`, or exists and is not a file cubesim wrote (`ours`, when given, tells).
 */
export function checkOutFile(path: string, force: boolean, flag = '--out', ours?: (path: string) => boolean): void {
  if (path.trim() === '')
    throw new InputError(
      flag,
      undefined,
      `got ${JSON.stringify(path)}, an empty file name; allowed: a file name, e.g. call3.pcap`,
    );
  const full = resolve(path);
  try {
    const st = lstatOrNull(full);
    if (st !== null) {
      // A link is never followed: writing through it would change a file elsewhere.
      if (st.isSymbolicLink())
        throw new InputError(flag, undefined, `${path} is a symbolic link; give a file name of its own`);
      if (st.isDirectory()) throw new InputError(flag, undefined, `${path} is a folder; give a file name`);
      if (!force)
        throw new InputError(
          flag,
          undefined,
          `${path} already exists; give another file name or --force to replace it`,
        );
      if (!st.isFile()) throw new InputError(flag, undefined, `${path} is not a plain file; give a file name`);
      if (ours !== undefined && !ours(full))
        throw new InputError(
          flag,
          undefined,
          `${path} was not written by cubesim; --force replaces only a file cubesim wrote (a ladder, trace JSON or capture of a simulated call)`,
        );
    }
    const dir = dirname(full);
    if (!existsSync(dir) || !statSync(dir).isDirectory())
      throw new InputError(flag, undefined, `folder ${dirname(path)} does not exist`);
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw cannotWrite(flag, path, e);
  }
}

/** Writes the whole file under a temporary name beside it, then renames it into place. */
export function writeOutFile(
  path: string,
  data: string | Uint8Array,
  force: boolean,
  flag = '--out',
  ours?: (path: string) => boolean,
): void {
  checkOutFile(path, force, flag, ours);
  const full = resolve(path);
  const temp = join(dirname(full), `.${basename(full)}.partial-${process.pid}`);
  try {
    writeFileSync(temp, data);
    if (!force && lstatOrNull(full) !== null)
      throw new InputError(flag, undefined, `${path} appeared while cubesim was running; nothing written`);
    renameSync(temp, full);
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw cannotWrite(flag, path, e);
  } finally {
    try {
      rmSync(temp, { force: true });
    } catch {
      // nothing was left there, or it cannot be removed either: the error above says why
    }
  }
}
