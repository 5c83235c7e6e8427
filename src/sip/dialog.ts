// One party's view of one dialog (RFC 3261 §12): its tags, CSeq in each direction, the
// re-INVITE rules of §14 (no overlapping INVITE transactions, 491 and 500 with Retry-After),
// the UAS core's 2xx retransmission until ACK (§13.3.1.4), and the RFC 4028 session timer:
// who refreshes, when the refresh is due, and when the non-refresher gives up.
//
// A border element holds two of these per call; an endpoint holds one. What to do with a
// mid-dialog request (accept, relay, reject) is the owner's decision; the protocol mechanics
// that every party shares are here.

import { NO_EVENT, type EventHandle, type EventTarget } from '../kernel/simulator.ts';
import type { Invariants } from '../kernel/invariants.ts';
import type { RandomStream } from '../kernel/random.ts';
import {
  newRequest,
  retransmitted,
  type Method,
  type Purpose,
  type RefresherToken,
  type Sdp,
  type SipMessage,
} from './message.ts';
import type { SipPort } from './port.ts';
import {
  expiryDelay,
  isLocalRefresher,
  negotiateAsUas,
  refreshDelay,
  retryAfter422,
  tokenForOwnRefresh,
  type ExpiryRule,
  type RefresherReading,
  type UasDecision,
} from './session-timer.ts';
import {
  InviteClientTransaction,
  NonInviteClientTransaction,
  type ClientTransaction,
  type ClientTransactionUser,
  type InviteServerTransaction,
  type ServerTransaction,
} from './transaction.ts';

/** re-INVITE, UPDATE, UPDATE when the peer's Allow lists it, or UPDATE falling back to re-INVITE on 405/501. */

/**
 * RFC 3261 §14.1: after a 491 the UAC waits a random time before it tries again: 2.1-4.0 s when it
 * owns the Call-ID (it sent the dialog's initial INVITE), 0-2.0 s otherwise, so that the two
 * sides of a glare do not collide again.
 */
export function glareBackoffWindow(ownsCallId: boolean): readonly [number, number] {
  return ownsCallId ? [2.1, 4.0] : [0, 2.0];
}
export type RefreshMethod = 'invite' | 'update' | 'update-if-allowed' | 'update-fallback-invite';

/** How a party handles RFC 4028 on a dialog: an endpoint profile, or the border element's leg. */
export interface TimerBehaviour {
  supportsTimer: boolean;
  /** Arms its own refresh and expiry timers (false: only tracks what was negotiated). */
  runsTimers: boolean;
  /** Interval it asks for in requests it originates; 0 = asks for none. */
  sessionExpires: number;
  /** Its minimum: sent as Min-SE, and a smaller interval is refused with 422. */
  minSe: number;
  /** refresher parameter in its initial INVITE ('' = leave it to the UAS, RFC 4028 §7.1). */
  requestRefresher: RefresherToken;
  /** Refresher it names as UAS when the request leaves the choice open. */
  preferredRefresher: 'uac' | 'uas';
  refreshMethod: RefreshMethod;
  expiryRule: ExpiryRule;
  reading: RefresherReading;
  retry422: boolean;
  max422Retries: number;
  /** Defect F4: a refresh due while an INVITE is in progress is dropped, not postponed. */
  skipRefreshWhenBusy: boolean;
  /** Ends the call when a refresh gets a final error other than 408/481 (pjsip does). */
  byeOnRefreshRejected: boolean;
  /** U7: runs the timer alone as refresher when the 2xx is silent about it. */
  aloneIfSilent: boolean;
  /** Defect F11. */
  omitSeWhenNoRefresher: boolean;
  /** Defect F9. */
  ignoreMinSeWithoutSe: boolean;
  /** Defect F1/F2 family: never sends the refresh it is due to send. */
  neverRefreshes: boolean;
  /** Defect F3: a 491 to its refresh ends the call instead of the §14.1 back-off. */
  hangUpOnGlare: boolean;
  /** As UAS, lowers a larger offered interval to this in its 2xx (RFC 4028 §9); 0 = never lowers. */
  maxSessionExpires: number;
  allowUpdate: boolean;
}

