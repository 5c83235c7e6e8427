// Results and the shell, through the real command in scratch folders: --force replaces only what
// cubesim wrote, every long command can be interrupted (exit 130, one line, what finished kept, no
// temporary folder left), two writers never lose a result, lint's exit codes, runs that measure
// nothing, and the small things a user trips on. Each case checks the exit code, the exact line on
// stderr, and the folder's contents before and after.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Finding, Severity } from '../src/lint/findings.ts';
import type { Summary } from '../src/results/summary.ts';
import type { SweepRow } from '../src/experiment/sweep.ts';
import type { CompareReport } from '../src/report/data.ts';
import { readJson, type RunManifest } from './helpers.ts';

const ROOT = process.cwd();
const BIN = join(ROOT, 'bin/cubesim.mjs');
const FORCE_RULE =
  '--force replaces only an empty folder or a results folder cubesim wrote (its manifest.json lists every file in it)';
const A_B = ['--a', 'configs/passthru.ios', '--b', 'configs/no-midcall.ios'];

const scratches: string[] = [];
afterAll(() => {
  for (const d of scratches) rmSync(d, { recursive: true, force: true });
});

/** A folder as a user has it: an experiment (q.json), its configurations, and a note of theirs. */
function scratch(): string {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), 'cubesim-safety-')));
  scratches.push(dir);
  cpSync(join(ROOT, 'experiments/quickstart.json'), join(dir, 'q.json'));
  cpSync(join(ROOT, 'experiments/configs'), join(dir, 'configs'), { recursive: true });
  writeFileSync(join(dir, 'notes'), 'my notes\n');
  return dir;
}

/** Every file under `dir` (hidden ones included) with a hash of its bytes: the folder's exact contents. */
function tree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) {
        out[`${relative(dir, p)}/`] = 'folder';
        walk(p);
      } else {
        out[relative(dir, p)] = createHash('sha256').update(readFileSync(p)).digest('hex').slice(0, 16);
      }
    }
  };
  walk(dir);
  return out;
}

/** Hidden entries cubesim could leave beside results (its temporary folders and files). */
const hidden = (dir: string) => readdirSync(dir).filter((f) => f.startsWith('.'));

interface Ran {
  code: number | null;
  out: string;
  err: string;
}

function cubesim(args: string[], cwd: string, env: Record<string, string> = {}): Ran {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', env: { ...process.env, ...env } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** Starts cubesim and sends `signal` as soon as `ready(stderr so far)` holds (checked on every chunk and every 20 ms). */
function interrupted(
  args: string[],
  cwd: string,
  signal: NodeJS.Signals,
  ready: (err: string) => boolean,
): Promise<Ran> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '',
      err = '',
      sent = false;
    const check = () => {
      if (!sent && ready(err)) {
        sent = true;
        child.kill(signal);
      }
    };
    const poll = setInterval(check, 20);
    child.stdout.on('data', (d) => (out += String(d)));
    child.stderr.on('data', (d) => {
      err += String(d);
      check();
    });
    child.on('exit', (code) => {
      clearInterval(poll);
      resolve({ code, out, err });
    });
  });
}

/** Waits until `path` exists (a command is under way), checking every 20 ms. */
async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((r) => setTimeout(r, 20));
}

/** The last line a command wrote on stderr (progress lines come before it). */
const lastLine = (err: string) => err.trimEnd().split('\n').pop();

