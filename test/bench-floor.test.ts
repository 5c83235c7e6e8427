// The repository's own speed floor (bench/floor-w1.mjs) plays W1's event pattern: every call
// completes, about 33 events a call, as many refreshes as cubesim sends within a percent. And
// `npm run bench -- --mode against` runs two trees in pairs, in alternating order, and cleans up
// after itself; `--mode working-set` runs the same calls at four arrival rates, `--mode
// allocation` counts what a call allocates, `--mode perf` where the time goes by Linux perf. No
// time is asserted.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { toolPresent } from './helpers.ts';

/** `npm run bench -- ARGS` as this process runs it: exit status, both outputs, the JSON lines printed. */
function bench(...args: string[]) {
  return benchWith(process.env, ...args);
}

function benchWith(env: NodeJS.ProcessEnv, ...args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/bench.ts', ...args], { encoding: 'utf8', env });
  const lines = r.stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, lines };
}

describe('bench/floor-w1.mjs', () => {
  it('runs W1 as a skeleton: every call completes, about 33 events and 2.86 refreshes a call', () => {
    const r = spawnSync(process.execPath, ['bench/floor-w1.mjs', '20000'], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout) as { calls: number; completed: number; refreshes: number; events: number };
    expect(out.completed).toBe(20000);
    expect(out.events / out.calls).toBeGreaterThan(32);
    expect(out.events / out.calls).toBeLessThan(34);
    expect(out.refreshes / out.calls).toBeGreaterThan(2.8);
    expect(out.refreshes / out.calls).toBeLessThan(2.92);
  });
});

describe('npm run bench -- --mode working-set', () => {
  it('runs the same calls at four arrival rates: the same events each time, the speed of each', () => {
    const r = bench('--mode', 'working-set', '--calls', '1000', '--repeats', '1');
    expect(r.status, r.stderr).toBe(0);
    const lines = r.lines.filter((l) => l['mode'] === 'working-set') as Array<Record<string, number>>;
    expect(lines.map((l) => l['rate'])).toEqual([0.5, 5, 50, 500]);
    expect(lines.map((l) => l['steadyStateInProgress'])).toEqual([150, 1500, 15000, 150000]);
    expect(new Set(lines.map((l) => l['events'])).size).toBe(1);
    expect(lines[0]!['ratioToSmallest']).toBe(1);
    expect(lines.every((l) => l['callsPerSec']! > 0)).toBe(true);
  });

  it('allocation: bytes allocated and promoted per call from the collection trace, and the functions that allocate most', () => {
    const r = bench('--mode', 'allocation', '--calls', '2000');
    expect(r.status, r.stderr).toBe(0);
    const lines = r.lines;
    const totals = lines.find((l) => l['mode'] === 'allocation')!;
    expect(totals).toMatchObject({ calls: 2000 });
    expect(totals['allocatedBytesPerCall']).toBeGreaterThan(1000); // a call makes messages and transactions
    expect(totals['youngCollections']).toBeGreaterThan(0);
    const sampled = lines.find((l) => l['impl'] === 'cubesim (allocation sampled)')!;
    expect(Object.keys(sampled['bytesPerCallByFunction'] as object).length).toBe(10);
  });

  it('refuses a bad --repeats before anything runs, in one line, exit 2', () => {
    const r = bench('--mode', 'all', '--repeats', '0');
    expect(r.status).toBe(2);
    expect(r.stdout).toBe(''); // nothing ran
    expect(r.stderr.trim()).toBe('--repeats 0: a whole number of runs, 1 or more');
  });

  it('refuses a mode it does not know in one line, exit 2', () => {
    const r = bench('--mode', 'fast');
    expect(r.status).toBe(2);
    expect(r.stderr.trim()).toBe(
      '--mode fast: one of speed, memory, concurrency, sweep, bounds, all, working-set, allocation, perf, against',
    );
  });
});

