// The border element: a back-to-back user agent. Each call is two dialogs, the inbound leg
// toward the caller and the outbound leg toward the callee, each with its own Call-ID, CSeq and
// session-timer state. What crosses from one leg to the other is decided by the configuration
// (allow-connections, midcall-signaling, min-se, options-ping) and by the release's behaviour
// table in models/border-element.json, never by release-specific code paths here.

import { NO_EVENT, type EventHandle, type EventTarget, type Simulator } from '../kernel/simulator.ts';
import type { BorderElementConfig } from '../config/types.ts';
import type { Platform } from '../config/platform.ts';
import {
  Dialog,
  type DialogOwner,
  type RefreshFailure,
  type RequestOwner,
  type TimerBehaviour,
} from '../sip/dialog.ts';
import type { Sdp, SipMessage } from '../sip/message.ts';
import type { PortCore, SipPort } from '../sip/port.ts';
import { effectiveMinSe, MIN_SE_FLOOR, negotiateAsUas, type TimerOffer } from '../sip/session-timer.ts';
import type { ClientTransaction, InviteServerTransaction, ServerTransaction } from '../sip/transaction.ts';
import type { Call, LegCounts } from './call.ts';
import type {
  BorderElementModel,
  EndpointProfile,
  MidcallPurpose,
  MidcallRule,
  MidcallTable,
  SessionRefreshAction,
  SessionRefreshCase,
} from './models.ts';
import type { Processor } from './network.ts';

export interface BorderElementCounters {
  reinvitesReceived: number;
  reinvitesRelayed: number;
  reinvitesAnsweredLocally: number;
  reinvitesRejected: number;
  reinvitesGlare: number;
  optionsPingsSent: number;
  admissionRejects: number;
}

/** What the border element does with the session-timer headers of an initial INVITE. */
export type InitialRelay = { kind: 'reject'; minSe: number } | { kind: 'forward'; offer: TimerOffer };

/**
 * The timer headers of an initial INVITE as the border element passes them on (12.4(15)XZ and
 * later pass session-refresh parameters transparently, C1): a Session-Expires below `min-se` is
 * refused with 422 when the caller supports timers (assumed, Q3; RFC 4028 §8.1) or raised when it
 * cannot retry; `Supported: timer` and the refresher pass unchanged (§8.1 forbids changing the
 * refresher); Min-SE is raised to the configured minimum (as IOS traces show, anchors A.1).
 */
export function relayInitialOffer(inbound: TimerOffer, minSe: number, model: BorderElementModel): InitialRelay {
  let se = inbound.sessionExpires;
  if (se > 0 && se < inbound.minSe) {
    // A request below its own Min-SE (§7.1 forbids it): as the UAS of the caller's dialog the
    // border element may not accept it (§9), so it asks for a larger interval, whatever min-se says.
    const floor = Math.max(inbound.minSe, minSe);
    if (inbound.supportedTimer) return { kind: 'reject', minSe: floor };
    se = floor;
  }
  if (se > 0 && se < minSe) {
    if (inbound.supportedTimer && model.sessionTimer.rejectBelowMinSe.value) return { kind: 'reject', minSe };
    se = minSe;
  }
  const outMinSe = model.sessionTimer.insertMinSe.value
    ? Math.max(effectiveMinSe(inbound.minSe), minSe)
    : inbound.minSe;
  return {
    kind: 'forward',
    offer: {
      supportedTimer: inbound.supportedTimer,
      sessionExpires: se,
      refresher: inbound.refresher,
      minSe: outMinSe,
    },
  };
}

/**
 * The minimum session interval the border element enforces: its `min-se`, or, when no `min-se`
 * line is configured, the default 1800 or RFC 4028's floor of 90, as the model's reading of the
 * disputed default says (whenMinSeNotConfigured in models/border-element.json, assumed).
 */
export function borderElementMinSe(config: BorderElementConfig, model: BorderElementModel): number {
  if (config.minSeConfigured || model.sessionTimer.whenMinSeNotConfigured.value === 'enforce-default')
    return config.minSe;
  return Math.min(config.minSe, MIN_SE_FLOOR);
}

/** 15.1(2)T `session refresh` is on for at least one leg: globally, or on a dial-peer (C9). */
export function sessionRefreshOn(config: BorderElementConfig): boolean {
  return config.sessionRefresh || config.dialPeers.some((d) => d.sessionRefresh === true);
}

