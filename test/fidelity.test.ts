// RFC 4028 corner cases where a party must not simply pass on what it got: a request below its
// own Min-SE, a 2xx below the request's Min-SE, Require: timer toward a UAC without timers.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Simulator } from '../src/kernel/simulator.ts';
import { borderElementMinSe, relayInitialOffer } from '../src/elements/border-element.ts';
import { Processor } from '../src/elements/network.ts';
import type { BorderElementModel } from '../src/elements/models.ts';
import { loadExperiment } from '../src/experiment/load.ts';
import { negotiateAsUas } from '../src/sip/session-timer.ts';
import { ladder, load, run } from './helpers.ts';

const policy = { minSe: 90, sessionExpires: 1800, preferredRefresher: 'uac' as const };

describe('a request whose Session-Expires is below its own Min-SE (RFC 4028 §7.1 forbids it)', () => {
  it('a UAS answers 422 with that Min-SE, never a 2xx below it (§9); one without timer support gets the interval raised', () => {
    expect(negotiateAsUas({ supportedTimer: true, sessionExpires: 250, refresher: '', minSe: 300 }, policy)).toEqual({
      kind: 'reject',
      status: 422,
      minSe: 300,
    });
    expect(
      negotiateAsUas(
        { supportedTimer: true, sessionExpires: 250, refresher: '', minSe: 300 },
        { ...policy, minSe: 1800 },
      ),
    ).toEqual({ kind: 'reject', status: 422, minSe: 1800 });
    expect(negotiateAsUas({ supportedTimer: false, sessionExpires: 250, refresher: '', minSe: 300 }, policy)).toEqual({
      kind: 'accept',
      sessionExpires: 300,
      refresher: 'uas',
      requireTimer: false,
    });
    // A valid request is answered as before.
    expect(negotiateAsUas({ supportedTimer: true, sessionExpires: 300, refresher: '', minSe: 300 }, policy)).toEqual({
      kind: 'accept',
      sessionExpires: 300,
      refresher: 'uac',
      requireTimer: true,
    });
  });

  it('the border element refuses it with 422 naming the larger of that Min-SE and its min-se, whatever its model says for min-se', () => {
    const loaded = loadExperiment('experiments/quickstart.json');
    const model: BorderElementModel = structuredClone(loaded.spec.borderElement);
    model.sessionTimer.rejectBelowMinSe.value = false;
    const offer = { supportedTimer: true, sessionExpires: 250, refresher: '' as const, minSe: 300 };
    expect(relayInitialOffer(offer, 90, model)).toEqual({ kind: 'reject', minSe: 300 });
    expect(relayInitialOffer(offer, 1800, model)).toEqual({ kind: 'reject', minSe: 1800 });
    expect(relayInitialOffer({ ...offer, supportedTimer: false }, 90, model)).toEqual({
      kind: 'forward',
      offer: { supportedTimer: false, sessionExpires: 300, refresher: '', minSe: 300 },
    });
  });
});

describe('a UAS that lowers the interval (RFC 4028 §9)', () => {
  it("answers at most its largest, never below the request's Min-SE or its own minimum, and never raises", () => {
    const lowering = { ...policy, maxSessionExpires: 600 };
    expect(
      negotiateAsUas({ supportedTimer: true, sessionExpires: 1800, refresher: 'uac', minSe: 90 }, lowering),
    ).toEqual({ kind: 'accept', sessionExpires: 600, refresher: 'uac', requireTimer: true });
    expect(
      negotiateAsUas({ supportedTimer: true, sessionExpires: 1800, refresher: 'uac', minSe: 900 }, lowering),
    ).toEqual({ kind: 'accept', sessionExpires: 900, refresher: 'uac', requireTimer: true });
    expect(
      negotiateAsUas(
        { supportedTimer: true, sessionExpires: 1800, refresher: '', minSe: 90 },
        { ...lowering, minSe: 1200 },
      ),
    ).toEqual({ kind: 'accept', sessionExpires: 1200, refresher: 'uac', requireTimer: true });
    expect(negotiateAsUas({ supportedTimer: true, sessionExpires: 300, refresher: '', minSe: 90 }, lowering)).toEqual({
      kind: 'accept',
      sessionExpires: 300,
      refresher: 'uac',
      requireTimer: true,
    });
    // A request with no interval: the UAS's own choice, capped the same way.
    expect(negotiateAsUas({ supportedTimer: true, sessionExpires: 0, refresher: '', minSe: 90 }, lowering)).toEqual({
      kind: 'accept',
      sessionExpires: 600,
      refresher: 'uac',
      requireTimer: true,
    });
  });
});