describe('--force replaces only a results folder cubesim wrote, or an empty folder', () => {
  it.each([
    [
      'the current folder',
      ['--out', '.'],
      '. is the current folder; give a folder of its own for the results, e.g. results/mine',
    ],
    [
      'a folder above it',
      ['--out', '..'],
      '.. holds the current folder; give a folder of its own for the results, e.g. results/mine',
    ],
    [
      "a folder holding a user's file",
      ['--out', 'precious'],
      `precious holds "file" and no manifest.json written by cubesim; ${FORCE_RULE}`,
    ],
    ['a plain file', ['--out', 'afile.txt'], `afile.txt is a file, not a results folder; ${FORCE_RULE}`],
  ])('refuses %s, changing nothing', (_what, out, message) => {
    const dir = scratch();
    mkdirSync(join(dir, 'precious'));
    writeFileSync(join(dir, 'precious/file'), 'mine\n');
    writeFileSync(join(dir, 'afile.txt'), 'text\n');
    const before = tree(dir);
    const r = cubesim(['run', 'q.json', '--calls', '10', ...out, '--force'], dir);
    expect(r.code).toBe(2);
    expect(r.err).toBe(`cubesim: --out: ${message}\n`);
    expect(r.out).toBe('');
    expect(tree(dir)).toEqual(before);
  });

  it('refuses the home folder and the project folder', () => {
    const dir = scratch();
    mkdirSync(join(dir, 'home'));
    const before = tree(dir);
    const home = cubesim(['run', 'q.json', '--calls', '10', '--out', 'home', '--force'], dir, {
      HOME: join(dir, 'home'),
    });
    expect(home.code).toBe(2);
    expect(home.err).toBe(
      'cubesim: --out: home is the home folder; give a folder of its own for the results, e.g. results/mine\n',
    );
    const project = cubesim(['run', 'q.json', '--calls', '10', '--out', ROOT, '--force'], dir);
    expect(project.code).toBe(2);
    expect(project.err).toBe(
      `cubesim: --out: ${ROOT} is the cubesim project folder; give a folder of its own for the results, e.g. results/mine\n`,
    );
    expect(tree(dir)).toEqual(before);
  });

  it('refuses a link, and a results folder that holds a file cubesim did not write', () => {
    const dir = scratch();
    expect(cubesim(['run', 'q.json', '--calls', '10', '--out', 'r'], dir).code).toBe(0);
    symlinkSync('r', join(dir, 'link'));
    writeFileSync(join(dir, 'r/mine.txt'), 'a note of mine\n');
    const before = tree(dir);
    const link = cubesim(['run', 'q.json', '--calls', '10', '--out', 'link', '--force'], dir);
    expect(link.code).toBe(2);
    expect(link.err).toBe(`cubesim: --out: link is a symbolic link; ${FORCE_RULE}\n`);
    const extra = cubesim(['run', 'q.json', '--calls', '10', '--out', 'r', '--force'], dir);
    expect(extra.code).toBe(2);
    expect(extra.err).toBe(`cubesim: --out: r holds "mine.txt", which cubesim did not write; ${FORCE_RULE}\n`);
    expect(tree(dir)).toEqual(before);
  });

  it('replaces a results folder it wrote, and writes into an empty folder without --force', () => {
    const dir = scratch();
    expect(cubesim(['run', 'q.json', '--calls', '10', '--out', 'r'], dir).code).toBe(0);
    const manifest = readJson<RunManifest>(join(dir, 'r/manifest.json'));
    expect(manifest).toMatchObject({
      command: 'run',
      files: ['calls.csv', 'histograms.json', 'manifest.json', 'summary.json', 'timeseries.csv'],
      partial: false,
    });
    const again = cubesim(['run', 'q.json', '--calls', '12', '--out', 'r', '--force'], dir);
    expect(again.code).toBe(0);
    expect(readJson<Summary>(join(dir, 'r/summary.json')).calls.offered).toBe(12);
    mkdirSync(join(dir, 'empty'));
    expect(cubesim(['run', 'q.json', '--calls', '10', '--out', 'empty'], dir).code).toBe(0);
    expect(readdirSync(join(dir, 'empty')).sort()).toEqual([
      'calls.csv',
      'histograms.json',
      'manifest.json',
      'summary.json',
      'timeseries.csv',
    ]);
    expect(readdirSync(dir).sort()).toEqual(['configs', 'empty', 'notes', 'q.json', 'r']);
  });

  it('holds for sweep, compare, merge and trace too', () => {
    const dir = scratch();
    mkdirSync(join(dir, 'precious'));
    writeFileSync(join(dir, 'precious/file'), 'mine\n');
    writeFileSync(join(dir, 'afile.txt'), 'text\n');
    expect(cubesim(['sweep', 'q.json', '--param', 'calls=5,6', '--workers', '1', '--out', 'sw'], dir).code).toBe(0);
    const before = tree(dir);
    const refusal = `cubesim: --out: precious holds "file" and no manifest.json written by cubesim; ${FORCE_RULE}\n`;
    for (const args of [
      ['sweep', 'q.json', '--param', 'calls=5,6', '--workers', '1'],
      ['compare', 'q.json', ...A_B, '--calls', '5'],
      ['merge', 'sw'],
    ]) {
      const r = cubesim([...args, '--out', 'precious', '--force'], dir);
      expect(r.code, args[0]).toBe(2);
      expect(r.err, args[0]).toBe(refusal);
    }
    const trace = cubesim(['trace', 'q.json', '--call', '0', '--out', 'afile.txt', '--force'], dir);
    expect(trace.code).toBe(2);
    expect(trace.err).toBe(
      'cubesim: --out: afile.txt was not written by cubesim; --force replaces only a file cubesim wrote (a ladder, trace JSON or capture of a simulated call)\n',
    );
    symlinkSync('afile.txt', join(dir, 'link.txt'));
    const link = cubesim(['trace', 'q.json', '--call', '0', '--out', 'link.txt', '--force'], dir);
    expect(link.code).toBe(2);
    expect(link.err).toBe('cubesim: --out: link.txt is a symbolic link; give a file name of its own\n');
    rmSync(join(dir, 'link.txt'));
    expect(tree(dir)).toEqual(before);
    // Its own outputs, of each format, it replaces.
    for (const format of ['text', 'json', 'pcap']) {
      expect(cubesim(['trace', 'q.json', '--call', '0', '--format', format, '--out', `call.${format}`], dir).code).toBe(
        0,
      );
      const r = cubesim(
        ['trace', 'q.json', '--call', '1', '--format', format, '--out', `call.${format}`, '--force'],
        dir,
      );
      expect(r.code, format).toBe(0);
      expect(r.out).toMatch(
        new RegExp(`^cubesim trace: call 1(, \\d+ SIP messages,)? written to call\\.${format}\\n$`),
      );
    }
    expect(hidden(dir)).toEqual([]);
  });

  it('report refuses to replace report.html without --force, and one cubesim did not write even with it', () => {
    const dir = scratch();
    expect(cubesim(['run', 'q.json', '--calls', '20', '--out', 'r'], dir).code).toBe(0);
    const first = cubesim(['report', 'r'], dir);
    expect(first.code).toBe(0);
    expect(readJson<RunManifest>(join(dir, 'r/manifest.json')).files).toContain('report.html');
    const before = tree(dir);
    const second = cubesim(['report', 'r'], dir);
    expect(second.code).toBe(2);
    expect(second.err).toBe('cubesim: r/report.html: already exists; give --force to replace it\n');
    expect(tree(dir)).toEqual(before);
    expect(cubesim(['report', 'r', '--force'], dir).code).toBe(0);
    // A report.html the manifest does not list is the user's.
    expect(cubesim(['run', 'q.json', '--calls', '20', '--out', 'r2'], dir).code).toBe(0);
    writeFileSync(join(dir, 'r2/report.html'), '<p>my own notes</p>\n');
    const theirs = cubesim(['report', 'r2', '--force'], dir);
    expect(theirs.code).toBe(2);
    expect(theirs.err).toBe(
      "cubesim: r2/report.html: was not written by cubesim (the folder's manifest.json does not list it); --force replaces only a report cubesim wrote\n",
    );
    expect(readFileSync(join(dir, 'r2/report.html'), 'utf8')).toBe('<p>my own notes</p>\n');
    expect(hidden(join(dir, 'r'))).toEqual([]);
  });
});

