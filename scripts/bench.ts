// npm run bench [-- --calls N] [-- --mode speed|memory|concurrency|sweep|bounds|all|working-set|allocation|perf|against]
//   speed  (default): W1 with the full model at N calls (200,000), then the skeleton floor of
//          this repository (bench/floor-w1.mjs: the same events, no SIP state) and, when that file
//          exists, the shared anchors' ../shared/anchors/floor-typed.mjs, with the same N, in the
//          same invocation; one JSON line per program and a last line with the ratios of calls
//          per second (cubesim / each floor), the events per call, and cubesim's peak memory;
//          then the command a user runs (`cubesim run experiments/bench-w1.json --calls N`,
//          compiled) and the floor program, each timed as a whole process, and their ratio.
//          cubesim's model runs compiled as the command ships (scripts/bench-run.ts bundled by
//          esbuild into dist-bench/), not through tsx, whose transpiler added ~25 MB to the peak.
//   memory: W1 at 100,000 and at 1,000,000 calls, and the ratio of their peak memory.
//   concurrency: W1 at 500 calls/s for 1,000,000 calls (about 150,000 calls up at once, by
//          Little's law: 500/s x 300 s), its peak resident memory and that per concurrent call.
//   sweep:  a 4-point sweep of W1 with 1 and with 2 workers, the command a user runs (`cubesim
//          sweep ... --workers W`, compiled) timed as a whole process, --repeats R (3) pairs in
//          alternating order, the speed-up of each and their median (one pair alone swung from
//          1.3 to 2.1 in a busy hour on the shared machine).
//   bounds: the skeleton floor, then scripts/bench-bounds.mjs (a skeleton of its own, alone, then
//           plus the RFC 3261 timers a full model arms and cancels, and/or per-call state touched
//           by every event), each as a ratio to the floor: what the speed target leaves for the
//           model itself.
//   working-set: W1's same N calls at arrival rates 0.5, 5, 50 and 500 calls/s (about 150, 1,500,
//          15,000 and 150,000 calls in progress; the same events in every run, only interleaved
//          differently), --repeats R (2) times each in alternating order: calls per second at each
//          rate (median) and as a ratio to the smallest working set's. What the ratios leave
//          below 1 is what memory costs (cache and TLB misses); the speed at 0.5 calls/s is the
//          model's work per call with its state in the caches. Not part of `all`.
//   allocation: W1 at N calls with V8's collection trace: bytes allocated and promoted to the old
//          generation per call, young-generation collections and their pauses (exact, and the same
//          from run to run on a noisy machine, unlike times); then again under the sampling heap
//          profiler, the functions that allocate most per call. Not part of `all`.
//   perf:  W1 at N calls under Linux perf (every thread; the engine's builtins and collector by
//          name, JavaScript by function, source file and line in the bundle dist-bench/bench-run.mjs):
//          the --top T (30) symbols by share of samples, then the shares by group (JavaScript, write
//          barrier, other builtins, young and old collections, compiling, other). Needs perf. Not
//          part of `all`.
//   against: this tree against another git revision (--rev REV, required), W1 at N calls, in
//           --pairs P (5) pairs of alternating order (--at-once: the two of a pair at the same
//           time, side by side); --what model (default: the benchmark's program) or command
//           (the command a user types, timed as a whole process). Not part of `all`.
// Figures are ratios taken in one run on one machine; absolute times drift between runs.
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { buildSync } from 'esbuild';
import { NODE_BUNDLE } from './build-cli.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const FLOOR = join(root, '../shared/anchors/floor-typed.mjs');
const OWN_FLOOR = join(root, 'bench/floor-w1.mjs');
const CLI = join(root, 'bin/cubesim.mjs');
const PEAK_RSS = join(root, 'scripts/peak-rss.mjs');

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1]! : fallback;
}

/** Runs a program of one JSON line in its own node process (its memory is its own) and reads the line. */
function runJson(args: string[], echo: boolean): Record<string, number> {
  const out = execFileSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (echo) console.log(out.trim());
  return JSON.parse(out) as Record<string, number>;
}

let compiledRun: string | null = null;

/**
 * scripts/bench-run.ts and the model, bundled as the cubesim command is (scripts/build-cli.mjs),
 * once per invocation. The file sits one folder below the project, as dist/ does, so that the
 * paths the model finds from its own location (models/, experiments/) hold.
 */
