// The border element's part in one call: a back-to-back user agent. Each call is two dialogs,
// the inbound leg toward the caller and the outbound leg toward the callee, each with its own
// Call-ID, CSeq and session-timer state. Here: the setup (admission, the initial INVITE with the
// timer headers the border element's policy gives it, 422), the mid-call requests (relayed,
// answered here, or refused), the answers from the far leg with what 15.1(2)T `session refresh`
// does on each leg, options-ping, and the end of the call. What crosses between the legs is made
// as relay.ts says; the policy itself is the BorderElement's (border-element.ts).

import { NO_EVENT, type EventHandle, type ScheduledEventTarget } from '../kernel/simulator.ts';
import {
  NEW_DIALOGS,
  type Dialog,
  type DialogOwner,
  type DialogRequest,
  type DialogSupply,
  type RefreshFailure,
  type RequestOwner,
} from '../sip/dialog.ts';
import { sdpValue, type Sdp, type SipMessage } from '../sip/message.ts';
import type { PortCore, SipPort } from '../sip/port.ts';
import type { InviteServerTransaction, ServerTransaction } from '../sip/transaction.ts';
import { sessionRefreshCase, type BorderElement } from './border-element.ts';
import type { Call, Cause, LegCounts } from './call.ts';
import type { MidcallPurpose, SessionRefreshAction } from './models.ts';
import { initialOffer } from './offer-answer.ts';
import { answerLocally, classifyMidcall, relayedAnswer, relayedRequest, setupRequest } from './relay.ts';

const OPTIONS_PING = 1;

/** The border element's part in one call. */
export class BorderElementCall implements PortCore, DialogOwner, RequestOwner<ServerTransaction>, ScheduledEventTarget {
  inDialog: Dialog | null = null;
  outDialog: Dialog | null = null;
  /** On a call with an H.323 caller, the border element's SIP user agent on the outbound leg. */
  gateway: { readonly dialog: Dialog | null } | null = null;
  private holdsSlot = false;
  /** The caller cancelled the setup (RFC 3261 §9.2): what comes back on the far leg ends there. */
  private cancelled = false;
  /** With `session refresh`: what the border element does on this call, once the 2xx told it (null before). */
  private refreshAction: SessionRefreshAction | null = null;
  private pingHandle: EventHandle = NO_EVENT;
  private tagCounter = 0;
  /** Its events still to fire, counted (as Endpoint counts its own): options-ping's. */
  private eventsPending = 0;

  constructor(
    readonly be: BorderElement,
    /** Set again when a finished call's parts serve a new call (reuse, call-parts.ts). */
    public call: Call,
    readonly inPort: SipPort,
    readonly outPort: SipPort,
    /** Where its dialogs come from (new objects, or a finished call's: call-parts.ts). */
    private readonly dialogs: DialogSupply = NEW_DIALOGS,
  ) {
    inPort.core = this;
    outPort.core = this;
  }

  /** As new, for another call on the same two ports (call-parts.ts); only once `idle`. */
  reuse(call: Call): void {
    this.call = call;
    this.inDialog = null;
    this.outDialog = null;
    this.gateway = null;
    this.holdsSlot = false;
    this.cancelled = false;
    this.refreshAction = null;
    this.pingHandle = NO_EVENT;
    this.tagCounter = 0;
    this.eventsPending = 0;
    this.inPort.core = this;
    this.outPort.core = this;
  }

  /** None of its own events is still to fire (options-ping). */
  get idle(): boolean {
    return this.eventsPending === 0;
  }

  private schedulePing(delay: number): void {
    this.eventsPending++;
    this.pingHandle = this.sim.after(delay, this, OPTIONS_PING);
  }

  private cancelPing(): void {
    if (this.sim.cancel(this.pingHandle)) this.eventsPending--;
    this.pingHandle = NO_EVENT;
  }

  get sim() {
    return this.be.sim;
  }

  private newTag(): string {
    return `c${this.call.index.toString(36)}.${++this.tagCounter}`;
  }

  private countsOf(d: Dialog): LegCounts {
    return d === this.inDialog ? this.call.inbound : this.call.outbound;
  }

  private other(d: Dialog): Dialog | null {
    return d === this.inDialog ? this.outDialog : this.inDialog;
  }

  // ---- setup -----------------------------------------------------------------------------