export type RefreshFailure = 'timeout' | '408' | '481' | 'glare' | 'rejected';

/** The party that owns the dialog: told of what ends it. */
export interface DialogOwner {
  /** The non-refresher's deadline passed with no refresh (RFC 4028 §10). */
  onSessionExpired(d: Dialog): void;
  /** A refresh this party sent failed in a way that ends the session. */
  onRefreshFailed(d: Dialog, cause: RefreshFailure, status: number): void;
  /** The 2xx to an INVITE was never acknowledged (RFC 3261 §13.3.1.4). */
  onAckMissing(d: Dialog): void;
  /** The peer sent BYE (already answered 200). */
  onByeReceived(d: Dialog): void;
}

/** Whoever sent a request through the dialog hears its outcome. */
export interface RequestOwner {
  onRequestFinal(d: Dialog, txn: ClientTransaction, resp: SipMessage): void;
  onRequestTimeout(d: Dialog, txn: ClientTransaction): void;
  onRequestProvisional?(d: Dialog, txn: ClientTransaction, resp: SipMessage): void;
}

/** Counters the dialog feeds while it runs (one instance per run, shared). */
export interface DialogCounters {
  refreshesSent: number;
  refreshesSucceeded: number;
  refreshesFailed: number;
  refreshesSkipped: number;
  refreshesPostponed: number;
  retriesAfterGlare: number;
}

/** Timer moments a dialog reports, for traces and ladders. */
export type TimerNote =
  | { what: 'timer-armed'; sessionExpires: number; refresherLocal: boolean; refreshAt: number; expiryAt: number }
  | { what: 'timer-off' }
  | { what: 'refresh-due' }
  | { what: 'expired' };

export interface DialogContext {
  /** Index of the call, for invariant reports. */
  readonly index: number;
  readonly invariants: Invariants;
  newBranch(): number;
  /** Per-call stream for back-off and Retry-After draws. */
  backoff(): RandomStream;
  counters: DialogCounters;
  /** Called for each timer moment when the call is traced; null otherwise. */
  note: ((d: Dialog, n: TimerNote) => void) | null;
  dialogOpened(): void;
  /** The dialog has terminated; the context may release what it holds for it. */
  dialogClosed(): void;
  /** A refresh this party sent was answered with a 2xx, `delay` seconds after it fell due. */
  refreshAnswered(delay: number): void;
}

export type DialogState = 'early' | 'confirmed' | 'terminating' | 'terminated';

const REFRESH_DUE = 1,
  EXPIRY = 2,
  RETX_2XX = 3,
  ACK_TIMEOUT = 4;

export class Dialog implements EventTarget, ClientTransactionUser, RequestOwner {
  state: DialogState = 'early';
  remoteTag = '';
  private localCseq = 0;
  private remoteCseq = -1;
  /** The client INVITE in progress, if any (for §14.1). */
  ict: InviteClientTransaction | null = null;
  /** The server INVITE being answered, if any. */
  ist: InviteServerTransaction | null = null;

  /** Negotiated session interval in force; 0 = no session timer. */
  sessionExpires = 0;
  refresherLocal = false;
  /** Largest Min-SE seen on this dialog (422s and received requests), U13. */
  largestMinSe = 0;
  remoteAllowsUpdate = false;
  localSdp: Sdp;
  remoteSdp: Sdp | null = null;

  private refreshHandle: EventHandle = NO_EVENT;
  private expiryHandle: EventHandle = NO_EVENT;
  private retxHandle: EventHandle = NO_EVENT;
  private ackTimeoutHandle: EventHandle = NO_EVENT;
  private pending2xx: SipMessage | null = null;
  private retxInterval = 0;
  /** CSeq and branch of the last ACK we sent for a 2xx: enough to send it again (-1: none). */
  private ackedCseq = -1;
  private ackBranch = 0;
  private refresh422Count = 0;
  /** Method of the refresh in progress, so a 405/501 can fall back to re-INVITE. */
  private refreshInFlight: Method | null = null;
  /** When the refresh in progress first fell due (postponements and retries keep it). */
  private refreshDueAt = -1;
  /** A BYE is waiting for the ACK of our 2xx (RFC 3261 §15). */
  private byeWhenAcked = false;
  /** Arms its own refresh and expiry timers (behaviour.runsTimers, or later takePartInTimer). */
  private runsTimers: boolean;
  /** Runs the timer alone toward a peer that accepted none: a 2xx without an interval keeps it (U7). */
  private runsAlone = false;