function benchRunFile(): string {
  if (compiledRun !== null) return compiledRun;
  const outfile = join(root, 'dist-bench/bench-run.mjs');
  buildSync({ ...NODE_BUNDLE, entryPoints: [join(root, 'scripts/bench-run.ts')], outfile });
  return (compiledRun = outfile);
}

function runCubesim(calls: number, rate?: number): Record<string, number> {
  const args = [benchRunFile(), String(calls)];
  if (rate !== undefined) args.push(String(rate));
  return runJson(args, true);
}

function runFloor(calls: number): Record<string, number> | null {
  if (!existsSync(FLOOR)) {
    console.log(JSON.stringify({ impl: 'js-floor-typed', skipped: `not found: ${FLOOR}` }));
    return null;
  }
  return runJson([FLOOR, String(calls)], true);
}

let cliIsBuilt = false;

/** dist/ (the `cubesim` command) built from the sources as they stand, once per invocation. */
function cliBuilt(): void {
  if (cliIsBuilt) return;
  execFileSync(process.execPath, [join(root, 'scripts/build-cli.mjs')], { stdio: 'ignore' });
  cliIsBuilt = true;
}

/**
 * Wall-clock seconds of a whole process (start-up and exit included), and its peak memory; not
 * blocking, so that two can run at once (--mode against --at-once).
 */