/** Whether Linux perf is installed here and may sample this user's processes (as --mode perf checks). */
function perfSamples(): boolean {
  const dir = mkdtempSync(join(tmpdir(), 'perf-probe-'));
  try {
    const args = ['--buildid-dir', dir, 'record', '-N', '-e', 'cpu-clock', '-o', join(dir, 'p.data'), 'true'];
    return spawnSync('perf', args, { stdio: 'ignore' }).status === 0;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('npm run bench -- --mode perf', () => {
  const leftovers = () => readdirSync(tmpdir()).filter((f) => f.startsWith('cubesim-perf-'));

  it.skipIf(!toolPresent('perf', perfSamples()))(
    'names where the time goes: the top symbols, JavaScript by source file and bundle line, and the groups',
    () => {
      const before = leftovers();
      const r = bench('--mode', 'perf', '--calls', '2000', '--top', '1000');
      expect(r.status, r.stderr).toBe(0);
      expect(r.lines[0]).toMatchObject({ impl: 'cubesim', calls: 2000, completed: 2000 });
      const symbols = r.lines.filter((l) => 'share' in l) as Array<{
        share: number;
        symbol: string;
        bundleLine?: number;
      }>;
      expect(symbols.length).toBeGreaterThan(50);
      expect(symbols.map((l) => l.share)).toEqual([...symbols.map((l) => l.share)].sort((a, b) => b - a));
      // perf's JavaScript names were read: each is a function, a file and its line in the bundle.
      const js = symbols.filter((l) => l.symbol.startsWith('JS:'));
      expect(js.some((l) => /^JS:\S.* src\/\S+\.ts$/.test(l.symbol))).toBe(true);
      expect(js.every((l) => Number.isInteger(l.bundleLine) && !l.symbol.includes(' file:'))).toBe(true);
      const summary = r.lines.at(-1) as { mode: string; samples: number; groups: Record<string, number> };
      expect(summary.mode).toBe('perf');
      expect(summary.samples).toBeGreaterThan(0);
      // Every sample is in one group (shares rounded to hundredths).
      const total = Object.values(summary.groups).reduce((a, b) => a + b, 0);
      expect(Math.abs(total - 100)).toBeLessThan(0.1);
      expect(summary.groups['javascript']).toBeGreaterThan(0);
      expect(leftovers()).toEqual(before); // the recording and the jitted code are gone
    },
  );

  it('without perf: one line, exit 2, nothing left', () => {
    const before = leftovers();
    const r = benchWith({ ...process.env, PATH: '/nonexistent' }, '--mode', 'perf', '--calls', '100');
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim()).toBe('--mode perf: needs Linux perf able to sample this user (Debian package linux-perf)');
    expect(leftovers()).toEqual(before);
  });

  it('refuses a bad or missing --top in one line, exit 2', () => {
    for (const [args, shown] of [
      [['--top', 'many'], 'many'],
      [['--top'], ''],
    ] as const) {
      const r = bench('--mode', 'perf', ...args);
      expect(r.status).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr.trim()).toBe(`--top ${shown}: a whole number of symbols, 1 or more`);
    }
  });
});

describe('npm run bench -- --mode against', () => {
  it('runs this tree and a revision in pairs and tells whether their fingerprints agree', () => {
    const worktrees = () => spawnSync('git', ['worktree', 'list'], { encoding: 'utf8' }).stdout;
    const before = worktrees();
    const r = bench('--mode', 'against', '--rev', 'HEAD', '--pairs', '2', '--calls', '2000');
    expect(r.status, r.stderr).toBe(0);
    const lines = r.lines;
    expect(lines.length).toBe(r.stdout.trim().split('\n').length); // every line it prints is JSON
    expect(lines.map((l) => l['pair'] ?? l['mode'])).toEqual([1, 2, 'against']);
    expect(lines.map((l) => l['first'])).toEqual(['this', 'rev', undefined]); // the order alternates
    expect(lines[2]).toMatchObject({ rev: 'HEAD', what: 'model', calls: 2000, pairs: 2 });
    // Whether every run had the same fingerprint, as the runs printed them (a tree with changes
    // not yet committed may differ from HEAD on purpose).
    const prints = lines
      .slice(0, 2)
      .flatMap((l) => [l['this'], l['rev']].map((r) => (r as { fingerprint: string }).fingerprint));
    expect(prints.every((p) => /^[0-9a-f]{16}$/.test(p))).toBe(true);
    expect(lines[2]!['sameFingerprint']).toBe(new Set(prints).size === 1);
    expect(worktrees()).toBe(before); // the revision's worktree is gone
  });
});
