// A results folder: written into a temporary folder beside the destination and renamed into place
// only when complete, so it is never half-written. Its manifest.json names the cubesim command
// that wrote it and every file it holds; that is how cubesim knows a folder as its own.
//
// Rules (README "Results folders"):
// - an existing folder is replaced only with --force, and only when it is empty or a results
//   folder cubesim wrote holding nothing but the files its manifest lists; never the current
//   folder or one above it, the home folder, the project folder, a plain file or a link;
// - the temporary folder `.<name>.partial` is also the destination's lock: a second cubesim aimed
//   at the same folder is refused before it starts (an abandoned one, whose process is gone, is
//   removed); without --out the next free `results/<name>-N` is taken instead;
// - if the destination appears while cubesim works, the results go to the next free `<name>-N`
//   and cubesim says so: no result is lost and what it prints is where they are;
// - the temporary folder is removed whenever the process exits without committing it.
import {
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statfsSync,
  writeFileSync,
} from 'node:fs';
import { homedir, hostname } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { InputError } from '../errors.ts';
import { CUBESIM_VERSION, PROJECT_DIR } from '../package-info.ts';
import { isInside, realOrSame } from '../paths.ts';

/** The commands that write a results folder, as manifest.json names them. */
export const RESULTS_COMMANDS = ['run', 'sweep', 'compare', 'merge'] as const;
export type ResultsCommand = (typeof RESULTS_COMMANDS)[number];

/** What manifest.json says of the folder it belongs to (the rest is the command's own). */
export interface FolderManifest {
  cubesim: string;
  command: ResultsCommand;
  /** Every file cubesim wrote in the folder, manifest.json and a later report.html included. */
  files: string[];
}

/** The file in a temporary folder naming the process that writes it. */
const OWNER = '.cubesim-owner';

/** What --force is allowed to replace, said at the end of every refusal. */
const FORCE_RULE =
  '--force replaces only an empty folder or a results folder cubesim wrote (its manifest.json lists every file in it)';

/** manifest.json of a folder when cubesim wrote it (names a command and lists its files), else undefined. */
export function readFolderManifest(dir: string): FolderManifest | undefined {
  try {
    const m = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as Partial<FolderManifest> | null;
    if (m === null || typeof m !== 'object' || typeof m.cubesim !== 'string') return undefined;
    if (!RESULTS_COMMANDS.includes(m.command as ResultsCommand)) return undefined;
    if (!Array.isArray(m.files) || !m.files.every((f) => typeof f === 'string')) return undefined;
    return m as FolderManifest;
  } catch {
    return undefined;
  }
}

/** Adds a file to the list of a results folder's manifest.json (report.html), rewritten in one rename. */
export function addToManifest(dir: string, file: string): void {
  const path = join(dir, 'manifest.json');
  const m = JSON.parse(readFileSync(path, 'utf8')) as FolderManifest & Record<string, unknown>;
  if (m.files.includes(file)) return;
  m.files = [...m.files, file].sort();
  writeBeside(path, JSON.stringify(m, null, 2) + '\n');
}

/** Writes a whole file under a temporary name beside it and renames it into place; the temporary file never stays. */
export function writeBeside(path: string, data: string | Uint8Array): void {
  const temp = join(dirname(path), `.${basename(path)}.partial-${process.pid}`);
  try {
    writeFileSync(temp, data);
    renameSync(temp, path);
  } finally {
    rmSync(temp, { force: true });
  }
}

function listNames(names: readonly string[]): string {
  const shown = names
    .slice(0, 3)
    .map((n) => JSON.stringify(n))
    .join(', ');
  return names.length > 3 ? `${shown} and ${names.length - 3} more` : shown;
}

/**
 * Why an existing `path` is never a destination, whatever the flags: the current folder or one
 * above it, the home folder or one above it, the project folder or one above it. Undefined when
 * none of these holds.
 */
function protectedFolder(path: string): string | undefined {
  const real = realOrSame(path);
  if (isInside(realOrSame(process.cwd()), real))
    return real === realOrSame(process.cwd()) ? 'is the current folder' : 'holds the current folder';
  const home = homedir();
  if (home !== '' && isInside(realOrSame(home), real))
    return real === realOrSame(home) ? 'is the home folder' : 'holds the home folder';
  if (isInside(realOrSame(PROJECT_DIR), real))
    return real === realOrSame(PROJECT_DIR) ? 'is the cubesim project folder' : 'holds the cubesim project folder';
  return undefined;
}

/**
 * Why --force may not replace the existing `path` (as the user wrote it: `shown`), or undefined
 * when it may: an empty folder, or a folder whose manifest.json cubesim wrote and which holds
 * only the files that manifest lists.
 */
