// The lab's commands as a user runs them.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ReplicatedSummary, Summary } from '../src/results/summary.ts';
import type { CompareReport } from '../src/report/data.ts';
import { readJson, type RunManifest } from './helpers.ts';

function cubesim(args: string[]) {
  const r = spawnSync(process.execPath, ['bin/cubesim.mjs', ...args], { encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}
const out = () => join(mkdtempSync(join(tmpdir(), 'cubesim-lab-cli-')), 'r');

describe('cubesim trace', () => {
  it('draws the known ladder of a call dropped at its expiry instant', () => {
    const r = cubesim([
      'trace',
      'experiments/pre-xz.json',
      '--call',
      '3',
      '--width',
      '110',
      '--set',
      'workload.holding={"distribution":"fixed","value":2000}',
      '--set',
      'workload.features.hold.probability=0',
      '--set',
      'workload.features.video.probability=0',
    ]);
    expect(r.code).toBe(0);
    const rows = r.out
      .split('\n')
      .filter((l) => /--/.test(l) && /INVITE|OK|ACK|BYE|Ringing/.test(l))
      .map((l) =>
        l
          .replace(/^\s*[\d.]+\s+\+[\d.]+\s+/, '')
          .replace(/\s+/g, ' ')
          .trim(),
      );
    expect(
      rows.map((l) =>
        l
          .replace(/[|<>-]+/g, ' ')
          .replace(/\s+/g, ' ')
          .trim()
          .replace(/ SE=.*$/, ''),
      ),
    ).toEqual([
      'INVITE (setup)',
      'INVITE (setup)',
      '180 Ringing',
      '180 Ringing',
      '200 OK',
      'ACK',
      '200 OK',
      'ACK',
      'INVITE (refresh)',
      '200 OK',
      'ACK',
      'BYE',
      '200 OK',
      'BYE',
      '200 OK',
    ]);
    expect(r.out).toContain('dropped: session-expired (outbound leg, BYE by callee)');
    // The instant itself: the callee (the non-refresher, never refreshed since pre-xz answers the
    // caller's refresh on its own leg) gives up at its 200 OK + SE - min(32, SE/3) = 6.911 + 1768
    // (RFC 4028 §10), and the BYE leaves at that moment.
    const at = (text: string) =>
      r.out
        .split('\n')
        .find((l) => l.includes(text))
        ?.trim()
        .split(/\s+/)[0];
    expect(r.out).toMatch(/^ {3}6\.911 +\+2\.979 +\| +timer 1800 s, BYE at 1774\.91 unless refreshed \*$/m);
    expect(r.out).toMatch(/^ {3}6\.911 +\+0\.000 +\|.*<-+ 200 OK -+\| +SE=1800;uac$/m);
    expect(at('* expired: hanging up')).toBe('1774.911');
    expect(r.out).toMatch(/^1774\.911 +\+0\.000 +\|.*<-+ BYE -+\|$/m);
    expect(r.out).toContain('== dropped: session-expired (outbound leg, BYE by callee) at 1774.911 s ==');
  });

  it('writes JSON with every entry', () => {
    const r = cubesim(['trace', 'experiments/quickstart.json', '--call', '0', '--format', 'json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out) as { call: { index: number }; entries: unknown[] };
    expect(j.call.index).toBe(0);
    expect(j.entries.length).toBeGreaterThan(10);
  });

  it('refuses a call the experiment does not have', () => {
    const r = cubesim(['trace', 'experiments/quickstart.json', '--call', '10000']);
    expect(r.code).toBe(2);
    expect(r.err.trim()).toBe('cubesim: --call: got 10000; allowed: 0-9999 (the experiment offers 10000 calls)');
  });
});

describe('cubesim sweep', () => {
  it('writes one row per point', () => {
    const dir = out();
    const r = cubesim([
      'sweep',
      'experiments/quickstart.json',
      '--param',
      'workload.arrivals.rate=0.2,0.4',
      '--calls',
      '100',
      '--workers',
      '1',
      '--out',
      dir,
    ]);
    expect(r.code).toBe(0);
    expect(r.out).toContain('cubesim sweep: 2 points on 1 worker');
    expect(readFileSync(join(dir, 'sweep.csv'), 'utf8').trim().split('\n')).toHaveLength(3);
  });

  it('checks every point before running any', () => {
    const dir = out();
    const r = cubesim([
      'sweep',
      'experiments/quickstart.json',
      '--param',
      'workload.holding.mean=300,-1',
      '--out',
      dir,
    ]);
    expect(r.code).toBe(2);
    expect(r.err).toContain('field workload.holding.mean: got -1');
    expect(existsSync(dir)).toBe(false);
  });
});

describe('cubesim compare', () => {
  it('shows which calls changed fate when passthru is removed, and why', () => {
    const dir = out();
    const r = cubesim([
      'compare',
      'experiments/quickstart.json',
      '--a',
      'experiments/configs/passthru.ios',
      '--b',
      'experiments/configs/no-midcall.ios',
      '--calls',
      '300',
      '--out',
      dir,
    ]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/300 in each run; \d+ changed fate/);
    expect(r.out).toContain('x  completed normal-clearing in both; hold succeeded -> failed 488');
    expect(r.out).toContain('488 Not Acceptable Here (hold)');
    const j = readJson<Omit<CompareReport, 'changed'>>(join(dir, 'compare.json'));
    expect(j.a.midcallSignaling).toBe('passthru');
    expect(j.b.midcallSignaling).toBe('none');
    expect(readFileSync(join(dir, 'changed-calls.csv'), 'utf8').split('\n')[0]).toMatch(/^replication,call,outcome_a/);
  });
});

describe('cubesim lint', () => {
  it('warns before anything runs, and exits 1 on errors', () => {
    const r = cubesim(['lint', 'experiments/configs/passthru.ios', '--endpoints', 'cucm,jssip']);
    expect(r.code).toBe(1);
    expect(r.out).toContain(
      'error [min-se-422] Min-SE 1800 toward jssip, which offers Session-Expires 90 and never retries after 422: every call from jssip fails setup with 422',
    );
  });

  it('names an unknown profile', () => {
    const r = cubesim(['lint', 'experiments/configs/passthru.ios', '--endpoints', 'jsip']);
    expect(r.code).toBe(2);
    expect(r.err.trim()).toBe(
      'cubesim: --endpoints: unknown endpoint profile "jsip"; allowed: cucm, freeswitch, itsp-trunk, jssip, legacy-pbx, pjsip; did you mean "jssip"?',
    );
  });
});

describe('cubesim run with replications', () => {
  it('writes means with confidence intervals and replications.csv', () => {
    const dir = out();
    const r = cubesim(['run', 'experiments/quickstart.json', '--calls', '150', '--replications', '3', '--out', dir]);
    expect(r.code).toBe(0);
    const s = readJson<ReplicatedSummary>(join(dir, 'summary.json'));
    expect(s.replications).toBe(3);
    expect(s.calls.completed.ci95).toHaveLength(2);
    expect(readFileSync(join(dir, 'replications.csv'), 'utf8').trim().split('\n')).toHaveLength(4);
    expect(readFileSync(join(dir, 'timeseries.csv'), 'utf8').split('\n')[0]).toBe(
      'replication,t_start_s,t_end_s,active_calls,call_attempts,refresh_tps_inbound,refresh_tps_outbound,reinvites_relayed,reinvites_answered_locally,cpu_utilisation,drops,rejects',
    );
    const m = readJson<RunManifest>(join(dir, 'manifest.json'));
    expect(m.replications).toHaveLength(3);
    expect(m.fingerprint).toMatch(/^[0-9a-f]{16}(:[0-9a-f]{16}){2}$/);
  });
});

describe('cubesim run --until', () => {
  it('stops at that simulated time and reports the calls still active', () => {
    const dir = out();
    const r = cubesim(['run', 'experiments/quickstart.json', '--until', '600', '--out', dir]);
    expect(r.code).toBe(0);
    const s = readJson<Summary>(join(dir, 'summary.json'));
    expect(s.simulatedSeconds).toBe(600);
    expect(s.calls.active).toBeGreaterThan(0);
    expect(s.calls.offered).toBe(s.calls.completed + s.calls.rejected + s.calls.dropped + s.calls.active);
  });
});
