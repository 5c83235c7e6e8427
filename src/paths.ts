// Path questions asked by both the experiment loader (confining paths) and the results writer
// (never replacing the folders a user works in).
import { realpathSync } from 'node:fs';
import { isAbsolute, relative, sep } from 'node:path';

/** The real path of `path` when it exists (symlinks followed), else `path` itself. */
export function realOrSame(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

/** Whether `path` is `dir` or inside it. */
export function isInside(path: string, dir: string): boolean {
  const rel = relative(dir, path);
  return rel === '' || (!isAbsolute(rel) && rel !== '..' && !rel.startsWith(`..${sep}`));
}