describe('a 2xx below the Min-SE of the request it answers, relayed by the border element', () => {
  const scenario = 'emulation/scenarios/answer-below-min-se.json';

  it('"raise" (the shipped choice, assumed): the caller gets its own Min-SE; the call completes', () => {
    const loaded = loadExperiment(scenario);
    expect(loaded.spec.borderElement.sessionTimer.answerBelowRequestMinSe.value).toBe('raise');
    const r = run(loaded, [0]);
    const carried = r.calls[0]!.carried!.filter((c) => c.msg.status === 200 && c.msg.method === 'INVITE');
    expect(carried.map((c) => `${c.from}>${c.to} ${c.msg.sessionExpires};${c.msg.refresher}`)).toEqual([
      'callee>cube-out 95;uac',
      'cube-in>caller 100;uac',
    ]);
    expect(r.summary.calls.completed).toBe(1);
  });

  it('"end-call": the caller gets 500, the callee a BYE, and the call is rejected with the cause named', () => {
    const loaded = loadExperiment(scenario);
    loaded.spec.borderElement = structuredClone(loaded.spec.borderElement);
    loaded.spec.borderElement.sessionTimer.answerBelowRequestMinSe.value = 'end-call';
    const r = run(loaded, [0]);
    const call = r.calls[0]!;
    expect([call.outcome, call.cause, call.status]).toEqual(['rejected', 'answer-below-min-se', 500]);
    expect(ladder(call)).toEqual([
      'caller>cube-in INVITE',
      'cube-in>caller 100 Trying',
      'cube-out>callee INVITE',
      'callee>cube-out 180 Ringing',
      'cube-in>caller 180 Ringing',
      'callee>cube-out 200 OK',
      'cube-out>callee ACK',
      'cube-in>caller 500 Server Internal Error',
      'cube-out>callee BYE',
      'caller>cube-in ACK',
      'callee>cube-out 200 OK',
    ]);
  });
});

describe('toward a caller without timer support (RFC 4028 §9, Table 2)', () => {
  it("the 2xx names refresher=uas and carries no Require: timer, whatever the other leg's 2xx carried", () => {
    const loaded = loadExperiment('emulation/scenarios/caller-without-timer.json', {
      set: ['endpoints.pjsip.timer.preferredRefresher="uac"'],
    });
    const r = run(loaded, [0]);
    const toCaller = r.calls[0]!.carried!.find(
      (c) => c.to === 'caller' && c.msg.status === 200 && c.msg.method === 'INVITE',
    )!;
    expect([toCaller.msg.sessionExpires, toCaller.msg.refresher, toCaller.msg.requireTimer]).toEqual([
      1800,
      'uas',
      false,
    ]);
  });
});