  constructor(
    readonly port: SipPort,
    readonly ctx: DialogContext,
    readonly owner: DialogOwner,
    readonly behaviour: TimerBehaviour,
    readonly callId: string,
    public localTag: string,
    /** This party sent the initial INVITE (and so owns the Call-ID, RFC 3261 §14.1). */
    readonly createdByUs: boolean,
    sdp: Sdp,
  ) {
    this.localSdp = sdp;
    this.runsTimers = behaviour.runsTimers;
    ctx.dialogOpened();
  }

  get sim() {
    return this.port.sim;
  }

  get confirmed(): boolean {
    return this.state === 'confirmed';
  }

  /** An INVITE transaction is in progress in either direction (RFC 3261 §14.1). */
  get inviteBusy(): boolean {
    return (this.ict !== null && this.ict.pending) || (this.ist !== null && this.ist.blocksInvite);
  }

  // ---- sending ---------------------------------------------------------------------------

  /**
   * A new request in this dialog (next CSeq, a new branch) for the sender to fill in with headers
   * and body, then hand to `start`. Two steps rather than a callback: nothing is made per request
   * beyond the message and its transaction.
   */
  request(method: Method, purpose: Purpose): SipMessage {
    const inv = this.ctx.invariants;
    if (inv.enabled) {
      if (this.state === 'terminated')
        inv.fail(
          this.ctx.index,
          this.sim.now,
          `${method} (${purpose}) sent on the terminated dialog ${this.port.name}`,
        );
      if (method === 'INVITE' && this.inviteBusy)
        inv.fail(
          this.ctx.index,
          this.sim.now,
          `a second INVITE transaction started on the dialog ${this.port.name} while one is in progress (RFC 3261 §14.1)`,
        );
    }
    const msg = newRequest(
      method,
      purpose,
      this.callId,
      this.localTag,
      this.remoteTag,
      ++this.localCseq,
      this.ctx.newBranch(),
    );
    msg.supportedTimer = this.behaviour.supportsTimer; // U1: in every request but ACK
    msg.allowUpdate = this.behaviour.allowUpdate;
    return msg;
  }

  /** Sends a request made by `request` in its own client transaction; `owner` hears the outcome. */
  start(msg: SipMessage, owner: RequestOwner): ClientTransaction {
    let txn: ClientTransaction;
    if (msg.method === 'INVITE') {
      const ict = new InviteClientTransaction(this.port, msg, this);
      this.ict = ict;
      txn = ict;
    } else {
      txn = new NonInviteClientTransaction(this.port, msg, this);
    }
    txn.context = owner;
    this.port.register(txn);
    return txn;
  }

  /** A request with no headers or body beyond the dialog's own (BYE, OPTIONS). */
  send(method: Method, purpose: Purpose, owner: RequestOwner): ClientTransaction {
    return this.start(this.request(method, purpose), owner);
  }

  /**
   * Session-timer headers for a mid-dialog INVITE or UPDATE from a timer-capable party
   * (RFC 4028 §7.4): the interval in force (never below the largest Min-SE seen, U14), the
   * refresher kept where it is, and Min-SE.
   */
  addTimerHeaders(m: SipMessage): void {
    const b = this.behaviour;
    if (!b.supportsTimer) return;
    if (this.sessionExpires > 0) {
      m.sessionExpires = Math.max(this.sessionExpires, this.largestMinSe);
      if (this.refresherLocal) m.refresher = tokenForOwnRefresh(this.createdByUs, b.reading);
      else m.refresher = b.reading === 'transaction' ? 'uas' : this.createdByUs ? 'uas' : 'uac';
    } else if (b.sessionExpires > 0) {
      m.sessionExpires = Math.max(b.sessionExpires, this.largestMinSe);
      m.refresher = b.requestRefresher;
    }
    m.minSe = Math.max(b.minSe, this.largestMinSe);
  }

