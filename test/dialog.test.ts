// One Dialog driven message by message over a wire that loses everything: the test plays the
// peer (it hands the port each request or response the peer would send) and reads what the
// dialog put on the wire, what it told its owner and which timer moments it reported. Each
// test pins one rule of RFC 3261 §12-§15 or RFC 4028 as the dialog applies it.
import { describe, expect, it } from 'vitest';
import { Invariants, NO_CHECKS } from '../src/kernel/invariants.ts';
import { RandomStream } from '../src/kernel/random.ts';
import { NO_EVENT, Simulator } from '../src/kernel/simulator.ts';
import {
  Dialog,
  type DialogContext,
  type DialogCounters,
  type RequestOwner,
  type TimerBehaviour,
  type TimerNote,
} from '../src/sip/dialog.ts';
import { joinedTextHash } from '../src/kernel/fingerprint.ts';
import {
  dialogIdHash,
  newRequest,
  newResponse,
  type Method,
  type Purpose,
  type Sdp,
  type SipMessage,
} from '../src/sip/message.ts';
import { PortSite, SipPort } from '../src/sip/port.ts';
import { withFields } from './helpers.ts';
import {
  RFC3261_TIMERS,
  type InviteServerTransaction,
  type ServerTransaction,
  type SipTimerSettings,
} from '../src/sip/transaction.ts';

/** An RFC-conforming timer-capable party: the baseline each test changes one setting of. */
const RFC_PARTY: TimerBehaviour = {
  supportsTimer: true,
  runsTimers: true,
  sessionExpires: 1800,
  minSe: 90,
  requestRefresher: '',
  preferredRefresher: 'uac',
  refreshMethod: 'invite',
  expiryRule: 'rfc',
  reading: 'transaction',
  retry422: true,
  max422Retries: 2,
  skipRefreshWhenBusy: false,
  byeOnRefreshRejected: false,
  aloneIfSilent: false,
  omitSeWhenNoRefresher: false,
  ignoreMinSeWithoutSe: false,
  neverRefreshes: false,
  hangUpOnGlare: false,
  maxSessionExpires: 0,
  allowUpdate: false,
};

const OUR_SDP: Sdp = { version: 1, audio: 'sendrecv', video: false, t38: false };
const PEER_SDP: Sdp = { version: 7, audio: 'sendrecv', video: false, t38: false };

/** Header values a test sets on a message the peer sends. */
type Fields = Partial<
  Pick<
    SipMessage,
    | 'sessionExpires'
    | 'refresher'
    | 'minSe'
    | 'requireTimer'
    | 'supportedTimer'
    | 'allowUpdate'
    | 'retryAfter'
    | 'sdp'
    | 'toTag'
  >
>;

interface Options {
  behaviour?: Partial<TimerBehaviour>;
  /** This party sent the initial INVITE (default true). */
  createdByUs?: boolean;
  checks?: boolean;
  timers?: SipTimerSettings;
  traced?: boolean;
}

function party(o: Options = {}) {
  const sim = new Simulator();
  const port = new SipPort(new PortSite(sim, o.timers ?? RFC3261_TIMERS, 'ua'));
  const sent: Array<{ t: number; m: SipMessage }> = [];
  port.wire = { carry: (_p, m) => sent.push({ t: sim.now, m }) };
  const now = () => +sim.now.toFixed(6);
  /** What the dialog told its owner, as "time what". */
  const told: string[] = [];
  const notes: Array<{ t: number; n: TimerNote }> = [];
  const answered: number[] = [];
  const counters: DialogCounters = {
    refreshesSent: 0,
    refreshesSucceeded: 0,
    refreshesFailed: 0,
    refreshesSkipped: 0,
    refreshesPostponed: 0,
    retriesAfterGlare: 0,
  };
  const backoff = new RandomStream('dialog-test', 'backoff');
  let branch = 100;
  let open = 0;
  const ctx: DialogContext = {
    index: 0,
    invariants: o.checks === false ? NO_CHECKS : new Invariants(true),
    newBranch: () => ++branch,
    backoff: () => backoff,
    counters,
    note: o.traced === false ? null : (_d, n) => notes.push({ t: now(), n }),
    dialogOpened: () => open++,
    dialogClosed: () => open--,
    refreshAnswered: (delay) => answered.push(+delay.toFixed(6)),
  };
  const createdByUs = o.createdByUs ?? true;
  const d = new Dialog(
    port,
    ctx,
    {
      onSessionExpired: () => told.push(`${now()} session expired`),
      onRefreshFailed: (_d, cause, st) => told.push(`${now()} refresh failed ${cause} ${st}`),
      onAckMissing: () => told.push(`${now()} ack missing`),
      onByeReceived: () => told.push(`${now()} bye received`),
    },
    { ...RFC_PARTY, ...o.behaviour },
    'call-1',
    createdByUs ? 'a1' : 'b1',
    createdByUs,
    OUR_SDP,
  );
  const peerTag = createdByUs ? 'b1' : 'a1';
  /** Finals of the requests a test sent itself through `d.start`. */
  const finals: string[] = [];
  const requester: RequestOwner = {
    onRequestFinal: (_d, txn, r) => finals.push(`${now()} ${txn.request.method} ${r.status}`),
    onRequestTimeout: (_d, txn) => finals.push(`${now()} ${txn.request.method} timeout`),
  };
  /** Requests the core keeps unanswered (when `hold` is set) for a test to answer itself. */
  const held: Array<{ req: SipMessage; txn: ServerTransaction }> = [];
  const receiveReturned: boolean[] = [];
  const p = {
    sim,
    port,
    sent,
    told,
    notes,
    answered,
    counters,
    d,
    finals,
    requester,
    held,
    receiveReturned,
    hold: false,
    open: () => open,
    peerCseq: createdByUs ? 0 : 1,
    peerBranch: 5000,
    /** The requests the dialog sent, as "time METHOD purpose": no ACK, no retransmission. */
    requests(): string[] {
      return sent
        .filter((s) => s.m.status === 0 && s.m.method !== 'ACK' && !s.m.retransmission)
        .map((s) => `${+s.t.toFixed(6)} ${s.m.method} ${s.m.purpose}`);
    },
    last(method: Method): SipMessage {
      const all = sent.filter((s) => s.m.status === 0 && s.m.method === method && !s.m.retransmission);
      if (all.length === 0) throw new Error(`no ${method} sent`);
      return all[all.length - 1]!.m;
    },
    responses(): number[] {
      return sent.filter((s) => s.m.status !== 0 && !s.m.retransmission).map((s) => s.m.status);
    },
    lastResponse(): SipMessage {
      const all = sent.filter((s) => s.m.status !== 0 && !s.m.retransmission);
      return all[all.length - 1]!.m;
    },
    /** The peer sends a request in the dialog (or the initial INVITE when `initial`). */
    fromPeer(method: Method, f: Fields & { cseq?: number; purpose?: Purpose; initial?: boolean } = {}): SipMessage {
      const cseq = f.cseq ?? ++p.peerCseq;
      const req = newRequest(
        method,
        f.purpose ?? 'refresh',
        'call-1',
        peerTag,
        f.initial ? '' : d.localTag,
        cseq,
        ++p.peerBranch,
      );
      req.supportedTimer = true;
      Object.assign(req, stripMeta(f));
      port.receive(req);
      return req;
    },
    /** The peer answers a request the dialog sent. */
    answer(req: SipMessage, status: number, f: Fields = {}): SipMessage {
      const r = newResponse(req, status, peerTag);
      r.supportedTimer = true;
      Object.assign(r, f);
      port.receive(r);
      return r;
    },
    /** The ACK for a 2xx: a request of its own (new branch), matched by the dialog. */
    ack(cseq: number): void {
      port.receive(newRequest('ACK', 'setup', 'call-1', peerTag, d.localTag, cseq, ++p.peerBranch));
    },
    /** The ACK for a non-2xx final: part of the INVITE transaction (its branch, §17.1.1.3). */
    ackFinal(txn: ServerTransaction): void {
      const r = txn.request;
      port.receive(newRequest('ACK', r.purpose, 'call-1', peerTag, d.localTag, r.cseq, r.branch));
    },
    run(until: number): void {
      sim.run({ until });
    },
  };
  port.core = {
    onRequest(_port, req, txn) {
      if (req.method === 'INVITE' && req.toTag === '') d.acceptInitial(req, txn as InviteServerTransaction);
      else {
        const go = d.receive(req, txn);
        receiveReturned.push(go);
        if (!go) return;
      }
      if (p.hold) {
        held.push({ req, txn });
        return;
      }
      const ok =
        req.method === 'INVITE' || req.method === 'UPDATE'
          ? d.answerWithTimer(req, txn)
          : txn.makeResponse(200, d.localTag);
      if (ok !== null) d.respond(txn, ok);
    },
    onAck: (_port, ack) => d.receiveAck(ack),
  };
  return p;
}