describe('CPU admission control (Cisco CAC: new calls refused with 503 at a 5-second CPU average at or above the threshold)', () => {
  it('the average counts work when it is done, not when it is queued', () => {
    const sim = new Simulator();
    const p = new Processor(sim, 1, 95);
    for (let i = 0; i < 10; i++) p.admit(0); // 10 s of work queued at once
    expect(p.utilisation(3)).toBe(1); // busy the whole of [0, 3)
    expect(p.refusesNewCalls(3)).toBe(true);
    expect(p.busyDoneBy(3)).toBe(3);
    expect(p.utilisation(12)).toBeCloseTo(3 / 5, 12); // [7, 12): busy until 10
    expect(p.utilisation(20)).toBe(0);
    expect(p.refusesNewCalls(20)).toBe(false);
  });

  it('an overloaded border element refuses new calls with 503 as they arrive instead of letting them time out', () => {
    const loaded = loadExperiment('experiments/quickstart.json', {
      calls: 3000,
      set: [
        'capacity.cpuMsPerMessage=40',
        'workload.arrivals.rate=5',
        'capacity.callsPerSecond=100',
        'capacity.maxSessions=100000',
      ],
    });
    const r = run(loaded);
    const rejects = r.summary.rejects.byCause;
    expect(rejects['admission-cpu']).toBeGreaterThan(2000);
    expect(Object.keys(rejects)).toEqual(['admission-cpu']);
    expect(r.calls.filter((c) => c.outcome === 'rejected').every((c) => c.status === 503)).toBe(true);
  });
});