  /**
   * Sends BYE (once) and ends the session timer; the dialog is over when the BYE completes. A UAS
   * whose 2xx is not yet acknowledged waits for the ACK, or for it to time out, first (RFC 3261 §15).
   */
  bye(): void {
    if (this.state === 'terminating' || this.state === 'terminated') return;
    this.cancelSessionTimers();
    if (this.pending2xx !== null) {
      this.byeWhenAcked = true;
      return;
    }
    if (this.state === 'early') {
      // No dialog at the peer yet (no 2xx seen): nothing to send.
      this.terminate();
      return;
    }
    this.state = 'terminating';
    this.send('BYE', 'teardown', this);
  }

  // ---- receiving -------------------------------------------------------------------------

  /** The initial INVITE that created this dialog at the UAS. */
  acceptInitial(req: SipMessage, txn: InviteServerTransaction): void {
    this.remoteTag = req.fromTag;
    this.remoteCseq = req.cseq;
    this.ist = txn;
    this.remoteAllowsUpdate = req.allowUpdate;
    if (req.sdp !== null) this.remoteSdp = req.sdp;
    // Defect F9: a Min-SE without Session-Expires is not remembered, so later refreshes go below it.
    const ignored = this.behaviour.ignoreMinSeWithoutSe && req.sessionExpires === 0;
    if (!ignored && req.minSe > this.largestMinSe) this.largestMinSe = req.minSe;
  }

  /**
   * A new request inside the dialog. Returns true when the owner must answer it; false when
   * the dialog answered it itself (481, out-of-order CSeq, 491, 500, BYE).
   */
  receive(req: SipMessage, txn: ServerTransaction): boolean {
    if (this.state === 'terminated') {
      txn.respond(txn.makeResponse(481, this.localTag));
      return false;
    }
    if (req.cseq <= this.remoteCseq) {
      txn.respond(txn.makeResponse(500, this.localTag)); // §12.2.2: lower CSeq than the last one
      return false;
    }
    this.remoteCseq = req.cseq;
    if (req.minSe > this.largestMinSe) this.largestMinSe = req.minSe;
    if (req.allowUpdate) this.remoteAllowsUpdate = true;
    if (req.method === 'BYE') {
      txn.respond(txn.makeResponse(200, this.localTag));
      this.cancelSessionTimers();
      this.stop2xxRetransmission();
      this.terminate();
      this.owner.onByeReceived(this);
      return false;
    }
    if (req.method === 'INVITE') {
      if (this.ict !== null && this.ict.pending) {
        txn.respond(txn.makeResponse(491, this.localTag)); // §14.2: our own INVITE is outstanding
        return false;
      }
      if (this.ist !== null && this.ist.blocksInvite) {
        const r = txn.makeResponse(500, this.localTag); // §14.2: previous INVITE not yet answered
        r.retryAfter = Math.floor(this.ctx.backoff().between(0, 10));
        txn.respond(r);
        return false;
      }
      this.ist = txn as InviteServerTransaction;
    }
    if (this.state === 'terminating') {
      txn.respond(txn.makeResponse(481, this.localTag));
      return false;
    }
    return true;
  }

  /** RFC 4028 §9 answer to a mid-dialog INVITE/UPDATE, with this party's own settings. */
  negotiate(req: SipMessage): UasDecision | null {
    const b = this.behaviour;
    if (!b.supportsTimer) return null;
    return negotiateAsUas(req, {
      minSe: b.minSe,
      sessionExpires: b.sessionExpires,
      preferredRefresher: b.preferredRefresher,
      omitWhenNoRefresher: b.omitSeWhenNoRefresher,
      ignoreMinSeWithoutSe: b.ignoreMinSeWithoutSe,
      maxSessionExpires: b.maxSessionExpires,
    });
  }

