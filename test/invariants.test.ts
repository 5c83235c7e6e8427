// The invariant checker (--check) is on in every test run (vitest.config.ts); here it is shown to
// catch deliberately broken models.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Endpoint } from '../src/elements/endpoint.ts';
import { InvariantViolation, Invariants } from '../src/kernel/invariants.ts';
import { Dialog } from '../src/sip/dialog.ts';
import { LegTimerChecks } from '../src/elements/timer-checks.ts';
import { newRequest, newResponse } from '../src/sip/message.ts';
import type { SipPort } from '../src/sip/port.ts';
import { load, run } from './helpers.ts';

afterEach(() => vi.restoreAllMocks());

const NO_TIMERS = [
  'calls=20',
  'workload.callers=[{"profile":"legacy-pbx"}]',
  'workload.callees=[{"profile":"legacy-pbx"}]',
  ...['video', 'hold', 'fax', 'transfer'].map((f) => `workload.features.${f}.probability=0`),
];

describe('the invariant checker', () => {
  it('is on in the tests', () => {
    expect(process.env['CUBESIM_CHECK']).toBe('1');
  });

  it('catches an endpoint that hangs up without sending BYE: the call never ends', () => {
    // Test double: the call is marked complete, but no BYE goes out and the dialog stays up.
    vi.spyOn(Endpoint.prototype, 'hangup').mockImplementation(function (this: Endpoint) {
      if (this.dialog?.confirmed) this.call.complete(this.sim.now, this.side);
    });
    expect(() => run(load('quickstart', NO_TIMERS))).toThrow(InvariantViolation);
    try {
      run(load('quickstart', NO_TIMERS));
    } catch (e) {
      expect((e as Error).message).toMatch(
        /^invariant violated: call \d+ at [\d.]+ s: the call never ended: outcome completed at [\d.]+ s but 4 dialog\(s\) still open and nothing left to happen$/,
      );
    }
  });

  it('catches a request sent on a terminated dialog', () => {
    // eslint-disable-next-line @typescript-eslint/unbound-method -- the original method, taken unbound before the spy replaces it and called with the dialog as `this` (`.call(this, ...)`)
    const send = Dialog.prototype.send;
    // Test double: a dialog that answers a BYE, ends, and then sends a BYE of its own anyway.
    vi.spyOn(Dialog.prototype, 'receive').mockImplementation(function (this: Dialog, req, txn) {
      txn.respond(txn.makeResponse(200, this.localTag));
      if (req.method === 'BYE') {
        this.state = 'terminated';
        send.call(this, 'BYE', 'teardown', this);
      }
      return false;
    });
    expect(() => run(load('quickstart', NO_TIMERS))).toThrow(/BYE \(teardown\) sent on the terminated dialog/);
  });

  it('catches a second INVITE transaction on a dialog', () => {
    // eslint-disable-next-line @typescript-eslint/unbound-method -- the original method, taken unbound before the spy replaces it and called with the dialog as `this` (`.call(this, ...)`)
    const start = Dialog.prototype.start;
    vi.spyOn(Dialog.prototype, 'start').mockImplementation(function (this: Dialog, msg, owner) {
      const t = start.call(this, msg, owner);
      // Test double: a refresh re-INVITE is sent twice at once.
      if (msg.method === 'INVITE' && msg.purpose === 'refresh')
        start.call(this, this.request(msg.method, msg.purpose), owner);
      return t;
    });
    expect(() =>
      run(load('quickstart', ['calls=5', 'workload.holding={"distribution":"fixed","value":1000}'])),
    ).toThrow(/a second INVITE transaction started/);
  });
});

describe('the RFC 4028 checks on the wire (src/elements/timer-checks.ts)', () => {
  it("§9: a 2xx whose Session-Expires is below the request's Min-SE stops the run", () => {
    // Test double: every timer-carrying answer says 90, whatever the request's Min-SE (CUCM sends 1800).
    // eslint-disable-next-line @typescript-eslint/unbound-method -- the original method, taken unbound before the spy replaces it and called with the dialog as `this` (`.call(this, ...)`)
    const answer = Dialog.prototype.answerWithTimer;
    vi.spyOn(Dialog.prototype, 'answerWithTimer').mockImplementation(function (this: Dialog, req, txn) {
      const ok = answer.call(this, req, txn);
      if (ok !== null && ok.sessionExpires > 0) ok.sessionExpires = 90;
      return ok;
    });
    expect(() => run(load('quickstart', ['calls=5']))).toThrow(
      /RFC 4028 §9: .* answered INVITE with Session-Expires 90, below the request's Min-SE 1800$/,
    );
  });

  it('§7.4: a mid-dialog request naming the wrong refresher stops the run', () => {
    // Test double: every mid-dialog request claims its sender refreshes.
    // eslint-disable-next-line @typescript-eslint/unbound-method -- the original method, taken unbound before the spy replaces it and called with the dialog as `this` (`.call(this, ...)`)
    const add = Dialog.prototype.addTimerHeaders;
    vi.spyOn(Dialog.prototype, 'addTimerHeaders').mockImplementation(function (this: Dialog, m) {
      add.call(this, m);
      if (m.sessionExpires > 0) m.refresher = 'uac';
    });
    // The callee refreshes (it names itself as UAS), so the caller's hold re-INVITE comes from the non-refresher.
    expect(() => run(load('quickstart', ['calls=40', 'endpoints.cucm.timer.preferredRefresher="uas"']))).toThrow(
      /RFC 4028 §7\.4: caller sent INVITE with refresher=uac; .* is the refresher, so it must say uas$/,
    );
  });

  it('§10: a session refresh from the side that is not the refresher stops the run (the check alone)', () => {
    const checks = new LegTimerChecks(new Invariants(true), 7, { minSe: true, refresher: true });
    // Ports are only compared and named by the checks.
    const caller = { name: 'caller' } as SipPort,
      cube = { name: 'cube-in' } as SipPort;
    const invite = newRequest('INVITE', 'setup', 'c1', 'a', '', 1, 1);
    invite.sessionExpires = 1800;
    invite.minSe = 1800;
    checks.onCarry(0, caller, invite);
    const ok = newResponse(invite, 200, 'b');
    ok.sessionExpires = 1800;
    ok.refresher = 'uas'; // the answering side (cube-in) refreshes
    checks.onCarry(0.1, cube, ok);
    const refresh = newRequest('INVITE', 'refresh', 'c1', 'a', 'b', 2, 2);
    refresh.sessionExpires = 1800;
    refresh.refresher = 'uas';
    expect(() => checks.onCarry(900, caller, refresh)).toThrow(
      'invariant violated: call 7 at 900.000000 s: RFC 4028 §10: caller sent a session refresh (INVITE) but cube-in is the refresher of c1',
    );
    // From the refresher itself, with refresher=uac, it passes.
    const own = newRequest('INVITE', 'refresh', 'c1', 'b', 'a', 1, 3);
    own.sessionExpires = 1800;
    own.refresher = 'uac';
    expect(() => checks.onCarry(900, cube, own)).not.toThrow();
    // With the refresher rules off (a party reads the token as dialog roles), nothing is said.
    const lenient = new LegTimerChecks(new Invariants(true), 7, { minSe: true, refresher: false });
    lenient.onCarry(0, caller, invite);
    lenient.onCarry(0.1, cube, ok);
    expect(() => lenient.onCarry(900, caller, refresh)).not.toThrow();
  });
});