function stripMeta(f: Fields & { cseq?: number; purpose?: Purpose; initial?: boolean }): Fields {
  const { cseq: _c, purpose: _p, initial: _i, ...rest } = f;
  return rest;
}

type Party = ReturnType<typeof party>;

/** This party (the UAC) sends the initial INVITE and the peer answers 200 with `answer`. */
function establishAsUac(p: Party, answer: Fields = {}, offer: Fields = {}): SipMessage {
  const m = p.d.request('INVITE', 'setup');
  m.sdp = p.d.localSdp;
  const b = p.d.behaviour;
  if (b.supportsTimer) {
    m.minSe = b.minSe;
    if (b.sessionExpires > 0) {
      m.sessionExpires = b.sessionExpires;
      m.refresher = b.requestRefresher;
    }
  }
  Object.assign(m, offer);
  p.d.start(m, p.requester);
  p.answer(m, 200, { sdp: PEER_SDP, ...answer });
  return m;
}

/** The peer (the UAC) sends the initial INVITE; this party answers 200, the peer ACKs it. */
function establishAsUas(p: Party, offer: Fields = {}): SipMessage {
  const req = p.fromPeer('INVITE', { initial: true, cseq: 1, purpose: 'setup', sdp: PEER_SDP, ...offer });
  p.ack(1);
  return req;
}

/** A refresher UAC at SE 1800 (refresh due at 900 s) with the peer as a plain RFC UAS. */
function refresherUac(o: Options = {}, answer: Fields = {}): Party {
  const p = party(o);
  establishAsUac(p, { sessionExpires: 1800, refresher: 'uac', requireTimer: true, ...answer });
  return p;
}

describe('requests the dialog sends (RFC 3261 §12.2.1.1)', () => {
  it('each has the next CSeq, a new branch, Supported: timer and Allow as the party is set', () => {
    const p = party({ behaviour: { allowUpdate: true } });
    const a = p.d.request('OPTIONS', 'keepalive');
    const b = p.d.request('OPTIONS', 'keepalive');
    expect([a.cseq, b.cseq]).toEqual([1, 2]);
    expect(a.branch).not.toBe(b.branch);
    expect([a.supportedTimer, a.allowUpdate]).toEqual([true, true]);
    const q = party({ behaviour: { supportsTimer: false } });
    expect([
      q.d.request('OPTIONS', 'keepalive').supportedTimer,
      q.d.request('OPTIONS', 'keepalive').allowUpdate,
    ]).toEqual([false, false]);
  });

  it('each carries the hash of its own Call-ID and tags, given by the dialog; a changed identifier is never hashed stale', () => {
    const p = party();
    const own = (m: SipMessage) => expect(dialogIdHash(m)).toBe(joinedTextHash(m.callId, m.fromTag, m.toTag) | 0);
    establishAsUac(p); // the INVITE without a To tag, then the ACK with the peer's
    p.fromPeer('OPTIONS', { purpose: 'keepalive' }); // answered with 200 inside the dialog
    p.d.send('BYE', 'teardown', p.requester);
    expect(p.sent.map((s) => s.m.method + s.m.status)).toEqual(['INVITE0', 'ACK0', 'OPTIONS200', 'BYE0']);
    for (const s of p.sent) own(s.m);
    // an identifier changed afterwards, on the message or on the dialog, is hashed as it is now
    const m = p.d.request('OPTIONS', 'keepalive');
    own(m);
    m.toTag = 'elsewhere';
    own(m);
    own(withFields(m, { callId: 'call-2' }));
    p.d.remoteTag = 'b2';
    own(p.d.request('OPTIONS', 'keepalive'));
    own(newResponse(m, 200, 'b3'));
  });

  it('with --check a request on a terminated dialog is a violation; without it nothing is checked', () => {
    const p = party();
    p.d.terminate();
    expect(() => p.d.request('BYE', 'teardown')).toThrow(/terminated dialog/);
    const q = party({ checks: false });
    q.d.terminate();
    expect(q.d.request('BYE', 'teardown').method).toBe('BYE');
  });

  it('with --check a second INVITE transaction while one is in progress is a violation (§14.1)', () => {
    const p = refresherUac();
    p.d.send('INVITE', 'video', p.requester);
    expect(() => p.d.request('INVITE', 'hold')).toThrow(/second INVITE/);
  });
});

