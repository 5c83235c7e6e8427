// RFC 4028 arithmetic and negotiation, as pure functions. Everything that decides a session
// interval, a refresher or a deadline is here and nowhere else (domain-facts §1).

import type { RefresherToken } from './message.ts';

/** Min-SE floor and the value assumed when Min-SE is absent (RFC 4028 §4, §5). */
export const MIN_SE_FLOOR = 90;

/** The refresher sends its refresh at half the interval (RFC 4028 §7.2, §9: RECOMMENDED). */
export function refreshDelay(sessionExpires: number): number {
  return sessionExpires / 2;
}

/** How long before expiry the non-refresher sends BYE: min(32, SE/3) (RFC 4028 §10). */
export function expiryLead(sessionExpires: number): number {
  return Math.min(32, sessionExpires / 3);
}

/**
 * When a non-refresher gives up on a session that was not refreshed, by implementation
 * (anchors.md table A.12): RFC SE - min(32, SE/3); JsSIP 1.1 x SE; drachtio SE; sofia SE + 32.
 */
export type ExpiryRule = 'rfc' | 'factor-1.1' | 'se' | 'se-plus-32';

export function expiryDelay(sessionExpires: number, rule: ExpiryRule): number {
  switch (rule) {
    case 'rfc':
      return sessionExpires - expiryLead(sessionExpires);
    case 'factor-1.1':
      return 1.1 * sessionExpires;
    case 'se':
      return sessionExpires;
    case 'se-plus-32':
      return sessionExpires + 32;
  }
}

/** The Min-SE in force for a request: its header, or 90 when absent (RFC 4028 §5). */
export function effectiveMinSe(minSeHeader: number): number {
  return minSeHeader > 0 ? minSeHeader : MIN_SE_FLOOR;
}

/** The session-timer part of a request, as a UAS or proxy sees it. */
export interface TimerOffer {
  supportedTimer: boolean;
  sessionExpires: number; // 0 = absent
  refresher: RefresherToken;
  minSe: number; // 0 = absent
}

/** What a timer-capable UAS is configured to do (endpoint profile or border element). */
export interface UasTimerPolicy {
  /** Its own minimum: a smaller Session-Expires is refused with 422 (RFC 4028 §9). */
  minSe: number;
  /** The interval it asks for when the request carries none (0: impose none). */
  sessionExpires: number;
  /** Refresher it names when the request leaves the choice open (Table 2 row 2). */
  preferredRefresher: 'uac' | 'uas';
  /** Defect F11: echoes no Session-Expires in the 2xx when the request named no refresher. */
  omitWhenNoRefresher?: boolean;
  /** Defect F9: ignores a request Min-SE when the request has no Session-Expires. */
  ignoreMinSeWithoutSe?: boolean;
  /** The largest interval it accepts: a larger one is lowered in the 2xx (0 or absent: never lowered). */
  maxSessionExpires?: number;
}

export type UasDecision =
  | { kind: 'reject'; status: 422; minSe: number }
  | { kind: 'accept'; sessionExpires: number; refresher: RefresherToken; requireTimer: boolean };

/**
 * RFC 4028 §9 at a timer-capable UAS: 422 below its minimum when the UAC supports timers,
 * otherwise the interval for the 2xx and the refresher by Table 2:
 *   UAC no timer -> uas; refresher given -> honoured; none -> the UAS's choice.
 * sessionExpires 0 in the decision means the 2xx carries no Session-Expires (timer off).
 */
