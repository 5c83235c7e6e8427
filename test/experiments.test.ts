// The shipped experiments (experiments/*.json) against what they promise. Every file in the
// folder is picked up: it must say what it is for (`description`) and what to look at in its
// results (`lookAt`), it must load, and the claim of its lookAt is checked on a run in memory,
// scaled down where the claim does not depend on the scale. A file added later without a check
// of its own still gets the first two and a small smoke run.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Call } from '../src/elements/call.ts';
import type { LoadedExperiment } from '../src/experiment/load.ts';
import { runReplicationSync } from '../src/experiment/run.ts';
import type { Summary } from '../src/results/summary.ts';
import { load, run, type Ran } from './helpers.ts';

const DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'experiments');
const NAMES = readdirSync(DIR)
  .filter((f) => f.endsWith('.json'))
  .map((f) => f.slice(0, -'.json'.length))
  .sort();

const MIN_SE_90 = 'experiments/configs/min-se-90.ios';

function raw(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(join(DIR, `${name}.json`), 'utf8')) as Record<string, unknown>;
}

const count = (m: Record<string, number>, k: string): number => m[k] ?? 0;
const sum = (m: Record<string, number>): number => Object.values(m).reduce((a, b) => a + b, 0);
const dropped = (r: Ran): Call[] => r.calls.filter((c) => c.outcome === 'dropped');
const lifetime = (c: Call): number => c.endedAt - c.answeredAt;

/** Every drop of the run has this cause, leg and side; returns how many there were. */
function allDropsAre(s: Summary, cause: string, leg: string, side: string): number {
  const n = s.calls.dropped;
  expect(s.drops.byCause).toEqual({ [cause]: n });
  expect(s.drops.byLeg).toEqual({ [leg]: n });
  expect(s.drops.bySide).toEqual({ [side]: n });
  return n;
}

// ---- time series and the refresh-load formula -------------------------------------------------

interface Sample {
  tStart: number;
  tEnd: number;
  activeCalls: number;
  refreshIn: number;
  refreshOut: number;
}

/** Runs replication 0 keeping the one-minute time series (what timeseries.csv holds). */
function runSampled(loaded: LoadedExperiment): { summary: Summary; samples: Sample[] } {
  const samples: Sample[] = [];
  const r = runReplicationSync(loaded, 0, {
    interval: 60,
    onSample: (row) =>
      samples.push({
        tStart: row.tStart,
        tEnd: row.tEnd,
        activeCalls: row.activeCalls,
        refreshIn: row.refreshTpsInbound,
        refreshOut: row.refreshTpsOutbound,
      }),
  });
  return { summary: r.summary, samples };
}

/**
 * anchors.md D: refresh transactions/s = N_active x legs_with_timer / (SE/2), with N_active the
 * mean concurrency after the warm-up, against the simulator's relayed refreshes on both legs.
 */
function refreshLoadAgainstFormula(
  loaded: LoadedExperiment,
  sessionExpires: number,
): { ratio: number; concurrency: number } {
  const { summary, samples } = runSampled(loaded);
  const warmup = loaded.experiment.warmup;
  const window = samples.filter((s) => s.tStart >= warmup && s.tEnd - s.tStart > 0);
  expect(window.length).toBeGreaterThan(10);
  const concurrency = window.reduce((a, s) => a + s.activeCalls, 0) / window.length;
  const formula = (concurrency * 2) / (sessionExpires / 2);
  const r = summary.borderElement.refreshTransactionsPerSecond;
  expect(r.inbound).toBeCloseTo(r.outbound, 1); // passthru: every refresh crosses both legs
  expect(summary.calls.rejected + summary.calls.dropped).toBe(0);
  return { ratio: (r.inbound + r.outbound) / formula, concurrency };
}