  private onInitialInvite(req: SipMessage, txn: InviteServerTransaction): void {
    const be = this.be;
    const now = this.sim.now;
    // Its own description toward either leg starts as the offer's media at version 1.
    const offer = initialOffer(req);
    const ownSdp = sdpValue(1, offer.audio, offer.video, offer.t38);
    const d = this.dialogs.open(
      this.inPort,
      this.call,
      this,
      be.legBehaviour,
      req.callId,
      this.newTag(),
      false,
      ownSdp,
    );
    this.inDialog = d;
    d.acceptInitial(req, txn);
    if (be.model.tryingAtOnce.value) d.respond(txn, txn.makeResponse(100, ''));
    const adm = be.admit(now);
    if (adm.refusal !== '') {
      be.counters.admissionRejects++;
      this.call.setupRefusal = adm.refusal;
      d.respond(txn, txn.makeResponse(adm.status, d.localTag));
      return;
    }
    const relay = be.setupOffer(req);
    if (relay.kind === 'reject') {
      const r = txn.makeResponse(422, d.localTag);
      r.minSe = relay.minSe;
      d.respond(txn, r);
      return;
    }
    this.holdsSlot = true;
    be.active++;
    const tag = this.newTag();
    let out = this.outDialog;
    if (out === null) {
      out = this.dialogs.open(this.outPort, this.call, this, be.legBehaviour, `${req.callId}-out`, tag, true, ownSdp);
      this.outDialog = out;
    } else {
      out.restartAttempt(tag);
    }
    const sent = out.start(setupRequest(out, relay.offer), this);
    sent.requesterData = txn; // its answers go back to txn, on the other leg
  }

  // ---- PortCore ----------------------------------------------------------------------------

  onRequest(port: SipPort, req: SipMessage, txn: ServerTransaction): void {
    if (port === this.inPort && req.method === 'INVITE' && req.toTag === '') {
      this.onInitialInvite(req, txn as InviteServerTransaction);
      return;
    }
    const d = port === this.inPort ? this.inDialog : this.outDialog;
    if (d === null || req.callId !== d.callId) {
      txn.respond(txn.makeResponse(481, ''));
      return;
    }
    if (!d.receive(req, txn)) {
      if (txn.response?.status === 491) this.countGlare(d);
      return;
    }
    if (req.method === 'OPTIONS') {
      d.respond(txn, txn.makeResponse(200, d.localTag));
      return;
    }
    this.midcall(d, req, txn);
  }

  onAck(port: SipPort, ack: SipMessage): void {
    const d = port === this.inPort ? this.inDialog : this.outDialog;
    d?.receiveAck(ack);
  }

  // ---- mid-call requests ------------------------------------------------------------------

  /** What a mid-call request is for (see classifyMidcall). */
  static classify(req: SipMessage, previous: Sdp | null): MidcallPurpose {
    return classifyMidcall(req, previous);
  }

  /** A mid-call request: relayed to the other leg, answered here, or refused, as the release's table says. */
  private midcall(d: Dialog, req: SipMessage, txn: ServerTransaction): void {
    const purpose = classifyMidcall(req, d.remoteSdp);
    const counts = this.countsOf(d);
    const c = this.be.counters;
    const isReinvite = req.method === 'INVITE' || req.method === 'UPDATE';
    if (isReinvite) {
      counts.received++;
      c.reinvitesReceived++;
    }
    if (this.be.ignoresRefresh(purpose, req.method, this.call)) {
      (txn as InviteServerTransaction).ignore(); // CSCun31375: no 100 Trying, no answer
      return;
    }
    const rule = this.be.midcallRule(purpose, req.method);
    switch (rule.action) {
      case 'reject':
        if (isReinvite) {
          counts.rejected++;
          c.reinvitesRejected++;
        }
        d.respond(txn, txn.makeResponse(rule.status, d.localTag));
        return;
      case 'answer-locally':
        if (isReinvite) {
          counts.answeredLocally++;
          c.reinvitesAnsweredLocally++;
        }
        if (!rule.fulfils) this.call.markUnfulfilled(purpose, rule.reason ?? 'answered by the border element');
        answerLocally(d, req, txn, purpose);
        return;
      case 'relay':
        this.relay(d, req, txn, counts, isReinvite);
        return;
    }
  }

  private relay(d: Dialog, req: SipMessage, txn: ServerTransaction, counts: LegCounts, isReinvite: boolean): void {
    const other = this.other(d);
    if (other === null || !other.confirmed) {
      d.respond(txn, txn.makeResponse(481, d.localTag));
      return;
    }
    if (req.method === 'INVITE' && other.inviteBusy) {
      // An INVITE is already in progress on the other leg: §14.2 glare, seen at the border element.
      this.countGlare(d);
      d.respond(txn, txn.makeResponse(491, d.localTag));
      return;
    }
    if (isReinvite) {
      counts.relayed++;
      this.be.counters.reinvitesRelayed++;
    }
    const sent = other.start(relayedRequest(other, req, this.be.minSe), this);
    sent.requesterData = txn; // its answers go back to txn, on the other leg
  }