describe('session-timer headers of a mid-dialog INVITE or UPDATE (RFC 4028 §7.4)', () => {
  function headers(o: Options, state: { se: number; local: boolean; largest?: number }) {
    const p = party(o);
    p.d.sessionExpires = state.se;
    p.d.refresherLocal = state.local;
    p.d.largestMinSe = state.largest ?? 0;
    const m = p.d.request('INVITE', 'video');
    p.d.addTimerHeaders(m);
    return { se: m.sessionExpires, refresher: m.refresher, minSe: m.minSe };
  }

  it('a party without timer support adds none', () => {
    expect(headers({ behaviour: { supportsTimer: false } }, { se: 1800, local: true, largest: 1000 })).toEqual({
      se: 0,
      refresher: '',
      minSe: 0,
    });
    expect(headers({ behaviour: { supportsTimer: false } }, { se: 0, local: false })).toEqual({
      se: 0,
      refresher: '',
      minSe: 0,
    });
  });

  it('the refresher keeps its role: uac in transaction terms, its dialog role when it reads tokens as dialog roles', () => {
    expect(headers({}, { se: 1800, local: true }).refresher).toBe('uac');
    expect(headers({ createdByUs: false }, { se: 1800, local: true }).refresher).toBe('uac');
    expect(headers({ behaviour: { reading: 'dialog' } }, { se: 1800, local: true }).refresher).toBe('uac');
    expect(headers({ behaviour: { reading: 'dialog' }, createdByUs: false }, { se: 1800, local: true }).refresher).toBe(
      'uas',
    );
  });

  it("the non-refresher leaves the role with the peer: uas in transaction terms, the peer's dialog role otherwise", () => {
    expect(headers({}, { se: 1800, local: false }).refresher).toBe('uas');
    expect(headers({ createdByUs: false }, { se: 1800, local: false }).refresher).toBe('uas');
    expect(headers({ behaviour: { reading: 'dialog' } }, { se: 1800, local: false }).refresher).toBe('uas');
    expect(
      headers({ behaviour: { reading: 'dialog' }, createdByUs: false }, { se: 1800, local: false }).refresher,
    ).toBe('uac');
  });

  it('the interval in force, never below the largest Min-SE seen (U14); Min-SE is the larger of its own and that', () => {
    expect(headers({ behaviour: { minSe: 90 } }, { se: 1800, local: true, largest: 600 })).toEqual({
      se: 1800,
      refresher: 'uac',
      minSe: 600,
    });
    expect(headers({ behaviour: { minSe: 900 } }, { se: 1800, local: true, largest: 600 })).toEqual({
      se: 1800,
      refresher: 'uac',
      minSe: 900,
    });
    expect(headers({}, { se: 1800, local: true, largest: 2400 })).toEqual({ se: 2400, refresher: 'uac', minSe: 2400 });
  });

  it('no timer in force: it asks for its own interval (at least the largest Min-SE) with its configured refresher', () => {
    expect(
      headers({ behaviour: { sessionExpires: 1800, requestRefresher: 'uas' } }, { se: 0, local: false, largest: 600 }),
    ).toEqual({ se: 1800, refresher: 'uas', minSe: 600 });
    expect(
      headers({ behaviour: { sessionExpires: 1800, requestRefresher: '' } }, { se: 0, local: false, largest: 3600 }),
    ).toEqual({ se: 3600, refresher: '', minSe: 3600 });
    expect(headers({ behaviour: { sessionExpires: 0, minSe: 120 } }, { se: 0, local: false, largest: 600 })).toEqual({
      se: 0,
      refresher: '',
      minSe: 600,
    });
  });
});

describe('BYE (RFC 3261 §15)', () => {
  it('is sent once; its final ends the dialog', () => {
    const p = refresherUac();
    expect(p.open()).toBe(1);
    p.d.bye();
    p.d.bye();
    expect(p.requests()).toEqual(['0 INVITE setup', '0 BYE teardown']);
    expect(p.d.state).toBe('terminating');
    p.answer(p.last('BYE'), 200);
    expect(p.d.state).toBe('terminated');
    expect(p.open()).toBe(0);
  });

  it('a BYE that gets no answer ends the dialog at Timer F', () => {
    const p = refresherUac();
    p.d.bye();
    p.run(31.9);
    expect(p.d.state).toBe('terminating');
    p.run(32);
    expect(p.d.state).toBe('terminated');
  });

  it('an early dialog (no 2xx yet) ends without sending anything', () => {
    const p = party();
    p.d.send('INVITE', 'setup', p.requester);
    p.d.bye();
    expect(p.requests()).toEqual(['0 INVITE setup']);
    expect(p.d.state).toBe('terminated');
    expect(p.open()).toBe(0);
  });

  it('a UAS whose 2xx is not acknowledged sends BYE after the ACK', () => {
    const p = party({ createdByUs: false });
    p.fromPeer('INVITE', { initial: true, cseq: 1, purpose: 'setup' });
    p.run(1);
    p.d.bye();
    expect(p.requests()).toEqual([]);
    p.ack(1);
    expect(p.requests()).toEqual(['1 BYE teardown']);
  });

  it('... or after the ACK wait of 64*T1, without reporting the ACK as missing', () => {
    const p = party({ createdByUs: false });
    p.fromPeer('INVITE', { initial: true, cseq: 1, purpose: 'setup' });
    p.d.bye();
    p.run(40);
    expect(p.requests()).toEqual(['32 BYE teardown']);
    expect(p.told).toEqual([]);
  });
});

describe('the UAS side of the initial INVITE', () => {
  it("takes the peer's tag, CSeq and SDP; an INVITE without SDP leaves the remote SDP unknown", () => {
    const p = party({ createdByUs: false });
    establishAsUas(p);
    expect(p.d.remoteTag).toBe('a1');
    expect(p.d.remoteSdp).toEqual(PEER_SDP);
    const q = party({ createdByUs: false });
    q.fromPeer('INVITE', { initial: true, cseq: 1, purpose: 'setup', sdp: null });
    expect(q.d.remoteSdp).toBe(null);
    const r = party({ createdByUs: false });
    r.hold = true;
    r.fromPeer('INVITE', { initial: true, cseq: 1, purpose: 'setup', sdp: PEER_SDP });
    expect(r.d.remoteSdp).toEqual(PEER_SDP); // known before the answer
  });

  it("remembers the request's Min-SE (U13), unless defect F9 ignores one without Session-Expires", () => {
    const minSe = (ignore: boolean, sessionExpires: number) => {
      const p = party({ createdByUs: false, behaviour: { ignoreMinSeWithoutSe: ignore } });
      establishAsUas(p, { minSe: 1200, sessionExpires });
      return p.d.largestMinSe;
    };
    expect(minSe(false, 0)).toBe(1200);
    expect(minSe(false, 1800)).toBe(1200);
    expect(minSe(true, 1800)).toBe(1200);
    expect(minSe(true, 0)).toBe(0);
  });

  it('the 2xx carries Supported: timer, the interval, the refresher and Require: timer (§9)', () => {
    const p = party({ createdByUs: false });
    establishAsUas(p, { sessionExpires: 1800, refresher: '' });
    const ok = p.lastResponse();
    expect([ok.status, ok.supportedTimer, ok.sessionExpires, ok.refresher, ok.requireTimer]).toEqual([
      200,
      true,
      1800,
      'uac',
      true,
    ]);
    expect(p.d.sessionExpires).toBe(1800);
    expect(p.d.refresherLocal).toBe(false);
  });

  it('a party without timer support answers with no timer header and arms nothing', () => {
    const p = party({ createdByUs: false, behaviour: { supportsTimer: false } });
    establishAsUas(p, { sessionExpires: 1800, refresher: 'uac' });
    const ok = p.lastResponse();
    expect([ok.supportedTimer, ok.sessionExpires, ok.refresher, ok.requireTimer]).toEqual([false, 0, '', false]);
    expect(p.d.negotiate(p.fromPeer('OPTIONS'))).toBe(null);
    expect(p.notes).toEqual([]);
    expect(p.d.refresherLocal).toBe(false);
  });

  it('an interval below its Min-SE gets 422 with its Min-SE, and the early dialog ends', () => {
    const p = party({ createdByUs: false, behaviour: { minSe: 1800 } });
    p.fromPeer('INVITE', { initial: true, cseq: 1, purpose: 'setup', sessionExpires: 900, minSe: 90 });
    const r = p.lastResponse();
    expect([r.status, r.minSe, r.sessionExpires]).toEqual([422, 1800, 0]);
    expect(p.d.state).toBe('terminated');
  });
});

