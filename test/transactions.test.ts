import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Simulator } from '../src/kernel/simulator.ts';
import { withFields } from './helpers.ts';
import {
  MESSAGE_ROW_NUMS,
  MESSAGE_ROW_REFS,
  newAck,
  newRequest,
  newResponse,
  readMessageRow,
  sdpValue,
  SpareAcks,
  writeMessageRow,
  type Method,
  type Purpose,
  type SipMessage,
} from '../src/sip/message.ts';
import { LingerTable } from '../src/sip/linger-table.ts';
import { PortSite, SipPort, type Wire } from '../src/sip/port.ts';
import {
  InviteClientTransaction,
  InviteServerTransaction,
  NonInviteClientTransaction,
  NonInviteServerTransaction,
  INVITE_SERVER_ACCEPTED,
  NON_INVITE_SERVER_COMPLETED,
  RFC3261_TIMERS,
  type ClientTransaction,
  type TransactionHost,
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
    const port = new SipPort(new PortSite(sim, RFC3261_TIMERS, 'caller'));
    const sent = blackHole(sim, port);
    const u = user();
    new InviteClientTransaction(port, newRequest('INVITE', 'setup', 'c', 'a', '', 1, 1), u, null);
    sim.run();
    expect(sent.map((s) => s.t)).toEqual([0, 0.5, 1.5, 3.5, 7.5, 15.5, 31.5]);
    expect(u.seen.timeout).toBe(32);
  });

  it('INVITE: a provisional response after the last retransmission leaves Timer B as it was, set once', () => {
    const sim = new Simulator();
    const port = new SipPort(new PortSite(sim, RFC3261_TIMERS, 'caller'));
    blackHole(sim, port);
    let timeouts = 0;
    const u = { onResponse: () => {}, onTimeout: () => timeouts++ };
    const req = newRequest('INVITE', 'setup', 'c', 'a', '', 1, 1);
    const ict = new InviteClientTransaction(port, req, u, null);
    port.register(ict);
    sim.run({ until: 31.7 }); // past the retransmission at 31.5 s, after which only Timer B is set
    port.receive(newResponse(req, 180, 'b'));
    expect(sim.pending).toBe(1); // Timer B, not a second one beside it
    sim.run();
    expect(timeouts).toBe(1);
    expect(sim.now).toBe(32);
    expect(sim.events).toBe(7); // Timer A six times, Timer B once
  });

  it('Timer F, put in the queue only after the last retransmission, still fires before an event set later for the same instant', () => {
    const sim = new Simulator();
    const port = new SipPort(new PortSite(sim, RFC3261_TIMERS, 'caller'));
    blackHole(sim, port);
    const order: string[] = [];
    const u = { onResponse: () => {}, onTimeout: () => order.push('Timer F') };
    new NonInviteClientTransaction(port, newRequest('BYE', 'teardown', 'c', 'a', 'b', 2, 2), u, null);
    sim.run({ until: 1 });
    sim.at(32, { onEvent: () => order.push('set at 1 s for 32 s') }, 0);
    sim.run();
    expect(order).toEqual(['Timer F', 'set at 1 s for 32 s']); // as when Timer F was set at 0 s
  });

  it('non-INVITE: Timer E doubles up to T2, Timer F gives up at 32 s', () => {
    const sim = new Simulator();
    const port = new SipPort(new PortSite(sim, RFC3261_TIMERS, 'caller'));
    const sent = blackHole(sim, port);
    const u = user();
    new NonInviteClientTransaction(port, newRequest('BYE', 'teardown', 'c', 'a', 'b', 2, 2), u, null);
    sim.run();
    expect(sent.map((s) => s.t)).toEqual([0, 0.5, 1.5, 3.5, 7.5, 11.5, 15.5, 19.5, 23.5, 27.5, 31.5]);
    expect(u.seen.timeout).toBe(32);
  });

  it('INVITE server: 100 Trying after 200 ms; a non-2xx is repeated on Timer G until Timer H', () => {
    const sim = new Simulator();
    const port = new SipPort(new PortSite(sim, RFC3261_TIMERS, 'callee'));
    const sent = blackHole(sim, port);
    const req = newRequest('INVITE', 'setup', 'c', 'a', '', 1, 1);
    const ist = new InviteServerTransaction(port, req, {});
    sim.run({ until: 1 });
    expect(sent.map((s) => [s.t, s.m.status])).toEqual([[0.2, 100]]);
    const t0 = sim.now;
    ist.respond(ist.makeResponse(486, 'b'));
    sim.run();
    expect(sent.slice(1).map((s) => +(s.t - t0).toFixed(9))).toEqual([
      0, 0.5, 1.5, 3.5, 7.5, 11.5, 15.5, 19.5, 23.5, 27.5, 31.5,
    ]);
    expect(ist.terminated).toBe(true);
  });

  it('the client ACKs a non-2xx itself, with the INVITE branch, and again on each retransmission', () => {
    const sim = new Simulator();
    const port = new SipPort(new PortSite(sim, RFC3261_TIMERS, 'caller'));
    const sent = blackHole(sim, port);
    const u = user();
    const req = newRequest('INVITE', 'setup', 'c', 'a', '', 1, 7);
    const ict = new InviteClientTransaction(port, req, u, null);
    port.register(ict);
    const final = withFields(req, { status: 422, toTag: 'b', minSe: 1800 });
    port.receive(final);
    port.receive(withFields(final, { retransmission: true }));
    const acks = sent.filter((s) => s.m.method === 'ACK');
    expect(acks).toHaveLength(2);
    expect(acks.every((a) => a.m.branch === 7 && a.m.cseq === 1)).toBe(true);
    expect(u.seen.responses).toEqual([422]);
  });
});

