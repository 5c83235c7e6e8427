// Field failure modes (anchors.md A.13) reproduced by switching on endpoint defects.
import { describe, expect, it } from 'vitest';
import { load, run } from './helpers.ts';

const NO_FEATURES = ['video', 'hold', 'fax', 'transfer'].map((f) => `workload.features.${f}.probability=0`);
const MIN_SE_90 = 'experiments/configs/min-se-90.ios';

describe('failure modes', () => {
  it('F2/F3: a callee that reads the refresher token as dialog roles makes both sides refresh; RFC back-off resolves the glare', () => {
    const set = [
      ...NO_FEATURES,
      'calls=400',
      'workload.holding.mean=3000',
      'workload.callees=[{"profile":"pjsip"}]',
      'endpoints.pjsip.defects=["dialog-role-refresher-token"]',
      'endpoints.pjsip.timer.preferredRefresher="uas"',
      'endpoints.pjsip.timer.minSe=1800',
      'endpoints.pjsip.timer.refreshMethod="invite"',
    ];
    const ok = run(load('quickstart', set)).summary;
    expect(ok.reinvites.glare).toBeGreaterThan(0);
    expect(ok.reinvites.retried).toBe(ok.reinvites.glare);
    expect(ok.calls.dropped).toBe(0);
    // F3 proper: the same, with a callee that hangs up on 491 instead of backing off
    const bad = run(
      load('quickstart', [...set, 'endpoints.pjsip.defects=["dialog-role-refresher-token","hangs-up-on-glare"]']),
    ).summary;
    expect(bad.drops.byCause['refresh-glare']).toBeGreaterThan(0);
  });

  it('F7: an UPDATE refresh toward a peer that never answers UPDATE: the non-refresher hangs up at SE - SE/3', () => {
    const r = run(
      load(
        'quickstart',
        [
          ...NO_FEATURES,
          'calls=100',
          'workload.callers=[{"profile":"jssip"}]',
          'workload.callees=[{"profile":"pjsip"}]',
          'endpoints.pjsip.defects=["update-unanswered"]',
          'workload.holding={"distribution":"fixed","value":300}',
        ],
        { config: MIN_SE_90 },
      ),
    );
    expect(r.summary.drops.byCause).toEqual({ 'session-expired': 100 });
    for (const c of r.calls) expect(c.endedAt - c.answeredAt).toBeCloseTo(60, 6); // SE 90: 90 - 30
  });

  it('F8: a caller offering 90 s that does not retry after 422 fails every setup against min-se 1800', () => {
    const s = run(load('quickstart', ['calls=50', 'workload.callers=[{"profile":"jssip"}]'])).summary;
    expect(s.rejects.byCause).toEqual({ '422-unresolved': 50 });
  });

  it('F11: a UAS that omits Session-Expires when no refresher was named leaves the call without a timer', () => {
    const r = run(
      load('quickstart', [
        ...NO_FEATURES,
        'calls=50',
        'workload.callers=[{"profile":"pjsip"}]',
        'workload.callees=[{"profile":"pjsip"}]',
        'endpoints.pjsip.defects=["omit-se-when-no-refresher"]',
        'endpoints.pjsip.timer.minSe=1800',
        'workload.holding={"distribution":"fixed","value":4000}',
      ]),
    );
    expect(r.summary.refreshes.sent).toBe(0);
    expect(r.summary.calls.completed).toBe(50);
    expect(r.calls.every((c) => c.inbound.sessionExpires === 0)).toBe(true);
  });

  it('F1: a refresher that never refreshes: the far end hangs up at exactly 1768 s', () => {
    const r = run(
      load('quickstart', [
        ...NO_FEATURES,
        'calls=30',
        'endpoints.cucm.defects=["never-refreshes"]',
        'workload.holding={"distribution":"fixed","value":4000}',
      ]),
    );
    for (const c of r.calls) {
      expect([c.cause, c.side]).toEqual(['session-expired', 'callee']);
      expect(c.endedAt - c.answeredAt).toBeCloseTo(1768, 6);
    }
  });
});