describe('answers the dialog sends (RFC 3261 §13.3, §14.2)', () => {
  it('a 2xx to an INVITE carries the current SDP when the answer has none; one to UPDATE carries none', () => {
    const p = party({ createdByUs: false, behaviour: { allowUpdate: true } });
    establishAsUas(p);
    expect(p.lastResponse().sdp).toEqual(p.d.localSdp);
    p.fromPeer('UPDATE', { sessionExpires: 1800, refresher: 'uac' });
    const ok = p.lastResponse();
    expect([ok.status, ok.sdp, ok.allowUpdate]).toEqual([200, null, true]);
    // An exchange without SDP changes neither side's session description.
    expect([p.d.localSdp, p.d.remoteSdp]).toEqual([OUR_SDP, PEER_SDP]);
  });

  it("the SDP of a 2xx becomes ours, the request's becomes the peer's", () => {
    const p = party({ createdByUs: false });
    establishAsUas(p);
    p.hold = true;
    const offer: Sdp = { version: 8, audio: 'sendonly', video: false, t38: false };
    p.fromPeer('INVITE', { purpose: 'hold', sdp: offer });
    const { txn } = p.held[0]!;
    const ok = txn.makeResponse(200, p.d.localTag);
    const answer: Sdp = { version: 2, audio: 'recvonly', video: false, t38: false };
    ok.sdp = answer;
    p.d.respond(txn, ok);
    expect(p.d.localSdp).toEqual(answer);
    expect(p.d.remoteSdp).toEqual(offer);
  });

  it('a 2xx to UPDATE sets the interval and refresher it names', () => {
    const p = party({ createdByUs: false, behaviour: { allowUpdate: true } });
    establishAsUas(p, { sessionExpires: 1800, refresher: 'uac' });
    p.fromPeer('UPDATE', { sessionExpires: 1200, refresher: 'uas' });
    expect([p.d.sessionExpires, p.d.refresherLocal]).toEqual([1200, true]);
  });

  it('a 3xx-6xx to a re-INVITE changes nothing and is not retransmitted as a 2xx would be', () => {
    for (const status of [300, 488]) {
      const p = party({ createdByUs: false });
      establishAsUas(p, { sessionExpires: 1800, refresher: 'uac' });
      p.hold = true;
      p.fromPeer('INVITE', { sessionExpires: 600, refresher: 'uas', sdp: { ...PEER_SDP, version: 9 } });
      const { txn } = p.held[0]!;
      p.d.respond(txn, txn.makeResponse(status, p.d.localTag));
      expect([p.d.sessionExpires, p.d.refresherLocal, p.d.state]).toEqual([1800, false, 'confirmed']);
      expect(p.d.remoteSdp).toEqual(PEER_SDP);
      p.ackFinal(txn);
      p.run(3);
      expect(p.sent.filter((s) => s.m.status === status).length).toBe(1);
    }
  });

  it('a final non-2xx to the initial INVITE ends the early dialog; one to an UPDATE in it does not', () => {
    for (const status of [300, 486]) {
      const p = party({ createdByUs: false });
      p.hold = true;
      p.fromPeer('INVITE', { initial: true, cseq: 1, purpose: 'setup' });
      const { txn } = p.held[0]!;
      p.d.respond(txn, txn.makeResponse(status, p.d.localTag));
      expect(p.d.state).toBe('terminated');
    }
    const p = party({ createdByUs: false });
    p.hold = true;
    p.fromPeer('INVITE', { initial: true, cseq: 1, purpose: 'setup' });
    p.fromPeer('UPDATE', { purpose: 'setup' });
    const { txn } = p.held[1]!;
    p.d.respond(txn, txn.makeResponse(488, p.d.localTag));
    expect(p.d.state).toBe('early');
  });

  it('the 2xx to an INVITE is repeated from T1, doubling to T2, until the ACK (§13.3.1.4)', () => {
    const p = party({ createdByUs: false });
    p.fromPeer('INVITE', { initial: true, cseq: 1, purpose: 'setup' });
    p.run(12);
    expect(p.sent.filter((s) => s.m.status === 200).map((s) => s.t)).toEqual([0, 0.5, 1.5, 3.5, 7.5, 11.5]);
    p.ack(1);
    p.run(30);
    expect(p.sent.filter((s) => s.m.status === 200).length).toBe(6);
    expect(
      p.sent
        .filter((s) => s.m.status === 200)
        .slice(1)
        .every((s) => s.m.retransmission),
    ).toBe(true);
  });

  it("a 2xx's retransmission record goes back to the party when ACKed and serves its next 2xx as new", () => {
    const p = party({ createdByUs: false });
    const spares = p.port.site.spare2xxWaits;
    p.fromPeer('INVITE', { initial: true, cseq: 1, purpose: 'setup' });
    p.run(2);
    expect(spares).toEqual([]);
    p.ack(1);
    expect(spares.length).toBe(1);
    const record = spares[0]!;
    // Nothing of the 2xx kept, no timer left: as a new one but for its intervals (set on use).
    expect([record.resp, record.retxHandle, record.ackTimeoutHandle]).toEqual([null, NO_EVENT, NO_EVENT]);
    p.run(100);
    const before = p.sent.length;
    p.fromPeer('INVITE', { cseq: 2, purpose: 'refresh' });
    expect(spares).toEqual([]);
    p.run(112);
    // The same schedule as the first 2xx's, from T1 again, though the record last doubled to 2 s.
    expect(
      p.sent
        .slice(before)
        .filter((s) => s.m.status === 200)
        .map((s) => s.t),
    ).toEqual([100, 100.5, 101.5, 103.5, 107.5, 111.5]);
    p.ack(2);
    expect(spares).toEqual([record]);
  });

  it('an ACK for another CSeq does not stop it; a missing ACK is reported at 64*T1', () => {
    const p = party({ createdByUs: false });
    p.fromPeer('INVITE', { initial: true, cseq: 1, purpose: 'setup' });
    p.ack(7);
    p.run(40);
    expect(p.sent.filter((s) => s.m.status === 200).length).toBe(11);
    expect(p.told).toEqual(['32 ack missing']);
  });

  it('an ACK with no 2xx waiting is ignored', () => {
    const p = refresherUac();
    expect(() => p.ack(1)).not.toThrow();
    expect(p.told).toEqual([]);
  });
});