/** A simulator, a port named `name` on a black-hole wire, and what it sent as "METHOD status [again]". */
function setup(name = 'callee') {
  const sim = new Simulator();
  const port = new SipPort(new PortSite(sim, RFC3261_TIMERS, name));
  const sent = blackHole(sim, port);
  return {
    sim,
    port,
    sent,
    statuses: () => sent.map((s) => `${s.m.method} ${s.m.status}${s.m.retransmission ? ' again' : ''}`),
  };
}

describe('RFC 3261 §17 transaction states, message by message', () => {
  const T1 = RFC3261_TIMERS.T1;

  it('INVITE server: a retransmitted INVITE gets the last response again in Proceeding and Completed, nothing once Accepted or before any response', () => {
    const { sim, port, statuses } = setup();
    const req = newRequest('INVITE', 'setup', 'c', 'a', '', 1, 1);
    const ist = new InviteServerTransaction(port, req, {});
    ist.receiveRequest(withFields(req, { retransmission: true })); // nothing sent yet: nothing to repeat
    expect(statuses()).toEqual([]);
    ist.respond(ist.makeResponse(180, 'b'));
    ist.receiveRequest(withFields(req, { retransmission: true }));
    expect(statuses()).toEqual(['INVITE 180', 'INVITE 180 again']);
    expect(ist.awaitingFinal).toBe(true);
    expect(ist.blocksInvite).toBe(true);
    ist.respond(ist.makeResponse(200, 'b'));
    expect(ist.awaitingFinal).toBe(false);
    expect(ist.blocksInvite).toBe(false);
    ist.receiveRequest(withFields(req, { retransmission: true })); // Accepted absorbs (RFC 6026)
    ist.respond(ist.makeResponse(486, 'b')); // a second final is not sent
    expect(statuses()).toEqual(['INVITE 180', 'INVITE 180 again', 'INVITE 200']);
    // Timer L: the transaction lingers 64*T1 after the 2xx, then is over.
    expect(ist.expireIfDue(sim.now + 64 * T1)).toBe(false);
    expect(ist.expireIfDue(sim.now + 64 * T1 + 1e-6)).toBe(true);
    expect(ist.terminated).toBe(true);
  });

  it('INVITE server: a non-2xx in Completed is repeated on a retransmitted INVITE; its ACK confirms it, Timer I lingers T4, and Timer G stops', () => {
    const { sim, port, sent, statuses } = setup();
    const req = newRequest('INVITE', 'setup', 'c', 'a', '', 1, 1);
    const ist = new InviteServerTransaction(port, req, {});
    ist.respond(ist.makeResponse(486, 'b'));
    expect(ist.blocksInvite).toBe(true);
    ist.receiveRequest(withFields(req, { retransmission: true }));
    expect(statuses()).toEqual(['INVITE 486', 'INVITE 486 again']);
    sim.run({ until: 0.6 }); // Timer G once
    expect(statuses()).toEqual(['INVITE 486', 'INVITE 486 again', 'INVITE 486 again']);
    ist.receiveRequest(newRequest('ACK', 'setup', 'c', 'a', 'b', 1, 1));
    expect(ist.blocksInvite).toBe(false);
    const n = sent.length;
    sim.run({ until: 40 });
    expect(sent.length).toBe(n); // no more Timer G, and Timer H does not fire
    expect(ist.expireIfDue(0.6 + RFC3261_TIMERS.T4)).toBe(false);
    expect(ist.expireIfDue(0.6 + RFC3261_TIMERS.T4 + 1e-6)).toBe(true);
  });

  it('INVITE server: Timer H gives up on the ACK 64*T1 after the non-2xx and tells the TU', () => {
    const { sim, port } = setup();
    let ackTimeout = -1;
    const ist = new InviteServerTransaction(port, newRequest('INVITE', 'setup', 'c', 'a', '', 1, 1), {
      onAckTimeout: () => (ackTimeout = sim.now),
    });
    sim.run({ until: 1 });
    const t0 = sim.now;
    ist.respond(ist.makeResponse(486, 'b'));
    sim.run();
    expect(ackTimeout).toBe(t0 + 64 * T1);
    expect(ist.terminated).toBe(true);
  });

  it('non-INVITE server: a retransmitted request is answered again only once there is a response; Timer J lingers 64*T1', () => {
    const { sim, port, statuses } = setup();
    const req = newRequest('BYE', 'teardown', 'c', 'a', 'b', 2, 5);
    const nist = new NonInviteServerTransaction(port, req, {});
    nist.receiveRequest(req);
    expect(statuses()).toEqual([]);
    expect(nist.awaitingFinal).toBe(true);
    nist.respond(nist.makeResponse(100, 'b'));
    nist.receiveRequest(req);
    expect(statuses()).toEqual(['BYE 100', 'BYE 100 again']);
    nist.respond(nist.makeResponse(200, 'b'));
    expect(nist.awaitingFinal).toBe(false);
    nist.receiveRequest(req);
    nist.respond(nist.makeResponse(500, 'b')); // a second final is not sent
    expect(statuses()).toEqual(['BYE 100', 'BYE 100 again', 'BYE 200', 'BYE 200 again']);
    expect(nist.expireIfDue(sim.now + 64 * T1)).toBe(false);
    expect(nist.expireIfDue(sim.now + 64 * T1 + 1e-6)).toBe(true);
  });

  it('INVITE client: 1xx stops Timer A and moves to Proceeding; a 2xx is Accepted for Timer M (64*T1), passing retransmitted 2xx to the TU; a non-2xx lingers Timer D (32 s)', () => {
    const { sim, port, sent } = setup('caller');
    const u = user();
    const req = newRequest('INVITE', 'setup', 'c', 'a', '', 1, 9);
    const ict = new InviteClientTransaction(port, req, u, null);
    expect(ict.pending).toBe(true);
    ict.receive(withFields(req, { status: 180, toTag: 'b' }));
    sim.run({ until: 5 });
    expect(sent).toHaveLength(1); // no Timer A retransmission once Proceeding
    ict.receive(withFields(req, { status: 180, toTag: 'b' }));
    ict.receive(withFields(req, { status: 200, toTag: 'b' }));
    expect(ict.pending).toBe(false);
    ict.receive(withFields(req, { status: 200, toTag: 'b', retransmission: true }));
    ict.receive(withFields(req, { status: 180, toTag: 'b' })); // a late 1xx is not passed on
    ict.receive(withFields(req, { status: 486, toTag: 'b' })); // nor a final after the 2xx
    expect(u.seen.responses).toEqual([180, 180, 200, 200]);
    expect(ict.expireIfDue(5 + 64 * T1)).toBe(false);
    expect(ict.expireIfDue(5 + 64 * T1 + 1e-6)).toBe(true);
    sim.run();
    expect(u.seen.timeout).toBe(-1); // Timer B never fires after a final

    const other = setup('caller');
    const u2 = user();
    const ict2 = new InviteClientTransaction(other.port, newRequest('INVITE', 'setup', 'c2', 'a', '', 1, 10), u2, null);
    ict2.receive(withFields(ict2.request, { status: 300, toTag: 'x' })); // 300 is a final non-2xx: ACKed
    expect(other.sent.map((s) => s.m.method)).toEqual(['INVITE', 'ACK']);
    expect(ict2.finalResponse?.status).toBe(300);
    expect(ict2.expireIfDue(32)).toBe(false);
    expect(ict2.expireIfDue(32 + 1e-6)).toBe(true);
  });

  it('non-INVITE client: a 1xx keeps it pending with Timer E at T2; the final ends it, Timer K lingers T4; later responses are dropped', () => {
    const { sim, port, sent } = setup('caller');
    const u = user();
    const req = newRequest('UPDATE', 'refresh', 'c', 'a', 'b', 3, 11);
    const nict = new NonInviteClientTransaction(port, req, u, null);
    nict.receive(withFields(req, { status: 100, toTag: 'b' }));
    expect(nict.pending).toBe(true);
    sim.run({ until: 9 }); // Proceeding: retransmissions every T2 (4 s) from the first 0.5 s one
    expect(sent.map((s) => s.t)).toEqual([0, 0.5, 4.5, 8.5]);
    nict.receive(withFields(req, { status: 200, toTag: 'b' }));
    nict.receive(withFields(req, { status: 200, toTag: 'b', retransmission: true }));
    expect(u.seen.responses).toEqual([100, 200]);
    expect(nict.expireIfDue(9 + RFC3261_TIMERS.T4)).toBe(false);
    expect(nict.expireIfDue(9 + RFC3261_TIMERS.T4 + 1e-6)).toBe(true);
    sim.run();
    expect(u.seen.timeout).toBe(-1);
  });
});