  /** Puts a UAS decision into a 2xx (or turns it into the 422). Returns the status to send. */
  static fillTimerAnswer(resp: SipMessage, decision: UasDecision | null): void {
    if (decision === null) return;
    if (decision.kind === 'reject') {
      resp.minSe = decision.minSe;
      return;
    }
    resp.supportedTimer = true;
    // An interval of 0 comes with no refresher and no Require: the 2xx then has no timer header.
    resp.sessionExpires = decision.sessionExpires;
    resp.refresher = decision.refresher;
    resp.requireTimer = decision.requireTimer;
  }

  /**
   * A UAS's answer to an INVITE or UPDATE under RFC 4028 §9 with this party's settings: when the
   * interval is below its Min-SE, the 422 is sent here and null returned; otherwise the 2xx with
   * the timer headers filled in, for the caller to add its SDP and send (or drop for another error).
   */
  answerWithTimer(req: SipMessage, txn: ServerTransaction): SipMessage | null {
    const decision = this.negotiate(req);
    if (decision !== null && decision.kind === 'reject') {
      const r = txn.makeResponse(422, this.localTag);
      Dialog.fillTimerAnswer(r, decision);
      this.respond(txn, r);
      return null;
    }
    const ok = txn.makeResponse(200, this.localTag);
    Dialog.fillTimerAnswer(ok, decision);
    return ok;
  }

  /** Sends a response on a server transaction of this dialog, with the bookkeeping it implies. */
  respond(txn: ServerTransaction, resp: SipMessage): void {
    const method = txn.request.method;
    resp.allowUpdate = this.behaviour.allowUpdate;
    if (resp.status >= 200 && resp.status < 300) {
      if (method === 'INVITE' || method === 'UPDATE') {
        if (resp.sdp === null && method === 'INVITE') resp.sdp = this.localSdp;
        if (resp.sdp !== null) this.localSdp = resp.sdp;
        if (txn.request.sdp !== null) this.remoteSdp = txn.request.sdp;
        if (this.state === 'early') this.state = 'confirmed';
        this.applyTimer(resp.sessionExpires, resp.refresher, false);
      }
      if (method === 'INVITE') this.start2xxRetransmission(resp);
    }
    txn.respond(resp);
    if (resp.status >= 300 && this.state === 'early' && method === 'INVITE') this.terminate();
  }

  /** An ACK that matched no transaction: the ACK for our 2xx. */
  receiveAck(ack: SipMessage): void {
    if (this.pending2xx !== null && ack.cseq === this.pending2xx.cseq) {
      this.stop2xxRetransmission();
      if (this.byeWhenAcked) this.bye();
    }
  }

  // ---- ClientTransactionUser -----------------------------------------------------------

  onResponse(txn: ClientTransaction, resp: SipMessage): void {
    const owner = txn.context as RequestOwner;
    if (resp.status < 200) {
      owner.onRequestProvisional?.(this, txn, resp);
      return;
    }
    const req = txn.request;
    if (resp.minSe > this.largestMinSe) this.largestMinSe = resp.minSe;
    if (resp.status < 300) {
      if (resp.allowUpdate) this.remoteAllowsUpdate = true;
      if (req.method === 'INVITE') {
        if (this.ackedCseq === resp.cseq) {
          // The 2xx was retransmitted: the same ACK again (§13.2.2.4), rebuilt rather than kept.
          const ack = newRequest(
            'ACK',
            resp.purpose,
            this.callId,
            this.localTag,
            this.remoteTag,
            resp.cseq,
            this.ackBranch,
          );
          ack.retransmission = true;
          this.port.transmit(ack);
          return;
        }
        if (this.state === 'early') {
          this.remoteTag = resp.toTag;
          this.state = 'confirmed';
        }
        this.sendAck(resp);
      }
      if ((req.method === 'INVITE' || req.method === 'UPDATE') && this.state === 'confirmed') {
        if (resp.sdp !== null) this.remoteSdp = resp.sdp;
        if (req.sdp !== null) this.localSdp = req.sdp;
        this.applyAnswerTimer(req, resp);
      }
    }
    owner.onRequestFinal(this, txn, resp);
  }