/** The interval the border element asks for itself: min-se's session-expires keyword, else min-se (C3). */
export function ownInterval(config: BorderElementConfig, model: BorderElementModel): number {
  const minSe = borderElementMinSe(config, model);
  return Math.max(config.sessionExpires ?? minSe, minSe);
}

/** Which of Cisco's 15.1(2)T cases a call is, from whether its UAC and its UAS support session timers. */
export function sessionRefreshCase(uacSupports: boolean, uasSupports: boolean): SessionRefreshCase {
  return uacSupports ? (uasSupports ? 'both' : 'uac-only') : uasSupports ? 'uas-only' : 'neither';
}

/** Status CUBE answers when SIP-to-SIP calls are not allowed. */
const NOT_ALLOWED_STATUS = 403;

/** Run-wide state of the border element shared by all calls: its limits and its processor. */
export class BorderElement {
  /** Sessions admitted and not yet over (setup in progress included). */
  active = 0;
  private readonly recentSetups: number[] = [];
  readonly midcall: MidcallTable;
  readonly legBehaviour: TimerBehaviour;
  /** The minimum interval it enforces (see borderElementMinSe). */
  readonly minSe: number;
  /** What it does with an UPDATE it would relay, on a release that sends no UPDATE to a SIP leg. */
  readonly updateWithoutRelay: MidcallRule;
  /** Probability that it ignores a refresh re-INVITE it should pass on (its defects switched on). */
  readonly ignoresRefreshProbability: number;
  /** 15.1(2)T `session refresh` is on for at least one leg (globally or on a dial-peer). */
  readonly sessionRefresh: boolean;
  /** The interval it offers when it asks for one: min-se's session-expires keyword, else min-se. */
  readonly ownInterval: number;

  constructor(
    readonly sim: Simulator,
    readonly config: BorderElementConfig,
    readonly platform: Platform,
    readonly model: BorderElementModel,
    readonly processor: Processor,
    readonly counters: BorderElementCounters,
  ) {
    const table = model.midcall[platform.release.midcallBehaviour] as Record<
      string,
      { requests: MidcallTable } | undefined
    >;
    const mode = table[config.midcallSignaling];
    if (mode === undefined) {
      throw new Error(
        `models/border-element.json has no midcall behaviour for "${config.midcallSignaling}" on ${platform.release.midcallBehaviour} releases`,
      );
    }
    this.midcall = mode.requests;
    this.minSe = borderElementMinSe(config, model);
    this.updateWithoutRelay =
      model.sessionTimer.updateWithoutRelay.value === 'reject'
        ? { action: 'reject', status: 501 }
        : { action: 'answer-locally', fulfils: true };
    let keeps = 1;
    for (const id of Object.keys(model.defects).sort()) {
      const d = model.defects[id]!;
      if (d.enabled) keeps *= 1 - d.ignoresRefreshProbability;
    }
    this.ignoresRefreshProbability = 1 - keeps;
    this.sessionRefresh = sessionRefreshOn(config);
    this.ownInterval = ownInterval(config, model);
    this.legBehaviour = {
      supportsTimer: true,
      runsTimers: model.sessionTimer.originatesRefresh.value,
      sessionExpires: 0,
      minSe: this.minSe,
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
      allowUpdate: model.sessionTimer.allowUpdate.value,
    };
  }

  /**
   * The border element as the SIP user agent of a call whose caller is on H.323: it asks for no
   * timer itself but takes part in one the callee asks for (C8), and interworks the H.323 side's
   * media changes into its own re-INVITEs. midcall-signaling plays no part (C1, C3).
   */
  gatewayProfile(): EndpointProfile {
    const st = this.model.sessionTimer;
    return {
      id: 'border-element-gateway',
      name: `${this.platform.name} as H.323-SIP gateway`,
      notes: 'built from the configuration and models/border-element.json',
      timer: {
        supported: true,
        sessionExpires: 0,
        minSe: this.minSe,
        requestRefresher: 'none',
        preferredRefresher: 'uac',
        refreshMethod: 'invite',
        expiryRule: 'rfc',
        reading: 'transaction',
        retry422: true,
        max422Retries: 2,
        byeOnRefreshRejected: false,
        aloneIfSilent: false,
        skipRefreshWhenBusy: false,
        omitSeWhenNoRefresher: false,
        ignoreMinSeWithoutSe: false,
        neverRefreshes: !st.gatewayHonoursTimers.value,
        hangUpOnGlare: false,
        maxSessionExpires: 0,
      },
      assumed: [],
      allowUpdate: st.allowUpdate.value,
      answersUpdate: 'ok',
      answersReinvite: true,
      media: { video: true, t38: true, refer: true },
      defects: [],
    };
  }