describe('requests the peer sends in the dialog (RFC 3261 §12.2.2, §14.2)', () => {
  it('a CSeq not above the last one gets 500; a higher one goes to the owner', () => {
    const p = party({ createdByUs: false });
    establishAsUas(p);
    p.fromPeer('OPTIONS', { cseq: 5 });
    p.fromPeer('OPTIONS', { cseq: 5 });
    p.fromPeer('OPTIONS', { cseq: 4 });
    p.fromPeer('OPTIONS', { cseq: 6 });
    expect(p.responses().slice(1)).toEqual([200, 500, 500, 200]);
    expect(p.receiveReturned).toEqual([true, false, false, true]);
  });

  it('raises the largest Min-SE seen, never lowers it; Allow: UPDATE is remembered', () => {
    const p = party({ createdByUs: false });
    establishAsUas(p, { minSe: 600 });
    expect(p.d.remoteAllowsUpdate).toBe(false);
    p.fromPeer('OPTIONS', { minSe: 300 });
    expect([p.d.largestMinSe, p.d.remoteAllowsUpdate]).toEqual([600, false]);
    p.fromPeer('OPTIONS', { minSe: 900, allowUpdate: true });
    expect([p.d.largestMinSe, p.d.remoteAllowsUpdate]).toEqual([900, true]);
    p.fromPeer('OPTIONS', { minSe: 0, allowUpdate: false });
    expect([p.d.largestMinSe, p.d.remoteAllowsUpdate]).toEqual([900, true]);
  });

  it('the Allow of the initial INVITE is remembered too', () => {
    const p = party({ createdByUs: false });
    establishAsUas(p, { allowUpdate: true });
    expect(p.d.remoteAllowsUpdate).toBe(true);
  });

  it('BYE is answered 200 by the dialog, ends it and stops a pending 2xx retransmission', () => {
    const p = party({ createdByUs: false });
    p.fromPeer('INVITE', { initial: true, cseq: 1, purpose: 'setup' });
    p.fromPeer('BYE', { purpose: 'teardown' });
    expect(p.receiveReturned).toEqual([false]);
    expect(p.responses()).toEqual([200, 200]);
    expect(p.d.state).toBe('terminated');
    expect(p.told).toEqual(['0 bye received']);
    p.run(40);
    expect(p.sent.filter((s) => s.m.status === 200 && s.m.method === 'INVITE').length).toBe(1);
  });

  it('BYE while a re-INVITE is unanswered: the re-INVITE gets 487 (§15.1.2), and an answer given later sets up nothing', () => {
    const p = party({ createdByUs: false });
    establishAsUas(p);
    p.hold = true;
    p.fromPeer('INVITE', { purpose: 'refresh', sessionExpires: 1800, refresher: 'uac' });
    const reinvite = p.held[0]!;
    const armed = p.notes.length;
    p.fromPeer('BYE', { purpose: 'teardown' });
    expect(p.responses()).toEqual([200, 200, 487]);
    expect(p.d.state).toBe('terminated');
    // The owner answers late (a border element relaying the far leg's 2xx): nothing goes out, no
    // timer is armed and no 2xx is repeated on the ended dialog.
    const ok = reinvite.txn.makeResponse(200, p.d.localTag);
    ok.sessionExpires = 1800;
    ok.refresher = 'uac';
    p.d.respond(reinvite.txn, ok);
    expect(p.responses()).toEqual([200, 200, 487]);
    expect(p.notes.length).toBe(armed);
    p.ackFinal(reinvite.txn);
    p.run(100);
    expect(p.sent.filter((s) => s.m.status === 200 && s.m.method === 'INVITE' && s.m.retransmission)).toEqual([]);
  });

  it('a re-INVITE while our INVITE is outstanding gets 491; an UPDATE then goes to the owner', () => {
    const p = refresherUac();
    p.d.send('INVITE', 'video', p.requester);
    p.fromPeer('INVITE');
    expect(p.responses()).toEqual([491]);
    p.fromPeer('UPDATE');
    expect(p.receiveReturned).toEqual([false, true]);
    expect(p.responses()).toEqual([491, 200]);
  });

  it("a re-INVITE while the peer's previous one is unanswered gets 500 with Retry-After of 0-10 s", () => {
    const p = party({ createdByUs: false });
    establishAsUas(p);
    p.hold = true;
    p.fromPeer('INVITE', { purpose: 'video' });
    p.fromPeer('INVITE', { purpose: 'hold' });
    expect(p.receiveReturned).toEqual([true, false]);
    const r = p.lastResponse();
    expect(r.status).toBe(500);
    expect(Number.isInteger(r.retryAfter) && r.retryAfter >= 0 && r.retryAfter <= 10).toBe(true);
  });

  it('after our BYE, and once the dialog is over, requests get 481', () => {
    const p = refresherUac();
    p.d.bye();
    p.fromPeer('INVITE');
    expect(p.receiveReturned).toEqual([false]);
    expect(p.lastResponse().status).toBe(481);
    p.answer(p.last('BYE'), 200);
    p.fromPeer('OPTIONS');
    expect(p.receiveReturned).toEqual([false, false]);
    expect(p.lastResponse().status).toBe(481);
  });
});

describe('responses to what the dialog sent (RFC 3261 §13.2.2.4)', () => {
  it('the 2xx to the INVITE confirms the dialog and is ACKed by the core; its retransmission gets the same ACK again', () => {
    const p = party();
    const inv = establishAsUac(p);
    expect(p.d.state).toBe('confirmed');
    expect(p.d.remoteTag).toBe('b1');
    const acks = () => p.sent.filter((s) => s.m.method === 'ACK').map((s) => s.m);
    expect(acks().length).toBe(1);
    expect(acks()[0]!.branch).not.toBe(inv.branch);
    p.answer(inv, 200, { sdp: PEER_SDP });
    expect(acks().length).toBe(2);
    expect(acks()[1]).toEqual(withFields(acks()[0]!, { retransmission: true }));
    expect(p.finals).toEqual(['0 INVITE 200']);
  });

  it('a 2xx to UPDATE is not ACKed and sets the interval it names', () => {
    const p = refresherUac({ behaviour: { refreshMethod: 'update' } });
    p.run(900);
    const upd = p.last('UPDATE');
    p.answer(upd, 200, { sessionExpires: 1200, refresher: 'uac' });
    expect(p.sent.filter((s) => s.m.method === 'ACK').length).toBe(1);
    expect(p.d.sessionExpires).toBe(1200);
  });

  it("takes the peer's SDP and Allow from a 2xx when present", () => {
    const p = party();
    establishAsUac(p, { allowUpdate: false, sdp: null });
    expect([p.d.remoteAllowsUpdate, p.d.remoteSdp]).toEqual([false, null]);
    const q = party();
    establishAsUac(q, { allowUpdate: true });
    expect([q.d.remoteAllowsUpdate, q.d.remoteSdp]).toEqual([true, PEER_SDP]);
    const offer = q.d.request('INVITE', 'hold');
    offer.sdp = { ...OUR_SDP, version: 2, audio: 'sendonly' };
    q.d.start(offer, q.requester);
    q.answer(offer, 200, { sdp: null });
    expect(q.d.remoteSdp).toEqual(PEER_SDP);
    expect(q.d.localSdp).toEqual(offer.sdp);
  });

  it('a Min-SE in a response raises the largest seen, never lowers it', () => {
    const p = refresherUac({ behaviour: { retry422: false } });
    p.d.largestMinSe = 1200;
    p.run(900);
    p.answer(p.last('INVITE'), 422, { minSe: 600 });
    expect(p.d.largestMinSe).toBe(1200);
    p.d.send('INVITE', 'video', p.requester);
    p.answer(p.last('INVITE'), 422, { minSe: 2400 });
    expect(p.d.largestMinSe).toBe(2400);
  });

  it('a 300 to a re-INVITE is a final non-2xx: the transaction ACKs it, the dialog keeps its state', () => {
    const p = refresherUac();
    const inv = p.d.request('INVITE', 'video');
    p.d.start(inv, p.requester);
    p.answer(inv, 300, { sessionExpires: 90, refresher: 'uas', allowUpdate: true, sdp: { ...PEER_SDP, version: 99 } });
    const ack = p.last('ACK');
    expect(ack.branch).toBe(inv.branch);
    expect([p.d.sessionExpires, p.d.refresherLocal, p.d.remoteAllowsUpdate, p.d.remoteSdp]).toEqual([
      1800,
      true,
      false,
      PEER_SDP,
    ]);
    expect(p.finals).toEqual(['0 INVITE 200', '0 INVITE 300']);
  });

  it('an INVITE that times out frees the dialog for the next one; another request timing out does not', () => {
    const p = refresherUac();
    p.d.send('UPDATE', 'video', p.requester);
    p.run(10);
    p.d.send('INVITE', 'video', p.requester);
    p.run(33);
    expect(p.finals.slice(1)).toEqual(['32 UPDATE timeout']);
    p.fromPeer('INVITE');
    expect(p.lastResponse().status).toBe(491);
    p.run(43);
    expect(p.d.ict).toBe(null);
    expect(p.d.inviteBusy).toBe(false);
  });
});

