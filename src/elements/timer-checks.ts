// RFC 4028 rules checked on the wire of one leg while --check is on (always in the tests): what
// each party put on the wire, read against what was negotiated there, independently of how the
// dialog code decided it. A violation stops the run with the call, the time and the clause.
//
// - §9: a 2xx to an INVITE or UPDATE never carries a Session-Expires below the Min-SE of the
//   request it answers. Not checked on calls with a party that has defect
//   ignore-min-se-without-se: that is the defect, and the border element relays its answer.
// - §7.4, §10: once a 2xx has named the refresher of a dialog, a mid-dialog INVITE or UPDATE that
//   carries Session-Expires names it too (refresher=uac from the refresher, uas from the other
//   side), and only the refresher sends session refreshes. Checked for calls whose parties read
//   the token as RFC 4028 means it (roles of the transaction); the defects that break it on
//   purpose (dialog-role reading, F2/F3) are what those experiments show.
import type { Invariants } from '../kernel/invariants.ts';
import type { SipMessage } from '../sip/message.ts';
import type { SipPort } from '../sip/port.ts';

/** Which rules hold for a call, by what its parties are declared to do. */
export interface CallRules {
  /** §9 on every 2xx (false: a party has defect ignore-min-se-without-se). */
  minSe: boolean;
  /** §7.4/§10 refresher rules (false: a party reads the token as dialog roles). */
  refresher: boolean;
}

interface SentRequest {
  from: SipPort;
  sessionExpires: number;
  minSe: number;
}

export class LegTimerChecks {
  /** INVITEs and UPDATEs awaiting their answer, by "Call-ID CSeq method". */
  private readonly pending = new Map<string, SentRequest>();
  /** The refresher of each dialog on this leg, by Call-ID, once a 2xx named it. */
  private readonly refresher = new Map<string, SipPort>();

  constructor(
    private readonly invariants: Invariants,
    private readonly call: number,
    private readonly rules: CallRules,
  ) {}

  onCarry(now: number, from: SipPort, msg: SipMessage): void {
    if (msg.retransmission || (msg.method !== 'INVITE' && msg.method !== 'UPDATE')) return;
    const key = `${msg.callId} ${msg.cseq} ${msg.method}`;
    if (msg.status === 0) {
      this.pending.set(key, { from, sessionExpires: msg.sessionExpires, minSe: msg.minSe });
      if (this.rules.refresher) this.checkRequest(now, from, msg);
      return;
    }
    if (msg.status < 200) return;
    const req = this.pending.get(key);
    this.pending.delete(key);
    if (req === undefined || msg.status >= 300 || msg.sessionExpires === 0) return;
    if (this.rules.minSe && req.minSe > 0 && msg.sessionExpires < req.minSe) {
      this.fail(
        now,
        `RFC 4028 §9: ${from.name} answered ${msg.method} with Session-Expires ${msg.sessionExpires}, below the request's Min-SE ${req.minSe}`,
      );
    }
    if (msg.refresher !== '') this.refresher.set(msg.callId, msg.refresher === 'uac' ? req.from : from);
  }

  private checkRequest(now: number, from: SipPort, msg: SipMessage): void {
    const refresher = this.refresher.get(msg.callId);
    if (refresher === undefined) return;
    if (msg.purpose === 'refresh' && from !== refresher) {
      this.fail(
        now,
        `RFC 4028 §10: ${from.name} sent a session refresh (${msg.method}) but ${refresher.name} is the refresher of ${msg.callId}`,
      );
    }
    if (msg.sessionExpires > 0 && msg.refresher !== '') {
      const expected = from === refresher ? 'uac' : 'uas';
      if (msg.refresher !== expected) {
        this.fail(
          now,
          `RFC 4028 §7.4: ${from.name} sent ${msg.method} with refresher=${msg.refresher}; ${refresher.name} is the refresher, so it must say ${expected}`,
        );
      }
    }
  }

  private fail(now: number, rule: string): never {
    return this.invariants.fail(this.call, now, rule);
  }
}