  /** Admission of a new setup: '' when admitted, else the refusal (call admission control). */
  admit(now: number, from: 'sip' | 'h323' = 'sip'): { refusal: string; status: number } {
    if (!this.config.allowConnections.some((c) => c.from === from && c.to === 'sip')) {
      return { refusal: `${from === 'sip' ? 'sip' : 'h323'}-to-sip-not-allowed`, status: NOT_ALLOWED_STATUS };
    }
    const cap = this.platform.capacity;
    if (this.active >= cap.maxSessions.value) return { refusal: 'admission-sessions', status: 503 };
    const recent = this.recentSetups;
    while (recent.length > 0 && recent[0]! <= now - 1) recent.shift();
    if (recent.length >= cap.callsPerSecond.value) return { refusal: 'admission-cps', status: 503 };
    if (this.processor.refusesNewCalls(now)) return { refusal: 'admission-cpu', status: 503 };
    recent.push(now);
    return { refusal: '', status: 0 };
  }
}

const OPTIONS_PING = 1;

/** The border element's part in one call. */
export class BorderElementCall implements PortCore, DialogOwner, RequestOwner, EventTarget {
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

  constructor(
    readonly be: BorderElement,
    readonly call: Call,
    readonly inPort: SipPort,
    readonly outPort: SipPort,
  ) {
    inPort.core = this;
    outPort.core = this;
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
    const inSdp = req.sdp ?? { version: 1, audio: 'sendrecv' as const, video: false, t38: false };
    const d = new Dialog(this.inPort, this.call, this, be.legBehaviour, req.callId, this.newTag(), false, {
      ...inSdp,
      version: 1,
    });
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
    const relay = relayInitialOffer(req, be.minSe, be.model);
    if (relay.kind === 'reject') {
      const r = txn.makeResponse(422, d.localTag);
      r.minSe = relay.minSe;
      d.respond(txn, r);
      return;
    }
    const offer = relay.offer;
    if (be.sessionRefresh && offer.sessionExpires === 0) {
      // C10: with session refresh the border element asks for an interval when the caller did not.
      offer.supportedTimer = true;
      offer.sessionExpires = Math.max(be.ownInterval, offer.minSe);
    }
    this.holdsSlot = true;
    be.active++;
    const tag = this.newTag();
    let out = this.outDialog;
    if (out === null) {
      out = new Dialog(this.outPort, this.call, this, be.legBehaviour, `${req.callId}-out`, tag, true, {
        ...inSdp,
        version: 1,
      });
      this.outDialog = out;
    } else {
      out.restartAttempt(tag);
    }
    const outbound = out;
    const m = outbound.request('INVITE', 'setup');
    m.sdp = outbound.localSdp;
    m.supportedTimer = offer.supportedTimer;
    m.sessionExpires = offer.sessionExpires;
    m.refresher = offer.refresher;
    m.minSe = offer.minSe;
    outbound.start(m, this);
    outbound.ict!.requesterData = txn; // its answers go back to txn, on the other leg
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

  /** What a mid-call request is for, judged from what it carries, as the border element must. */
  static classify(req: SipMessage, previous: Sdp | null): MidcallPurpose {
    if (req.method === 'REFER') return 'transfer';
    const s = req.sdp;
    if (s === null || previous === null) return 'refresh';
    if (s.t38 && !previous.t38) return 'fax';
    if (s.video !== previous.video) return 'video';
    if (s.audio !== previous.audio) return s.audio === 'sendrecv' ? 'resume' : 'hold';
    return s.version === previous.version ? 'refresh' : 'video';
  }

  private midcall(d: Dialog, req: SipMessage, txn: ServerTransaction): void {
    const purpose = BorderElementCall.classify(req, d.remoteSdp);
    const counts = this.countsOf(d);
    const c = this.be.counters;
    const isReinvite = req.method === 'INVITE' || req.method === 'UPDATE';
    if (isReinvite) {
      counts.received++;
      c.reinvitesReceived++;
    }
    const ignore = this.be.ignoresRefreshProbability;
    if (ignore > 0 && purpose === 'refresh' && req.method === 'INVITE' && this.call.defects().uniform() < ignore) {
      // Cisco bug CSCun31375 (B1): the refresh re-INVITE is dropped without a word, no 100 Trying,
      // so the refresher's Timer B fires and it ends the call.
      (txn as InviteServerTransaction).ignore();
      return;
    }
    let rule = this.be.midcall[purpose];
    if (req.method === 'UPDATE' && rule.action === 'relay' && !this.be.platform.release.sipToSipUpdate.value) {
      // This release sends no UPDATE toward a SIP leg: answered here, or refused (updateWithoutRelay).
      rule = this.be.updateWithoutRelay;
    }
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
        this.answerLocally(d, req, txn, purpose);
        return;
      case 'relay':
        this.relay(d, req, txn, counts, isReinvite);
        return;
    }
  }