describe('RFC 3261 §17 corner cases', () => {
  const T1 = RFC3261_TIMERS.T1;

  it('INVITE server: a provisional sent within 200 ms replaces the 100 Trying, which carries no To tag otherwise', () => {
    const { sim, port, sent } = setup();
    const early = new InviteServerTransaction(port, newRequest('INVITE', 'setup', 'c', 'a', '', 1, 1), {});
    sim.run({ until: 0.1 });
    early.respond(early.makeResponse(180, 'b'));
    sim.run({ until: 1 });
    expect(sent.map((s) => s.m.status)).toEqual([180]);
    const late = new InviteServerTransaction(port, newRequest('INVITE', 'setup', 'd', 'a', '', 1, 2), {});
    sim.run({ until: 2 });
    expect(late.response?.status).toBe(100);
    expect(late.response?.toTag).toBe('');
  });

  it('INVITE server: 300 is a final non-2xx (Completed, repeated on Timer G), not a 2xx', () => {
    const { sim, port, sent } = setup();
    const ist = new InviteServerTransaction(port, newRequest('INVITE', 'setup', 'c', 'a', '', 1, 1), {});
    ist.respond(ist.makeResponse(300, 'b'));
    sim.run({ until: 0.6 });
    expect(sent.map((s) => `${s.m.status}${s.m.retransmission ? ' again' : ''}`)).toEqual(['300', '300 again']);
    expect(ist.blocksInvite).toBe(true);
  });

  it('INVITE server: an ACK matters only in Completed; after a 2xx the transaction keeps Timer L', () => {
    const { sim, port } = setup();
    const ist = new InviteServerTransaction(port, newRequest('INVITE', 'setup', 'c', 'a', '', 1, 1), {});
    ist.respond(ist.makeResponse(200, 'b'));
    ist.receiveRequest(newRequest('ACK', 'setup', 'c', 'a', 'b', 1, 1));
    expect(ist.expireIfDue(sim.now + RFC3261_TIMERS.T4 + 1)).toBe(false);
    expect(ist.expireIfDue(sim.now + 64 * T1 + 1e-6)).toBe(true);
  });

  it('INVITE client: a retransmitted 2xx does not restart Timer M; a 2xx after a non-2xx final is not passed on', () => {
    const { sim, port } = setup('caller');
    const u = user();
    const req = newRequest('INVITE', 'setup', 'c', 'a', '', 1, 9);
    const ict = new InviteClientTransaction(port, req, u, null);
    ict.receive(withFields(req, { status: 200, toTag: 'b' }));
    sim.after(10, { onEvent: () => {} }, 0); // something to move the clock to 10 s
    sim.run();
    expect(sim.now).toBe(10);
    ict.receive(withFields(req, { status: 200, toTag: 'b', retransmission: true }));
    expect(ict.expireIfDue(64 * T1 + 1e-6)).toBe(true); // from the first 2xx at 0, not the one at 10

    const u2 = user();
    const req2 = newRequest('INVITE', 'setup', 'd', 'a', '', 1, 10);
    const ict2 = new InviteClientTransaction(port, req2, u2, null);
    ict2.receive(withFields(req2, { status: 486, toTag: 'b' }));
    ict2.receive(withFields(req2, { status: 200, toTag: 'b' }));
    expect(u2.seen.responses).toEqual([486]);
  });
});