async function timeProcess(command: string, args: string[]): Promise<{ secs: number; peakRssMB: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'cubesim-bench-'));
  const rssFile = join(dir, 'peak-rss');
  try {
    const t0 = process.hrtime.bigint();
    await promisify(execFile)(command, args, { env: peakRssEnv(rssFile), cwd: dir });
    const secs = Number(process.hrtime.bigint() - t0) / 1e9;
    return { secs: +secs.toFixed(3), peakRssMB: +Number(readFileSync(rssFile, 'utf8')).toFixed(1) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The environment that makes a node process write its peak memory to `rssFile` as it exits. */
function peakRssEnv(rssFile: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    NODE_OPTIONS: `${process.env['NODE_OPTIONS'] ?? ''} --import=${pathToFileURL(PEAK_RSS).href}`,
    CUBESIM_PEAK_RSS_FILE: rssFile,
  };
}

/**
 * The command a user types, `cubesim run experiments/bench-w1.json --calls N` (the compiled
 * command, start-up and result files included), against the floor program run the same way.
 */
async function wholeProcess(calls: number): Promise<void> {
  const experiment = join(root, 'experiments/bench-w1.json');
  cliBuilt();
  // Started as a user starts it: the `cubesim` file itself.
  const c = await timeProcess(CLI, ['run', experiment, '--calls', String(calls), '--out', 'run']);
  console.log(JSON.stringify({ impl: 'cubesim run (whole process)', calls, ...c }));
  if (!existsSync(FLOOR)) return;
  const f = await timeProcess(process.execPath, [FLOOR, String(calls)]);
  console.log(JSON.stringify({ impl: 'js-floor-typed (whole process)', calls, ...f }));
  console.log(JSON.stringify({ mode: 'whole-process', calls, timeRatio: +(c.secs / f.secs).toFixed(2) }));
}

async function speed(calls: number): Promise<void> {
  const c = runCubesim(calls);
  const own = runJson([OWN_FLOOR, String(calls)], true);
  const f = runFloor(calls);
  console.log(
    JSON.stringify({
      mode: 'speed',
      calls,
      callsPerSecRatio: f === null ? null : +(c['callsPerSec']! / f['callsPerSec']!).toFixed(3),
      callsPerSecRatioOwnFloor: +(c['callsPerSec']! / own['callsPerSec']!).toFixed(3),
      eventsPerCall: +(c['events']! / calls).toFixed(1),
      floorEventsPerCall: +(own['events']! / calls).toFixed(1),
      peakRssMB: c['peakRssMB'],
    }),
  );
  await wholeProcess(calls);
}

function memory(): void {
  const small = runCubesim(100_000);
  const large = runCubesim(1_000_000);
  console.log(
    JSON.stringify({
      mode: 'memory',
      peakRssMB100k: small['peakRssMB'],
      peakRssMB1M: large['peakRssMB'],
      peakMemoryRatio: +(large['peakRssMB']! / small['peakRssMB']!).toFixed(3),
    }),
  );
}

/** W1 at 500 calls/s: the peak memory of about 150,000 concurrent calls, and per call. */
function concurrency(calls: number): void {
  const rate = 500,
    meanHolding = 300;
  const r = runCubesim(calls, rate);
  const concurrent = rate * meanHolding;
  console.log(
    JSON.stringify({
      mode: 'concurrency',
      calls,
      rate,
      concurrentCalls: concurrent,
      peakRssMB: r['peakRssMB'],
      kBPerConcurrentCall: +((r['peakRssMB']! * 1024) / concurrent).toFixed(2),
    }),
  );
}

/**
 * A 4-point sweep of W1 as a user runs it, `cubesim sweep experiments/bench-w1.json --param ...
 * --workers W` (the compiled command, start-up, worker processes and results included), with 1 and
 * with 2 workers, and the speed-up. (Until December 2026 this called the sweep from the sources
 * through tsx, in this process; tsx's transpiling in each worker and the parallel collector of the
 * one-worker run in this process weighed on the ratio as the command never has them.)
 */
async function sweep(calls: number, repeats: number): Promise<void> {
  cliBuilt();
  const experiment = join(root, 'experiments/bench-w1.json');
  const params = ['--param', 'workload.arrivals.rate=40,50', '--param', 'endpoints.cucm.timer.sessionExpires=180,360'];
  const speedUps: number[] = [];
  for (let k = 0; k < repeats; k++) {
    // One worker first in odd pairs, two first in even ones: a neighbour's load that comes and
    // goes then weighs on both orders.
    const secs = new Map<number, number>();
    for (const workers of k % 2 === 0 ? [1, 2] : [2, 1]) {
      const args = ['sweep', experiment, ...params, '--calls', String(calls), '--workers', String(workers)];
      // Peak memory is left out: the timed process's own is not its workers'.
      const t = (await timeProcess(CLI, [...args, '--progress', 'none', '--out', 's'])).secs;
      secs.set(workers, t);
      console.log(
        JSON.stringify({ impl: 'cubesim sweep (whole process)', points: 4, callsPerPoint: calls, workers, secs: t }),
      );
    }
    speedUps.push(+(secs.get(1)! / secs.get(2)!).toFixed(3));
  }
  console.log(
    JSON.stringify({
      mode: 'sweep',
      points: 4,
      callsPerPoint: calls,
      speedUps,
      speedUp2Workers: +median(speedUps).toFixed(3),
    }),
  );
}

function bounds(calls: number): void {
  const f = runFloor(calls);
  if (f === null) return;
  const variants = [
    ['--timers', 'none'], // the skeleton alone: about 1, a check that it matches the floor
    ['--timers', 'heap'],
    ['--timers', 'lanes'],
    ['--timers', 'lanes', '--hop-lanes'],
    ['--state', '6144', '--lines', '16'],
    ['--timers', 'lanes', '--hop-lanes', '--state', '6144', '--lines', '16'],
  ];
  for (const v of variants) {
    const r = runJson([join(root, 'scripts/bench-bounds.mjs'), String(calls), ...v], false);
    console.log(
      JSON.stringify({
        mode: 'bounds',
        variant: v.join(' '),
        callsPerSec: r['callsPerSec'],
        ratioToFloor: +(r['callsPerSec']! / f['callsPerSec']!).toFixed(3),
      }),
    );
  }
}

/**
 * The same calls with more and more of them in progress at once: how the speed falls as the
 * state of the calls in progress outgrows the caches.
 */
function workingSet(calls: number, repeats: number): void {
  const rates = [0.5, 5, 50, 500],
    meanHolding = 300;
  const speeds = new Map<number, number[]>(rates.map((r) => [r, []]));
  const rss = new Map<number, number[]>(rates.map((r) => [r, []]));
  const events = new Map<number, number>();
  for (let k = 0; k < repeats; k++) {
    for (const rate of k % 2 === 0 ? rates : [...rates].reverse()) {
      const r = runCubesim(calls, rate);
      speeds.get(rate)!.push(r['callsPerSec']!);
      rss.get(rate)!.push(r['peakRssMB']!);
      events.set(rate, r['events']!);
    }
  }
  const hot = median(speeds.get(rates[0]!)!);
  for (const rate of rates) {
    const callsPerSec = Math.round(median(speeds.get(rate)!));
    console.log(
      JSON.stringify({
        mode: 'working-set',
        calls,
        rate,
        steadyStateInProgress: rate * meanHolding,
        callsPerSec,
        ratioToSmallest: +(callsPerSec / hot).toFixed(3),
        peakRssMB: median(rss.get(rate)!),
        events: events.get(rate),
      }),
    );
  }
}

/**
 * What the model allocates per call, from V8's own trace of its collections (`--trace-gc-nvp`:
 * each collection prints the bytes allocated since the last and those it promoted), and where.
 */
function allocation(calls: number): void {
  const out = execFileSync(process.execPath, ['--trace-gc-nvp', benchRunFile(), String(calls)], {
    encoding: 'utf8',
    maxBuffer: 1 << 28,
  });
  let allocated = 0,
    promoted = 0,
    scavenges = 0,
    scavengeMs = 0,
    fullCollections = 0,
    fullMs = 0;
  const field = (line: string, name: string): number => Number(new RegExp(` ${name}=([0-9.]+)`).exec(line)?.[1] ?? 0);
  let run: Record<string, number> | null = null;
  for (const line of out.split('\n')) {
    if (line.startsWith('{')) run = JSON.parse(line) as Record<string, number>;
    if (!line.includes(' gc=')) continue;
    allocated += field(line, 'allocated');
    promoted += field(line, 'promoted');
    if (line.includes(' gc=s ')) {
      scavenges++;
      scavengeMs += field(line, 'pause');
    } else {
      fullCollections++;
      fullMs += field(line, 'pause');
    }
  }
  if (run !== null) console.log(JSON.stringify(run));
  console.log(
    JSON.stringify({
      mode: 'allocation',
      calls,
      allocatedBytesPerCall: Math.round(allocated / calls),
      promotedBytesPerCall: Math.round(promoted / calls),
      youngCollections: scavenges,
      youngPauseMs: Math.round(scavengeMs),
      fullCollections,
      fullPauseMs: Math.round(fullMs),
    }),
  );
  const sampled = execFileSync(process.execPath, [benchRunFile(), String(calls)], {
    encoding: 'utf8',
    env: { ...process.env, CUBESIM_BENCH_ALLOCATION: '1' },
  });
  console.log(sampled.trim().split('\n').pop());
}

/** What a symbol in perf's report is, for the summary line: the model's code, the collector's, ... */
function perfGroup(symbol: string): string {
  if (symbol.startsWith('JS:') || symbol.startsWith('NodeJS:')) return 'javascript';
  // V8 names its builtins Builtins_X, or Builtin:X in its own perf map.
  if (/^Builtins?[_:]RecordWrite/.test(symbol)) return 'writeBarrier';
  if (/^Builtins?[_:]/.test(symbol)) return 'builtins';
  if (/Scaveng|SemiSpace|NewSpace/.test(symbol)) return 'youngCollection';
  if (/Marking|MarkCompact|Sweep|Compactor|Evacuat|RememberedSet/.test(symbol)) return 'oldCollection';
  if (/compiler::|maglev|Turbofan|Parser|Scanner|Bytecode/i.test(symbol)) return 'compiling';
  return 'other';
}

/**
 * Where a W1 run's time goes by Linux perf: samples of every thread of the process (the
 * collector's helpers and the optimising compiler's included), the engine's builtins and runtime
 * by name, the model's compiled JavaScript by function through V8's jitdump (--perf-prof, then
 * perf inject --jit). The sampling profiler behind --cpu-prof counts a builtin's time as the
 * JavaScript line that called it: a power function the engine called with every event once showed
 * there as a lane's `return` line. Needs perf (Debian: linux-perf) allowed to sample this user's
 * processes; otherwise one line and exit 2. Everything perf writes stays in a temporary folder,
 * removed at the end and on Ctrl-C (perf is waited for without blocking, so that the handler runs).
 */
async function perfProfile(calls: number, top: number): Promise<'done' | 'no perf' | 'interrupted'> {
  const dir = mkdtempSync(join(tmpdir(), 'cubesim-perf-'));
  let interrupted = false;
  const onInterrupt = () => {
    interrupted = true;
  };
  process.on('SIGINT', onInterrupt);
  const perf = async (args: string[]) =>
    (
      await promisify(execFile)('perf', ['--buildid-dir', join(dir, 'build-ids'), ...args], {
        cwd: dir,
        encoding: 'utf8',
        maxBuffer: 1 << 28,
      })
    ).stdout;
  // The probe records as the run does: a perf or kernel that refuses any of it says so first.
  const record = (out: string, command: string[]) => [
    'record',
    '-N',
    '-k',
    '1',
    '-e',
    'cpu-clock',
    '-F',
    '1000',
    '-o',
    out,
    ...command,
  ];
  try {
    try {
      await perf(record('probe.data', ['true']));
    } catch {
      return interrupted ? 'interrupted' : 'no perf';
    }
    const bundle = benchRunFile();
    // perf record stops recording at Ctrl-C and may still exit 0: each step looks at the flag.
    const run = await perf(record('perf.data', [process.execPath, '--perf-prof', bundle, String(calls)]));
    if (interrupted) return 'interrupted';
    console.log(run.trim().split('\n').pop());
    await perf(['inject', '--jit', '-i', 'perf.data', '-o', 'perf.jit.data']);
    if (interrupted) return 'interrupted';
    // -n: each symbol's count of samples, so that shares and groups add up exactly.
    const report = await perf([
      'report',
      '-n',
      '-i',
      'perf.jit.data',
      '--no-children',
      '--sort',
      'sym',
      '--stdio',
      '-g',
      'none',
    ]);
    if (interrupted) return 'interrupted';
    // esbuild names each module in a comment where its code begins: a JavaScript symbol's line in
    // the bundle gives its file (the model's, a script's or a package's).
    const starts: Array<[number, string]> = [];
    readFileSync(bundle, 'utf8')
      .split('\n')
      .forEach((text, i) => {
        const m = /^\/\/ ((?:src|scripts|node_modules)\/\S+)$/.exec(text);
        if (m !== null) starts.push([i + 1, m[1]!]);
      });
    const fileOf = (line: number) => starts.findLast(([from]) => from <= line)?.[1] ?? '(bundle)';
    // Samples by symbol. A JavaScript function is its name and its line in the bundle: the same
    // function compiled twice (optimised again after a deoptimisation) is one, two methods of one
    // name in one file are two.
    const bySymbol = new Map<string, { symbol: string; bundleLine: number | null; n: number }>();
    let samples = 0;
    for (const text of report.split('\n')) {
      const m = /^\s*[0-9.]+%\s+(\d+)\s+\[.\]\s+(.*\S)\s*$/.exec(text);
      if (m === null) continue;
      const n = Number(m[1]);
      let symbol = m[2]!,
        bundleLine: number | null = null;
      const js = /^JS:[*^~+]?(.*?) file:\S+:(\d+):\d+$/.exec(symbol);
      // Node's own JavaScript (node:path, node:internal/...) is not in the bundle: named by its
      // script and line, apart from the program's.
      const node = /^JS:[*^~+]?(.*?) (node:\S+:\d+):\d+$/.exec(symbol);
      if (js !== null) {
        bundleLine = Number(js[2]);
        symbol = `JS:${js[1] || '(anonymous)'} ${fileOf(bundleLine)}`;
      } else if (node !== null) symbol = `NodeJS:${node[1] || '(anonymous)'} ${node[2]}`;
      const key = bundleLine === null ? symbol : `${symbol}:${bundleLine}`;
      const seen = bySymbol.get(key);
      if (seen !== undefined) seen.n += n;
      else bySymbol.set(key, { symbol, bundleLine, n });
      samples += n;
    }
    const share = (n: number) => +((100 * n) / samples).toFixed(2);
    const ranked = [...bySymbol.values()].sort((a, b) => b.n - a.n);
    for (const { symbol, bundleLine, n } of ranked.slice(0, top))
      console.log(JSON.stringify({ share: share(n), symbol, ...(bundleLine === null ? {} : { bundleLine }) }));
    const byGroup = new Map<string, number>();
    for (const { symbol, n } of ranked) {
      const g = perfGroup(symbol);
      byGroup.set(g, (byGroup.get(g) ?? 0) + n);
    }
    const groups = Object.fromEntries([...byGroup].sort((a, b) => b[1] - a[1]).map(([g, n]) => [g, share(n)]));
    console.log(JSON.stringify({ mode: 'perf', calls, samples, groups }));
    return 'done';
  } catch (e) {
    if (interrupted || (e as { signal?: unknown }).signal === 'SIGINT') return 'interrupted';
    throw e;
  } finally {
    process.off('SIGINT', onInterrupt);
    rmSync(dir, { recursive: true, force: true });
  }
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b),
    m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** One measurement of a tree: what a pair compares (calls per second, or a whole process's seconds). */
interface TreeRun {
  value: number;
  peakRssMB: number;
  fingerprint: string | null;
}

/**
 * `rev` checked out in a temporary git worktree sharing this tree's node_modules (so a revision
 * whose lockfile differs runs with this tree's packages), with the benchmark's program bundled
 * there (for the command, its dist/ built); `done` removes it, also on an interrupt.
 */
function revisionTree(rev: string, what: 'model' | 'command'): { dir: string; done: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'cubesim-against-'));
  let added = false;
  const done = () => {
    process.off('SIGINT', interrupted);
    if (added) execFileSync('git', ['worktree', 'remove', '--force', dir], { cwd: root, stdio: 'ignore' });
    added = false;
    rmSync(dir, { recursive: true, force: true });
  };
  const interrupted = () => {
    done();
    process.exit(130);
  };
  process.once('SIGINT', interrupted);
  try {
    execFileSync('git', ['worktree', 'add', '--quiet', '--detach', dir, rev], {
      cwd: root,
      stdio: ['ignore', 'ignore', 'inherit'], // git's own line says what is wrong with the revision
    });
  } catch {
    done();
    console.error(`--rev ${rev}: git could not check it out (above)`);
    process.exit(2);
  }
  added = true;
  try {
    symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'), 'dir');
    if (what === 'model')
      buildSync({
        ...NODE_BUNDLE,
        absWorkingDir: dir,
        entryPoints: [join(dir, 'scripts/bench-run.ts')],
        outfile: join(dir, 'dist-bench/bench-run.mjs'),
      });
    else execFileSync(process.execPath, [join(dir, 'scripts/build-cli.mjs')], { cwd: dir, stdio: 'ignore' });
  } catch (err) {
    done();
    throw err;
  }
  return { dir, done };
}