describe('RFC 4028 §7.2 at the UAC: the 2xx sets the timer', () => {
  it('a party without timer support ignores Session-Expires in the 2xx', () => {
    const p = party({ behaviour: { supportsTimer: false } });
    establishAsUac(p, { sessionExpires: 1800, refresher: 'uac', requireTimer: true });
    expect([p.d.sessionExpires, p.d.refresherLocal]).toEqual([0, false]);
    expect(p.notes).toEqual([]);
  });

  it('a 2xx naming no refresher makes the UAC the refresher (A.12)', () => {
    const p = party();
    establishAsUac(p, { sessionExpires: 1800, refresher: '' });
    expect([p.d.sessionExpires, p.d.refresherLocal]).toEqual([1800, true]);
  });

  it('a silent 2xx: alone as refresher with its own interval when set so (U7), otherwise no timer (U8)', () => {
    const silent = (aloneIfSilent: boolean, answer: Fields, offer: Fields = {}) => {
      const p = party({ behaviour: { aloneIfSilent } });
      establishAsUac(p, answer, offer);
      return [p.d.sessionExpires, p.d.refresherLocal];
    };
    expect(silent(true, {})).toEqual([1800, true]);
    expect(silent(false, {})).toEqual([0, false]);
    expect(silent(true, { requireTimer: true })).toEqual([0, false]);
    expect(silent(true, {}, { sessionExpires: 0 })).toEqual([0, false]);
    expect(silent(true, { sessionExpires: 600, refresher: 'uas' })).toEqual([600, false]);
  });

  it('a party that reads tokens as dialog roles and runs alone names itself by its dialog role', () => {
    const p = party({ createdByUs: true, behaviour: { aloneIfSilent: true, reading: 'dialog' } });
    establishAsUac(p);
    expect(p.d.refresherLocal).toBe(true);
  });

  it("reports each timer moment: armed (with the other side's instant -1), off, due, expired", () => {
    const p = refresherUac();
    expect(p.notes).toEqual([
      { t: 0, n: { what: 'timer-armed', sessionExpires: 1800, refresherLocal: true, refreshAt: 900, expiryAt: -1 } },
    ]);
    const q = party();
    establishAsUac(q, { sessionExpires: 1800, refresher: 'uas', requireTimer: true });
    expect(q.notes).toEqual([
      { t: 0, n: { what: 'timer-armed', sessionExpires: 1800, refresherLocal: false, refreshAt: -1, expiryAt: 1768 } },
    ]);
    q.run(1800);
    expect(q.notes.slice(1)).toEqual([{ t: 1768, n: { what: 'expired' } }]);
    expect(q.told).toEqual(['1768 session expired']);
    const r = party();
    establishAsUac(r, {});
    expect(r.notes).toEqual([{ t: 0, n: { what: 'timer-off' } }]);
    p.run(900);
    expect(p.notes[1]).toEqual({ t: 900, n: { what: 'refresh-due' } });
  });

  it('a 2xx without Session-Expires to a later request turns the timer off and the party is no longer refresher', () => {
    const p = refresherUac();
    const inv = p.d.request('INVITE', 'video');
    p.d.start(inv, p.requester);
    p.answer(inv, 200, {});
    expect([p.d.sessionExpires, p.d.refresherLocal]).toEqual([0, false]);
    p.run(4000);
    expect(p.requests().filter((r) => r.includes('refresh'))).toEqual([]);
  });

  it('traces off: the timer runs the same with no notes made', () => {
    const p = refresherUac({ traced: false });
    p.run(900);
    expect(p.requests()).toContain('900 INVITE refresh');
  });
});

describe('sending the refresh (RFC 4028 §7.4, §10)', () => {
  const methodFor = (refreshMethod: TimerBehaviour['refreshMethod'], peerAllows: boolean) => {
    const p = refresherUac({ behaviour: { refreshMethod } }, { allowUpdate: peerAllows });
    p.run(900);
    return p.requests()[1];
  };

  it('by the method the party is set to use, UPDATE only where the peer allows it when so set', () => {
    expect(methodFor('invite', true)).toBe('900 INVITE refresh');
    expect(methodFor('update', false)).toBe('900 UPDATE refresh');
    expect(methodFor('update-if-allowed', true)).toBe('900 UPDATE refresh');
    expect(methodFor('update-if-allowed', false)).toBe('900 INVITE refresh');
    expect(methodFor('update-fallback-invite', true)).toBe('900 UPDATE refresh');
    expect(methodFor('update-fallback-invite', false)).toBe('900 INVITE refresh');
  });

  it('a re-INVITE refresh carries the unchanged offer; an UPDATE refresh carries no SDP', () => {
    const p = refresherUac();
    p.run(900);
    expect(p.last('INVITE').sdp).toEqual(OUR_SDP);
    const q = refresherUac({ behaviour: { refreshMethod: 'update' } });
    q.run(900);
    expect(q.last('UPDATE').sdp).toBe(null);
    expect([q.last('UPDATE').sessionExpires, q.last('UPDATE').refresher]).toEqual([1800, 'uac']);
  });

  it('the non-refresher never refreshes; a party that never refreshes sends nothing either', () => {
    const p = party();
    establishAsUac(p, { sessionExpires: 1800, refresher: 'uas' });
    p.d.onEvent(1); // a refresh-due event reaching the non-refresher (never scheduled so) does nothing
    p.run(1700);
    expect(p.requests().length).toBe(1);
    const q = refresherUac({ behaviour: { neverRefreshes: true } });
    q.run(1700);
    expect(q.requests().length).toBe(1);
  });

  it("a refresh due while the peer's re-INVITE is unanswered waits in 1 s steps (§14.1); UPDATE does not wait", () => {
    const p = refresherUac();
    p.hold = true;
    p.run(899.5);
    p.fromPeer('INVITE', { purpose: 'video' });
    p.run(902.2);
    expect(p.counters.refreshesPostponed).toBe(3);
    const { txn } = p.held[0]!;
    p.d.respond(txn, txn.makeResponse(488, p.d.localTag));
    p.ackFinal(txn);
    p.run(903);
    expect(p.requests().slice(1)).toEqual(['903 INVITE refresh']);
    p.answer(p.last('INVITE'), 200, { sessionExpires: 1800, refresher: 'uac' });
    expect(p.answered).toEqual([3]);

    const q = refresherUac({ behaviour: { refreshMethod: 'update' } });
    q.hold = true;
    q.run(899.5);
    q.fromPeer('INVITE', { purpose: 'video' });
    q.run(900);
    expect(q.requests().slice(1)).toEqual(['900 UPDATE refresh']);
    expect(q.counters.refreshesPostponed).toBe(0);
  });

  it('with defect F4 the busy refresh is dropped, not postponed', () => {
    const p = refresherUac({ behaviour: { skipRefreshWhenBusy: true } });
    p.hold = true;
    p.run(899.5);
    p.fromPeer('INVITE', { purpose: 'video' });
    p.run(1000);
    expect([p.counters.refreshesSkipped, p.counters.refreshesPostponed, p.counters.refreshesSent]).toEqual([1, 0, 0]);
    expect(p.requests().length).toBe(1);
  });

  it('a refresh due while the previous refresh is still unanswered waits for it', () => {
    // T1 = 2 s: Timer F is 128 s, longer than the 45 s refresh interval at SE 90.
    const p = party({ behaviour: { refreshMethod: 'update', minSe: 90 }, timers: { T1: 2, T2: 4, T4: 5 } });
    establishAsUac(p, { sessionExpires: 90, refresher: 'uac' });
    p.run(45);
    expect(p.requests().slice(1)).toEqual(['45 UPDATE refresh']);
    p.fromPeer('UPDATE', { sessionExpires: 90, refresher: 'uas' }); // the peer refreshes for us at 45: due again at 90
    p.run(92.5);
    expect(p.counters.refreshesPostponed).toBe(3);
    expect(p.requests().slice(1)).toEqual(['45 UPDATE refresh']);
  });

  it('the delay it reports runs from the moment the refresh first fell due, and restarts for the next', () => {
    const p = refresherUac();
    p.run(900.25);
    p.answer(p.last('INVITE'), 200, { sessionExpires: 1800, refresher: 'uac' });
    p.run(1800.5);
    p.answer(p.last('INVITE'), 200, { sessionExpires: 1800, refresher: 'uac' });
    expect(p.answered).toEqual([0.25, 0.25]);
    expect(p.counters.refreshesSucceeded).toBe(2);
  });
});