describe('interrupting a command keeps what finished, exits 130 and leaves no temporary folder', () => {
  const sweepArgs = ['sweep', 'q.json', '--param', 'calls=200,6000,6001', '--workers', '1', '--progress', 'lines'];

  it('sweep: SIGINT after the first point keeps it; --resume finishes the rest, byte for byte an uninterrupted sweep', async () => {
    const dir = scratch();
    const r = await interrupted([...sweepArgs, '--out', 'part'], dir, 'SIGINT', (err) =>
      err.includes('1/3 points done'),
    );
    expect(r.code).toBe(130);
    expect(lastLine(r.err)).toBe(
      `cubesim: interrupted by SIGINT: 1 of 3 points finished, kept in ${dir}/part ("partial": true); points 1, 2 missing: run the same command with --out ${dir}/part --resume to finish them`,
    );
    expect(r.out).toBe(`cubesim sweep: 1 points of 3 (PARTIAL: interrupted) on 1 worker\n  results in  ${dir}/part\n`);
    expect(readdirSync(join(dir, 'part')).sort()).toEqual(['manifest.json', 'sweep.csv', 'sweep.json']);
    const kept = readJson<{ rows: SweepRow[] }>(join(dir, 'part/sweep.json'));
    expect(kept.rows.map((row: { point: number }) => row.point)).toEqual([0]);
    expect(kept).toMatchObject({ partial: true, missing: [1, 2] });
    expect(readFileSync(join(dir, 'part/sweep.csv'), 'utf8').trim().split('\n')).toHaveLength(2);
    expect(JSON.parse(readFileSync(join(dir, 'part/manifest.json'), 'utf8'))).toMatchObject({
      command: 'sweep',
      partial: true,
    });
    expect(hidden(dir)).toEqual([]);

    // merge will not take an unfinished sweep
    const merge = cubesim(['merge', 'part'], dir);
    expect(merge.code).toBe(2);
    expect(merge.err).toBe(
      `cubesim: part/sweep.json: an interrupted sweep (points 1, 2 missing); finish it first with cubesim sweep ... --out part --resume\n`,
    );

    const resumed = cubesim([...sweepArgs, '--out', 'part', '--resume'], dir);
    expect(resumed.code).toBe(0);
    expect(resumed.out).toBe(
      `cubesim sweep: 3 points on 1 worker (2 run now, 1 from the interrupted sweep)\n  results in  ${dir}/part\n`,
    );
    expect(cubesim([...sweepArgs, '--out', 'whole'], dir).code).toBe(0);
    expect(tree(join(dir, 'part'))).toEqual(tree(join(dir, 'whole')));
    expect(hidden(dir)).toEqual([]);

    // Nothing left to do; another sweep's folder is refused.
    expect(cubesim([...sweepArgs, '--out', 'part', '--resume'], dir).out).toBe(
      `cubesim sweep: 3 points (all were there already: nothing run)\n  results in  ${dir}/part\n`,
    );
    const other = cubesim(
      ['sweep', 'q.json', '--param', 'calls=200,6000', '--workers', '1', '--out', 'part', '--resume'],
      dir,
    );
    expect(other.code).toBe(2);
    expect(other.err).toBe(
      'cubesim: part/sweep.json: field params: got [{"path":"calls","values":[200,6000,6001]}], but this sweep has [{"path":"calls","values":[200,6000]}]; --resume completes the same sweep (experiment, --param, --set, --calls, --replications, --shard)\n',
    );
  });

  it('sweep: SIGTERM before any point finished writes nothing and says so (exit 130, not 143)', async () => {
    const dir = scratch();
    const r = await interrupted(
      [...sweepArgs.slice(0, 3), 'calls=6000,6001', '--workers', '2', '--progress', 'lines', '--out', 's'],
      dir,
      'SIGTERM',
      () => existsSync(join(dir, '.s.partial')),
    );
    expect(r.code).toBe(130);
    expect(r.err).toBe('cubesim: interrupted by SIGTERM: no point of 2 had finished; nothing written\n');
    expect(readdirSync(dir).sort()).toEqual(['configs', 'notes', 'q.json']);
  });

  it('compare: stopped during side A writes nothing; during side B keeps the calls compared so far, marked partial', async () => {
    const dir = scratch();
    const args = ['compare', 'q.json', ...A_B, '--calls', '20000', '--progress', 'lines'];
    const early = await interrupted([...args, '--out', 'c'], dir, 'SIGINT', (err) => err.includes('side A:'));
    expect(early.code).toBe(130);
    expect(
      early.err.endsWith(
        'cubesim: interrupted by SIGINT: side A had not finished its first run, so there is nothing to compare; nothing written\n',
      ),
    ).toBe(true);
    expect(readdirSync(dir).sort()).toEqual(['configs', 'notes', 'q.json']);

    const late = await interrupted([...args, '--out', 'c'], dir, 'SIGTERM', (err) =>
      /side B: [1-9]\d*\/20000 calls done/.test(err),
    );
    expect(late.code).toBe(130);
    const j = readJson<Omit<CompareReport, 'changed'>>(join(dir, 'c/compare.json'));
    expect(j).toMatchObject({ partial: true, completeReplications: 0, deltas: {} });
    expect(j.calls[0]).toBeGreaterThan(0);
    expect(j.calls[0]).toBeLessThan(20000);
    expect(lastLine(late.err)).toBe(
      `cubesim: interrupted by SIGTERM: compared the ${j.calls[0]} calls side B had finished, in ${dir}/c, marked "partial": true`,
    );
    expect(late.out).toContain(`(PARTIAL: interrupted)`);
    expect(late.out).toContain(`  calls       ${j.calls[0]} compared (side B was interrupted)`);
    // Only finished calls are compared: none is "active" on either side.
    expect(readFileSync(join(dir, 'c/changed-calls.csv'), 'utf8')).not.toMatch(/,active,/);
    expect(readdirSync(join(dir, 'c')).sort()).toEqual(['changed-calls.csv', 'compare.json', 'manifest.json']);
    expect(hidden(dir)).toEqual([]);
  });

  it('trace: stopped before the call is over writes nothing', async () => {
    const dir = scratch();
    const r = await interrupted(
      [
        'trace',
        join(ROOT, 'experiments/bench-w1.json'),
        '--call',
        '190000',
        '--out',
        'late.txt',
        '--progress',
        'lines',
      ],
      dir,
      'SIGINT',
      (err) => err.includes('calls done'),
    );
    expect(r.code).toBe(130);
    expect(lastLine(r.err)).toBe('cubesim: interrupted by SIGINT: call 190000 was not over yet; nothing written');
    expect(readdirSync(dir).sort()).toEqual(['configs', 'notes', 'q.json']);
  });

  it('run: SIGHUP (a closed terminal) stops it the same way', async () => {
    const dir = scratch();
    const r = await interrupted(
      ['run', join(ROOT, 'experiments/bench-w1.json'), '--calls', '300000', '--out', 'r', '--progress', 'lines'],
      dir,
      'SIGHUP',
      (err) => err.includes('calls done'),
    );
    expect(r.code).toBe(130);
    expect(lastLine(r.err)).toMatch(
      /^cubesim: interrupted by SIGHUP: kept the \d+ calls computed so far in .*\/r, marked "partial": true$/,
    );
    expect(hidden(dir)).toEqual([]);
  });

  it('run: says in one line what it kept', async () => {
    const dir = scratch();
    const r = await interrupted(
      ['run', join(ROOT, 'experiments/bench-w1.json'), '--calls', '300000', '--out', 'r', '--progress', 'lines'],
      dir,
      'SIGINT',
      (err) => err.includes('calls done'),
    );
    expect(r.code).toBe(130);
    const s = readJson<Summary>(join(dir, 'r/summary.json'));
    expect(lastLine(r.err)).toBe(
      `cubesim: interrupted by SIGINT: kept the ${s.calls.offered} calls computed so far in ${dir}/r, marked "partial": true`,
    );
    expect(readJson<RunManifest>(join(dir, 'r/manifest.json')).partial).toBe(true);
    expect(hidden(dir)).toEqual([]);
  });
});