export function negotiateAsUas(offer: TimerOffer, policy: UasTimerPolicy): UasDecision {
  const requestMin = effectiveMinSe(offer.minSe);
  let se = offer.sessionExpires;
  // The floor is the UAS's own minimum and, for a request whose Session-Expires is below its own
  // Min-SE (which §7.1 forbids a UAC to send), that Min-SE too: §9 never lets a 2xx carry an
  // interval below the request's Min-SE, and 422 is RFC 4028's way to ask for a larger one.
  const floor = Math.max(policy.minSe, offer.minSe);
  if (se > 0 && se < floor) {
    if (offer.supportedTimer) return { kind: 'reject', status: 422, minSe: floor };
    // Erratum 1687 / §8.1: a UAC without timer support cannot retry; raise the interval instead.
    se = floor;
  }
  if (se === 0) {
    if (policy.sessionExpires === 0) return { kind: 'accept', sessionExpires: 0, refresher: '', requireTimer: false };
    // §9 (EID 632): the UAS may ask for a timer itself, never below the request's Min-SE.
    const floor = policy.ignoreMinSeWithoutSe ? MIN_SE_FLOOR : requestMin;
    se = Math.max(policy.sessionExpires, floor, policy.minSe);
  }
  // §9: the UAS may lower the interval in its 2xx, never below the request's Min-SE nor its own.
  const max = policy.maxSessionExpires ?? 0;
  if (max > 0 && se > max) se = Math.max(max, requestMin, policy.minSe);
  if (policy.omitWhenNoRefresher && offer.refresher === '' && offer.sessionExpires > 0) {
    return { kind: 'accept', sessionExpires: 0, refresher: '', requireTimer: false };
  }
  const refresher: RefresherToken = !offer.supportedTimer
    ? 'uas'
    : offer.refresher !== ''
      ? offer.refresher
      : policy.preferredRefresher;
  // §9: Require: timer MUST accompany refresher=uac, SHOULD accompany uas when the UAC supports it;
  // refresher=uac only arises when the UAC supports timers, so both come to that.
  const requireTimer = offer.supportedTimer;
  return { kind: 'accept', sessionExpires: se, refresher, requireTimer };
}

/**
 * RFC 4028 §7.3/§7.4: after a 422, retry with Min-SE set to the largest Min-SE seen and
 * Session-Expires at least that.
 */
export function retryAfter422(
  currentSe: number,
  largestMinSe: number,
  received422MinSe: number,
): { sessionExpires: number; minSe: number } {
  const minSe = Math.max(largestMinSe, received422MinSe);
  return { sessionExpires: Math.max(currentSe, minSe), minSe };
}

/**
 * How a party reads the refresher token of a session refresh. RFC 4028 means the roles of the
 * transaction that carries it (uac = the sender of this request); some stacks read it as roles
 * in the dialog (uac = whoever sent the initial INVITE), which flips the role on the first
 * in-dialog refresh (domain-facts §1.4 U17, §1.12; anchors F2/F3).
 */
export type RefresherReading = 'transaction' | 'dialog';

/** re-INVITE, UPDATE, UPDATE when the peer's Allow lists it, or UPDATE falling back to re-INVITE on 405/501. */
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

/**
 * Whether this party is the refresher after a 2xx carrying `token`.
 * @param weSentRequest this party was the UAC of the transaction the 2xx answers
 * @param weCreatedDialog this party sent the dialog's initial INVITE
 */
export function isLocalRefresher(
  token: RefresherToken,
  weSentRequest: boolean,
  weCreatedDialog: boolean,
  reading: RefresherReading,
): boolean {
  // No parameter ('') names neither role.
  const mine = reading === 'transaction' ? (weSentRequest ? 'uac' : 'uas') : weCreatedDialog ? 'uac' : 'uas';
  return token === mine;
}

/** The token a refresher puts in its own in-dialog refresh to keep the role (§7.4). */
export function tokenForOwnRefresh(weCreatedDialog: boolean, reading: RefresherReading): RefresherToken {
  if (reading === 'transaction') return 'uac';
  return weCreatedDialog ? 'uac' : 'uas';
}

/**
 * RFC 4028 §7.2 (U7/U8): a UAC that asked for a timer and got a 2xx without Session-Expires.
 * With `aloneIfSilent` it runs the timer alone as refresher with its own interval; otherwise
 * the session has no timer.
 */
export function intervalWhenAnswerSilent(requestedSe: number, aloneIfSilent: boolean): number {
  return aloneIfSilent ? requestedSe : 0;
}