  private countGlare(d: Dialog): void {
    this.countsOf(d).glare++;
    this.be.counters.reinvitesGlare++;
  }

  // ---- RequestOwner: answers from the far leg ------------------------------------------------

  // A relayed request keeps, as its requester data, the server transaction it answers: that
  // transaction belongs to the other leg's dialog (no object is made per relayed request).

  onRequestProvisional(d: Dialog, txn: DialogRequest<ServerTransaction>, resp: SipMessage): void {
    const st = txn.requesterData;
    if (st === null || resp.status === 100) return;
    const from = this.other(d)!;
    from.respond(st, st.makeResponse(resp.status, from.localTag));
  }

  onRequestFinal(d: Dialog, txn: DialogRequest<ServerTransaction>, resp: SipMessage): void {
    if (txn.request.method === 'OPTIONS') {
      if (resp.status === 408 || resp.status === 481) this.pingFailed(d);
      return;
    }
    const st = txn.takeRequesterData();
    if (st === null) return;
    if (this.cancelled && txn.request.purpose === 'setup') {
      // The caller has gone (its INVITE got 487): a late 2xx is acknowledged and ended at once.
      if (resp.status < 300) {
        d.bye();
        this.releaseSlot();
      } else {
        this.attemptOver(d);
      }
      return;
    }
    const from = this.other(d)!;
    if (resp.status === 491) this.countGlare(d);
    const r = relayedAnswer(st, resp, from, this.be.minSe);
    const ok = r.status >= 200 && r.status < 300;
    const setup = txn.request.purpose === 'setup';
    if (ok && setup && this.be.sessionRefresh) {
      const uacSupports = st.request.supportedTimer;
      const uasSupports = resp.supportedTimer || resp.sessionExpires > 0;
      this.refreshAction = this.be.model.sessionRefresh.cases[sessionRefreshCase(uacSupports, uasSupports)];
    }
    // The UAC's leg gets an interval from the border element when the far end gave none.
    if (ok && this.refreshAction === 'uac-refreshes-or-cube' && from === this.inDialog)
      this.be.answerTimerItself(st.request, r);
    if (ok && !this.be.fitToLeg(st.request, r)) {
      this.endOnAnswerBelowMinSe(d, from, st, setup);
      return;
    }
    // The IN leg: expiry, or the refreshes when the INVITE named uas (armed by the 2xx below).
    if (ok && setup && this.refreshAction === 'uac-refreshes-or-cube') from.takePartInTimer();
    from.respond(st, r);
    if (!setup) return;
    if (resp.status >= 300) {
      this.attemptOver(d);
      return;
    }
    this.startOptionsPing();
    switch (this.refreshAction) {
      case 'uas-refreshes-or-cube':
        d.takePartInTimer(); // the OUT leg: expiry when the UAS refreshes, else the refreshes
        break;
      case 'cube-refreshes':
        d.takePartInTimer(txn.request.sessionExpires); // the OUT leg, alone, with the interval it offered
        break;
      default:
    }
  }

  /**
   * The far side answered with an interval below the Min-SE of the request on this side, and the
   * model ends such a call: the request gets 500, the other leg a BYE (its 2xx was acknowledged).
   */
  private endOnAnswerBelowMinSe(far: Dialog, from: Dialog, st: ServerTransaction, setup: boolean): void {
    const cause = 'answer-below-min-se';
    if (setup) this.call.setupRefusal = cause;
    from.respond(st, st.makeResponse(500, from.localTag));
    if (!setup) {
      this.endBoth(cause, far);
      return;
    }
    far.bye();
    this.releaseSlot();
  }

  /**
   * The caller cancelled its INVITE before a final answer (RFC 3261 §9.2; its CANCEL is answered
   * 200 by whoever received it): the INVITE gets 487 Request Terminated and the call is refused.
   * The attempt on the far leg is not cancelled in turn (the model has no CANCEL of its own): its
   * answer, when it comes, ends there (a 2xx is acknowledged and followed by BYE).
   */
  cancelSetup(): boolean {
    const d = this.inDialog;
    const ist = d?.ist ?? null;
    if (d === null || ist === null || d.state !== 'early' || !ist.awaitingFinal) return false;
    this.cancelled = true;
    this.call.setupRefusal = 'cancelled';
    d.respond(ist, ist.makeResponse(487, d.localTag));
    if (this.outDialog === null || this.outDialog.state === 'terminated') this.releaseSlot();
    return true;
  }

