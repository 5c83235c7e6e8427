// Each midcall-signaling mode (and the pre-12.4(15)XZ release) against each re-INVITE purpose,
// on IOS 12.4(20)T / 12.4(11)T with a clean network (issue 2, "done when").
import { describe, expect, it } from 'vitest';
import type { Feature } from '../src/elements/call.ts';
import { load, run } from './helpers.ts';

const MODES = [
  { experiment: 'quickstart', mode: 'passthru (12.4(20)T)' },
  { experiment: 'no-midcall', mode: 'not configured (12.4(20)T)' },
  { experiment: 'pre-xz', mode: 'before 12.4(15)XZ (12.4(11)T)' },
] as const;

/** Expected outcome of each feature by mode: 'ok' or the failure reason. */
const EXPECTED: Record<(typeof MODES)[number]['experiment'], Record<Feature, string>> = {
  quickstart: { video: 'ok', hold: 'ok', fax: 'ok', transfer: 'ok' },
  'no-midcall': { video: '488', hold: '488', fax: 'ok', transfer: 'ok' },
  'pre-xz': {
    video: 'video declined in the local answer (m=video 0)',
    hold: 'answered by the border element; the far end was never told',
    fax: 'ok',
    transfer: 'ok',
  },
};

function only(feature: Feature): string[] {
  return (['video', 'hold', 'fax', 'transfer'] as const).map(
    (f) => `workload.features.${f}.probability=${f === feature ? 1 : 0}`,
  );
}

describe.each(MODES)('$mode', ({ experiment }) => {
  it.each(['video', 'hold', 'fax', 'transfer'] as const)('%s', (feature) => {
    const r = run(
      load(experiment, [...only(feature), 'calls=30', 'workload.holding={"distribution":"fixed","value":600}']),
    );
    const results = r.calls.flatMap((c) => c.features);
    expect(results).toHaveLength(30);
    const want = EXPECTED[experiment][feature];
    for (const f of results) {
      expect(f.feature).toBe(feature);
      if (want === 'ok') expect(f.status).toBe('succeeded');
      else expect(`${f.status} ${f.reason}`).toBe(`failed ${want}`);
    }
    // a 600 s call with SE 1800 needs no refresh, so nothing is dropped whatever the mode
    expect(r.summary.calls.completed).toBe(30);
  });

  it('refresh', () => {
    const r = run(
      load(experiment, [
        ...only('video'),
        'workload.features.video.probability=0',
        'calls=30',
        'workload.holding={"distribution":"fixed","value":2000}',
      ]),
    );
    const s = r.summary;
    // CUCM on both sides: the caller refreshes at 900 and 1800 s, unless the call is gone by then
    expect(s.refreshes.sent).toBe(30 * (experiment === 'pre-xz' ? 1 : 2));
    expect(s.refreshes.succeeded).toBe(s.refreshes.sent);
    if (experiment === 'pre-xz') {
      // answered by the border element on the inbound leg; the callee never sees it and hangs up at
      // SE - min(32, SE/3) = 1768 s after the 2xx it sent
      expect(s.reinvites.answeredLocally).toBe(30);
      expect(s.calls.dropped).toBe(30);
      for (const c of r.calls) {
        expect([c.cause, c.leg, c.side]).toEqual(['session-expired', 'outbound', 'callee']);
        expect(c.endedAt - c.answeredAt).toBeCloseTo(1768, 6);
      }
    } else {
      expect(s.reinvites.relayed).toBe(60);
      expect(s.calls.completed).toBe(30);
      expect(s.drops.byCause).toEqual({});
    }
  });
});

describe('the shipped experiments (issue 2)', () => {
  it('quickstart: with passthru, video and hold succeed and no call drops by session expiry', () => {
    const s = run(load('quickstart', ['calls=2000'])).summary;
    expect(s.features.video.attempted).toBeGreaterThan(0);
    expect(s.features.video.failed).toBe(0);
    expect(s.features.hold.failed).toBe(0);
    expect(s.drops.byCause['session-expired'] ?? 0).toBe(0);
  });

  it('no-midcall: video and hold fail while refresh, fax and transfer succeed', () => {
    const s = run(load('no-midcall', ['calls=2000'])).summary;
    expect(s.features.video.succeeded).toBe(0);
    expect(s.features.hold.succeeded).toBe(0);
    expect(s.features.fax.failed).toBe(0);
    expect(s.features.transfer.failed).toBe(0);
    expect(s.refreshes.failed).toBe(0);
    expect(s.calls.dropped).toBe(0);
  });

  it('pre-xz: calls that outlive the session interval are dropped at the expiry instant', () => {
    const r = run(load('pre-xz', ['calls=2000', 'workload.features.fax.probability=0']));
    let long = 0;
    for (const c of r.calls) {
      // the callee's deadline: 1768 s after the 2xx it sent (= answeredAt)
      if (c.holding > 1768) {
        long++;
        expect([c.outcome, c.cause, c.side]).toEqual(['dropped', 'session-expired', 'callee']);
        expect(c.endedAt - c.answeredAt).toBeCloseTo(1768, 6);
      } else {
        expect(c.outcome).toBe('completed');
      }
    }
    expect(long).toBeGreaterThan(100);
  });
});

describe('a call with an H.323 leg is not affected by midcall-signaling (C1, C3)', () => {
  it.each(['quickstart', 'no-midcall'])(
    '%s: every feature succeeds, interworked by the border element',
    (experiment) => {
      const r = run(load(experiment, ['calls=300', 'workload.h323Share=1']));
      const s = r.summary;
      for (const f of ['video', 'hold', 'fax', 'transfer'] as const) {
        expect(s.features[f].attempted).toBeGreaterThan(0);
        expect(s.features[f].failed).toBe(0);
      }
      expect(s.reinvites.received).toBe(0); // nothing crosses between two SIP legs
      expect(s.calls.completed).toBe(300);
    },
  );

  it('is refused without allow-connections h323 to sip', () => {
    const s = run(load('pre-xz', ['calls=20', 'workload.h323Share=1'])).summary;
    expect(s.rejects.byCause).toEqual({ 'h323-to-sip-not-allowed': 20 });
  });

  it('the border element refreshes the SIP leg itself when the callee makes it the refresher (C8)', () => {
    const r = run(
      load('no-midcall', [
        'calls=20',
        'workload.h323Share=1',
        'workload.holding={"distribution":"fixed","value":2000}',
        ...['video', 'hold', 'fax', 'transfer'].map((f) => `workload.features.${f}.probability=0`),
      ]),
    );
    expect(r.summary.refreshes.sent).toBe(40);
    expect(r.summary.calls.completed).toBe(20);
    expect(r.calls.every((c) => c.outbound.refresher === 'border-element' && c.inbound.sessionExpires === 0)).toBe(
      true,
    );
  });
});