describe('a transaction ended from outside', () => {
  it('is not terminated while it runs; aborted (its dialog is gone), it is, and none of its timers fires', () => {
    const { sim, port, sent } = setup('caller');
    const u = user();
    const ict = new InviteClientTransaction(port, newRequest('INVITE', 'setup', 'c', 'a', '', 1, 1), u, null);
    sim.run({ until: 1 });
    expect(ict.terminated).toBe(false);
    expect(sent).toHaveLength(2); // the INVITE and Timer A's first retransmission
    ict.abort();
    expect(ict.terminated).toBe(true);
    sim.run();
    expect(sent).toHaveLength(2);
    expect(u.seen.timeout).toBe(-1); // Timer B never fired
  });
});

/** `m` with every optional header set, none to its default. */
function everyField(m: SipMessage): SipMessage {
  m.supportedTimer = true;
  m.requireTimer = true;
  m.sessionExpires = 1800;
  m.refresher = 'uas';
  m.minSe = 90;
  m.allowUpdate = true;
  m.retryAfter = 7;
  m.sdp = sdpValue(3, 'sendonly', true, false);
  return m;
}

describe('a message kept as a row (message.ts, writeMessageRow)', () => {
  const methods: Method[] = ['INVITE', 'ACK', 'BYE', 'UPDATE', 'OPTIONS', 'REFER'];
  const purposes: Purpose[] = [
    'setup',
    'refresh',
    'video',
    'hold',
    'resume',
    'fax',
    'transfer',
    'teardown',
    'keepalive',
  ];
  const message: fc.Arbitrary<SipMessage> = fc
    .record({
      method: fc.constantFrom(...methods),
      status: fc.constantFrom(0, 100, 180, 200, 422, 491, 503),
      purpose: fc.constantFrom(...purposes),
      callId: fc.string(),
      fromTag: fc.string(),
      toTag: fc.string(),
      cseq: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
      branch: fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
      supportedTimer: fc.boolean(),
      requireTimer: fc.boolean(),
      sessionExpires: fc.integer({ min: 0, max: 86400 }),
      refresher: fc.constantFrom('' as const, 'uac' as const, 'uas' as const),
      minSe: fc.integer({ min: 0, max: 86400 }),
      allowUpdate: fc.boolean(),
      retryAfter: fc.integer({ min: -1, max: 3600 }),
      sdp: fc.option(
        fc
          .tuple(
            fc.integer({ min: 0, max: 200 }),
            fc.constantFrom('sendrecv' as const, 'sendonly' as const, 'recvonly' as const, 'inactive' as const),
            fc.boolean(),
            fc.boolean(),
          )
          .map(([v, audio, video, t38]) => sdpValue(v, audio, video, t38)),
      ),
      retransmission: fc.boolean(),
    })
    .map((f) => {
      const m = newRequest(f.method, f.purpose, f.callId, f.fromTag, f.toTag, f.cseq, f.branch);
      return Object.assign(m, f);
    });

  it('reads back every field it was written with, in a new object, beside other rows', () => {
    fc.assert(
      fc.property(fc.array(message, { minLength: 1, maxLength: 5 }), (ms) => {
        const nums = new Float64Array(ms.length * MESSAGE_ROW_NUMS),
          refs: unknown[] = [];
        ms.forEach((m, i) => writeMessageRow(m, nums, i * MESSAGE_ROW_NUMS, refs, i * MESSAGE_ROW_REFS));
        ms.forEach((m, i) => {
          const back = readMessageRow(nums, i * MESSAGE_ROW_NUMS, refs, i * MESSAGE_ROW_REFS);
          expect(back).toEqual(m);
          expect(back).not.toBe(m);
        });
      }),
      { numRuns: 500, seed: 4028 },
    );
  });

  it('a row written with no message reads back none', () => {
    const nums = new Float64Array(MESSAGE_ROW_NUMS),
      refs: unknown[] = [];
    writeMessageRow(newRequest('INVITE', 'setup', 'c', 'x', '', 1, 1), nums, 0, refs, 0);
    writeMessageRow(null, nums, 0, refs, 0);
    expect(readMessageRow(nums, 0, refs, 0)).toBeNull();
    expect(refs.every((r) => r === null)).toBe(true); // nothing of the old message kept alive
  });
});