/** One run of a tree: the benchmark's program (calls per second) or the command (seconds). */
async function runTree(dir: string, what: 'model' | 'command', calls: number): Promise<TreeRun> {
  if (what === 'command') {
    const experiment = join(dir, 'experiments/bench-w1.json');
    const c = await timeProcess(join(dir, 'bin/cubesim.mjs'), [
      'run',
      experiment,
      '--calls',
      String(calls),
      '--out',
      'run',
    ]);
    return { value: c.secs, peakRssMB: c.peakRssMB, fingerprint: null };
  }
  const { stdout } = await promisify(execFile)(process.execPath, [
    join(dir, 'dist-bench/bench-run.mjs'),
    String(calls),
  ]);
  const r = JSON.parse(stdout) as { callsPerSec: number; peakRssMB: number; fingerprint: string };
  return { value: r.callsPerSec, peakRssMB: r.peakRssMB, fingerprint: r.fingerprint };
}

/**
 * This tree against another revision, in pairs whose order alternates (this tree first in odd
 * pairs, the revision first in even ones) so that a drift of the shared machine weighs on both;
 * with `atOnce` the two of a pair run at the same time, side by side, so that both also see the
 * same moment (the same tree against itself, 10 pairs side by side on the 2-core machine: ratios
 * 0.87-1.19, median 0.992; take the median of many pairs). Prints each pair, then the medians,
 * the median of the pairs' ratios (this tree over the revision: above 1 is faster for calls per
 * second, slower for seconds), and whether every run printed the same fingerprint.
 */