  /** Answers on the leg it arrived on, as a UAS with the border element's own settings (RFC 4028 §9). */
  private answerLocally(d: Dialog, req: SipMessage, txn: ServerTransaction, purpose: MidcallPurpose): void {
    if (req.method === 'REFER') {
      d.respond(txn, txn.makeResponse(202, d.localTag));
      return;
    }
    const ok = d.answerWithTimer(req, txn);
    if (ok === null) return;
    if (req.sdp !== null) {
      const o = req.sdp;
      // The local answer keeps the media the other leg has: no video, hold only mirrored.
      const audio = o.audio === 'sendonly' ? 'recvonly' : o.audio === 'recvonly' ? 'sendonly' : o.audio;
      ok.sdp = reversion({ version: 0, audio, video: purpose === 'video' ? false : o.video, t38: o.t38 }, d.localSdp);
    }
    d.respond(txn, ok);
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
    const m = other.request(req.method, req.purpose);
    copyTimerHeaders(req, m, this.be.minSe);
    if (req.sdp !== null) m.sdp = reversion(req.sdp, other.localSdp);
    const sent = other.start(m, this);
    sent.requesterData = txn; // its answers go back to txn, on the other leg
  }

  private countGlare(d: Dialog): void {
    this.countsOf(d).glare++;
    this.be.counters.reinvitesGlare++;
  }

  // ---- RequestOwner: answers from the far leg ------------------------------------------------

  // A relayed request keeps, as its requester data, the server transaction it answers: that
  // transaction belongs to the other leg's dialog (no object is made per relayed request).

  onRequestProvisional(d: Dialog, txn: ClientTransaction, resp: SipMessage): void {
    const st = txn.requesterData as ServerTransaction | null;
    if (st === null || resp.status === 100) return;
    const from = this.other(d)!;
    from.respond(st, st.makeResponse(resp.status, from.localTag));
  }