/** The offered concurrency (arrival rate x mean holding) as a share of the platform's session limit. */
function offeredShareOfLimit(name: string): number {
  const l = load(name);
  const w = l.experiment.workload;
  const h = w.holding;
  const mean = h.distribution === 'fixed' ? h.value : h.mean;
  return (w.arrivals.rate * mean) / l.spec.platform.capacity.maxSessions.value;
}

// ---- what each experiment's lookAt claims ----------------------------------------------------

const CHECKS: Record<string, () => void> = {
  quickstart: () => {
    const s = run(load('quickstart', ['calls=1000'])).summary;
    expect(count(s.drops.byCause, 'session-expired')).toBe(0);
    expect(s.reinvites.relayed).toBe(s.reinvites.received);
    for (const f of ['video', 'hold', 'fax', 'transfer'] as const) {
      expect(s.features[f].attempted).toBeGreaterThan(0);
      expect(s.features[f].failed).toBe(0);
    }
  },

  'no-midcall': () => {
    const r = run(load('no-midcall', ['calls=1000']));
    const s = r.summary;
    for (const f of ['video', 'hold'] as const) {
      expect(s.features[f].attempted).toBeGreaterThan(0);
      expect(s.features[f].succeeded).toBe(0);
    }
    expect(
      r.calls
        .flatMap((c) => c.features)
        .filter((f) => f.feature === 'video' || f.feature === 'hold')
        .every((f) => f.reason === '488'),
    ).toBe(true);
    expect(s.reinvites.rejected).toBeGreaterThan(0);
    expect(s.features.fax.failed + s.features.transfer.failed + s.refreshes.failed + s.calls.dropped).toBe(0);
  },

  'pre-xz': () => {
    const r = run(load('pre-xz', ['calls=1000']));
    allDropsAre(r.summary, 'session-expired', 'outbound', 'callee');
    for (const c of dropped(r)) expect(lifetime(c)).toBeGreaterThanOrEqual(1768 - 1e-6);
    // a relayed T.38 re-INVITE restarts the callee's timer, so the exact rule holds for calls without fax
    const plain = r.calls.filter((c) => !c.plannedFeatures.some((f) => f.feature === 'fax'));
    let long = 0;
    for (const c of plain) {
      const expires = c.holding > 1768;
      if (expires) long++;
      expect(c.outcome).toBe(expires ? 'dropped' : 'completed');
      if (expires) expect(lifetime(c)).toBeCloseTo(1768, 6);
    }
    expect(long).toBeGreaterThan(50);
  },

  'bench-w1': () => {
    // the workload at a smaller number of calls: nothing rejected or dropped, a refresh every 90 s
    const s = run(load('bench-w1', ['calls=2000'])).summary;
    expect(s.calls.rejected + s.calls.dropped).toBe(0);
    const perCall = 300 / 90; // the lookAt's figure; each call's last part-interval is not refreshed
    expect(s.refreshes.sent / s.calls.offered).toBeGreaterThan(0.75 * perCall);
    expect(s.refreshes.sent / s.calls.offered).toBeLessThan(1.05 * perCall);
  },

  'teach-f1-refresh-consumed': () => {
    const r = run(load('teach-f1-refresh-consumed'));
    const s = r.summary;
    const n = allDropsAre(s, 'session-expired', 'outbound', 'callee');
    expect(n).toBeGreaterThan(50);
    expect(s.reinvites.answeredLocally).toBeGreaterThan(n);
    expect(s.reinvites.relayed).toBe(0);
    expect(s.refreshes.failed).toBe(0);
    for (const c of r.calls) {
      expect(c.outcome).toBe(c.holding > 1768 ? 'dropped' : 'completed');
      if (c.outcome === 'dropped') expect(lifetime(c)).toBeCloseTo(1768, 6);
    }
  },

  'teach-f2-nobody-refreshes': () => {
    const r = run(load('teach-f2-nobody-refreshes'));
    const s = r.summary;
    expect(allDropsAre(s, 'session-expired', 'inbound', 'caller')).toBeGreaterThan(50);
    expect(s.refreshes.sent).toBe(0);
    expect(s.reinvites.received).toBe(0);
    expect(r.calls.every((c) => c.outbound.refresher === 'callee')).toBe(true);
    for (const c of dropped(r)) {
      expect(lifetime(c)).toBeGreaterThan(1768);
      expect(lifetime(c)).toBeLessThan(1768.1);
    }
  },

  'teach-f3-glare-hangup': () => {
    const r = run(load('teach-f3-glare-hangup'));
    const s = r.summary;
    const n = allDropsAre(s, 'refresh-glare', 'outbound', 'callee');
    expect(n).toBeGreaterThan(20);
    expect(s.reinvites.glare).toBeGreaterThanOrEqual(2 * n);
    expect(s.reinvites.retried).toBeGreaterThan(0);
    expect(s.refreshes.failed).toBe(n);
    for (const c of dropped(r)) {
      expect(c.status).toBe(491);
      expect(lifetime(c)).toBeGreaterThan(1800); // the second refresh round, when both refresh
      expect(lifetime(c)).toBeLessThan(1801);
    }
    expect(r.calls.some((c) => c.holding > 1801 && c.outcome === 'completed')).toBe(true); // the caller lost the race and backed off
    // the same role flip with a callee that backs off instead of hanging up: glare, no drops
    const ok = run(load('teach-f3-glare-hangup', ['endpoints.pjsip.defects=["dialog-role-refresher-token"]'])).summary;
    expect(ok.reinvites.glare).toBeGreaterThan(0);
    expect(ok.calls.dropped).toBe(0);
  },

  'teach-f4-refresh-vs-hold': () => {
    const r = run(load('teach-f4-refresh-vs-hold', ['calls=1000']));
    const s = r.summary;
    expect(s.refreshes.skipped).toBeGreaterThan(0);
    expect(allDropsAre(s, 'session-expired', 'outbound', 'callee')).toBeGreaterThan(0);
    expect(s.calls.dropped).toBeLessThanOrEqual(s.refreshes.skipped);
    for (const f of ['video', 'hold'] as const) {
      expect(s.features[f].attempted).toBeGreaterThan(0);
      expect(s.features[f].succeeded).toBe(0);
    }
    // without the defect the same collisions only postpone the refresh
    const fixed = run(load('teach-f4-refresh-vs-hold', ['calls=1000', 'endpoints.jssip.defects=[]'])).summary;
    expect(fixed.refreshes.skipped).toBe(0);
    expect(fixed.refreshes.postponed).toBeGreaterThan(0);
    expect(fixed.calls.dropped).toBe(0);
  },

  'teach-f7-update-unanswered': () => {
    const r = run(load('teach-f7-update-unanswered', ['calls=100']));
    const s = r.summary;
    expect(allDropsAre(s, 'refresh-timeout', 'inbound', 'caller')).toBe(100);
    expect(s.refreshes.failed).toBe(s.refreshes.sent);
    for (const c of r.calls) {
      expect(c.status).toBe(408);
      expect(lifetime(c)).toBeCloseTo(45 + 32 + 0.04, 1); // refresh at SE/2, then Timer F = 64 x T1
    }
  },

  'teach-f8-422-not-retried': () => {
    const r = run(load('teach-f8-422-not-retried'));
    const s = r.summary;
    expect(s.calls.rejected).toBeGreaterThan(0);
    expect(s.rejects.byCause).toEqual({ '422-unresolved': s.calls.rejected });
    expect(s.calls.dropped).toBe(0);
    for (const c of r.calls) {
      if (c.callerProfile === 'jssip') {
        expect([c.outcome, c.cause, c.attempts]).toEqual(['rejected', '422-unresolved', 1]);
      } else {
        expect([c.outcome, c.attempts, c.inbound.sessionExpires, c.outbound.sessionExpires]).toEqual([
          'completed',
          2,
          1800,
          1800,
        ]);
      }
    }
    // min-se 90 on CUBE alone: the CUCM callee's own Min-SE 1800 still refuses JsSIP's 90 s
    const cubeOnly = run(load('teach-f8-422-not-retried', ['calls=100'], { config: MIN_SE_90 }));
    expect(cubeOnly.summary.rejects.byCause).toEqual({
      '422-unresolved': cubeOnly.calls.filter((c) => c.callerProfile === 'jssip').length,
    });
    const bothHops = run(
      load('teach-f8-422-not-retried', ['calls=100', 'endpoints.cucm.timer.minSe=90'], { config: MIN_SE_90 }),
    ).summary;
    expect(bothHops.calls.rejected).toBe(0);
  },

  'teach-f10-lossy-refresh': () => {
    const s = run(load('teach-f10-lossy-refresh', ['calls=500'])).summary;
    expect(count(s.drops.byCause, 'refresh-timeout')).toBeGreaterThan(5);
    expect(count(s.drops.byCause, 'refresh-timeout')).toBeGreaterThan(s.calls.dropped / 2); // the main cause
    expect(s.refreshes.failed).toBeGreaterThan(0);
    expect(s.messages.lost).toBeGreaterThan(0);
    const mild = run(load('teach-f10-lossy-refresh', ['calls=500', 'network.outbound.loss=0.05'])).summary;
    expect(mild.refreshes.failed).toBe(0);
    expect(count(mild.drops.byCause, 'refresh-timeout')).toBe(0);
  },

  'teach-f13-reinvite-refused': () => {
    const r = run(load('teach-f13-reinvite-refused', ['calls=100']));
    const s = r.summary;
    expect(allDropsAre(s, 'session-expired', 'outbound', 'callee')).toBeGreaterThan(90);
    expect(s.refreshes.sent).toBeGreaterThan(0);
    expect(s.refreshes.failed).toBe(s.refreshes.sent);
    for (const c of dropped(r)) expect(lifetime(c)).toBeCloseTo(99, 6); // JsSIP gives up at 1.1 x SE
  },

  'teach-f16-one-leg-expires': () => {
    const r = run(load('teach-f16-one-leg-expires'));
    const s = r.summary;
    expect(allDropsAre(s, 'session-expired', 'inbound', 'caller')).toBeGreaterThan(50);
    expect(s.reinvites.answeredLocally).toBeGreaterThan(0);
    expect(s.borderElement.refreshTransactionsPerSecond.inbound).toBe(0);
    expect(s.borderElement.refreshTransactionsPerSecond.outbound).toBeGreaterThan(0);
    expect(r.calls.every((c) => c.inbound.refresher === 'border-element' && c.outbound.refresher === 'callee')).toBe(
      true,
    );
    for (const c of r.calls) {
      expect(c.outcome).toBe(c.holding > 1768.04 ? 'dropped' : 'completed');
      if (c.outcome === 'dropped') expect(lifetime(c)).toBeCloseTo(1768.04, 1);
    }
  },

  'capacity-refresh-load-isr': () => {
    expect(offeredShareOfLimit('capacity-refresh-load-isr')).toBeGreaterThan(0.8);
    const { ratio, concurrency } = refreshLoadAgainstFormula(load('capacity-refresh-load-isr'), 1800);
    expect(concurrency).toBeGreaterThan(600);
    expect(ratio).toBeGreaterThan(0.85);
    expect(ratio).toBeLessThan(1.15);
  },

  'capacity-refresh-load-isr-se90': () => {
    expect(offeredShareOfLimit('capacity-refresh-load-isr-se90')).toBeGreaterThan(0.8);
    const { ratio } = refreshLoadAgainstFormula(load('capacity-refresh-load-isr-se90', ['until=2700']), 90);
    expect(ratio).toBeGreaterThan(0.85);
    expect(ratio).toBeLessThan(1.15);
  },

  // The ASR runs at a tenth of the arrival rate: the formula's ratio does not depend on the scale.
  'capacity-refresh-load-asr': () => {
    expect(offeredShareOfLimit('capacity-refresh-load-asr')).toBeGreaterThan(0.8);
    expect(offeredShareOfLimit('capacity-refresh-load-asr')).toBeLessThan(0.95);
    const { ratio } = refreshLoadAgainstFormula(
      load('capacity-refresh-load-asr', ['workload.arrivals.rate=0.13']),
      1800,
    );
    expect(ratio).toBeGreaterThan(0.85);
    expect(ratio).toBeLessThan(1.15);
  },

  'capacity-refresh-load-asr-se90': () => {
    expect(offeredShareOfLimit('capacity-refresh-load-asr-se90')).toBeGreaterThan(0.8);
    expect(offeredShareOfLimit('capacity-refresh-load-asr-se90')).toBeLessThan(0.95);
    const { ratio } = refreshLoadAgainstFormula(
      load('capacity-refresh-load-asr-se90', ['workload.arrivals.rate=1.15', 'until=2700']),
      90,
    );
    expect(ratio).toBeGreaterThan(0.85);
    expect(ratio).toBeLessThan(1.15);
  },

  'capacity-refresh-echo': () => {
    const { summary, samples } = runSampled(load('capacity-refresh-echo'));
    expect(summary.calls.rejected + summary.calls.dropped).toBe(0);
    const rate = (from: number, to: number): number => {
      const rows = samples.filter((s) => s.tStart >= from && s.tEnd <= to);
      expect(rows.length).toBeGreaterThan(0);
      return rows.reduce((a, s) => a + s.refreshIn, 0) / rows.length;
    };
    const NINE = 9 * 3600;
    const before = rate(NINE - 1800, NINE + 840);
    const echo = [1, 2, 3, 4].map((k) => rate(NINE + 900 * k + 60, NINE + 900 * k + 300));
    const between = [1, 2, 3].map((k) => rate(NINE + 900 * k + 420, NINE + 900 * k + 840));
    for (let k = 0; k < 3; k++) expect(echo[k]!).toBeGreaterThan(4 * Math.max(between[k]!, before));
    expect(echo[3]!).toBeGreaterThan(2 * before);
    expect(echo[0]!).toBeGreaterThan(echo[3]!); // holding times spread the burst out
  },

  'capacity-admission-limit': () => {
    const r = run(load('capacity-admission-limit'));
    const s = r.summary;
    expect(s.calls.rejected).toBeGreaterThan(0);
    expect(Object.keys(s.rejects.byCause).every((k) => k.startsWith('admission-'))).toBe(true);
    expect(count(s.rejects.byCause, 'admission-cps')).toBeGreaterThan(0);
    expect(count(s.rejects.byCause, 'admission-sessions')).toBeGreaterThan(0);
    expect(sum(s.rejects.byCause)).toBe(s.calls.rejected);
    expect(s.calls.dropped).toBe(0);
    expect(r.calls.filter((c) => c.outcome === 'rejected').every((c) => c.status === 503)).toBe(true);
  },

  'regression-passthru-vs-none': () => {
    const a = run(load('regression-passthru-vs-none', ['calls=1000']));
    const b = run(
      load('regression-passthru-vs-none', ['calls=1000'], { config: 'experiments/configs/no-midcall.ios' }),
    );
    expect(a.summary.calls.dropped + b.summary.calls.dropped).toBe(0);
    for (const f of ['video', 'hold', 'fax', 'transfer'] as const) expect(a.summary.features[f].failed).toBe(0);
    for (const f of ['video', 'hold'] as const) {
      expect(b.summary.features[f].attempted).toBeGreaterThan(0);
      expect(b.summary.features[f].succeeded).toBe(0);
    }
    expect(b.summary.features.fax.failed + b.summary.features.transfer.failed).toBe(0);
    expect(
      b.calls
        .flatMap((c) => c.features)
        .filter((f) => f.status === 'failed')
        .every((f) => f.reason === '488'),
    ).toBe(true);
    // the same calls on both sides (common random numbers)
    expect(b.calls.map((c) => [c.arrivalAt, c.holding, c.plannedFeatures.length])).toEqual(
      a.calls.map((c) => [c.arrivalAt, c.holding, c.plannedFeatures.length]),
    );
  },

  'regression-12.4-20T-vs-pre-xz': () => {
    const a = run(load('regression-12.4-20T-vs-pre-xz', ['calls=1000']));
    const b = run(
      load('regression-12.4-20T-vs-pre-xz', ['calls=1000'], {
        platform: 'isr-12.4-11T',
        config: 'experiments/configs/pre-xz.ios',
      }),
    );
    expect(a.summary.calls.dropped).toBe(0);
    expect(a.summary.features.video.failed + a.summary.features.hold.failed).toBe(0);
    expect(allDropsAre(b.summary, 'session-expired', 'outbound', 'callee')).toBeGreaterThan(50);
    expect(b.summary.features.video.succeeded + b.summary.features.hold.succeeded).toBe(0);
    expect(b.calls.map((c) => [c.arrivalAt, c.holding])).toEqual(a.calls.map((c) => [c.arrivalAt, c.holding]));
  },
};