  onRequestTimeout(d: Dialog, txn: DialogRequest<ServerTransaction>): void {
    if (txn.request.method === 'OPTIONS') {
      this.pingFailed(d);
      return;
    }
    const st = txn.takeRequesterData();
    if (st === null) return;
    const from = this.other(d)!;
    from.respond(st, st.makeResponse(408, from.localTag));
    if (txn.request.purpose === 'setup') {
      d.terminate();
      this.attemptOver(d);
    }
  }

  /** A setup attempt failed on the outbound leg: the slot is free until a retry comes. */
  private attemptOver(out: Dialog): void {
    if (out.state !== 'terminated') out.terminate();
    this.releaseSlot();
  }

  private releaseSlot(): void {
    if (!this.holdsSlot) return;
    this.holdsSlot = false;
    this.be.active--;
  }

  // ---- options-ping (C6): in-dialog OPTIONS when no session timer runs ------------------

  private startOptionsPing(): void {
    const interval = this.be.config.optionsPing;
    if (interval === null) return;
    this.schedulePing(interval);
  }

  private sendPings(): void {
    this.pingHandle = NO_EVENT;
    const a = this.inDialog,
      b = this.outDialog;
    if (a === null || b === null || !a.confirmed || !b.confirmed) return;
    // C6: options-ping is not used when a session timer has been negotiated on the call.
    if (a.sessionExpires === 0 && b.sessionExpires === 0) {
      for (const d of [a, b]) {
        this.be.counters.optionsPingsSent++;
        d.send('OPTIONS', 'keepalive', this);
      }
    }
    this.schedulePing(this.be.config.optionsPing!);
  }

  private pingFailed(d: Dialog): void {
    if (!this.be.model.optionsPing.failureEndsCall.value) return;
    this.endBoth('options-ping-failed', d);
  }

  onEvent(kind: number): void {
    this.eventsPending--;
    if (kind === OPTIONS_PING) this.sendPings();
  }

  // ---- DialogOwner ------------------------------------------------------------------------

  onSessionExpired(d: Dialog): void {
    this.endBoth('session-expired', d);
  }

  onRefreshFailed(d: Dialog, cause: RefreshFailure, status: number): void {
    this.endBoth(`refresh-${cause}`, d, status);
  }

  onAckMissing(d: Dialog): void {
    this.endBoth('ack-timeout', d);
  }

  onByeReceived(d: Dialog): void {
    const other = this.other(d);
    // The BYE answered d's pending re-INVITE with 487 (RFC 3261 §15.1.2): the copy relayed on the
    // other leg no longer answers anything there (its 2xx, if one comes, is only acknowledged).
    const relayed = other?.ict ?? null;
    if (relayed !== null && d.ist !== null && relayed.requesterData === d.ist) relayed.takeRequesterData();
    // The B2BUA answers BYE on one leg and sends its own BYE on the other.
    other?.bye();
    this.maybeIdle();
  }

  /** The border element itself ends the call on both legs. */
  private endBoth(cause: Cause, d: Dialog, status = 0): void {
    const leg = d === this.inDialog ? 'inbound' : 'outbound';
    this.call.drop(this.sim.now, cause, leg, 'border-element', status);
    this.inDialog?.bye();
    this.outDialog?.bye();
    this.maybeIdle();
  }

  /**
   * An H.323 caller: admitted here, then the SIP side is played by `gateway` on the outbound port.
   * Returns false (and rejects the call) when admission refuses it.
   */
  admitH323(): boolean {
    const adm = this.be.admit(this.sim.now, 'h323');
    if (adm.refusal !== '') {
      this.be.counters.admissionRejects++;
      this.call.setupRefusal = adm.refusal;
      this.call.reject(this.sim.now, adm.refusal, adm.status);
      return false;
    }
    this.holdsSlot = true;
    this.be.active++;
    return true;
  }

  /** Notes on the call what each leg negotiated last (interval and who refreshes). */
  recordLegs(): void {
    const out = this.gateway?.dialog ?? this.outDialog;
    for (const [d, counts, far] of [
      [this.inDialog, this.call.inbound, 'caller'],
      [out, this.call.outbound, 'callee'],
    ] as const) {
      if (d === null) continue;
      counts.sessionExpires = d.sessionExpires;
      counts.refresher = d.sessionExpires === 0 ? '' : d.refresherLocal ? 'border-element' : far;
    }
  }

  /** Called when the call is over everywhere; frees the admission slot and the ping timer. */
  finish(): void {
    this.cancelPing();
    this.releaseSlot();
  }

  private maybeIdle(): void {
    const a = this.inDialog,
      b = this.outDialog;
    if (
      (a === null || a.state === 'terminating' || a.state === 'terminated') &&
      (b === null || b.state === 'terminating' || b.state === 'terminated')
    ) {
      this.cancelPing();
    }
  }
}