describe('the run-wide table of waits for retransmissions after a 2xx (src/sip/linger-table.ts)', () => {
  const waitL = 64 * RFC3261_TIMERS.T1; // Timer L

  /** Two ports of one run sharing a table (or none); `b` stays quiet while `a` starts transactions. */
  function twoPorts(withTable = true) {
    const sim = new Simulator();
    const lingers = withTable ? new LingerTable() : null;
    const a = new SipPort(new PortSite(sim, RFC3261_TIMERS, 'a', lingers));
    const b = new SipPort(new PortSite(sim, RFC3261_TIMERS, 'b', lingers));
    blackHole(sim, a);
    const sentByB = blackHole(sim, b);
    return { sim, lingers, a, b, sentByB };
  }

  /** Lets simulated time pass to `t` (a run with nothing queued would not move the clock). */
  function advanceTo(sim: Simulator, t: number): void {
    sim.at(t, { onEvent: () => {} }, 0);
    sim.run({ until: t });
  }

  /** A server transaction on `port` for a new request, answered with a 2xx now: it then waits. */
  function answered(port: SipPort, branch: number, method: 'INVITE' | 'BYE' = 'INVITE') {
    const req = newRequest(method, method === 'BYE' ? 'teardown' : 'setup', 'c', 'x', '', 1, branch);
    const st =
      method === 'INVITE' ? new InviteServerTransaction(port, req, {}) : new NonInviteServerTransaction(port, req, {});
    port.register(st);
    st.respond(st.makeResponse(200, 'y'));
    return { req, st };
  }

  it('a wait after a 2xx leaves the port for a row of the table; a quiet port loses the row as soon as a wait begins elsewhere once it is over', () => {
    const { sim, lingers, a, b } = twoPorts();
    answered(b, 1);
    expect(lingers!.size).toBe(1);
    expect(lingers!.holdsRowsOf(b.lingerNumber)).toBe(true);
    advanceTo(sim, waitL); // the wait lasts until 32 s inclusive
    answered(a, 2);
    expect(lingers!.size).toBe(2);
    advanceTo(sim, waitL + 1);
    answered(a, 3);
    expect(lingers!.holdsRowsOf(b.lingerNumber)).toBe(false); // b itself saw nothing in between
    expect(lingers!.size).toBe(2);
  });

  it('BYE transactions and waits after a failure are not queued: their call may be over', () => {
    const { lingers, a, b } = twoPorts();
    answered(b, 1, 'BYE');
    const u = user();
    const ict = new InviteClientTransaction(a, newRequest('INVITE', 'setup', 'c', 'x', '', 1, 2), u, null);
    a.register(ict);
    a.receive(newResponse(ict.request, 503, 'y')); // Timer D
    expect(u.seen.responses).toEqual([503]);
    expect(lingers!.size).toBe(0);
  });

  it('a retransmitted INVITE meets the same transaction, or none, with and without the table', () => {
    for (const withTable of [false, true]) {
      const { sim, a, b, sentByB } = twoPorts(withTable);
      const newRequests: number[] = [];
      b.core = { onRequest: (_p, r) => newRequests.push(r.branch), onAck: () => {} };
      const { req } = answered(b, 1);
      advanceTo(sim, waitL / 2);
      answered(a, 2);
      b.receive(withFields(req, { retransmission: true })); // inside Timer L: absorbed, nothing new
      advanceTo(sim, waitL + 1);
      answered(a, 3);
      b.receive(withFields(req, { retransmission: true })); // after it: a new request for the core
      expect(newRequests).toEqual([1]);
      expect(sentByB.map((s) => s.m.status)).toEqual([200]);
    }
  });
  it('a retransmitted 2xx reaches the INVITE client TU during Timer M, with what it kept with the request, with and without the table', () => {
    for (const withTable of [false, true]) {
      const { sim, a } = twoPorts(withTable);
      const seen: Array<{ status: number; data: unknown; requester: unknown; branch: number }> = [];
      const requests: SipMessage[] = [];
      const tu = {
        onResponse: (t: ClientTransaction<string, string>, r: SipMessage) => {
          seen.push({ status: r.status, data: t.takeRequesterData(), requester: t.requester, branch: t.branch });
          requests.push(t.request);
        },
        onTimeout: () => {},
      };
      const invite = everyField(newRequest('INVITE', 'refresh', 'c', 'x', 'y', 2, 7));
      const ict = new InviteClientTransaction<string, string>(a, invite, tu, 'owner');
      ict.requesterData = 'kept';
      a.register(ict);
      const ok = newResponse(ict.request, 200, 'y');
      a.receive(ok);
      advanceTo(sim, waitL); // inside Timer M (inclusive)
      a.receive(withFields(ok, { retransmission: true }));
      advanceTo(sim, waitL + 1);
      a.receive(withFields(ok, { retransmission: true })); // after it: no transaction, dropped
      expect(seen).toEqual([
        { status: 200, data: 'kept', requester: 'owner', branch: 7 },
        { status: 200, data: null, requester: 'owner', branch: 7 },
      ]);
      // The TU sees the request as it was, every field, whether kept as the object or as a row.
      expect(requests).toEqual([invite, invite]);
    }
  });

  it('a retransmitted request gets the 2xx of the non-INVITE server again during Timer J, with and without the table', () => {
    for (const withTable of [false, true]) {
      const { sim, b, sentByB } = twoPorts(withTable);
      const newRequests: number[] = [];
      b.core = { onRequest: (_p, r) => newRequests.push(r.branch), onAck: () => {} };
      const req = newRequest('UPDATE', 'refresh', 'c', 'x', 'y', 3, 9);
      const st = new NonInviteServerTransaction(b, req, {});
      b.register(st);
      const ok = everyField(st.makeResponse(200, 'y'));
      st.respond(ok);
      advanceTo(sim, waitL / 2);
      b.receive(withFields(req, { retransmission: true }));
      advanceTo(sim, waitL + 1);
      b.receive(withFields(req, { retransmission: true }));
      expect(sentByB.map((s) => [s.m.status, s.m.retransmission])).toEqual([
        [200, false],
        [200, true],
      ]);
      expect(sentByB[1]!.m).toEqual(withFields(ok, { retransmission: true })); // every field again
      expect(newRequests).toEqual([9]);
    }
  });
  it('a port with a T4 wait older than a 64*T1 one loses only the first when it ends; the other still absorbs, and its freed row is used again', () => {
    const { sim, lingers, a, b } = twoPorts();
    const newRequests: number[] = [];
    b.core = { onRequest: (_p, r) => newRequests.push(r.branch), onAck: () => {} };
    const update = new NonInviteClientTransaction(
      b,
      newRequest('UPDATE', 'refresh', 'c', 'x', 'y', 2, 20),
      user(),
      null,
    );
    b.register(update);
    b.receive(newResponse(update.request, 200, 'y')); // Timer K: T4 (5 s), b's oldest row
    advanceTo(sim, 1);
    const { req } = answered(b, 21); // Timer L: 32 s, now the head of b's rows
    advanceTo(sim, RFC3261_TIMERS.T4 + 2);
    answered(a, 22); // ends the T4 wait (not the head of b's rows) and takes its row
    expect(lingers!.size).toBe(2); // b's INVITE row and a's
    b.receive(withFields(req, { retransmission: true })); // still inside Timer L: absorbed
    b.receive(newResponse(update.request, 200, 'y')); // after Timer K: no transaction, dropped
    advanceTo(sim, 1 + waitL + 1);
    b.receive(withFields(req, { retransmission: true })); // after Timer L: a new request
    expect(newRequests).toEqual([21]); // only the one after Timer L
  });

  it("a port reset for another call leaves its rows behind: they answer nothing, and their end leaves the port's new rows alone", () => {
    const { sim, lingers, a, b } = twoPorts();
    const newRequests: number[] = [];
    const old = answered(b, 1);
    answered(b, 2);
    expect(b.idle).toBe(true); // waits only: nothing left to fire
    b.reset();
    expect(lingers!.holdsRowsOf(b.lingerNumber)).toBe(false);
    b.core = { onRequest: (_p, r) => newRequests.push(r.branch), onAck: () => {} };
    blackHole(sim, b);
    advanceTo(sim, 1);
    const fresh = answered(b, 3); // the port's row for its new call
    b.receive(withFields(old.req, { retransmission: true })); // the old row no longer answers for the port
    expect(newRequests).toEqual([1]);
    advanceTo(sim, waitL + 0.5);
    answered(a, 4); // ends the two detached rows
    expect(lingers!.size).toBe(2); // b's new row and a's
    b.receive(withFields(fresh.req, { retransmission: true })); // b's new row still absorbs
    expect(newRequests).toEqual([1]);
  });

  it('a port is idle only when none of its transactions has a timer set', () => {
    const { sim, b } = twoPorts();
    const req = newRequest('INVITE', 'setup', 'c', 'x', '', 1, 5);
    const st = new InviteServerTransaction(b, req, {});
    b.register(st);
    expect(b.idle).toBe(false); // 100 Trying due in 200 ms
    advanceTo(sim, 0.3);
    expect(b.idle).toBe(true); // Proceeding with no timer: it waits for its TU
    st.respond(st.makeResponse(486, 'y'));
    expect(b.idle).toBe(false); // Timers G and H
  });
});