describe('the outcome of a refresh (RFC 4028 §7.4, RFC 3261 §14.1)', () => {
  function refreshAnswered(status: number, o: Options = {}, f: Fields = {}, answer: Fields = {}): Party {
    const p = refresherUac(o, answer);
    p.run(900);
    p.answer(p.last(p.d.behaviour.refreshMethod === 'invite' ? 'INVITE' : 'UPDATE'), status, f);
    return p;
  }

  it('a 2xx to a request that is not a refresh is not counted as one', () => {
    const p = refresherUac();
    p.d.send('INVITE', 'video', p.requester);
    p.answer(p.last('INVITE'), 200, { sessionExpires: 1800, refresher: 'uac' });
    expect(p.counters.refreshesSucceeded).toBe(0);
    const q = refresherUac();
    const video = q.d.request('INVITE', 'video');
    q.d.start(video, q.d);
    q.answer(video, 200, { sessionExpires: 1800, refresher: 'uac' });
    expect([q.counters.refreshesSucceeded, q.counters.refreshesFailed, q.d.state]).toEqual([0, 0, 'confirmed']);
  });

  it('491: tried again after the §14.1 back-off, 2.1-4.0 s for the Call-ID owner, 0-2.0 s for the other side', () => {
    for (const createdByUs of [true, false]) {
      for (let i = 0; i < 20; i++) {
        const p = party({ createdByUs });
        if (createdByUs) establishAsUac(p, { sessionExpires: 1800, refresher: 'uac' });
        else establishAsUas(p, { sessionExpires: 1800, refresher: 'uas' });
        for (let k = 0; k < i; k++) p.d.glareBackoff(); // a different draw each round
        p.run(900);
        p.answer(p.last('INVITE'), 491);
        p.run(905);
        const retry =
          p.sent.filter((s) => s.m.method === 'INVITE' && s.m.purpose === 'refresh' && !s.m.retransmission)[1]!.t - 900;
        const [low, high] = createdByUs ? [2.1, 4.0] : [0, 2.0];
        expect(retry).toBeGreaterThanOrEqual(low - 1e-9);
        expect(retry).toBeLessThanOrEqual(high + 1e-9);
        expect(Math.abs(retry * 100 - Math.round(retry * 100))).toBeLessThan(1e-6);
        expect(p.counters.retriesAfterGlare).toBe(1);
        expect(p.told).toEqual([]);
      }
    }
  });

  it('491 with defect F3: the refresh fails as glare', () => {
    const p = refreshAnswered(491, { behaviour: { hangUpOnGlare: true } });
    expect(p.told).toEqual(['900 refresh failed glare 491']);
    expect([p.counters.refreshesFailed, p.counters.retriesAfterGlare]).toEqual([1, 0]);
  });

  it('500 with Retry-After: tried again after exactly that; 500 without it is a failure', () => {
    const p = refreshAnswered(500, {}, { retryAfter: 7 });
    p.run(910);
    expect(p.requests().slice(1)).toEqual(['900 INVITE refresh', '907 INVITE refresh']);
    const z = refreshAnswered(500, {}, { retryAfter: 0 });
    z.run(901);
    expect(z.requests().slice(1)).toEqual(['900 INVITE refresh', '900 INVITE refresh']);
    const busy = refreshAnswered(503, {}, { retryAfter: 5 }); // only 500 and 491 are retried (§14.1)
    busy.run(1000);
    expect(busy.requests().slice(1)).toEqual(['900 INVITE refresh']);
    const q = refreshAnswered(500);
    q.run(1000);
    expect(q.requests().slice(1)).toEqual(['900 INVITE refresh']);
    expect([q.counters.refreshesFailed, q.told]).toEqual([1, []]);
  });

  it('422: sent again at once with the interval raised to its Min-SE, up to the retry limit', () => {
    const p = refreshAnswered(422, { behaviour: { max422Retries: 2 } }, { minSe: 2400 });
    let refresh = p.last('INVITE');
    expect([refresh.sessionExpires, refresh.minSe, refresh.cseq]).toEqual([2400, 2400, 3]);
    expect(p.d.sessionExpires).toBe(2400);
    p.answer(refresh, 422, { minSe: 1200 });
    refresh = p.last('INVITE');
    expect([refresh.sessionExpires, refresh.minSe]).toEqual([2400, 2400]);
    p.answer(refresh, 422, { minSe: 3000 });
    expect(p.requests().slice(1).length).toBe(3);
    expect([p.counters.refreshesSent, p.counters.refreshesFailed]).toEqual([3, 1]);
  });

  it('422 is not retried by a party set not to', () => {
    const p = refreshAnswered(422, { behaviour: { retry422: false } }, { minSe: 2400 });
    expect(p.requests().slice(1).length).toBe(1);
    expect(p.counters.refreshesFailed).toBe(1);
  });

  it('the 422 retry count starts again after a successful refresh', () => {
    const p = refreshAnswered(422, { behaviour: { max422Retries: 1 } }, { minSe: 2400 });
    p.answer(p.last('INVITE'), 200, { sessionExpires: 2400, refresher: 'uac' });
    p.run(2100);
    p.answer(p.last('INVITE'), 422, { minSe: 3000 });
    expect(p.last('INVITE').sessionExpires).toBe(3000);
    expect(p.counters.refreshesFailed).toBe(0);
  });

  it('405 or 501 to an UPDATE refresh falls back to re-INVITE when set so, and only then', () => {
    for (const status of [405, 501]) {
      const p = refreshAnswered(
        status,
        { behaviour: { refreshMethod: 'update-fallback-invite' } },
        {},
        { allowUpdate: true },
      );
      expect(p.requests().slice(1)).toEqual(['900 UPDATE refresh', '900 INVITE refresh']);
    }
    const other = refresherUac({ behaviour: { refreshMethod: 'update-fallback-invite' } }, { allowUpdate: true });
    other.run(900);
    other.answer(other.last('UPDATE'), 488);
    expect(other.requests().slice(1)).toEqual(['900 UPDATE refresh']);
    for (const refreshMethod of ['update', 'update-if-allowed'] as const) {
      const q = refresherUac({ behaviour: { refreshMethod } }, { allowUpdate: true });
      q.run(900);
      q.answer(q.last('UPDATE'), 405);
      expect(q.requests().slice(1)).toEqual(['900 UPDATE refresh']);
    }
    const inv = refresherUac({ behaviour: { refreshMethod: 'update-fallback-invite' } });
    inv.run(900);
    inv.answer(inv.last('INVITE'), 501);
    expect(inv.requests().slice(1)).toEqual(['900 INVITE refresh']);
  });

  it('no fallback re-INVITE while an INVITE transaction is in progress', () => {
    const p = refresherUac({ behaviour: { refreshMethod: 'update-fallback-invite' } }, { allowUpdate: true });
    p.hold = true;
    p.run(899);
    p.fromPeer('INVITE', { purpose: 'video' });
    p.run(900);
    p.answer(p.last('UPDATE'), 405);
    expect(p.requests().slice(1)).toEqual(['900 UPDATE refresh']);
    expect(p.counters.refreshesFailed).toBe(1);
  });

  it('a failed refresh tells the owner the cause: 408, 481, or "rejected" only for a party that hangs up on it', () => {
    expect(refreshAnswered(408).told).toEqual(['900 refresh failed 408 408']);
    expect(refreshAnswered(481).told).toEqual(['900 refresh failed 481 481']);
    expect(refreshAnswered(403).told).toEqual([]);
    expect(refreshAnswered(403, { behaviour: { byeOnRefreshRejected: true } }).told).toEqual([
      '900 refresh failed rejected 403',
    ]);
    const p = refreshAnswered(403);
    expect([p.counters.refreshesFailed, p.counters.refreshesSucceeded]).toEqual([1, 0]);
    const redirected = refreshAnswered(300);
    expect([redirected.counters.refreshesFailed, redirected.counters.refreshesSucceeded, redirected.answered]).toEqual([
      1,
      0,
      [],
    ]);
  });

  it('after a failed refresh the next success measures its delay afresh', () => {
    const p = refreshAnswered(403);
    const inv = p.d.request('INVITE', 'refresh');
    p.run(950);
    p.d.start(inv, p.d);
    p.answer(inv, 200, { sessionExpires: 1800, refresher: 'uac' });
    expect(p.answered).toEqual([]);
  });

  it('a refresh that fails after our BYE tells no one', () => {
    const p = refresherUac({ behaviour: { byeOnRefreshRejected: true } });
    p.run(900);
    const refresh = p.last('INVITE');
    p.d.bye();
    p.answer(refresh, 408);
    p.answer(refresh, 403);
    expect(p.told).toEqual([]);
  });

  it('no answer at all: the refresh times out at Timer B and fails as a timeout', () => {
    const p = refresherUac();
    p.run(940);
    expect(p.told).toEqual(['932 refresh failed timeout 408']);
    expect(p.counters.refreshesFailed).toBe(1);
    const q = refresherUac();
    q.run(900);
    q.d.bye();
    q.run(940);
    expect(q.told).toEqual([]);
    expect(q.counters.refreshesFailed).toBe(1);
  });

  it('a request that is not a refresh timing out is not a refresh failure', () => {
    const p = refresherUac();
    const video = p.d.request('INVITE', 'video');
    p.d.start(video, p.d);
    p.run(40);
    expect([p.counters.refreshesFailed, p.told]).toEqual([0, []]);
  });
});