export function replaceRefusal(path: string, shown: string): string | undefined {
  const st = lstatSync(path);
  if (st.isSymbolicLink()) return `${shown} is a symbolic link; ${FORCE_RULE}`;
  if (!st.isDirectory()) return `${shown} is a file, not a results folder; ${FORCE_RULE}`;
  const guarded = protectedFolder(path);
  if (guarded !== undefined) return `${shown} ${guarded}; ${FORCE_RULE}`;
  const entries = readdirSync(path).sort();
  if (entries.length === 0) return undefined;
  const m = readFolderManifest(path);
  if (m === undefined) {
    const why = entries.includes('manifest.json')
      ? 'a manifest.json that lists no files (an older cubesim, or not cubesim, wrote it)'
      : 'no manifest.json written by cubesim';
    return `${shown} holds ${listNames(entries)} and ${why}; ${FORCE_RULE}`;
  }
  const foreign = entries.filter((e) => !m.files.includes(e) && e !== OWNER);
  if (foreign.length > 0) return `${shown} holds ${listNames(foreign)}, which cubesim did not write; ${FORCE_RULE}`;
  return undefined;
}

function isEmptyFolder(path: string): boolean {
  try {
    return lstatSync(path).isDirectory() && readdirSync(path).length === 0;
  } catch {
    return false;
  }
}

/** Whether process `pid` is alive (a process of another user counts as alive). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The temporary folder (and lock) of a destination. */
function tempOf(final: string): string {
  return join(dirname(final), `.${basename(final)}.partial`);
}

type Claim = { claimed: true } | { claimed: false; owner: string | undefined };

/** Who writes a temporary folder: process id and host, as its owner file says. */
const ME = `${process.pid} ${hostname()}`;

/**
 * Makes the destination's temporary folder, which only one process can do (mkdir is atomic).
 * One left by a process of this host that is gone is renamed aside (atomic: only one process
 * wins it) and removed, then made again. One whose owner cannot be read (being made this
 * instant) or lives on another host (a shared file system) counts as taken.
 */
function claim(final: string): Claim {
  const temp = tempOf(final);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      mkdirSync(temp);
      writeFileSync(join(temp, OWNER), `${ME}\n`);
      return { claimed: true };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    let owner: string;
    try {
      owner = readFileSync(join(temp, OWNER), 'utf8').trim();
    } catch {
      return { claimed: false, owner: undefined };
    }
    const [pid, host] = owner.split(' ');
    if (host !== hostname() || !Number.isInteger(Number(pid)) || alive(Number(pid))) return { claimed: false, owner };
    const stale = `${temp}-stale-${process.pid}`;
    try {
      renameSync(temp, stale);
    } catch {
      continue; // another process took it aside first
    }
    rmSync(stale, { recursive: true, force: true });
  }
  return { claimed: false, owner: undefined };
}

/** Results folders this process is writing: removed if it exits before committing them. */
const open = new Set<ResultsDir>();
let cleanupInstalled = false;

export class ResultsDir {
  private constructor(
    /** Where the results end up (unless that appears meanwhile: see commit). */
    readonly final: string,
    /** Where they are written meanwhile. */
    readonly temp: string,
    private readonly force: boolean,
    private readonly command: ResultsCommand,
    /** The destination was there when the command started (empty, or to be replaced with --force). */
    private readonly existedAtStart: boolean,
  ) {
    open.add(this);
    if (!cleanupInstalled) {
      cleanupInstalled = true;
      process.on('exit', () => {
        for (const d of open) d.discard();
      });
    }
  }