describe('spare transactions: those whose wait went to the table serve as new ones (SpareTransactions)', () => {
  /**
   * A transaction's own fields; its timer handles as whether each is set, and its time-out's place
   * in the order of events as whether it was taken (their numbers depend on what the queue saw).
   */
  function fields(t: object): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(t))
      out[k] = k.endsWith('Handle') ? v !== -1 : k === 'timeoutPlace' ? (v as number) > 0 : v;
    return out;
  }

  /** A run's port with a table of waits (so that 2xx waits go there), its wire a black hole. */
  function portWithTable() {
    const sim = new Simulator();
    const port = new SipPort(new PortSite(sim, RFC3261_TIMERS, 'p', new LingerTable()));
    const sent = blackHole(sim, port);
    return { sim, port, sent };
  }

  it('each kind, once its 2xx sent its wait to the table, is the next one of its kind made at that party, as a new one would be, field by field', () => {
    const { sim, port } = portWithTable();
    const other = new SipPort(port.site); // another port of the same party
    const sent = blackHole(sim, other);
    const u = user();
    const invite = (branch: number) => newRequest('INVITE', 'refresh', 'c', 'x', 'y', branch, branch);
    const update = (branch: number) => newRequest('UPDATE', 'refresh', 'c', 'x', 'y', branch, branch);

    const ict = InviteClientTransaction.send(port, invite(1), u, 'first');
    port.register(ict);
    (ict as { requesterData: unknown }).requesterData = 'kept until the answer'; // a renewed one has none
    port.receive(newResponse(ict.request, 200, 'y'));
    const againIct = InviteClientTransaction.send(other, invite(2), u, 'second');
    expect(againIct).toBe(ict);
    expect(fields(againIct)).toEqual(fields(new InviteClientTransaction(other, invite(2), u, 'second')));

    const nict = NonInviteClientTransaction.send(port, update(3), u, 'first');
    port.register(nict);
    port.receive(newResponse(nict.request, 200, 'y'));
    const againNict = NonInviteClientTransaction.send(other, update(4), u, 'second');
    expect(againNict).toBe(nict);
    expect(fields(againNict)).toEqual(fields(new NonInviteClientTransaction(other, update(4), u, 'second')));

    const ist = InviteServerTransaction.receive(port, invite(5), {});
    port.register(ist);
    ist.respond(ist.makeResponse(200, 'y'));
    const againIst = InviteServerTransaction.receive(other, invite(6), {});
    expect(againIst).toBe(ist);
    expect(fields(againIst)).toEqual(fields(new InviteServerTransaction(other, invite(6), {})));

    const nist = NonInviteServerTransaction.receive(port, update(7), {});
    port.register(nist);
    nist.respond(nist.makeResponse(200, 'y'));
    const againNist = NonInviteServerTransaction.receive(other, update(8), {});
    expect(againNist).toBe(nist);
    expect(fields(againNist)).toEqual(fields(new NonInviteServerTransaction(other, update(8), {})));

    // Taken up again, each works as a new one: the INVITE client retransmits on Timer A (and the
    // one made new beside it, for the comparison, does the same).
    const before = sent.filter((x) => x.m.branch === 2).length;
    sim.run({ until: sim.now + 0.6 });
    expect(sent.filter((x) => x.m.branch === 2 && x.m.retransmission)).toHaveLength(2);
    expect(before).toBe(2); // the first transmission of each
  });

  it('only a wait in the table makes a spare: not a failure, a BYE, nor a port with no table', () => {
    const { port } = portWithTable();
    const u = user();
    const ict = InviteClientTransaction.send(port, newRequest('INVITE', 'setup', 'c', 'x', '', 1, 1), u, null);
    port.register(ict);
    port.receive(newResponse(ict.request, 486, 'y')); // Timer D, in the port
    const bye = NonInviteClientTransaction.send(port, newRequest('BYE', 'teardown', 'c', 'x', 'y', 2, 2), u, null);
    port.register(bye);
    port.receive(newResponse(bye.request, 200, 'y')); // a BYE's wait stays in the port
    expect(port.spares.inviteClients).toEqual([]);
    expect(port.spares.nonInviteClients).toEqual([]);

    const sim = new Simulator();
    const plain = new SipPort(new PortSite(sim, RFC3261_TIMERS, 'p')); // no table
    blackHole(sim, plain);
    const ist = InviteServerTransaction.receive(plain, newRequest('INVITE', 'setup', 'c', 'x', '', 1, 3), {});
    plain.register(ist);
    ist.respond(ist.makeResponse(200, 'y'));
    expect(plain.spares.inviteServers).toEqual([]);
  });
});