  onTimeout(txn: ClientTransaction): void {
    if (this.ict === txn) this.ict = null;
    (txn.context as RequestOwner).onRequestTimeout(this, txn);
  }

  private sendAck(resp: SipMessage): void {
    // §13.2.2.4: the UAC core sends the ACK for a 2xx, a new transaction-less request.
    const ack = newRequest(
      'ACK',
      resp.purpose,
      this.callId,
      this.localTag,
      this.remoteTag,
      resp.cseq,
      this.ctx.newBranch(),
    );
    this.ackedCseq = ack.cseq;
    this.ackBranch = ack.branch;
    this.port.transmit(ack);
  }

  // ---- RFC 4028 ---------------------------------------------------------------------------

  /** UAC side of §7.2: the interval from the 2xx, counted from its receipt. */
  private applyAnswerTimer(req: SipMessage, resp: SipMessage): void {
    const b = this.behaviour;
    if (!b.supportsTimer) return;
    if (
      resp.sessionExpires === 0 &&
      req.sessionExpires > 0 &&
      !resp.requireTimer &&
      (b.aloneIfSilent || this.runsAlone)
    ) {
      this.applyTimer(req.sessionExpires, tokenForOwnRefresh(this.createdByUs, b.reading), true);
      return;
    }
    // A 2xx naming no refresher breaks §9's MUST; stacks then take the UAC (A.12). (Without an
    // interval the token is not read: the timer is off.)
    this.applyTimer(resp.sessionExpires, resp.refresher === '' ? 'uac' : resp.refresher, true);
  }

  /**
   * A 2xx to a session refresh request (sent or received) sets the interval and the refresher;
   * one without Session-Expires turns the timer off (U8).
   */
  private applyTimer(sessionExpires: number, token: RefresherToken, weSentRequest: boolean): void {
    if (!this.behaviour.supportsTimer) return;
    this.cancelSessionTimers();
    this.refresh422Count = 0;
    this.sessionExpires = sessionExpires;
    if (sessionExpires === 0) {
      this.refresherLocal = false;
      this.ctx.note?.(this, { what: 'timer-off' });
      return;
    }
    this.refresherLocal = isLocalRefresher(token, weSentRequest, this.createdByUs, this.behaviour.reading);
    this.armTimers();
  }

  /** Arms the refresh (refresher) or the expiry (non-refresher) of the interval in force, from now. */
  private armTimers(note = true): void {
    const now = this.sim.now;
    const sessionExpires = this.sessionExpires;
    const refreshAt = this.refresherLocal ? now + refreshDelay(sessionExpires) : -1;
    const expiryAt = this.refresherLocal ? -1 : now + expiryDelay(sessionExpires, this.behaviour.expiryRule);
    if (this.runsTimers) {
      if (this.refresherLocal) {
        if (!this.behaviour.neverRefreshes) this.refreshHandle = this.sim.at(refreshAt, this, REFRESH_DUE);
      } else {
        this.expiryHandle = this.sim.at(expiryAt, this, EXPIRY);
      }
    }
    if (note)
      this.ctx.note?.(this, {
        what: 'timer-armed',
        sessionExpires,
        refresherLocal: this.refresherLocal,
        refreshAt,
        expiryAt,
      });
  }

  /**
   * From now on this party runs the session timer of the dialog itself: a border element that
   * takes part in session timers only once it has seen what the two ends support (15.1(2)T
   * `session refresh`, domain-facts §3.5). Before the 2xx the timer it sets is armed as usual; after
   * it, the interval just negotiated is armed from now (already noted when the 2xx set it). With
   * `alone` > 0 (the peer accepted no timer) it runs that interval alone, as the refresher.
   */
  takePartInTimer(alone = 0): void {
    if (!this.behaviour.supportsTimer) return;
    this.runsTimers = true;
    if (this.state !== 'confirmed') return;
    if (alone > 0) {
      this.runsAlone = true;
      this.applyTimer(alone, tokenForOwnRefresh(this.createdByUs, this.behaviour.reading), true);
      return;
    }
    if (this.sessionExpires === 0) return;
    this.cancelSessionTimers();
    this.armTimers(false);
  }

