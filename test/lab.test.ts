// The lab: output analysis, sweeps, comparisons, the JSON Schema.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compare, firstDivergence, parseSide, loadSide } from '../src/experiment/compare.ts';
import { experimentJsonSchemaText } from '../src/experiment/json-schema.ts';
import { combine, runReplicationSync } from '../src/experiment/run.ts';
import { estimate, flatten } from '../src/experiment/statistics.ts';
import type { ReplicatedSummary } from '../src/results/summary.ts';
import { defaultWorkers, grid, parseParam, runSweep, shardOf, SMALL_SWEEP_CALLS } from '../src/experiment/sweep.ts';
import { load, readJson, type RunManifest } from './helpers.ts';

const tmp = () => mkdtempSync(join(tmpdir(), 'cubesim-lab-'));
const NO_FEATURES = ['video', 'hold', 'fax', 'transfer'].map((f) => `workload.features.${f}.probability=0`);

describe('confidence intervals', () => {
  it('match a hand-computed case', () => {
    // xs = 2, 4, 4, 4, 5, 5, 7, 9: mean 5, sample sd sqrt(32/7) = 2.13809, t(0.975, 7) = 2.364624
    // half-width = 2.364624 * 2.138090 / sqrt(8) = 1.787488
    const e = estimate([2, 4, 4, 4, 5, 5, 7, 9]);
    expect(e.mean).toBe(5);
    expect(e.halfWidth!).toBeCloseTo(1.787488, 5);
    expect(e.ci95![0]).toBeCloseTo(3.212512, 5);
    expect(e.ci95![1]).toBeCloseTo(6.787488, 5);
  });

  it('are absent with one replication', () => {
    expect(estimate([3])).toEqual({ mean: 3, halfWidth: null, ci95: null, n: 1 });
  });

  it('replications use independent seeds derived from the master seed, and the summary keeps its shape', () => {
    const loaded = load('quickstart', ['calls=200', 'replications=3']);
    const rs = [0, 1, 2].map((r) => runReplicationSync(loaded, r));
    expect(rs.map((r) => r.seed)).toEqual([1, '1/r1', '1/r2']);
    expect(new Set(rs.map((r) => r.fingerprint)).size).toBe(3);
    const s = combine(rs) as ReplicatedSummary;
    expect(s.replications).toBe(3);
    const completed = rs.map((r) => r.summary.calls.completed);
    expect(s.calls.completed.mean).toBeCloseTo(estimate(completed).mean, 6);
    expect(s.rejects.byCause).toEqual({});
  });
});

describe('warm-up', () => {
  it('leaves out calls that arrive before it', () => {
    const all = runReplicationSync(load('quickstart', ['calls=300']), 0).summary;
    const warm = runReplicationSync(load('quickstart', ['calls=300', 'warmup=120']), 0).summary;
    expect(warm.calls.offered).toBeLessThan(all.calls.offered);
    expect(warm.calls.offered).toBeGreaterThan(200);
    expect(warm.warmupSeconds).toBe(120);
  });
});

describe('sweeps', () => {
  it('parse values and build the grid, first parameter slowest', () => {
    expect(parseParam('a.b=1,2,3')).toEqual({ path: 'a.b', values: [1, 2, 3] });
    expect(parseParam('w.callers=[{"profile":"a"}],[{"profile":"b","weight":2}]').values).toEqual([
      [{ profile: 'a' }],
      [{ profile: 'b', weight: 2 }],
    ]);
    expect(
      grid([
        { path: 'x', values: [1, 2] },
        { path: 'y', values: ['p', 'q'] },
      ]),
    ).toEqual([
      { x: 1, y: 'p' },
      { x: 1, y: 'q' },
      { x: 2, y: 'p' },
      { x: 2, y: 'q' },
    ]);
    expect(shardOf(['a', 'b', 'c', 'd', 'e'], { index: 2, count: 2 })).toEqual([
      { point: 1, value: 'b' },
      { point: 3, value: 'd' },
    ]);
  });

  it('run a small sweep in one thread by default, a large one on a worker per core (at most one per point)', async () => {
    expect(defaultWorkers(8_000, 4, 2)).toBe(1);
    expect(defaultWorkers(SMALL_SWEEP_CALLS - 1, 50, 8)).toBe(1);
    expect(defaultWorkers(SMALL_SWEEP_CALLS, 50, 8)).toBe(8);
    expect(defaultWorkers(1_000_000, 3, 8)).toBe(3);
    expect(defaultWorkers(1_000_000, 4, 1)).toBe(1);
    const small = await runSweep('experiments/quickstart.json', {
      params: [parseParam('calls=20,30')],
      out: join(tmp(), 's'),
    });
    expect(small.workers).toBe(1);
  });

  it('give the same sweep.csv with 1 and 2 workers', async () => {
    const opts = {
      params: [
        parseParam('workload.arrivals.rate=0.2,0.5'),
        parseParam('endpoints.cucm.timer.sessionExpires=1800,3600'),
      ],
      set: ['calls=150', 'replications=2'],
    };
    const one = await runSweep('experiments/quickstart.json', { ...opts, workers: 1, out: join(tmp(), 's') });
    const two = await runSweep('experiments/quickstart.json', { ...opts, workers: 2, out: join(tmp(), 's') });
    const csv = readFileSync(join(one.dir!, 'sweep.csv'), 'utf8');
    expect(readFileSync(join(two.dir!, 'sweep.csv'), 'utf8')).toBe(csv);
    const lines = csv.trim().split('\n');
    expect(lines).toHaveLength(5);
    expect(lines[0]).toMatch(
      /^point,workload\.arrivals\.rate,endpoints\.cucm\.timer\.sessionExpires,.*calls\.completed,calls\.completed\.ci95/,
    );
  });
});