describe('spare ACKs: an ACK that has arrived serves as a later one (SpareAcks)', () => {
  it('an ACK made again from a spare is the same record, field by field the ACK a new one would be', () => {
    const acks = new SpareAcks();
    const used = newAck(acks, 'refresh', 'c1', 'a1', 'b1', 7, 70);
    // Whatever it carried before (a message may have had any header set by someone).
    Object.assign(used, { sessionExpires: 1800, refresher: 'uac', minSe: 90, retryAfter: 5, retransmission: true });
    Object.assign(used, { supportedTimer: true, requireTimer: true, allowUpdate: true });
    used.sdp = sdpValue(3, 'sendonly', true, false);
    acks.give(used);
    const again = newAck(acks, 'setup', 'c2', 'a2', 'b2', 1, 11);
    expect(again).toBe(used);
    expect(again).toEqual(newAck(null, 'setup', 'c2', 'a2', 'b2', 1, 11));
    expect(acks.size).toBe(0);
  });

  it('keeps only records the model made, and at most its bound', () => {
    const acks = new SpareAcks();
    acks.give({ ...newAck(null, 'setup', 'c', 'a', 'b', 1, 1) }); // a plain object, as a test may make
    expect(acks.size).toBe(0);
    for (let i = 0; i < 1000; i++) acks.give(newAck(null, 'setup', 'c', 'a', 'b', 1, i));
    expect(acks.size).toBe(256);
  });

  it("an ACK that arrives at a port, whatever it meets there, serves as the run's next ACK; one sent again is rebuilt", () => {
    const sim = new Simulator();
    const acks = new SpareAcks();
    const port = new SipPort(new PortSite(sim, RFC3261_TIMERS, 'caller', null, acks));
    const sent = blackHole(sim, port);
    const peer = new SipPort(new PortSite(sim, RFC3261_TIMERS, 'callee', null, acks));
    blackHole(sim, peer);
    let acked = 0;
    peer.core = { onRequest: () => {}, onAck: () => acked++ };
    // A 2xx's ACK, transaction-less, to the core; then a non-2xx's ACK to its INVITE server transaction.
    const first = newAck(acks, 'setup', 'c', 'a', 'b', 1, 5);
    peer.receive(first);
    expect([acked, acks.size]).toEqual([1, 1]);
    const invite = newRequest('INVITE', 'refresh', 'c', 'a', 'b', 2, 6);
    const ist = InviteServerTransaction.receive(peer, invite, {});
    peer.register(ist);
    ist.respond(ist.makeResponse(491, 'b'));
    const ict = InviteClientTransaction.send(port, invite, user(), null);
    port.register(ict);
    port.receive(newResponse(invite, 491, 'b'));
    const ack = sent.find((x) => x.m.method === 'ACK')!.m;
    expect(ack).toBe(first); // the spare, made again as the transaction's ACK (§17.1.1.3)
    peer.receive(ack);
    expect(acked).toBe(1); // the server transaction took it, not the core
    expect(acks.size).toBe(1);
    port.receive(withFields(newResponse(invite, 491, 'b'), { retransmission: true }));
    const again = sent.filter((x) => x.m.method === 'ACK')[1]!.m;
    expect(again).toBe(ack); // the store's one record again: the first had arrived
    expect(again).toEqual(withFields(newAck(null, 'refresh', 'c', 'a', 'b', 2, 6), { retransmission: true }));
  });
});