async function against(rev: string, what: 'model' | 'command', calls: number, pairs: number, atOnce: boolean) {
  if (what === 'model') benchRunFile();
  else cliBuilt();
  const other = revisionTree(rev, what);
  try {
    const mine: TreeRun[] = [],
      theirs: TreeRun[] = [];
    for (let p = 1; p <= pairs; p++) {
      const order: Array<'this' | 'rev'> = p % 2 === 1 ? ['this', 'rev'] : ['rev', 'this'];
      const go = (t: 'this' | 'rev') => runTree(t === 'this' ? root : other.dir, what, calls);
      let a: TreeRun, b: TreeRun;
      if (atOnce) {
        // Both settle before anything is removed: a failed run does not orphan the other.
        const settled = await Promise.allSettled([go(order[0]!), go(order[1]!)]);
        for (const r of settled) if (r.status === 'rejected') throw r.reason;
        [a, b] = settled.map((r) => (r as PromiseFulfilledResult<TreeRun>).value) as [TreeRun, TreeRun];
      } else {
        a = await go(order[0]!);
        b = await go(order[1]!);
      }
      const [m, t] = order[0] === 'this' ? [a, b] : [b, a];
      mine.push(m);
      theirs.push(t);
      console.log(
        JSON.stringify({ pair: p, first: order[0], this: m, rev: t, ratio: +(m.value / t.value).toFixed(3) }),
      );
    }
    const unit = what === 'model' ? 'callsPerSec' : 'secs';
    const prints = new Set([...mine, ...theirs].map((r) => r.fingerprint));
    console.log(
      JSON.stringify({
        mode: 'against',
        rev,
        what,
        calls,
        pairs,
        atOnce,
        [`this_${unit}`]: +median(mine.map((r) => r.value)).toFixed(3),
        [`rev_${unit}`]: +median(theirs.map((r) => r.value)).toFixed(3),
        medianRatio: +median(mine.map((r, i) => r.value / theirs[i]!.value)).toFixed(3),
        thisPeakRssMB: +median(mine.map((r) => r.peakRssMB)).toFixed(1),
        revPeakRssMB: +median(theirs.map((r) => r.peakRssMB)).toFixed(1),
        sameFingerprint: what === 'model' ? prints.size === 1 : null,
      }),
    );
  } finally {
    other.done();
  }
}