  /**
   * The destination: `out` when given, else `results/<name>`, or the first of
   * `results/<name>-2`, `-3`, ... that is free. Refuses an `out` that exists (unless empty, or
   * `force` and replaceable) or that another cubesim is writing.
   */
  static prepare(out: string | undefined, name: string, force: boolean, command: ResultsCommand): ResultsDir {
    const cannotCreate = (final: string, e: unknown): InputError => {
      const code = (e as NodeJS.ErrnoException).code ?? String(e);
      if (out === undefined)
        return new InputError(
          final,
          undefined,
          `cannot create the results folder (${code}); give --out with a folder that can be written`,
        );
      return new InputError(
        '--out',
        undefined,
        `cannot write ${JSON.stringify(out)} (${code}); allowed: a folder that can be created and written`,
      );
    };
    if (out !== undefined) {
      if (out.trim() === '')
        throw new InputError(
          '--out',
          undefined,
          `got ${JSON.stringify(out)}, an empty folder name; allowed: a folder name, e.g. results/mine`,
        );
      const final = resolve(out);
      const present = lexists(final);
      if (present) {
        const guarded = protectedFolder(final);
        if (guarded !== undefined)
          throw new InputError(
            '--out',
            undefined,
            `${out} ${guarded}; give a folder of its own for the results, e.g. results/mine`,
          );
        if (!isEmptyFolder(final)) {
          if (!force)
            throw new InputError(
              '--out',
              undefined,
              `${out} already exists; give another folder or --force to replace it`,
            );
          const refusal = replaceRefusal(final, out);
          if (refusal !== undefined) throw new InputError('--out', undefined, refusal);
        }
      }
      let c: Claim;
      try {
        mkdirSync(dirname(final), { recursive: true });
        c = claim(final);
      } catch (e) {
        throw cannotCreate(final, e);
      }
      if (!c.claimed) {
        const [pid, host] = (c.owner ?? '').split(' ');
        const who =
          c.owner === undefined
            ? 'another cubesim'
            : `another cubesim (process ${pid}${host === hostname() ? '' : ` on ${host}`})`;
        throw new InputError(
          '--out',
          undefined,
          `${out} is being written by ${who}; give another folder, or wait until it is done (remove ${tempOf(final)} if no cubesim is running)`,
        );
      }
      return new ResultsDir(final, tempOf(final), force, command, present);
    }
    const base = resolve('results', name);
    try {
      mkdirSync(dirname(base), { recursive: true });
      for (let i = 1; ; i++) {
        const final = i === 1 ? base : `${base}-${i}`;
        if (lexists(final)) continue;
        if (claim(final).claimed) return new ResultsDir(final, tempOf(final), false, command, false);
      }
    } catch (e) {
      throw cannotCreate(base, e);
    }
  }

  file(name: string): string {
    return join(this.temp, name);
  }

  /**
   * Writes manifest.json (the command, every file written, then `fields`) and moves the
   * finished results into place; returns where they are. Only the destination itself is ever
   * replaced, and only as prepare allowed (empty, or with --force a folder cubesim wrote): the old
   * folder is renamed aside, the new one renamed in, and only then the old one removed. A
   * destination that may no longer be replaced is left as it is and the results go to the first
   * `<name>-N` that does not exist.
   */
  commit(fields: Record<string, unknown>): string {
    const files = [...new Set([...readdirSync(this.temp).filter((f) => f !== OWNER), 'manifest.json'])].sort();
    const manifest = { cubesim: CUBESIM_VERSION, command: this.command, files, ...fields };
    writeFileSync(this.file('manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
    let final = this.final;
    const present = lexists(final);
    // rename(2) replaces an empty folder in one step; a folder that is no longer empty refuses it.
    const placed =
      !present || isEmptyFolder(final)
        ? this.moveIn(final)
        : this.force && replaceRefusal(final, final) === undefined && this.replace(final);
    if (!placed) {
      for (let i = 2; ; i++) {
        final = `${this.final}-${i}`;
        if (!lexists(final) && this.moveIn(final)) break;
      }
    }
    rmSync(join(final, OWNER), { force: true });
    open.delete(this);
    if (final !== this.final) {
      const what = this.existedAtStart ? 'changed while cubesim was working' : 'appeared while cubesim was working';
      process.stderr.write(`cubesim: ${this.final} ${what} and is left as it is; results written to ${final}\n`);
    }
    return final;
  }

  /** Renames the results to `to` if nothing is there (or an empty folder); false if something is. */
  private moveIn(to: string): boolean {
    try {
      renameSync(this.temp, to);
      return true;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOTEMPTY' || code === 'EEXIST' || code === 'ENOTDIR') return false;
      throw e;
    }
  }

  /** Replaces the results folder cubesim wrote at `to`: old aside, new in, old removed (or put back). */
  private replace(to: string): boolean {
    const aside = join(dirname(to), `.${basename(to)}.replaced-${process.pid}`);
    renameSync(to, aside);
    // Checked again once aside: nothing can be added to it there.
    if (replaceRefusal(aside, to) !== undefined || !this.moveIn(to)) {
      if (!existsSync(to)) renameSync(aside, to);
      else process.stderr.write(`cubesim: the earlier results of ${to} are kept in ${aside}\n`);
      return false;
    }
    rmSync(aside, { recursive: true, force: true });
    return true;
  }

  /** Removes the temporary folder (the run failed, or was stopped with nothing to keep). */
  discard(): void {
    rmSync(this.temp, { recursive: true, force: true });
    open.delete(this);
  }
}

/** Whether anything is at `path`, a link included (dangling or not). */
function lexists(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

/** Bytes free for an unprivileged writer in the file system that holds `path` (or its nearest existing parent). */
export function freeBytes(path: string): number {
  let p = resolve(path);
  while (!existsSync(p) && dirname(p) !== p) p = dirname(p);
  const s = statfsSync(p);
  return Number(s.bavail) * Number(s.bsize);
}
