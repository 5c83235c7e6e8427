// The RFC 4028 session timer on one party's dialog: the interval and the refresher a 2xx sets
// (§7.2 as UAC, §9 as UAS), the refresh at half the interval and the non-refresher's deadline
// (§10), the headers of a refresh (§7.4), and what the answer to a refresh leads to: the §14.1
// back-off after a 491, the retry after a 422 with the larger Min-SE (§7.3), re-INVITE when an
// UPDATE is refused, or a failure the dialog's owner must hear of.
//
// The arithmetic and the negotiation rules are pure functions in session-timer.ts; this is the
// state they act on and the timers they arm, on top of the dialog's core (dialog-core.ts).

import { NO_EVENT, type EventHandle } from '../kernel/simulator.ts';
import type { Method, RefresherToken, SipMessage } from './message.ts';
import {
  DialogCore,
  EXPIRY,
  REFRESH_DUE,
  REFRESH_IN_FLIGHT,
  REFRESHER_LOCAL,
  RUNS_ALONE,
  RUNS_TIMERS,
} from './dialog-core.ts';
import {
  expiryDelay,
  isLocalRefresher,
  negotiateAsUas,
  refreshDelay,
  retryAfter422,
  tokenForOwnRefresh,
  type UasDecision,
} from './session-timer.ts';

export type RefreshFailure = 'timeout' | '408' | '481' | 'glare' | 'rejected';

export abstract class SessionTimerDialog extends DialogCore {
  /** Negotiated session interval in force; 0 = no session timer. */
  sessionExpires = 0;
  /** This party is the refresher of the interval in force. */
  get refresherLocal(): boolean {
    return this.hasBit(REFRESHER_LOCAL);
  }

  set refresherLocal(on: boolean) {
    this.setBit(REFRESHER_LOCAL, on);
  }

  /** Largest Min-SE seen on this dialog (422s and received requests), U13. */
  largestMinSe = 0;

  private refreshHandle: EventHandle = NO_EVENT;
  private expiryHandle: EventHandle = NO_EVENT;
  private refresh422Count = 0;
  /** When the refresh in progress first fell due (postponements and retries keep it). */
  private refreshDueAt = -1;

  /** The session timer's fields as new (a dialog reopened for another call: Dialog.reopen). */
  protected resetSessionTimer(): void {
    this.sessionExpires = 0;
    this.largestMinSe = 0;
    this.refreshHandle = NO_EVENT;
    this.expiryHandle = NO_EVENT;
    this.refresh422Count = 0;
    this.refreshDueAt = -1;
  }

  /** No event of the dialog is still to fire: the core's, the refresh and the expiry. */
  override get idle(): boolean {
    return super.idle && this.refreshHandle === NO_EVENT && this.expiryHandle === NO_EVENT;
  }

  /** A refresh this party sent is waiting for its final answer. */
  private get refreshInFlight(): boolean {
    return this.hasBit(REFRESH_IN_FLIGHT);
  }

  private set refreshInFlight(on: boolean) {
    this.setBit(REFRESH_IN_FLIGHT, on);
  }

  /** Arms its own refresh and expiry timers (behaviour.runsTimers from the start, or takePartInTimer). */
  private get runsTimers(): boolean {
    return this.hasBit(RUNS_TIMERS);
  }

  private set runsTimers(on: boolean) {
    this.setBit(RUNS_TIMERS, on);
  }

  /** Runs the timer alone toward a peer that accepted none: a 2xx without an interval keeps it (U7). */
  protected get runsAlone(): boolean {
    return this.hasBit(RUNS_ALONE);
  }

  protected set runsAlone(on: boolean) {
    this.setBit(RUNS_ALONE, on);
  }

  /** Sends a request whose outcome comes back to the dialog itself (its refresh). */
  protected abstract startOwnRequest(m: SipMessage): void;

  // ---- the headers of a request, and of the answer to one ------------------------------------

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

  /** Puts a UAS decision into its answer: the timer headers of a 2xx, or the Min-SE of a 422. */
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

  // ---- the interval and the refresher a 2xx sets ---------------------------------------------