/**
 * A count given as `--name N` (`fallback` when the flag is absent; the flag with nothing after it
 * is refused, not read as the default): a whole number, 1 or more, or one line and exit 2.
 */
function countArg(name: string, fallback: string, what: string): number {
  const given = arg(name, process.argv.includes(`--${name}`) ? '' : fallback);
  const n = Number(given);
  if (given === '' || !Number.isInteger(n) || n < 1) {
    console.error(`--${name} ${given}: a whole number of ${what}, 1 or more`);
    process.exit(2);
  }
  return n;
}

/** --repeats: how many times a mode that repeats runs each of its measurements. */
function repeatsArg(fallback: string): number {
  return countArg('repeats', fallback, 'runs');
}

const mode = arg('mode', 'speed');
const MODES = [
  'speed',
  'memory',
  'concurrency',
  'sweep',
  'bounds',
  'all',
  'working-set',
  'allocation',
  'perf',
  'against',
];
if (!MODES.includes(mode)) {
  console.error(`--mode ${mode}: one of ${MODES.join(', ')}`);
  process.exit(2);
}
// A bad --repeats is refused before anything runs (`--mode all` runs for a long time first).
if (process.argv.includes('--repeats')) repeatsArg('');
const calls = Number(arg('calls', '200000'));
if (mode === 'speed' || mode === 'all') await speed(calls);
if (mode === 'memory' || mode === 'all') memory();
if (mode === 'concurrency' || mode === 'all') concurrency(Number(arg('calls', '1000000')));
if (mode === 'sweep' || mode === 'all') await sweep(Math.min(calls, 50_000), repeatsArg('3'));
if (mode === 'bounds' || mode === 'all') bounds(calls);
if (mode === 'working-set') workingSet(calls, repeatsArg('2'));
if (mode === 'allocation') allocation(calls);
if (mode === 'perf') {
  const ended = await perfProfile(calls, countArg('top', '30', 'symbols'));
  if (ended === 'no perf') {
    console.error('--mode perf: needs Linux perf able to sample this user (Debian package linux-perf)');
    process.exit(2);
  }
  if (ended === 'interrupted') process.exit(130);
}
if (mode === 'against') {
  const rev = arg('rev', '');
  const what = arg('what', 'model');
  if (rev === '' || (what !== 'model' && what !== 'command')) {
    console.error('npm run bench -- --mode against --rev REV [--what model|command] [--pairs P] [--at-once]');
    process.exit(2);
  }
  await against(rev, what, calls, countArg('pairs', '5', 'pairs'), process.argv.includes('--at-once'));
}