  private cancelSessionTimers(): void {
    this.sim.cancel(this.refreshHandle);
    this.sim.cancel(this.expiryHandle);
    this.refreshHandle = NO_EVENT;
    this.expiryHandle = NO_EVENT;
  }

  private chooseRefreshMethod(): Method {
    switch (this.behaviour.refreshMethod) {
      case 'invite':
        return 'INVITE';
      case 'update':
        return 'UPDATE';
      case 'update-if-allowed':
      case 'update-fallback-invite':
        return this.remoteAllowsUpdate ? 'UPDATE' : 'INVITE';
    }
  }

  private sendRefresh(method: Method): void {
    this.ctx.counters.refreshesSent++;
    this.refreshInFlight = method;
    const m = this.request(method, 'refresh');
    this.addTimerHeaders(m);
    // §7.4: a re-INVITE refresh carries the unchanged offer (same o= version); UPDATE none.
    if (method === 'INVITE') m.sdp = this.localSdp;
    this.start(m, this);
  }

  private refreshDue(): void {
    this.refreshHandle = NO_EVENT;
    if (this.state !== 'confirmed' || !this.refresherLocal) return;
    if (this.refreshDueAt < 0) this.refreshDueAt = this.sim.now;
    this.ctx.note?.(this, { what: 'refresh-due' });
    const method = this.chooseRefreshMethod();
    if (this.refreshInFlight !== null || (method === 'INVITE' && this.inviteBusy)) {
      if (this.behaviour.skipRefreshWhenBusy) {
        this.ctx.counters.refreshesSkipped++;
        return;
      }
      // RFC 3261 §14.1 forbids the overlap; wait a second and look again (as pjsip does).
      this.ctx.counters.refreshesPostponed++;
      this.refreshHandle = this.sim.after(1, this, REFRESH_DUE);
      return;
    }
    this.sendRefresh(method);
  }

  /** Our own requests (refresh, BYE) end here. */
  onRequestFinal(_d: Dialog, txn: ClientTransaction, resp: SipMessage): void {
    const req = txn.request;
    if (req.method === 'BYE') {
      this.terminate();
      return;
    }
    if (req.purpose !== 'refresh') return;
    this.refreshInFlight = null;
    const st = resp.status;
    if (st < 300) {
      this.ctx.counters.refreshesSucceeded++;
      if (this.refreshDueAt >= 0) this.ctx.refreshAnswered(this.sim.now - this.refreshDueAt);
      this.refreshDueAt = -1;
      return;
    }
    if (this.state !== 'confirmed') return;
    const b = this.behaviour;
    if ((st === 491 && !b.hangUpOnGlare) || (st === 500 && resp.retryAfter >= 0)) {
      // §14.1 back-off: 2.1-4.0 s for the Call-ID owner, 0-2.0 s otherwise, in 10 ms steps.
      const delay = st === 500 ? resp.retryAfter : this.glareBackoff();
      this.ctx.counters.retriesAfterGlare++;
      this.sim.cancel(this.refreshHandle);
      this.refreshHandle = this.sim.after(delay, this, REFRESH_DUE);
      return;
    }
    if (st === 422 && b.retry422 && this.refresh422Count < b.max422Retries) {
      this.refresh422Count++;
      const next = retryAfter422(this.sessionExpires, this.largestMinSe, resp.minSe);
      this.sessionExpires = next.sessionExpires;
      this.sendRefresh(req.method);
      return;
    }
    if (
      (st === 405 || st === 501) &&
      req.method === 'UPDATE' &&
      b.refreshMethod === 'update-fallback-invite' &&
      !this.inviteBusy
    ) {
      this.sendRefresh('INVITE');
      return;
    }
    this.ctx.counters.refreshesFailed++;
    this.refreshDueAt = -1;
    if (st === 408) this.owner.onRefreshFailed(this, '408', st);
    else if (st === 481) this.owner.onRefreshFailed(this, '481', st);
    else if (st === 491) this.owner.onRefreshFailed(this, 'glare', st);
    else if (b.byeOnRefreshRejected) this.owner.onRefreshFailed(this, 'rejected', st);
  }

