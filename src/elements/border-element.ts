// The border element as configured, shared by all its calls: its RFC 4028 policy (what it
// enforces and asks for, and what it does with the session-timer headers it relays) and its
// admission of new calls against its limits and its processor. What crosses from one leg of a
// call to the other is decided by the configuration (allow-connections, midcall-signaling,
// min-se, options-ping) and by the release's behaviour table in models/border-element.json,
// never by release-specific code paths. Its part in each call is BorderElementCall
// (border-element-call.ts), which makes what crosses between the legs as relay.ts says.

import type { BorderElementConfig } from '../config/types.ts';
import type { Platform } from '../config/platform.ts';
import { Dialog, type TimerBehaviour } from '../sip/dialog.ts';
import type { Method, SipMessage } from '../sip/message.ts';
import { effectiveMinSe, MIN_SE_FLOOR, negotiateAsUas, type TimerOffer } from '../sip/session-timer.ts';
import type { Simulator } from '../kernel/simulator.ts';
import type { Call, SetupRefusal } from './call.ts';
import type {
  BorderElementModel,
  EndpointProfile,
  MidcallPurpose,
  MidcallRule,
  MidcallTable,
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

/**
 * Session-timer headers pass across unchanged (RFC 4028 §8.2), except that a Min-SE below the
 * floor is raised to it: RFC 4028 §5's 90 s, or the configured min-se where that is lower (only
 * possible in `cubesim emulate --allow-short-session-expires`), the same floor the initial
 * INVITE's relay uses, so setup and refreshes carry the same Min-SE.
 */
export function copyTimerHeaders(from: SipMessage, to: SipMessage, configuredMinSe: number): void {
  to.supportedTimer = from.supportedTimer;
  to.requireTimer = from.requireTimer;
  to.sessionExpires = from.sessionExpires;
  to.refresher = from.refresher;
  to.minSe = from.minSe > 0 ? Math.max(from.minSe, Math.min(MIN_SE_FLOOR, configuredMinSe)) : 0;
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

  /**
   * The session-timer headers of the setup INVITE on the outbound leg (relayInitialOffer), or the
   * 422 to the caller; with `session refresh` (C10) it asks for an interval when the caller did not.
   */
  setupOffer(inbound: TimerOffer): InitialRelay {
    const relay = relayInitialOffer(inbound, this.minSe, this.model);
    if (relay.kind === 'forward' && this.sessionRefresh && relay.offer.sessionExpires === 0) {
      relay.offer.supportedTimer = true;
      relay.offer.sessionExpires = Math.max(this.ownInterval, relay.offer.minSe);
    }
    return relay;
  }

  /** RFC 4028 §9 as the UAS of this leg with the border element's own settings, when the 2xx it relays carries no interval. */
  answerTimerItself(req: SipMessage, r: SipMessage): void {
    if (r.sessionExpires > 0 || req.sessionExpires === 0) return;
    const decision = negotiateAsUas(req, {
      minSe: this.minSe,
      sessionExpires: this.ownInterval,
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
  fitToLeg(req: SipMessage, r: SipMessage): boolean {
    if (!req.supportedTimer) {
      r.requireTimer = false;
      if (r.sessionExpires > 0) r.refresher = 'uas';
    }
    if (r.sessionExpires > 0 && r.sessionExpires < req.minSe) {
      if (this.model.sessionTimer.answerBelowRequestMinSe.value === 'end-call') return false;
      r.sessionExpires = req.minSe;
    }
    return true;
  }

  /** The rule of the release's table for a mid-call request (C1, midcall-signaling). */
  midcallRule(purpose: MidcallPurpose, method: Method): MidcallRule {
    const rule = this.midcall[purpose];
    // This release sends no UPDATE toward a SIP leg: answered here, or refused (updateWithoutRelay).
    if (method === 'UPDATE' && rule.action === 'relay' && !this.platform.release.sipToSipUpdate.value)
      return this.updateWithoutRelay;
    return rule;
  }

  /**
   * Cisco bug CSCun31375 (B1) and the defects like it: a refresh re-INVITE dropped without a word,
   * no 100 Trying, so the refresher's Timer B fires and it ends the call. Drawn per request.
   */
  ignoresRefresh(purpose: MidcallPurpose, method: Method, call: Call): boolean {
    const p = this.ignoresRefreshProbability;
    return p > 0 && purpose === 'refresh' && method === 'INVITE' && call.defects().uniform() < p;
  }

  /** Admission of a new setup: '' when admitted, else the refusal (call admission control). */
  admit(now: number, from: 'sip' | 'h323' = 'sip'): { refusal: '' | SetupRefusal; status: number } {
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
