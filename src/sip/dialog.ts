// One party's view of one dialog (RFC 3261 §12), as the party that owns it sees it: the requests
// it starts through the dialog and whom their answers go to, the in-dialog requests it receives
// (the §14 re-INVITE rules: no overlapping INVITE transactions, 491 and 500 with Retry-After;
// BYE), the responses it sends with the bookkeeping they imply, and what ends the dialog.
//
// Built in layers, as SIP.js's core builds its session dialog on its dialog: dialog-core.ts has
// what every dialog shares (tags, CSeq, requests, the ACK and the 2xx retransmission),
// session-timer-dialog.ts the RFC 4028 session timer (who refreshes, when the refresh is due,
// the 422 retry, when the non-refresher gives up), and this file ties them to the owner.
//
// A border element holds two of these per call; an endpoint holds one. What to do with a
// mid-dialog request (accept, relay, reject) is the owner's decision; the protocol mechanics
// that every party shares are here and in the two layers below.

import type { Method, Purpose, Sdp, SipMessage } from './message.ts';
import type { SipPort } from './port.ts';
import type { TimerBehaviour } from './session-timer.ts';
import { ACK_TIMEOUT, EXPIRY, REFRESH_DUE, RETX_2XX, type DialogContext } from './dialog-core.ts';
import { SessionTimerDialog, type RefreshFailure } from './session-timer-dialog.ts';
import {
  InviteClientTransaction,
  NonInviteClientTransaction,
  type ClientTransaction,
  type InviteServerTransaction,
  type ServerTransaction,
} from './transaction.ts';

// The types a dialog's owner and call deal in, defined with the layer that uses them.
export type { DialogContext, DialogCounters, DialogState, TimerNote } from './dialog-core.ts';
export type { RefreshFailure } from './session-timer-dialog.ts';
export type { RefreshMethod, TimerBehaviour } from './session-timer.ts';

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

/**
 * A request the dialog sent for a RequestOwner: its client transaction, which keeps the owner and
 * what the owner keeps with the request (`D`, in requesterData) until the answer.
 */
export type DialogRequest<D> = ClientTransaction<RequestOwner<D>, D>;

/**
 * Whoever sent a request through the dialog hears its outcome. `D` is what it keeps with each
 * request (txn.requesterData; null when nothing): the border element the server transaction a
 * relayed request answers, an endpoint the feature a re-INVITE is for.
 */
export interface RequestOwner<D = null> {
  onRequestFinal(d: Dialog, txn: DialogRequest<D>, resp: SipMessage): void;
  onRequestTimeout(d: Dialog, txn: DialogRequest<D>): void;
  onRequestProvisional?(d: Dialog, txn: DialogRequest<D>, resp: SipMessage): void;
}

/** Where a party gets each new dialog: a new object, or a finished call's reopened (call-parts.ts). */
export interface DialogSupply {
  open(
    port: SipPort,
    ctx: DialogContext,
    owner: DialogOwner,
    behaviour: TimerBehaviour,
    callId: string,
    localTag: string,
    createdByUs: boolean,
    sdp: Sdp,
  ): Dialog;
}

export class Dialog extends SessionTimerDialog implements RequestOwner {
  constructor(
    port: SipPort,
    ctx: DialogContext,
    /** Not readonly: see reopen. */
    public owner: DialogOwner,
    behaviour: TimerBehaviour,
    callId: string,
    localTag: string,
    /** This party sent the initial INVITE (and so owns the Call-ID, RFC 3261 §14.1). */
    createdByUs: boolean,
    sdp: Sdp,
  ) {
    super(port, ctx, behaviour, callId, localTag, createdByUs, sdp);
    ctx.dialogOpened();
  }

  /**
   * The dialog as the constructor makes it, for another call: a run reuses a finished call's
   * objects once nothing can reach them any more (no event, transaction or message left: see
   * call-parts.ts), which spares the collector an object graph per call.
   */
  reopen(
    port: SipPort,
    ctx: DialogContext,
    owner: DialogOwner,
    behaviour: TimerBehaviour,
    callId: string,
    localTag: string,
    createdByUs: boolean,
    sdp: Sdp,
  ): void {
    this.resetCore(port, ctx, behaviour, callId, localTag, createdByUs, sdp);
    this.resetSessionTimer();
    this.owner = owner;
    ctx.dialogOpened();
  }

  // ---- sending ---------------------------------------------------------------------------