  onRequestFinal(d: Dialog, txn: ClientTransaction, resp: SipMessage): void {
    if (txn.request.method === 'OPTIONS') {
      if (resp.status === 408 || resp.status === 481) this.pingFailed(d);
      return;
    }
    const st = txn.takeRequesterData() as ServerTransaction | null;
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
    const r = st.makeResponse(resp.status, from.localTag);
    copyTimerHeaders(resp, r, this.be.minSe);
    r.retryAfter = resp.retryAfter;
    if (resp.sdp !== null) r.sdp = reversion(resp.sdp, from.localSdp);
    const ok = r.status >= 200 && r.status < 300;
    const setup = txn.request.purpose === 'setup';
    if (ok && setup && this.be.sessionRefresh) {
      const uacSupports = st.request.supportedTimer;
      const uasSupports = resp.supportedTimer || resp.sessionExpires > 0;
      this.refreshAction = this.be.model.sessionRefresh.cases[sessionRefreshCase(uacSupports, uasSupports)];
    }
    // The UAC's leg gets an interval from the border element when the far end gave none.
    if (ok && this.refreshAction === 'uac-refreshes-or-cube' && from === this.inDialog)
      this.answerTimerItself(st.request, r);
    if (ok && !this.fitToLeg(st.request, r)) {
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

  /** RFC 4028 §9 as the UAS of this leg with the border element's own settings, when the 2xx it relays carries no interval. */
  private answerTimerItself(req: SipMessage, r: SipMessage): void {
    if (r.sessionExpires > 0 || req.sessionExpires === 0) return;
    const decision = negotiateAsUas(req, {
      minSe: this.be.minSe,
      sessionExpires: this.be.ownInterval,
      preferredRefresher: 'uac',
    });
    if (decision.kind === 'accept') Dialog.fillTimerAnswer(r, decision);
  }

  /**
   * The timer headers of a 2xx relayed from the other leg, made right for the leg it goes back on
   * (each leg's headers belong to that leg's dialog, RFC 4028 §9): toward a UAC that did not say
   * `Supported: timer` no `Require: timer` and the refresher is the UAS side (Table 2); and no
   * interval below the Min-SE of the request it answers. An interval below it is raised to it or
   * the call ended, as models/border-element.json says (answerBelowRequestMinSe). False: end it.
   */
  private fitToLeg(req: SipMessage, r: SipMessage): boolean {
    if (!req.supportedTimer) {
      r.requireTimer = false;
      if (r.sessionExpires > 0) r.refresher = 'uas';
    }
    if (r.sessionExpires > 0 && r.sessionExpires < req.minSe) {
      if (this.be.model.sessionTimer.answerBelowRequestMinSe.value === 'end-call') return false;
      r.sessionExpires = req.minSe;
    }
    return true;
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

  onRequestTimeout(d: Dialog, txn: ClientTransaction): void {
    if (txn.request.method === 'OPTIONS') {
      this.pingFailed(d);
      return;
    }
    const st = txn.takeRequesterData() as ServerTransaction | null;
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
    this.pingHandle = this.sim.after(interval, this, OPTIONS_PING);
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
    this.pingHandle = this.sim.after(this.be.config.optionsPing!, this, OPTIONS_PING);
  }

  private pingFailed(d: Dialog): void {
    if (!this.be.model.optionsPing.failureEndsCall.value) return;
    this.endBoth('options-ping-failed', d);
  }

  onEvent(kind: number): void {
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
    // The B2BUA answers BYE on one leg and sends its own BYE on the other.
    this.other(d)?.bye();
    this.maybeIdle();
  }

  /** The border element itself ends the call on both legs. */
  private endBoth(cause: string, d: Dialog, status = 0): void {
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
    this.sim.cancel(this.pingHandle);
    this.pingHandle = NO_EVENT;
    this.releaseSlot();
  }

  private maybeIdle(): void {
    const a = this.inDialog,
      b = this.outDialog;
    if (
      (a === null || a.state === 'terminating' || a.state === 'terminated') &&
      (b === null || b.state === 'terminating' || b.state === 'terminated')
    ) {
      this.sim.cancel(this.pingHandle);
      this.pingHandle = NO_EVENT;
    }
  }
}

/**
 * Session-timer headers pass across unchanged (RFC 4028 §8.2), except that a Min-SE below the
 * floor is raised to it: RFC 4028 §5's 90 s, or the configured min-se where that is lower (only
 * possible in `cubesim emulate --allow-short-session-expires`), the same floor the initial
 * INVITE's relay uses, so setup and refreshes carry the same Min-SE.
 */
function copyTimerHeaders(from: SipMessage, to: SipMessage, configuredMinSe: number): void {
  to.supportedTimer = from.supportedTimer;
  to.requireTimer = from.requireTimer;
  to.sessionExpires = from.sessionExpires;
  to.refresher = from.refresher;
  to.minSe = from.minSe > 0 ? Math.max(from.minSe, Math.min(MIN_SE_FLOOR, configuredMinSe)) : 0;
}

/**
 * The border element's own description toward a leg: the same media as `content`, with the
 * o= version it keeps for that leg, raised only when the media changed (RFC 3264 §8).
 */
function reversion(content: Sdp, current: Sdp): Sdp {
  const same = content.audio === current.audio && content.video === current.video && content.t38 === current.t38;
  return same
    ? current
    : { version: current.version + 1, audio: content.audio, video: content.video, t38: content.t38 };
}