describe('two commands aimed at the same folder never lose a result', () => {
  it('the second is refused before it starts while the first writes; a folder that appears meanwhile is left alone and the results go beside it', async () => {
    const dir = scratch();
    const w1 = join(ROOT, 'experiments/bench-w1.json');
    const first = new Promise<Ran>((resolve) => {
      const child = spawn(process.execPath, [BIN, 'run', w1, '--calls', '60000', '--out', 'same'], {
        cwd: dir,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '',
        err = '';
      child.stdout.on('data', (d) => (out += String(d)));
      child.stderr.on('data', (d) => (err += String(d)));
      child.on('exit', (code) => resolve({ code, out, err }));
    });
    await until(() => existsSync(join(dir, '.same.partial/.cubesim-owner'))); // the folder is made first, its owner file an instant later
    const owner = Number(readFileSync(join(dir, '.same.partial/.cubesim-owner'), 'utf8').split(' ')[0]);
    for (const force of [[], ['--force']]) {
      const second = cubesim(['run', w1, '--calls', '10', '--out', 'same', ...force], dir);
      expect(second.code).toBe(2);
      expect(second.err).toBe(
        `cubesim: --out: same is being written by another cubesim (process ${owner}); give another folder, or wait until it is done (remove ${dir}/.same.partial if no cubesim is running)\n`,
      );
    }
    // The user makes the folder while the first run works.
    mkdirSync(join(dir, 'same'));
    writeFileSync(join(dir, 'same/user.txt'), 'mine\n');
    const r = await first;
    expect(r.code).toBe(0);
    expect(r.err).toBe(
      `cubesim: ${dir}/same appeared while cubesim was working and is left as it is; results written to ${dir}/same-2\n`,
    );
    expect(r.out).toContain(`  results in  ${dir}/same-2\n`);
    expect(readdirSync(join(dir, 'same'))).toEqual(['user.txt']);
    expect(readJson<Summary>(join(dir, 'same-2/summary.json')).calls.offered).toBe(60000);
    expect(hidden(dir)).toEqual([]);
  });

  it('with --force, a destination that changed meanwhile is left alone, and so is an earlier DIR-2', async () => {
    const dir = scratch();
    const w1 = join(ROOT, 'experiments/bench-w1.json');
    expect(cubesim(['run', 'q.json', '--calls', '10', '--out', 'same'], dir).code).toBe(0);
    expect(cubesim(['run', 'q.json', '--calls', '11', '--out', 'same-2'], dir).code).toBe(0);
    const earlier = tree(join(dir, 'same-2'));
    const r = await new Promise<Ran>((resolve) => {
      const child = spawn(process.execPath, [BIN, 'run', w1, '--calls', '40000', '--out', 'same', '--force'], {
        cwd: dir,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '',
        err = '';
      child.stdout.on('data', (d) => (out += String(d)));
      child.stderr.on('data', (d) => (err += String(d)));
      child.on('exit', (code) => resolve({ code, out, err }));
      void until(() => existsSync(join(dir, '.same.partial'))).then(() =>
        writeFileSync(join(dir, 'same/notes.txt'), 'mine\n'),
      );
    });
    expect(r.code).toBe(0);
    expect(r.err).toBe(
      `cubesim: ${dir}/same changed while cubesim was working and is left as it is; results written to ${dir}/same-3\n`,
    );
    expect(readFileSync(join(dir, 'same/notes.txt'), 'utf8')).toBe('mine\n');
    expect(tree(join(dir, 'same-2'))).toEqual(earlier);
    expect(readJson<Summary>(join(dir, 'same-3/summary.json')).calls.offered).toBe(40000);
    expect(hidden(dir)).toEqual([]);
  });

  it('a temporary folder left by a process that was killed outright is removed by the next run', async () => {
    const dir = scratch();
    const child = spawn(
      process.execPath,
      [BIN, 'run', join(ROOT, 'experiments/bench-w1.json'), '--calls', '300000', '--out', 'k'],
      { cwd: dir, stdio: 'ignore' },
    );
    await until(() => existsSync(join(dir, '.k.partial/.cubesim-owner')));
    const gone = new Promise((resolve) => child.on('exit', resolve));
    child.kill('SIGKILL');
    await gone;
    expect(hidden(dir)).toEqual(['.k.partial']);
    const r = cubesim(['run', 'q.json', '--calls', '10', '--out', 'k'], dir);
    expect(r.code).toBe(0);
    expect(hidden(dir)).toEqual([]);
    expect(readdirSync(dir).sort()).toEqual(['configs', 'k', 'notes', 'q.json']);
  });

  it('without --out, each run takes the next free name', () => {
    const dir = scratch();
    for (let i = 0; i < 3; i++) expect(cubesim(['run', 'q.json', '--calls', '5'], dir).code).toBe(0);
    expect(readdirSync(join(dir, 'results')).sort()).toEqual(['quickstart', 'quickstart-2', 'quickstart-3']);
  });
});

describe('lint exit codes a pipeline can use', () => {
  const dir = ROOT;
  it.each([
    [
      'errors found',
      ['experiments/configs/pre-xz.ios', '--platform', 'isr-12.4-11T'],
      1,
      '4 errors, 1 warning, 1 note',
    ],
    [
      'warnings only',
      ['experiments/configs/passthru.ios', '--endpoints', 'pjsip,legacy-pbx'],
      0,
      '0 errors, 2 warnings, 1 note',
    ],
    [
      'warnings only, --strict',
      ['experiments/configs/passthru.ios', '--endpoints', 'pjsip,legacy-pbx', '--strict'],
      1,
      '0 errors, 2 warnings, 1 note',
    ],
    ['nothing found', ['experiments/configs/passthru.ios', '--endpoints', 'cucm'], 0, '0 errors, 0 warnings, 0 notes'],
  ])('%s', (_what, args, code, last) => {
    const r = cubesim(['lint', ...args], dir);
    expect(r.code).toBe(code);
    expect(r.out.trimEnd().split('\n').pop()).toBe(last);
    expect(r.err).toBe('');
  });

  it('bad input is 2, and --format json gives the findings to machines', () => {
    const bad = cubesim(['lint', 'experiments/configs/nope.ios'], dir);
    expect(bad.code).toBe(2);
    expect(bad.err).toBe('cubesim: experiments/configs/nope.ios: configuration file not found\n');
    const r = cubesim(
      ['lint', 'experiments/configs/passthru.ios', '--endpoints', 'cucm,jssip', '--format', 'json'],
      dir,
    );
    expect(r.code).toBe(1);
    const j = JSON.parse(r.out) as {
      config: string;
      platform: string;
      endpoints: string[];
      findings: Finding[];
      counts: Record<Severity, number>;
    };
    expect(j).toMatchObject({
      config: 'experiments/configs/passthru.ios',
      platform: 'isr-12.4-20T',
      endpoints: ['cucm', 'jssip'],
      counts: { error: 1 },
    });
    expect(j.findings[0]).toMatchObject({ severity: 'error', rule: 'min-se-422' });
    expect(cubesim(['lint', '--help'], dir).out.replace(/\s+/g, ' ')).toContain(
      'Exit codes: 0 no errors (warnings and notes allowed); 1 errors found, or warnings with --strict; 2 bad input',
    );
  });
});

describe('a run set up to measure nothing', () => {
  it.each([
    [
      'the warm-up covers every arrival',
      ['--warmup', '1e7', '--calls', '10'],
      'cubesim: warning: all 10 calls arrived during the warm-up (10000000 s), which the figures leave out: every figure is zero; give a shorter --warmup or more --calls',
    ],
    [
      'until ends before the first arrival',
      ['--calls', '1e9', '--until', '1'],
      'cubesim: warning: no call arrived before the run stopped (until 1 s, at about 0.5 per second): every figure is zero; give a longer --until',
    ],
    [
      'the warm-up lasts until the end',
      ['--until', '10', '--warmup', '20'],
      'cubesim: warning: the warm-up (20 s) lasts until the run stops (until 10 s): every figure will be zero; give a shorter --warmup',
    ],
    [
      'no call can be established',
      ['--calls', '30', '--set', 'workload.callers=[{"profile":"jssip"}]'],
      'cubesim: warning: no call was established: all 30 were rejected (422-unresolved 30); cubesim lint configs/passthru.ios --platform isr-12.4-20T says why',
    ],
  ])('warns when %s, exit 0', (_what, args, warning) => {
    const dir = scratch();
    const r = cubesim(['run', 'q.json', ...args, '--out', 'r'], dir);
    expect(r.code).toBe(0);
    expect(r.err).toBe(`${warning}\n`);
    expect(existsSync(join(dir, 'r/summary.json'))).toBe(true);
  });

  it('refuses a calls.csv larger than the free space, before anything runs; --calls-csv streams less', () => {
    const dir = scratch();
    const r = cubesim(['run', 'q.json', '--calls', '1000000000000', '--out', 'r'], dir);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(
      new RegExp(
        `^cubesim: calls\\.csv: would take about 180\\.0 TB \\(1,000,000,000,000 rows of about 180 bytes\\) but ${dir} has [\\d.]+ [kMGT]?B free; give --calls-csv failed \\(only the calls not completed\\) or --calls-csv none, fewer --calls, or another --out\\n$`,
      ),
    );
    expect(readdirSync(dir).sort()).toEqual(['configs', 'notes', 'q.json']);
    expect(cubesim(['run', 'q.json', '--calls', '200', '--calls-csv', 'none', '--out', 'none'], dir).code).toBe(0);
    expect(existsSync(join(dir, 'none/calls.csv'))).toBe(false);
    const failed = cubesim(
      [
        'run',
        'q.json',
        '--calls',
        '30',
        '--set',
        'workload.callers=[{"profile":"jssip"},{"profile":"cucm"}]',
        '--calls-csv',
        'failed',
        '--out',
        'failed',
      ],
      dir,
    );
    expect(failed.code).toBe(0);
    const rows = readFileSync(join(dir, 'failed/calls.csv'), 'utf8').trim().split('\n').slice(1);
    const s = readJson<Summary>(join(dir, 'failed/summary.json'));
    expect(rows).toHaveLength(s.calls.rejected + s.calls.dropped);
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((row) => !row.includes(',completed,'))).toBe(true);
  });
});

describe('small things a user trips on', () => {
  it('--version', () => {
    const r = cubesim(['--version'], ROOT);
    expect(r.code).toBe(0);
    expect(r.out).toBe(`cubesim ${readJson<{ version: string }>(join(ROOT, 'package.json')).version}\n`);
  });

  it.each([
    [['run'], 'cubesim: run needs <experiment>; see cubesim run --help'],
    [['sweep', 'q.json'], 'cubesim: sweep needs --param; see cubesim sweep --help'],
    [['compare', 'q.json', '--a', 'x'], 'cubesim: compare needs --b; see cubesim compare --help'],
    [['report'], 'cubesim: report needs <dir>; see cubesim report --help'],
  ])("a missing argument points to the command's own --help: %j", (args, line) => {
    const r = cubesim(args, ROOT);
    expect(r.code).toBe(2);
    expect(r.err).toBe(`${line}\n`);
  });

  it('a byte-order mark in a JSON file is named as such', () => {
    const dir = scratch();
    writeFileSync(join(dir, 'bom.json'), '\ufeff' + readFileSync(join(dir, 'q.json'), 'utf8'));
    const r = cubesim(['run', 'bom.json', '--calls', '5'], dir);
    expect(r.code).toBe(2);
    expect(r.err).toBe(
      'cubesim: bom.json: line 1: starts with a byte-order mark (U+FEFF), which JSON does not allow; allowed: the file saved as UTF-8 without a BOM\n',
    );
    expect(readdirSync(dir).sort()).toEqual(['bom.json', 'configs', 'notes', 'q.json']);
  });

  it('the IOS wrong-mode hint never points to the dial-peer form that is refused', () => {
    const dir = scratch();
    writeFileSync(join(dir, 'global.ios'), 'midcall-signaling passthru\nend\n');
    writeFileSync(
      join(dir, 'voip.ios'),
      'voice service voip\n allow-connections sip to sip\n midcall-signaling block\nend\n',
    );
    const g = cubesim(['lint', 'global.ios'], dir);
    expect(g.code).toBe(2);
    expect(g.err).toBe(
      'cubesim: global.ios: line 1: unknown command "midcall-signaling passthru" in global configuration mode; it belongs under voice service voip / sip\n',
    );
    writeFileSync(
      join(dir, 'vc.ios'),
      'voice service voip\n allow-connections sip to sip\n sip\n  voice-class sip midcall-signaling passthru\nend\n',
    );
    const vc = cubesim(['lint', 'vc.ios'], dir);
    expect(vc.code).toBe(2);
    expect(vc.err).toBe(
      'cubesim: vc.ios: line 4: unknown command "voice-class sip midcall-signaling passthru" in sip mode; the Session Refresh with Reinvites feature (midcall-signaling passthru) cannot be configured per dial-peer, only under voice service voip / sip (feature document: "on a dial-peer basis is not supported"); the form here is "midcall-signaling passthru"\n',
    );
    const v = cubesim(['lint', 'voip.ios'], dir);
    expect(v.err).toBe(
      'cubesim: voip.ios: line 3: unknown command "midcall-signaling block" in voice service voip mode; it belongs under voice service voip / sip; per dial-peer the form is "voice-class sip midcall-signaling block"\n',
    );
  });

  it('a 30-digit --seed is blamed on the flag', () => {
    const r = cubesim(['run', 'q.json', '--seed', '123456789012345678901234567890'], scratch());
    expect(r.code).toBe(2);
    expect(r.err).toBe(
      'cubesim: --seed: got 123456789012345678901234567890, a whole number too large to hold exactly; allowed: a whole number from -9007199254740991 to 9007199254740991, or a word (e.g. s123456789012345678901234567890)\n',
    );
  });
});