describe('timer events and the end of the dialog', () => {
  it('with --check a timer of a terminated dialog that fires is a violation', () => {
    const p = refresherUac();
    p.d.terminate();
    expect(() => p.d.onEvent(1)).toThrow(/terminated dialog/);
    const q = refresherUac({ checks: false });
    q.d.terminate();
    expect(() => q.d.onEvent(1)).not.toThrow();
  });

  it('terminate is idempotent: the context hears of the end once', () => {
    const p = refresherUac();
    p.d.terminate();
    p.d.terminate();
    expect(p.open()).toBe(0);
  });

  it('a new attempt after a 422 to the initial INVITE: new From tag, no To tag, next CSeq, the dialog open again', () => {
    const p = party();
    const first = p.d.request('INVITE', 'setup');
    p.d.start(first, p.requester);
    p.answer(first, 422, { minSe: 1800 });
    p.d.terminate();
    expect(p.open()).toBe(0);
    p.d.restartAttempt('a2');
    expect(p.open()).toBe(1);
    const again = p.d.request('INVITE', 'setup');
    expect([again.fromTag, again.toTag, again.cseq, p.d.state, p.d.sessionExpires]).toEqual(['a2', '', 2, 'early', 0]);
    p.d.restartAttempt('a3');
    expect(p.open()).toBe(1);
  });
});

describe('taking part in the session timer later (a border element with 15.1(2)T session refresh)', () => {
  const passive = { runsTimers: false } as const;

  it('before the 2xx: the timer the 2xx sets is armed as usual', () => {
    const p = party({ createdByUs: false, behaviour: passive });
    p.hold = true;
    p.fromPeer('INVITE', { initial: true, cseq: 1, purpose: 'setup', sessionExpires: 1800, refresher: 'uac' });
    p.d.takePartInTimer();
    const { txn } = p.held[0]!;
    const ok = p.d.answerWithTimer(p.held[0]!.req, txn)!;
    p.d.respond(txn, ok);
    p.ack(1);
    p.run(1800);
    expect(p.told).toEqual(['1768 session expired']); // it watched the caller's refreshes, none came
  });

  it('after the 2xx: the interval in force is armed from now, noted once', () => {
    const p = party({ behaviour: passive });
    establishAsUac(p, { sessionExpires: 1800, refresher: 'uac' });
    p.sim.at(100, { onEvent: () => {} }, 0); // the clock only moves to an event
    p.run(100);
    p.d.takePartInTimer();
    expect(p.notes.filter((n) => n.n.what === 'timer-armed').length).toBe(1);
    p.run(1000);
    expect(p.requests().slice(1)).toEqual(['1000 INVITE refresh']); // 100 + 1800/2
  });

  it('alone: runs the interval itself as refresher, and a 2xx without an interval keeps it running', () => {
    const p = party({ behaviour: passive });
    establishAsUac(p, {}, { sessionExpires: 600 });
    expect(p.d.sessionExpires).toBe(0);
    p.d.takePartInTimer(600);
    expect([p.d.sessionExpires, p.d.refresherLocal]).toEqual([600, true]);
    p.run(300);
    p.answer(p.last('INVITE'), 200, {});
    expect([p.d.sessionExpires, p.d.refresherLocal]).toEqual([600, true]);
    p.run(600);
    expect(p.requests().slice(1)).toEqual(['300 INVITE refresh', '600 INVITE refresh']);
  });

  it('nothing to take part in: no interval in force, or a party without timer support', () => {
    const p = party({ behaviour: passive });
    establishAsUac(p, {});
    p.d.takePartInTimer();
    p.run(4000);
    expect([p.requests().length, p.told, p.notes.filter((n) => n.n.what === 'timer-armed')]).toEqual([1, [], []]);
    const q = party({ behaviour: { ...passive, supportsTimer: false } });
    establishAsUac(q, { sessionExpires: 1800, refresher: 'uac' });
    q.d.takePartInTimer(600);
    q.run(4000);
    expect([q.requests().length, q.d.sessionExpires]).toEqual([1, 0]);
  });

  it('a new attempt after a 422 forgets that it ran alone', () => {
    const p = party({ behaviour: passive });
    establishAsUac(p, {}, { sessionExpires: 600 });
    p.d.takePartInTimer(600);
    p.d.restartAttempt('a2');
    p.d.send('INVITE', 'setup', p.requester);
    const again = p.last('INVITE');
    again.sessionExpires = 600;
    p.answer(again, 200, { toTag: 'b2' });
    expect(p.d.sessionExpires).toBe(0);
  });
});
