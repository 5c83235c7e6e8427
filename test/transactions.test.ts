import { describe, expect, it } from 'vitest';
import { Simulator } from '../src/kernel/simulator.ts';
import { newRequest, type SipMessage } from '../src/sip/message.ts';
import { SipPort, type Wire } from '../src/sip/port.ts';
import {
  InviteClientTransaction,
  InviteServerTransaction,
  NonInviteClientTransaction,
  RFC3261_TIMERS,
  type ClientTransaction,
} from '../src/sip/transaction.ts';

/** A wire that loses everything and remembers when each message was sent. */
function blackHole(sim: Simulator, port: SipPort): Array<{ t: number; m: SipMessage }> {
  const sent: Array<{ t: number; m: SipMessage }> = [];
  const wire: Wire = { carry: (_from, m) => sent.push({ t: sim.now, m }) };
  port.wire = wire;
  return sent;
}

function user() {
  const seen = { timeout: -1, responses: [] as number[] };
  return {
    seen,
    onResponse: (_t: ClientTransaction, r: SipMessage) => seen.responses.push(r.status),
    onTimeout: (t: ClientTransaction) => (seen.timeout = t.host.sim.now),
  };
}

describe('RFC 3261 retransmission schedules over UDP (domain-facts §2.2)', () => {
  it('INVITE: Timer A doubles from T1, Timer B gives up at 64*T1 = 32 s', () => {
    const sim = new Simulator();
    const port = new SipPort(sim, RFC3261_TIMERS, 'caller');
    const sent = blackHole(sim, port);
    const u = user();
    new InviteClientTransaction(port, newRequest('INVITE', 'setup', 'c', 'a', '', 1, 1), u);
    sim.run();
    expect(sent.map((s) => s.t)).toEqual([0, 0.5, 1.5, 3.5, 7.5, 15.5, 31.5]);
    expect(u.seen.timeout).toBe(32);
  });

  it('non-INVITE: Timer E doubles up to T2, Timer F gives up at 32 s', () => {
    const sim = new Simulator();
    const port = new SipPort(sim, RFC3261_TIMERS, 'caller');
    const sent = blackHole(sim, port);
    const u = user();
    new NonInviteClientTransaction(port, newRequest('BYE', 'teardown', 'c', 'a', 'b', 2, 2), u);
    sim.run();
    expect(sent.map((s) => s.t)).toEqual([0, 0.5, 1.5, 3.5, 7.5, 11.5, 15.5, 19.5, 23.5, 27.5, 31.5]);
    expect(u.seen.timeout).toBe(32);
  });

  it('INVITE server: 100 Trying after 200 ms; a non-2xx is repeated on Timer G until Timer H', () => {
    const sim = new Simulator();
    const port = new SipPort(sim, RFC3261_TIMERS, 'callee');
    const sent = blackHole(sim, port);
    const req = newRequest('INVITE', 'setup', 'c', 'a', '', 1, 1);
    const ist = new InviteServerTransaction(port, req, {});
    sim.run({ until: 1 });
    expect(sent.map((s) => [s.t, s.m.status])).toEqual([[0.2, 100]]);
    const t0 = sim.now;
    ist.respond(ist.makeResponse(486, 'b'));
    sim.run();
    expect(sent.slice(1).map((s) => +(s.t - t0).toFixed(9))).toEqual([0, 0.5, 1.5, 3.5, 7.5, 11.5, 15.5, 19.5, 23.5, 27.5, 31.5]);
    expect(ist.terminated).toBe(true);
  });

  it('the client ACKs a non-2xx itself, with the INVITE branch, and again on each retransmission', () => {
    const sim = new Simulator();
    const port = new SipPort(sim, RFC3261_TIMERS, 'caller');
    const sent = blackHole(sim, port);
    const u = user();
    const req = newRequest('INVITE', 'setup', 'c', 'a', '', 1, 7);
    const ict = new InviteClientTransaction(port, req, u);
    port.register(ict);
    const final = { ...req, status: 422, toTag: 'b', minSe: 1800 };
    port.receive(final);
    port.receive({ ...final, retransmission: true });
    const acks = sent.filter((s) => s.m.method === 'ACK');
    expect(acks).toHaveLength(2);
    expect(acks.every((a) => a.m.branch === 7 && a.m.cseq === 1)).toBe(true);
    expect(u.seen.responses).toEqual([422]);
  });
});