  /**
   * Sends a request made by `request` in its own client transaction; `owner` hears the outcome,
   * and may keep what it needs with the request in the transaction's requesterData.
   */
  start<D>(msg: SipMessage, owner: RequestOwner<D>): DialogRequest<D> {
    let txn: DialogRequest<D>;
    if (msg.method === 'INVITE') {
      const ict = InviteClientTransaction.send<RequestOwner<D>, D>(this.port, msg, this, owner);
      this.ict = ict;
      txn = ict;
    } else {
      txn = NonInviteClientTransaction.send<RequestOwner<D>, D>(this.port, msg, this, owner);
    }
    this.port.register(txn);
    return txn;
  }

  /** A request with no headers or body beyond the dialog's own (BYE, OPTIONS). */
  send<D>(method: Method, purpose: Purpose, owner: RequestOwner<D>): DialogRequest<D> {
    return this.start(this.request(method, purpose), owner);
  }

  protected startOwnRequest(m: SipMessage): void {
    this.start(m, this);
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
      // §15.1.2: a request still waiting for its answer is answered, 487 Request Terminated.
      const ist = this.ist;
      if (ist !== null && ist.awaitingFinal) this.respond(ist, ist.makeResponse(487, this.localTag));
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
    // Once the session ended with BYE (§15.1.2), an answer still owed goes out but sets up no
    // session timer and no 2xx retransmission.
    if (resp.status >= 200 && resp.status < 300 && this.state !== 'terminated') {
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
    // Past its final 2xx the transaction blocks no INVITE (§14.1): the dialog need not keep it.
    const ist = this.ist;
    if (ist === txn && !ist.blocksInvite) this.ist = null;
    if (resp.status >= 300 && this.state === 'early' && method === 'INVITE') this.terminate();
  }

  /** An ACK that matched no transaction: the ACK for our 2xx. */
  receiveAck(ack: SipMessage): void {
    if (this.pending2xx !== null && ack.cseq === this.pending2xx.cseq) {
      this.stop2xxRetransmission();
      if (this.byeWhenAcked) this.bye();
    }
  }

  // ---- ClientTransactionUser: the answers to the requests it sent ----------------------------

  onResponse<D>(txn: DialogRequest<D>, resp: SipMessage): void {
    const owner = txn.requester;
    if (resp.status < 200) {
      owner.onRequestProvisional?.(this, txn, resp);
      return;
    }
    // A final answer ends the INVITE's hold on the dialog (§14.1); the dialog need not keep it.
    if (this.ict === txn) this.ict = null;
    const req = txn.request;
    if (resp.minSe > this.largestMinSe) this.largestMinSe = resp.minSe;
    if (resp.status < 300) {
      if (resp.allowUpdate) this.remoteAllowsUpdate = true;
      if (req.method === 'INVITE') {
        if (this.resendAck(resp)) return;
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

  onTimeout<D>(txn: DialogRequest<D>): void {
    if (this.ict === txn) this.ict = null;
    txn.requester.onRequestTimeout(this, txn);
  }

  // ---- RequestOwner: its own requests (refresh, BYE) end here -----------------------------------

  onRequestFinal(_d: Dialog, txn: DialogRequest<null>, resp: SipMessage): void {
    const req = txn.request;
    if (req.method === 'BYE') {
      this.terminate();
      return;
    }
    if (req.purpose !== 'refresh') return;
    const failure = this.refreshOutcome(req, resp);
    if (failure !== null) this.owner.onRefreshFailed(this, failure, resp.status);
  }

  onRequestTimeout(_d: Dialog, txn: DialogRequest<null>): void {
    if (txn.request.method === 'BYE') {
      this.terminate();
      return;
    }
    if (txn.request.purpose === 'refresh' && this.refreshTimedOut()) this.owner.onRefreshFailed(this, 'timeout', 408);
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
        if (this.expired()) this.owner.onSessionExpired(this);
        return;
      case RETX_2XX:
        this.retransmit2xx();
        return;
      case ACK_TIMEOUT:
        if (!this.ackWaitOver()) return;
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

/** Every dialog a new object (tests, the emulator). */
export const NEW_DIALOGS: DialogSupply = {
  open: (port, ctx, owner, behaviour, callId, localTag, createdByUs, sdp) =>
    new Dialog(port, ctx, owner, behaviour, callId, localTag, createdByUs, sdp),
};