  onRequestTimeout(_d: Dialog, txn: ClientTransaction): void {
    if (txn.request.method === 'BYE') {
      this.terminate();
      return;
    }
    if (txn.request.purpose === 'refresh') {
      this.refreshInFlight = null;
      this.ctx.counters.refreshesFailed++;
      if (this.state === 'confirmed') this.owner.onRefreshFailed(this, 'timeout', 408);
    }
  }

  glareBackoff(): number {
    const [low, high] = glareBackoffWindow(this.createdByUs);
    return this.ctx.backoff().steps(low, high, 0.01);
  }

  // ---- 2xx retransmission (UAS core) ---------------------------------------------------

  private start2xxRetransmission(resp: SipMessage): void {
    this.stop2xxRetransmission();
    const t = this.port.timers;
    this.pending2xx = resp;
    this.retxInterval = t.T1;
    this.retxHandle = this.sim.after(t.T1, this, RETX_2XX);
    this.ackTimeoutHandle = this.sim.after(64 * t.T1, this, ACK_TIMEOUT);
  }

  private stop2xxRetransmission(): void {
    this.sim.cancel(this.retxHandle);
    this.sim.cancel(this.ackTimeoutHandle);
    this.retxHandle = NO_EVENT;
    this.ackTimeoutHandle = NO_EVENT;
    this.pending2xx = null;
  }

  // ---- events and end ------------------------------------------------------------------

  onEvent(kind: number): void {
    if (this.state === 'terminated' && this.ctx.invariants.enabled)
      this.ctx.invariants.fail(
        this.ctx.index,
        this.sim.now,
        `a timer (${kind}) of the terminated dialog ${this.port.name} fired`,
      );
    switch (kind) {
      case REFRESH_DUE:
        this.refreshDue();
        return;
      case EXPIRY:
        this.expiryHandle = NO_EVENT;
        if (this.state !== 'confirmed') return;
        this.ctx.note?.(this, { what: 'expired' });
        this.owner.onSessionExpired(this);
        return;
      case RETX_2XX: {
        this.retxHandle = NO_EVENT;
        const p = this.pending2xx;
        if (p === null) return;
        this.port.transmit(retransmitted(p));
        this.retxInterval = Math.min(2 * this.retxInterval, this.port.timers.T2);
        this.retxHandle = this.sim.after(this.retxInterval, this, RETX_2XX);
        return;
      }
      case ACK_TIMEOUT:
        this.ackTimeoutHandle = NO_EVENT;
        if (this.pending2xx === null) return;
        this.stop2xxRetransmission();
        if (this.byeWhenAcked) {
          this.bye(); // the call was already over here: send the BYE that waited
          return;
        }
        this.owner.onAckMissing(this);
        return;
    }
  }

  /** The dialog is over: no timer of it fires again. */
  terminate(): void {
    if (this.state === 'terminated') return;
    this.state = 'terminated';
    this.cancelSessionTimers();
    this.stop2xxRetransmission();
    this.ctx.dialogClosed();
  }

  /**
   * A new attempt at the initial INVITE after a 422 (UAC side): no dialog exists at the peer, so
   * it is a new INVITE with a new From-tag (erratum 1681), the same Call-ID and the next CSeq.
   */
  restartAttempt(newLocalTag: string): void {
    if (this.state === 'terminated') this.ctx.dialogOpened();
    this.state = 'early';
    this.localTag = newLocalTag;
    this.remoteTag = '';
    this.ackedCseq = -1;
    this.runsAlone = false;
    this.sessionExpires = 0;
  }
}