describe('the disputed min-se default (whenMinSeNotConfigured in models/border-element.json)', () => {
  const firstRejectFrom = (set: string[], config?: string) => {
    const loaded = loadExperiment('experiments/teach-f8-422-not-retried.json', {
      set,
      ...(config === undefined ? {} : { config }),
    });
    const call = run(loaded, [1]).calls[1]!;
    const reject = call.carried!.find((c) => c.msg.status === 422)!;
    return `${reject.from} ${reject.msg.minSe}`;
  };

  it('no min-se line: "enforce-default" (shipped) answers 422 below 1800 at the border element; "accept-any" lets the interval through', () => {
    expect(firstRejectFrom([])).toBe('cube-in 1800');
    expect(firstRejectFrom(['borderElement.sessionTimer.whenMinSeNotConfigured=accept-any'])).toBe('callee 1800');
  });

  it('a configured min-se is enforced under either reading', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cubesim-fidelity-'));
    const config = join(dir, 'min-se-1800.ios');
    writeFileSync(
      config,
      readFileSync('experiments/configs/passthru.ios', 'utf8').replace(/^ sip$/m, ' sip\n  min-se 1800'),
    );
    try {
      expect(firstRejectFrom(['borderElement.sessionTimer.whenMinSeNotConfigured=accept-any'], config)).toBe(
        'cube-in 1800',
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const loaded = loadExperiment('experiments/quickstart.json', {
      set: ['borderElement.sessionTimer.whenMinSeNotConfigured=accept-any'],
    });
    expect(loaded.spec.config.minSeConfigured).toBe(false);
    expect(borderElementMinSe(loaded.spec.config, loaded.spec.borderElement)).toBe(90);
    expect(borderElementMinSe({ ...loaded.spec.config, minSeConfigured: true }, loaded.spec.borderElement)).toBe(1800);
    expect(loaded.spec.borderElement.sessionTimer.whenMinSeNotConfigured.assumed).toMatch(/^set by the experiment/);
  });
});

describe("the border element's own defects (models/border-element.json, defects)", () => {
  it('CSCun31375 (B1): an ignored refresh re-INVITE gets no 100 Trying and no answer; the caller gives up at Timer B and hangs up', () => {
    const loaded = loadExperiment('experiments/teach-f1-cube-ignores-refresh.json');
    expect(loaded.spec.borderElement.defects['ignores-refresh-reinvite']!.enabled).toBe(true);
    const r = run(loaded, [94]);
    const call = r.calls[94]!;
    const refresh = (call.carried ?? []).filter((c) => c.msg.purpose === 'refresh');
    expect(refresh.every((c) => c.from === 'caller' && c.msg.method === 'INVITE' && c.msg.status === 0)).toBe(true);
    expect(refresh.map((c) => +(c.t - refresh[0]!.t).toFixed(3))).toEqual([0, 0.5, 1.5, 3.5, 7.5, 15.5, 31.5]);
    expect([call.outcome, call.cause, call.side]).toEqual(['dropped', 'refresh-timeout', 'caller']);
  });

  it('off unless an experiment switches it on; an unknown id is refused naming the field', () => {
    expect(
      loadExperiment('experiments/quickstart.json').spec.borderElement.defects['ignores-refresh-reinvite']!.enabled,
    ).toBe(false);
    expect(() =>
      loadExperiment('experiments/quickstart.json', { set: ['borderElement.defects=["no-such-bug"]'] }),
    ).toThrow(
      /field borderElement\.defects\[0\].*unknown border element defect "no-such-bug"; allowed: ignores-refresh-reinvite/,
    );
  });
});

describe('UPDATE between two SIP legs, gated by release (platform release.sipToSipUpdate)', () => {
  const firstRefresh = (set: string[], platform?: string) => {
    const loaded = loadExperiment('experiments/regression-update-refresh.json', {
      calls: 5,
      set,
      ...(platform === undefined ? {} : { platform }),
    });
    const call = run(loaded, [0]).calls[0]!;
    return ladder(call, (e) => e.purpose === 'refresh' && !e.retransmission).slice(0, 4);
  };

  it('12.4(20)T: the refresh UPDATE is answered by the border element and never reaches the other leg (updateWithoutRelay answer-locally, assumed)', () => {
    expect(firstRefresh([])).toEqual(['caller>cube-in UPDATE', 'cube-in>caller 200 OK']);
  });

  it('"reject": it is refused with 501', () => {
    expect(firstRefresh(['borderElement.sessionTimer.updateWithoutRelay=reject'])).toEqual([
      'caller>cube-in UPDATE',
      'cube-in>caller 501 Not Implemented',
    ]);
  });

  it('15.1(3)T: it is relayed', () => {
    expect(firstRefresh([], 'isr-15.1-3T')).toEqual([
      'caller>cube-in UPDATE',
      'cube-out>callee UPDATE',
      'callee>cube-out 200 OK',
      'cube-in>caller 200 OK',
    ]);
  });
});

describe("15.1(2)T session refresh: the border element takes part as Cisco's table says (C9, domain-facts §3.5)", () => {
  const refreshes = (caller: string, callee: string, extra: string[] = []) => {
    const loaded = loadExperiment('experiments/regression-session-refresh.json', {
      calls: 1,
      platform: 'isr-15.1-2T',
      config: 'experiments/configs/session-refresh.ios',
      set: [
        `workload.callers=[{"profile":"${caller}"}]`,
        `workload.callees=[{"profile":"${callee}"}]`,
        'workload.holding={"distribution":"fixed","value":2000}',
        ...extra,
      ],
    });
    const call = run(loaded, [0]).calls[0]!;
    return {
      call,
      ladder: ladder(call, (e) => e.purpose === 'refresh' && !e.retransmission).filter((l) => l.endsWith(' INVITE')),
    };
  };

  it('rows 1-4, both ends support timers: the ends refresh, the border element passes it across', () => {
    expect(refreshes('cucm', 'cucm').ladder).toEqual([
      'caller>cube-in INVITE',
      'cube-out>callee INVITE',
      'caller>cube-in INVITE',
      'cube-out>callee INVITE',
    ]);
  });

  it('rows 5-7, the UAS has none: the caller gets an interval from the border element, refreshes, and that leg is watched', () => {
    const { call, ladder: l } = refreshes('cucm', 'legacy-pbx');
    expect(l).toEqual([
      'caller>cube-in INVITE',
      'cube-out>callee INVITE',
      'caller>cube-in INVITE',
      'cube-out>callee INVITE',
    ]);
    const toCaller = call.carried!.find((c) => c.to === 'caller' && c.msg.status === 200 && c.msg.purpose === 'setup')!;
    expect([toCaller.msg.sessionExpires, toCaller.msg.refresher]).toEqual([1800, 'uac']);
    // A caller that never refreshes is now noticed: the border element ends the call at its expiry.
    const silent = refreshes('cucm', 'legacy-pbx', ['endpoints.cucm.defects=["never-refreshes"]']).call;
    expect([silent.outcome, silent.cause, silent.side, silent.leg]).toEqual([
      'dropped',
      'session-expired',
      'border-element',
      'inbound',
    ]);
  });

  it('rows 9-11, the UAC has none: the border element asks the callee for an interval and refreshes that leg itself', () => {
    expect(refreshes('legacy-pbx', 'cucm').ladder).toEqual(['cube-out>callee INVITE', 'cube-out>callee INVITE']);
  });

  it("rows 13-15, neither: the border element refreshes the callee's leg alone, and keeps doing so after a 2xx without an interval", () => {
    expect(refreshes('legacy-pbx', 'legacy-pbx').ladder).toEqual(['cube-out>callee INVITE', 'cube-out>callee INVITE']);
  });

  it('row 16, or any call on 12.4(20)T with passthru: the border element never refreshes', () => {
    const loaded = loadExperiment('experiments/regression-session-refresh.json', {
      calls: 1,
      set: [
        'workload.callers=[{"profile":"legacy-pbx"}]',
        'workload.callees=[{"profile":"legacy-pbx"}]',
        'workload.holding={"distribution":"fixed","value":2000}',
      ],
    });
    expect(ladder(run(loaded, [0]).calls[0]!, (e) => e.purpose === 'refresh')).toEqual([]);
  });
});

describe("the caller's BYE overtakes its own refresh re-INVITE at the border element (RFC 3261 §15.1.2)", () => {
  // Seen under loss and jitter: the caller refreshes, then hangs up before the relayed refresh is
  // answered; the callee's 2xx reaches the border element after the BYE.
  const HARSH = [
    'calls=1500',
    'network.inbound.loss=0.02',
    'network.outbound.loss=0.02',
    'network.inbound.jitter=0.3',
    'network.outbound.jitter=0.3',
  ];

  it('the pending re-INVITE gets 487 with the 200 to BYE; the late 2xx is acknowledged on the far leg and goes no further', () => {
    const r = run(load('teach-f4-refresh-vs-hold', HARSH), [458]); // --check is on in tests: no timer of an ended dialog fires
    const call = r.calls[458]!;
    const lines = ladder(call, (e) => !e.retransmission);
    const bye = lines.indexOf('caller>cube-in BYE');
    expect(lines.slice(bye)).toEqual([
      'caller>cube-in BYE',
      'callee>cube-out 200 OK', // the relayed refresh's answer, still on its way
      'cube-in>caller 200 OK', // to BYE
      'cube-in>caller 487 Request Terminated', // the refresh re-INVITE
      'cube-out>callee BYE',
      'cube-out>callee ACK', // the late 2xx, acknowledged (§13.2.2.4) and not relayed
      'callee>cube-out 200 OK', // to BYE
      'caller>cube-in ACK', // of the 487, within its transaction
    ]);
    expect(call.cause).toBe('normal-clearing');
  });

  it('a feature whose re-INVITE the caller cut short by hanging up is recorded as if no answer had come, not as failed', () => {
    const lossy = ['calls=2000', 'network.inbound.loss=0.05', 'network.outbound.loss=0.05'];
    const jittery = ['network.inbound.jitter=1', 'network.outbound.jitter=1'];
    const call = run(load('quickstart', [...lossy, ...jittery]), [220]).calls[220]!;
    const lines = ladder(call, (e) => !e.retransmission);
    const bye = lines.indexOf('caller>cube-in BYE');
    expect(lines.slice(0, bye)).toContain('caller>cube-in INVITE'); // the hold, sent before the BYE
    expect(lines.slice(bye)).toContain('cube-in>caller 487 Request Terminated');
    expect([call.outcome, call.cause]).toEqual(['completed', 'normal-clearing']);
    expect(call.features).toEqual([]);
  });
});