/** For an experiment without a check of its own: it runs, small, and offers calls. */
function smoke(name: string): void {
  const e = raw(name);
  const set = typeof e['calls'] === 'number' ? [`calls=${Math.min(e['calls'], 200)}`] : ['until=1800', 'warmup=0'];
  const s = run(load(name, [...set, 'replications=1'])).summary;
  expect(s.calls.offered).toBeGreaterThan(0);
}

describe('every shipped experiment', () => {
  it('the folder has experiments in it', () => {
    expect(NAMES.length).toBeGreaterThan(3);
  });

  it.each(NAMES)('%s: says what it is for and what to look at, and loads', (name) => {
    const e = raw(name);
    expect(e['name']).toBe(name);
    for (const field of ['description', 'lookAt']) {
      expect(typeof e[field], field).toBe('string');
      expect((e[field] as string).trim().length, field).toBeGreaterThan(20);
    }
    expect(() => load(name)).not.toThrow();
  });

  it.each(NAMES)('%s: what its lookAt says', (name) => {
    (CHECKS[name] ?? (() => smoke(name)))();
  });
});

describe('the teaching experiments', () => {
  it('cover the failure modes F1, F2, F3, F4, F7, F8, F10 and F16, each at most 2000 calls', () => {
    for (const f of ['f1', 'f2', 'f3', 'f4', 'f7', 'f8', 'f10', 'f16']) {
      const found = NAMES.filter((n) => n.startsWith(`teach-${f}-`));
      expect(found.length, f).toBeGreaterThanOrEqual(1);
    }
    for (const n of NAMES.filter((x) => x.startsWith('teach-'))) {
      const calls = raw(n)['calls'];
      expect(typeof calls, n).toBe('number');
      expect(calls as number, n).toBeGreaterThanOrEqual(200);
      expect(calls as number, n).toBeLessThanOrEqual(2000);
    }
  });

  it('name a dropped or rejected call for `cubesim trace` that is one', () => {
    for (const n of NAMES.filter((x) => x.startsWith('teach-'))) {
      const m = /--call (\d+)/.exec(raw(n)['lookAt'] as string);
      expect(m, n).not.toBeNull();
      const k = Number(m![1]);
      // as `cubesim trace` runs it: the whole experiment, stopped once call k is over
      let outcome = '';
      runReplicationSync(load(n), 0, {
        traced: [k],
        stopAfterCall: k,
        onCall: (c) => {
          if (c.index === k) outcome = c.outcome;
        },
      });
      expect(['dropped', 'rejected'], `${n} call ${k}`).toContain(outcome);
    }
  });
});