  /** UAC side of §7.2: the interval from the 2xx, counted from its receipt. */
  protected applyAnswerTimer(req: SipMessage, resp: SipMessage): void {
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
  protected applyTimer(sessionExpires: number, token: RefresherToken, weSentRequest: boolean): void {
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
    const sessionExpires = this.sessionExpires;
    // Scheduled by delay, not by instant (the same instant): a delay that recurs run-wide gets a
    // lane of the event queue (src/kernel/event-queue.ts) rather than a place in its heap.
    const delay = this.refresherLocal
      ? refreshDelay(sessionExpires)
      : expiryDelay(sessionExpires, this.behaviour.expiryRule);
    if (this.runsTimers) {
      if (this.refresherLocal) {
        if (!this.behaviour.neverRefreshes) this.refreshHandle = this.sim.after(delay, this, REFRESH_DUE);
      } else {
        this.expiryHandle = this.sim.after(delay, this, EXPIRY);
      }
    }
    if (note)
      this.ctx.note?.(this, {
        what: 'timer-armed',
        sessionExpires,
        refresherLocal: this.refresherLocal,
        refreshAt: this.refresherLocal ? this.sim.now + delay : -1,
        expiryAt: this.refresherLocal ? -1 : this.sim.now + delay,
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

  protected cancelSessionTimers(): void {
    this.sim.cancel(this.refreshHandle);
    this.sim.cancel(this.expiryHandle);
    this.refreshHandle = NO_EVENT;
    this.expiryHandle = NO_EVENT;
  }

  // ---- the refresher's side: the refresh and its answer --------------------------------------

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
    this.refreshInFlight = true;
    const m = this.request(method, 'refresh');
    this.addTimerHeaders(m);
    // §7.4: a re-INVITE refresh carries the unchanged offer (same o= version); UPDATE none.
    if (method === 'INVITE') m.sdp = this.localSdp;
    this.startOwnRequest(m);
  }

  /** REFRESH_DUE: half the interval has passed (§7.2), or a postponed or backed-off refresh is due. */
  protected refreshDue(): void {
    this.refreshHandle = NO_EVENT;
    if (this.state !== 'confirmed' || !this.refresherLocal) return;
    if (this.refreshDueAt < 0) this.refreshDueAt = this.sim.now;
    this.ctx.note?.(this, { what: 'refresh-due' });
    const method = this.chooseRefreshMethod();
    if (this.refreshInFlight || (method === 'INVITE' && this.inviteBusy)) {
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

  /**
   * The final answer to a refresh this party sent: success, a retry (the §14.1 back-off after a
   * 491 or a 500 with Retry-After, the 422 retry with the larger Min-SE, re-INVITE after an
   * UPDATE refused with 405/501), or a failure. Returns the failure the dialog's owner must hear
   * of, null when there is none to tell.
   */
  protected refreshOutcome(req: SipMessage, resp: SipMessage): RefreshFailure | null {
    this.refreshInFlight = false;
    const st = resp.status;
    if (st < 300) {
      this.ctx.counters.refreshesSucceeded++;
      if (this.refreshDueAt >= 0) this.ctx.refreshAnswered(this.sim.now - this.refreshDueAt);
      this.refreshDueAt = -1;
      return null;
    }
    if (this.state !== 'confirmed') return null;
    const b = this.behaviour;
    if ((st === 491 && !b.hangUpOnGlare) || (st === 500 && resp.retryAfter >= 0)) {
      // §14.1 back-off: 2.1-4.0 s for the Call-ID owner, 0-2.0 s otherwise, in 10 ms steps.
      const delay = st === 500 ? resp.retryAfter : this.glareBackoff();
      this.ctx.counters.retriesAfterGlare++;
      this.sim.cancel(this.refreshHandle);
      this.refreshHandle = this.sim.after(delay, this, REFRESH_DUE);
      return null;
    }
    if (st === 422 && b.retry422 && this.refresh422Count < b.max422Retries) {
      this.refresh422Count++;
      const next = retryAfter422(this.sessionExpires, this.largestMinSe, resp.minSe);
      this.sessionExpires = next.sessionExpires;
      this.sendRefresh(req.method);
      return null;
    }
    if (
      (st === 405 || st === 501) &&
      req.method === 'UPDATE' &&
      b.refreshMethod === 'update-fallback-invite' &&
      !this.inviteBusy
    ) {
      this.sendRefresh('INVITE');
      return null;
    }
    this.ctx.counters.refreshesFailed++;
    this.refreshDueAt = -1;
    if (st === 408) return '408';
    if (st === 481) return '481';
    if (st === 491) return 'glare';
    return b.byeOnRefreshRejected ? 'rejected' : null;
  }

  /** A refresh this party sent got no final answer (Timer B or F): true when the owner must hear of it. */
  protected refreshTimedOut(): boolean {
    this.refreshInFlight = false;
    this.ctx.counters.refreshesFailed++;
    return this.state === 'confirmed';
  }

  // ---- the non-refresher's side ----------------------------------------------------------------

  /** EXPIRY: the deadline passed with no refresh (§10). True when the session is over for the owner. */
  protected expired(): boolean {
    this.expiryHandle = NO_EVENT;
    if (this.state !== 'confirmed') return false;
    this.ctx.note?.(this, { what: 'expired' });
    return true;
  }
}