describe('the table of waits against a plain list of rows (fast-check, fixed seed)', () => {
  // Two ports, waits of 5 s (T4) and 32 s (64*T1), time in steps of up to 12 s: rows end and their
  // places are used again by the other port's; look-ups ask for recent branches of either port; a port may be handed to
  // another call (detach).
  const step = fc.oneof(
    {
      weight: 4,
      arbitrary: fc.record({
        op: fc.constant('hold' as const),
        port: fc.nat(1),
        kind: fc.constantFrom('absorb' as const, 'answer' as const),
        wait: fc.constantFrom(RFC3261_TIMERS.T4, 64 * RFC3261_TIMERS.T1),
      }),
    },
    {
      weight: 3,
      arbitrary: fc.record({
        op: fc.constant('wait' as const),
        seconds: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 12 }), fc.double({ min: 0, max: 3, noNaN: true })),
      }),
    },
    {
      weight: 4,
      arbitrary: fc.record({
        op: fc.constant('receive' as const),
        port: fc.nat(1),
        pick: fc.nat(7),
        request: fc.boolean(),
      }),
    },
    { weight: 1, arbitrary: fc.record({ op: fc.constant('detach' as const), port: fc.nat(1) }) },
  );

  it('answers, absorbs and ends rows as the list does, whatever the order of holds, look-ups, detaches and the passing of time', () => {
    fc.assert(
      fc.property(fc.array(step, { minLength: 50, maxLength: 300 }), (steps) => {
        const table = new LingerTable();
        const sent = [0, 0];
        const hosts: TransactionHost[] = [0, 1].map((i) => ({
          sim: new Simulator(),
          timers: RFC3261_TIMERS,
          transmit: () => sent[i]!++,
          forget: () => {},
          lingers: table,
          lingerNumber: table.newPort(),
          spares: null,
          spareAcks: null,
        }));
        const rows: Array<{ port: number; branch: number; until: number; answer: boolean; detached: boolean }> = [];
        const expected = [0, 0];
        let now = 0;
        let branch = 0;
        for (const s of steps) {
          if (s.op === 'wait') now += s.seconds;
          else if (s.op === 'hold') {
            branch++;
            const answer = s.kind === 'answer';
            const message = answer
              ? newResponse(newRequest('UPDATE', 'refresh', 'c', 'x', 'y', 1, branch), 200, 'y')
              : null;
            table.hold(
              answer ? NON_INVITE_SERVER_COMPLETED : INVITE_SERVER_ACCEPTED,
              hosts[s.port]!,
              branch,
              s.wait,
              now,
              message,
            );
            rows.push({ port: s.port, branch, until: now + s.wait, answer, detached: false });
          } else if (s.op === 'detach') {
            table.detach(hosts[s.port]!);
            for (const r of rows) if (r.port === s.port) r.detached = true;
          } else {
            const b = rows.length === 0 ? 0 : rows[Math.max(0, rows.length - 1 - s.pick)]!.branch;
            const msg = s.request
              ? newRequest('UPDATE', 'refresh', 'c', 'x', 'y', 1, b)
              : newResponse(newRequest('UPDATE', 'refresh', 'c', 'x', 'y', 1, b), 200, 'y');
            const row = rows.find((r) => r.port === s.port && r.branch === b && !r.detached && r.until >= now);
            const took = table.receive(hosts[s.port]!, msg, now);
            if (took !== (row !== undefined)) return false;
            if (row?.answer && s.request) expected[s.port]!++;
          }
        }
        return sent.every((n, i) => n === expected[i]);
      }),
      { seed: 4028, numRuns: 400 },
    );
  });

  it('keeps waits of any number of lengths apart, each ending in its own time', () => {
    const table = new LingerTable();
    const hosts: TransactionHost[] = [0, 1].map(() => ({
      sim: new Simulator(),
      timers: RFC3261_TIMERS,
      transmit: () => {},
      forget: () => {},
      lingers: table,
      lingerNumber: table.newPort(),
      spares: null,
      spareAcks: null,
    }));
    const lengths = [32, 5, 10, 7, 3]; // five rings: past the room first laid out for each port's heads
    lengths.forEach((seconds, k) => {
      table.hold(INVITE_SERVER_ACCEPTED, hosts[0]!, 10 + k, seconds, 0, null);
      table.hold(INVITE_SERVER_ACCEPTED, hosts[1]!, 20 + k, seconds, 0, null);
    });
    for (const now of [0, 4, 6, 8, 11, 33])
      lengths.forEach((seconds, k) => {
        const request = (branch: number) => newRequest('INVITE', 'refresh', 'c', 'x', 'y', 1, branch);
        expect(table.receive(hosts[0]!, request(10 + k), now)).toBe(seconds >= now);
        expect(table.receive(hosts[1]!, request(20 + k), now)).toBe(seconds >= now);
        expect(table.receive(hosts[1]!, request(10 + k), now)).toBe(false);
      });
    table.detach(hosts[0]!);
    expect(table.holdsRowsOf(hosts[0]!.lingerNumber)).toBe(false);
    expect(table.holdsRowsOf(hosts[1]!.lingerNumber)).toBe(true);
  });

  it('keeps every row through the doubling of its ring, and the ports it was given after the ring began', () => {
    const table = new LingerTable();
    const sent: number[] = [];
    const host = (i: number): TransactionHost => ({
      sim: new Simulator(),
      timers: RFC3261_TIMERS,
      transmit: () => sent.push(i),
      forget: () => {},
      lingers: table,
      lingerNumber: table.newPort(),
      spares: null,
      spareAcks: null,
    });
    const hosts = [host(0), host(1), host(2)];
    const WAIT = 64 * RFC3261_TIMERS.T1;
    // 5,000 rows, one every 5 ms (all held at once: past the first capacity and its double), on
    // ports given along the way (one more every 1,000 rows, up to 1,300 ports: past the heads' first room).
    const held: Array<{ port: number; branch: number; at: number }> = [];
    for (let k = 0; k < 5000; k++) {
      if (k % 1000 === 999) for (let p = 0; p < 260; p++) hosts.push(host(hosts.length));
      const port = k % hosts.length;
      const branch = 100_000 + k;
      const response = newResponse(newRequest('UPDATE', 'refresh', 'c', 'x', 'y', k, branch), 200, 'y');
      table.hold(NON_INVITE_SERVER_COMPLETED, hosts[port]!, branch, WAIT, k * 0.005, response);
      held.push({ port, branch, at: k * 0.005 });
    }
    expect(table.size).toBe(5000);
    const now = 25; // every wait began within 25 s, so each is still on
    for (const h of held) {
      const again = newRequest('UPDATE', 'refresh', 'c', 'x', 'y', 0, h.branch);
      expect(table.receive(hosts[h.port]!, again, now)).toBe(true);
      expect(table.receive(hosts[(h.port + 1) % hosts.length]!, again, now)).toBe(false); // another port's row
    }
    expect(sent).toEqual(held.map((h) => h.port)); // each answered once, by its own port
    // 40 s: rows that began before 8 s have ended; a new row ends them, and those after still answer.
    table.hold(INVITE_SERVER_ACCEPTED, hosts[0]!, 1, WAIT, 40, null);
    expect(table.size).toBe(1 + held.filter((h) => h.at + WAIT >= 40).length);
    for (const h of held) {
      const again = newRequest('UPDATE', 'refresh', 'c', 'x', 'y', 0, h.branch);
      expect(table.receive(hosts[h.port]!, again, 40)).toBe(h.at + WAIT >= 40);
    }
  });
});
