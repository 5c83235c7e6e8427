// The invariant checker (--check) is on in every test run (vitest.config.ts); here it is shown to
// catch deliberately broken models.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Endpoint } from '../src/elements/endpoint.ts';
import { InvariantViolation } from '../src/kernel/invariants.ts';
import { Dialog } from '../src/sip/dialog.ts';
import { load, run } from './helpers.ts';

afterEach(() => vi.restoreAllMocks());

const NO_TIMERS = ['calls=20', 'workload.callers=[{"profile":"legacy-pbx"}]', 'workload.callees=[{"profile":"legacy-pbx"}]', ...['video', 'hold', 'fax', 'transfer'].map((f) => `workload.features.${f}.probability=0`)];

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
      expect((e as Error).message).toMatch(/^invariant violated: call \d+ at [\d.]+ s: the call never ended: outcome completed at [\d.]+ s but 4 dialog\(s\) still open and nothing left to happen$/);
    }
  });

  it('catches a request sent on a terminated dialog', () => {
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
    const start = Dialog.prototype.start;
    vi.spyOn(Dialog.prototype, 'start').mockImplementation(function (this: Dialog, msg, owner) {
      const t = start.call(this, msg, owner);
      // Test double: a refresh re-INVITE is sent twice at once.
      if (msg.method === 'INVITE' && msg.purpose === 'refresh') start.call(this, this.request(msg.method, msg.purpose), owner);
      return t;
    });
    expect(() => run(load('quickstart', ['calls=5', 'workload.holding={"distribution":"fixed","value":1000}']))).toThrow(/a second INVITE transaction started/);
  });
});