describe('compare', () => {
  it('reports no changed call for two identical configurations', () => {
    const a = loadSide('experiments/quickstart.json', parseSide('A', ['experiments/configs/passthru.ios']), {
      set: ['calls=300'],
    });
    const b = loadSide('experiments/quickstart.json', parseSide('B', ['experiments/configs/passthru.ios']), {
      set: ['calls=300'],
    });
    const c = compare(a, b);
    expect(c.changed).toEqual([]);
    expect(c.fingerprints.a).toEqual(c.fingerprints.b);
    expect(Object.values(c.deltas).every((d) => d.delta === 0)).toBe(true);
  });

  it('finds exactly the calls that change fate in a constructed case, and where they part', () => {
    // Calls of fixed length 2000 s need one refresh at 900 s to live: on 12.4(11)T the border
    // element answers it itself and the callee hangs up at 1768 s; 600 s calls never need it.
    // Calls with an odd index are long: they, and only they, change fate.
    const set = [...NO_FEATURES, 'calls=40', 'workload.holding={"distribution":"fixed","value":600}'];
    const a = loadSide('experiments/quickstart.json', parseSide('A', []), { set });
    const b = loadSide(
      'experiments/quickstart.json',
      parseSide('B', ['platform=isr-12.4-11T', 'experiments/configs/pre-xz.ios']),
      { set },
    );
    expect(compare(a, b).changed).toEqual([]);
    const longA = loadSide('experiments/quickstart.json', parseSide('A', []), {
      set: [...set, 'workload.holding={"distribution":"fixed","value":2000}'],
    });
    const longB = loadSide(
      'experiments/quickstart.json',
      parseSide('B', ['platform=isr-12.4-11T', 'experiments/configs/pre-xz.ios']),
      { set: [...set, 'workload.holding={"distribution":"fixed","value":2000}'] },
    );
    const c = compare(longA, longB);
    expect(c.changed.map((x) => x.call)).toEqual([...Array(40).keys()]);
    for (const x of c.changed) {
      expect(x.a.outcome).toBe('completed');
      expect([x.b.outcome, x.b.cause, x.b.leg, x.b.side]).toEqual(['dropped', 'session-expired', 'outbound', 'callee']);
      // the first difference is the refresh: relayed to the callee in A, answered by the border element in B
      expect(x.divergence!.a).toMatch(/cube-out>callee INVITE \(refresh\)/);
      expect(x.divergence!.b).toMatch(/cube-in>caller 200 OK \(refresh\)/);
    }
  });

  it('firstDivergence is null for identical ladders', () => {
    expect(firstDivergence([], [])).toBeNull();
  });
});

describe('JSON Schema for editors', () => {
  it('the committed file is what the schema generates (npm run schema)', () => {
    expect(readFileSync('experiments/schema/experiment.schema.json', 'utf8')).toBe(experimentJsonSchemaText());
  });
});

describe('fingerprint', () => {
  it('is in the manifest and changes when behaviour changes', () => {
    const base = runReplicationSync(load('quickstart', ['calls=100']), 0).fingerprint;
    expect(runReplicationSync(load('quickstart', ['calls=100']), 0).fingerprint).toBe(base);
    expect(
      runReplicationSync(load('quickstart', ['calls=100', 'network.inbound.latency=0.021']), 0).fingerprint,
    ).not.toBe(base);
  });
  void flatten;
  void writeFileSync;
});

describe('manifest.json', () => {
  it('holds enough to replay the run: the same fingerprint', async () => {
    const { runExperiment } = await import('../src/experiment/run.ts');
    const { loadFromManifest } = await import('../src/experiment/load.ts');
    const dir = join(tmp(), 'r');
    const res = await runExperiment(load('teach-f3-glare-hangup', ['calls=150']), { out: dir });
    const manifest = readJson<RunManifest>(join(res.dir, 'manifest.json'));
    expect(runReplicationSync(loadFromManifest(res.dir), 0).fingerprint).toBe(manifest.fingerprint);
  });
});

describe('sharded sweeps', () => {
  it('merged shards give the same results as one run', async () => {
    const { mergeSweeps } = await import('../src/experiment/sweep.ts');
    const params = [
      parseParam('workload.arrivals.rate=0.2,0.5,1'),
      parseParam('endpoints.cucm.timer.sessionExpires=1800,3600'),
    ];
    const set = ['calls=80'];
    const whole = await runSweep('experiments/quickstart.json', { params, set, workers: 1, out: join(tmp(), 'w') });
    const base = tmp();
    const shards: string[] = [];
    for (const index of [1, 2, 3])
      shards.push(
        (
          await runSweep('experiments/quickstart.json', {
            params,
            set,
            workers: 1,
            shard: { index, count: 3 },
            out: join(base, `s${index}`),
          })
        ).dir!,
      );
    const merged = mergeSweeps([shards[2]!, shards[0]!, shards[1]!], join(tmp(), 'm'), false);
    expect(merged.rows).toBe(6);
    for (const f of ['sweep.csv', 'sweep.json'])
      expect(readFileSync(join(merged.dir, f), 'utf8')).toBe(readFileSync(join(whole.dir!, f), 'utf8'));
    expect(() => mergeSweeps([shards[0]!, shards[1]!], join(tmp(), 'm'), false)).toThrow(
      /points 2, 5 are in none of the folders/,
    );
  });
});
