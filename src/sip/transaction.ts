// RFC 3261 §17 transactions over an unreliable transport, with the RFC 6026 Accepted state.
// Each transaction is an event target: `kind` names which of its timers fired. Timer values
// derive from T1/T2/T4 (RFC 3261 Table 4, domain-facts §2.1).

import { NO_EVENT, Priority, type EventHandle } from '../kernel/simulator.ts';
import type { ScheduledEventTarget, Simulator } from '../kernel/simulator.ts';
import { newAck, newResponse, retransmitted, type SpareAcks, type SipMessage } from './message.ts';

export interface SipTimerSettings {
  T1: number;
  T2: number;
  T4: number;
}

export const RFC3261_TIMERS: SipTimerSettings = { T1: 0.5, T2: 4, T4: 5 };

/** What a transaction needs from the element that owns it. */
export interface TransactionHost {
  readonly sim: Simulator;
  readonly timers: SipTimerSettings;
  /** Hands a message to the transport toward the peer on this transaction's leg. */
  transmit(msg: SipMessage): void;
  /** Removes a transaction from the matching table: it terminated, or its wait went to the run's table. */
  forget(txn: Transaction): void;
  /** The run's table of waits for retransmissions after a 2xx (null: each waits in its port's table). */
  readonly lingers: LingerStore | null;
  /** This port's number in that table (LingerTable.newPort; -1 when there is no table). */
  readonly lingerNumber: number;
  /** Transactions whose work is over, to serve as new ones (null: each is made new). */
  readonly spares: SpareTransactions | null;
  /** ACKs that have arrived, to serve as new ones (null: each is made new). */
  readonly spareAcks: SpareAcks | null;
}

/** The states whose waits the run's table holds in place of the transaction (linger-table.ts). */
export const INVITE_CLIENT_ACCEPTED = 0,
  INVITE_SERVER_ACCEPTED = 1,
  NON_INVITE_CLIENT_COMPLETED = 2,
  NON_INVITE_SERVER_COMPLETED = 3;
export type LingerKind = 0 | 1 | 2 | 3;

/** Where a transaction's wait after a 2xx goes: it keeps what the transaction needs to answer until then. */
export interface LingerStore {
  hold(
    kind: LingerKind,
    host: TransactionHost,
    branch: number,
    seconds: number,
    now: number,
    /** The INVITE client's request, or the non-INVITE server's final response. */
    message: SipMessage | null,
    user?: ClientTransactionUser<unknown, unknown> | null,
    requester?: unknown,
    data?: unknown,
  ): void;
}

/**
 * The transaction user (RFC 3261 §17: the layer above, a dialog) hears each response and the
 * time-out. `R` is whoever asked it for the request, `D` what that requester keeps with it until
 * the answer: typed, so no one casts them back; fields of the transaction, so nothing more is made.
 */
export interface ClientTransactionUser<R, D> {
  onResponse(txn: ClientTransaction<R, D>, resp: SipMessage): void;
  /** Timer B or F: no final response. The TU treats it as a 408 (RFC 3261 §8.1.3.1). */
  onTimeout(txn: ClientTransaction<R, D>): void;
}

export interface ServerTransactionUser {
  /** Timer H: the ACK for a non-2xx final never came. */
  onAckTimeout?(txn: ServerTransaction): void;
}

const enum State {
  Calling,
  Trying,
  Proceeding,
  Completed,
  Accepted,
  Confirmed,
  Terminated,
}

// Timer kinds (event kinds on the transaction target).
// D, I, J, K, L and M are waits, not events: in the run's table after a 2xx (linger-table.ts),
// otherwise Transaction.lingerUntil.
const A = 1,
  B = 2,
  E = 4,
  F = 5,
  G = 7,
  H = 8,
  TRYING = 13;

export abstract class Transaction implements ScheduledEventTarget {
  protected state: State;
  protected retransmitHandle: EventHandle = NO_EVENT;
  protected timeoutHandle: EventHandle = NO_EVENT;
  protected retransmitInterval = 0;
  /**
   * A transaction that only waits to absorb retransmissions and stays in its port (Timers D and I,
   * a wait after a failure, BYE's, or any with no run table) does so until this instant. The wait
   * is checked when a message looks the transaction up, rather than by a timer event: the same
   * behaviour, without an event per transaction. (Infinity for "none" instead of null was tried:
   * a number field keeps a box in every transaction, 6 MB more at 150,000 calls in progress,
   * where null costs a box only per wait begun; README, Performance.)
   */
  private lingerUntil: number | null = null;
  /** The next open transaction of the same port (the port's table is a list through them). */
  nextInPort: Transaction | null = null;
  /** The request's top Via branch, kept here: a port matches by it without reaching the request. */
  branch: number;

  constructor(
    public host: TransactionHost,
    /** The request that created the transaction. */
    public request: SipMessage,
    initial: State,
  ) {
    this.state = initial;
    this.branch = request.branch;
  }

  /** As the constructor leaves it, for another request: a spare taken up again (SpareTransactions). */
  protected renew(host: TransactionHost, request: SipMessage, initial: State): void {
    this.state = initial;
    this.retransmitHandle = NO_EVENT;
    this.timeoutHandle = NO_EVENT;
    this.retransmitInterval = 0;
    this.lingerUntil = null;
    this.nextInPort = null;
    this.host = host;
    this.request = request;
    this.branch = request.branch;
  }

  get terminated(): boolean {
    return this.state === State.Terminated;
  }

  /** No timer of its own is set: left alone, it will never send again (a wait only answers). */
  get idle(): boolean {
    return this.retransmitHandle === NO_EVENT && this.timeoutHandle === NO_EVENT;
  }

  abstract onEvent(kind: number): void;

  /** A response with this branch arrived (§17.1.3): client transactions take it, others drop it. */
  receive(_resp: SipMessage): void {}

  /** A request with this branch arrived, a retransmission (§17.2.3): server transactions take it. */
  receiveRequest(_req: SipMessage): void {}

  protected schedule(delay: number, kind: number): EventHandle {
    return this.host.sim.after(delay, this, kind, Priority.timer);
  }

  protected clearTimers(): void {
    const sim = this.host.sim;
    sim.cancel(this.retransmitHandle);
    sim.cancel(this.timeoutHandle);
    this.retransmitHandle = NO_EVENT;
    this.timeoutHandle = NO_EVENT;
  }

  protected terminate(): void {
    if (this.state === State.Terminated) return;
    this.clearTimers();
    this.state = State.Terminated;
    this.host.forget(this);
  }

  /**
   * Waits `seconds` for retransmissions. After a 2xx (not to a BYE) the run's table holds the wait
   * and the transaction leaves its port (linger-table.ts): true, and nothing is left for the object
   * to do; otherwise it stays in the port's table until a look-up finds its wait over (lingerUntil).
   */
  protected linger(seconds: number, after2xx: boolean): boolean {
    if (this.state === State.Terminated) return false; // ended (abort) before its wait began: nothing to wait for
    const now = this.host.sim.now,
      lingers = this.host.lingers;
    if (after2xx && lingers !== null && this.request.method !== 'BYE') {
      this.holdWait(lingers, seconds, now);
      this.host.forget(this);
      return true;
    }
    this.lingerUntil = now + seconds;
    return false;
  }

  /** Hands its wait after a 2xx to the run's table, with what it needs to answer until then. */
  protected abstract holdWait(lingers: LingerStore, seconds: number, now: number): void;

  /** True, and the transaction terminated, when its linger time has passed by `now`. */
  expireIfDue(now: number): boolean {
    const until = this.lingerUntil;
    if (until === null || until >= now) return false;
    this.terminate();
    return true;
  }

  /** Ends the transaction at once (its dialog is gone); no further timers fire. */
  abort(): void {
    this.terminate();
  }
}

export abstract class ClientTransaction<R = null, D = null> extends Transaction {
  /** What the requester keeps with its request until the answer (a relay's far-side transaction, say); null when nothing. */
  requesterData: D | null = null;

  /** requesterData, cleared: for the final answer (or time-out), after which nothing more comes. */
  takeRequesterData(): D | null {
    const d = this.requesterData;
    this.requesterData = null;
    return d;
  }

  constructor(
    host: TransactionHost,
    request: SipMessage,
    public user: ClientTransactionUser<R, D>,
    /** Whoever asked the user for the request (a dialog's RequestOwner), for the user to route the answer. */
    public requester: R,
    initial: State,
  ) {
    super(host, request, initial);
  }

  protected renewClient(
    host: TransactionHost,
    request: SipMessage,
    user: ClientTransactionUser<R, D>,
    requester: R,
    initial: State,
  ): void {
    this.renew(host, request, initial);
    this.requesterData = null;
    this.user = user;
    this.requester = requester;
    this.timeoutAt = Infinity;
    this.timeoutPlace = 0;
    this.timeoutTimer = 0;
  }

  /**
   * When Timer B or F is due (absolute), and its place among events due at that instant. The
   * time-out is put in the event queue only once no retransmission comes before it (or the
   * retransmissions stop, on a provisional response to an INVITE): nearly every transaction has
   * its answer long before, and a time-out scheduled at the start waited 64*T1 in the queue only
   * to be thrown away. Its instant and its place are those it had when it was set at the start,
   * so it fires exactly when and in the order it did then.
   */
  private timeoutAt = Infinity;
  private timeoutPlace = 0;
  private timeoutTimer = 0;

  /** Sends the request; starts timer A or E at T1 and B or F (64·T1) (RFC 3261 §17.1.1.2, §17.1.2.2). */
  protected sendFirst(retransmitTimer: number, timeoutTimer: number, timeout: number): void {
    const sim = this.host.sim;
    this.host.transmit(this.request);
    this.retransmitInterval = this.host.timers.T1;
    this.retransmitHandle = this.schedule(this.retransmitInterval, retransmitTimer); // T1 < 64*T1
    this.timeoutAt = sim.now + timeout;
    this.timeoutPlace = sim.takePlace();
    this.timeoutTimer = timeoutTimer;
  }

  /**
   * Sets the retransmission timer `retransmitInterval` from now, or, when Timer B or F is due
   * first (or at the same instant: the time-out wins a tie, as it was set first), that one.
   */
  protected retransmitOrTimeOut(retransmitTimer: number): void {
    if (this.host.sim.now + this.retransmitInterval < this.timeoutAt)
      this.retransmitHandle = this.schedule(this.retransmitInterval, retransmitTimer);
    else this.startTimeout();
  }

  /**
   * Puts Timer B or F in the event queue, at the instant set when the request was sent; once (a
   * provisional response may come after the last retransmission, when the time-out is set).
   */
  protected startTimeout(): void {
    if (this.timeoutHandle !== NO_EVENT) return;
    this.timeoutHandle = this.host.sim.atPlace(
      this.timeoutAt,
      this.timeoutPlace,
      this,
      this.timeoutTimer,
      Priority.timer,
    );
  }

  /** True until a final response arrived or the transaction timed out. */
  abstract get pending(): boolean;
}

/** INVITE client transaction (RFC 3261 §17.1.1, RFC 6026 §8.4). */
export class InviteClientTransaction<R = null, D = null> extends ClientTransaction<R, D> {
  private lastFinal: SipMessage | null = null;

  constructor(
    host: TransactionHost,
    request: SipMessage,
    user: ClientTransactionUser<R, D>,
    requester: R,
    accepted = false,
  ) {
    super(host, request, user, requester, accepted ? State.Accepted : State.Calling);
    if (!accepted) this.sendFirst(A, B, 64 * host.timers.T1);
  }

  /** Sends `request` in a new transaction: a spare of the host's when there is one, else a new object. */
  static send<R, D>(
    host: TransactionHost,
    request: SipMessage,
    user: ClientTransactionUser<R, D>,
    requester: R,
  ): InviteClientTransaction<R, D> {
    const spare = host.spares?.inviteClients.pop() as InviteClientTransaction<R, D> | undefined;
    if (spare === undefined) return new InviteClientTransaction(host, request, user, requester);
    spare.renewClient(host, request, user, requester, State.Calling);
    spare.lastFinal = null;
    spare.sendFirst(A, B, 64 * host.timers.T1);
    return spare;
  }

  /**
   * The transaction again, in Accepted, from what the run's table kept of it (linger-table.ts):
   * for a 2xx retransmission during Timer M, which it passes to the TU as it did the first time.
   * A new object each time, with the requester's data as it was when the wait began (every
   * requester here takes it with the first 2xx): a TU must not keep or compare the object.
   */
  static resumeAccepted<R, D>(
    host: TransactionHost,
    request: SipMessage,
    user: ClientTransactionUser<R, D>,
    requester: R,
    data: D | null,
  ): InviteClientTransaction<R, D> {
    const txn = new InviteClientTransaction(host, request, user, requester, true);
    txn.requesterData = data;
    return txn;
  }

  protected holdWait(lingers: LingerStore, seconds: number, now: number): void {
    lingers.hold(
      INVITE_CLIENT_ACCEPTED,
      this.host,
      this.branch,
      seconds,
      now,
      this.request,
      this.user,
      this.requester,
      this.requesterData,
    );
  }

  get pending(): boolean {
    return this.state === State.Calling || this.state === State.Proceeding;
  }

  receive(resp: SipMessage): void {
    const st = resp.status;
    if (st < 200) {
      if (this.state === State.Calling || this.state === State.Proceeding) {
        if (this.state === State.Calling) {
          // Timer A stops; Timer B still runs in Proceeding (§17.1.1.2).
          this.host.sim.cancel(this.retransmitHandle);
          this.retransmitHandle = NO_EVENT;
          this.startTimeout();
          this.state = State.Proceeding;
        }
        this.user.onResponse(this, resp);
      }
      return;
    }
    if (st < 300) {
      if (this.pending) {
        // RFC 6026: Accepted absorbs 2xx retransmissions for Timer M, still passing them to the TU.
        // The wait begins once the TU has the 2xx: what it keeps with the request is then settled.
        this.clearTimers();
        this.state = State.Accepted;
        this.user.onResponse(this, resp);
        // Timer M: in the run's table, which answers for it from now on; the object is spare.
        if (this.linger(64 * this.host.timers.T1, true)) this.host.spares?.inviteClients.push(this);
      } else if (this.state === State.Accepted) {
        this.user.onResponse(this, resp);
      }
      return;
    }
    if (this.pending) {
      this.clearTimers();
      this.state = State.Completed;
      this.lastFinal = resp;
      this.sendAck(resp, false);
      this.linger(32, false); // Timer D: at least 32 s on UDP
      this.user.onResponse(this, resp);
    } else if (this.state === State.Completed && this.lastFinal !== null) {
      this.sendAck(this.lastFinal, true); // the final again: the same ACK again
    }
  }

  /**
   * The ACK for a non-2xx final belongs to the transaction: same branch (§17.1.1.3). Rebuilt from
   * the request and the final when it is sent again rather than kept: once delivered, an ACK is
   * the receiver's to reuse (SpareAcks).
   */
  private sendAck(final: SipMessage, again: boolean): void {
    const r = this.request;
    const ack = newAck(this.host.spareAcks, r.purpose, r.callId, r.fromTag, final.toTag, r.cseq, r.branch);
    ack.retransmission = again;
    this.host.transmit(ack);
  }

  get finalResponse(): SipMessage | null {
    return this.lastFinal;
  }

  onEvent(kind: number): void {
    switch (kind) {
      case A:
        this.retransmitHandle = NO_EVENT;
        if (this.state !== State.Calling) return;
        this.host.transmit(retransmitted(this.request));
        this.retransmitInterval *= 2;
        this.retransmitOrTimeOut(A);
        return;
      case B:
        this.timeoutHandle = NO_EVENT;
        if (!this.pending) return;
        this.terminate();
        this.user.onTimeout(this);
        return;
    }
  }
}

/** Non-INVITE client transaction (RFC 3261 §17.1.2). */
export class NonInviteClientTransaction<R = null, D = null> extends ClientTransaction<R, D> {
  constructor(host: TransactionHost, request: SipMessage, user: ClientTransactionUser<R, D>, requester: R) {
    super(host, request, user, requester, State.Trying);
    this.sendFirst(E, F, 64 * host.timers.T1);
  }

  /** Sends `request` in a new transaction: a spare of the host's when there is one, else a new object. */
  static send<R, D>(
    host: TransactionHost,
    request: SipMessage,
    user: ClientTransactionUser<R, D>,
    requester: R,
  ): NonInviteClientTransaction<R, D> {
    const spare = host.spares?.nonInviteClients.pop() as NonInviteClientTransaction<R, D> | undefined;
    if (spare === undefined) return new NonInviteClientTransaction(host, request, user, requester);
    spare.renewClient(host, request, user, requester, State.Trying);
    spare.sendFirst(E, F, 64 * host.timers.T1);
    return spare;
  }

  get pending(): boolean {
    return this.state === State.Trying || this.state === State.Proceeding;
  }

  protected holdWait(lingers: LingerStore, seconds: number, now: number): void {
    lingers.hold(NON_INVITE_CLIENT_COMPLETED, this.host, this.branch, seconds, now, null);
  }

  receive(resp: SipMessage): void {
    if (!this.pending) return;
    if (resp.status < 200) {
      this.state = State.Proceeding;
      this.user.onResponse(this, resp);
      return;
    }
    this.clearTimers();
    this.state = State.Completed;
    const held = this.linger(this.host.timers.T4, resp.status < 300); // Timer K
    this.user.onResponse(this, resp);
    if (held) this.host.spares?.nonInviteClients.push(this); // the table answers for it now
  }

  onEvent(kind: number): void {
    const t = this.host.timers;
    switch (kind) {
      case E:
        this.retransmitHandle = NO_EVENT;
        if (!this.pending) return;
        this.host.transmit(retransmitted(this.request));
        this.retransmitInterval = this.state === State.Proceeding ? t.T2 : Math.min(2 * this.retransmitInterval, t.T2);
        this.retransmitOrTimeOut(E);
        return;
      case F:
        this.timeoutHandle = NO_EVENT;
        if (!this.pending) return;
        this.terminate();
        this.user.onTimeout(this);
        return;
    }
  }
}

export abstract class ServerTransaction extends Transaction {
  protected lastResponse: SipMessage | null = null;

  constructor(
    host: TransactionHost,
    request: SipMessage,
    public user: ServerTransactionUser,
    initial: State,
  ) {
    super(host, request, initial);
  }

  protected renewServer(host: TransactionHost, request: SipMessage, user: ServerTransactionUser, initial: State): void {
    this.renew(host, request, initial);
    this.lastResponse = null;
    this.user = user;
  }

  /** True until the TU has sent a final response. */
  get awaitingFinal(): boolean {
    return this.state === State.Proceeding || this.state === State.Trying;
  }

  /** The last response sent on this transaction, if any; none once an INVITE's 2xx is sent (Accepted). */
  get response(): SipMessage | null {
    return this.lastResponse;
  }

  /** Sends a response built by the TU. */
  abstract respond(resp: SipMessage): void;

  /** A response to this transaction's request, for the TU to fill in. */
  makeResponse(status: number, toTag: string): SipMessage {
    return newResponse(this.request, status, toTag);
  }
}

/** INVITE server transaction (RFC 3261 §17.2.1, RFC 6026 §8.7). */
export class InviteServerTransaction extends ServerTransaction {
  private tryingHandle: EventHandle;

  constructor(host: TransactionHost, request: SipMessage, user: ServerTransactionUser) {
    super(host, request, user, State.Proceeding);
    // §17.2.1: send 100 Trying unless the TU answers within 200 ms.
    this.tryingHandle = this.schedule(0.2, TRYING);
  }

  /** A transaction for a new INVITE: a spare of the host's when there is one, else a new object. */
  static receive(host: TransactionHost, request: SipMessage, user: ServerTransactionUser): InviteServerTransaction {
    const spare = host.spares?.inviteServers.pop();
    if (spare === undefined) return new InviteServerTransaction(host, request, user);
    spare.renewServer(host, request, user, State.Proceeding);
    spare.tryingHandle = spare.schedule(0.2, TRYING);
    return spare;
  }

  override get idle(): boolean {
    return super.idle && this.tryingHandle === NO_EVENT;
  }

  /** True while an INVITE server transaction blocks a new re-INVITE (§14.1: until Confirmed/Terminated). */
  get blocksInvite(): boolean {
    return this.state === State.Proceeding || this.state === State.Completed;
  }

  protected holdWait(lingers: LingerStore, seconds: number, now: number): void {
    lingers.hold(INVITE_SERVER_ACCEPTED, this.host, this.branch, seconds, now, null);
  }

  /**
   * The TU drops the request without a word (a defect: the border element's CSCun31375): no
   * 100 Trying and no final; retransmissions are absorbed for 64*T1, while the client's Timer B
   * runs out, and the transaction blocks no later INVITE.
   */
  ignore(): void {
    if (this.state !== State.Proceeding || this.lastResponse !== null) return;
    this.host.sim.cancel(this.tryingHandle);
    this.tryingHandle = NO_EVENT;
    this.state = State.Confirmed;
    this.linger(64 * this.host.timers.T1, false);
  }

  receiveRequest(req: SipMessage): void {
    if (req.method === 'ACK') {
      if (this.state === State.Completed) {
        this.clearTimers();
        this.state = State.Confirmed;
        this.linger(this.host.timers.T4, false); // Timer I
      }
      return;
    }
    // A retransmitted INVITE: repeat the last response (Proceeding/Completed); absorbed when Accepted.
    if ((this.state === State.Proceeding || this.state === State.Completed) && this.lastResponse !== null) {
      this.host.transmit(retransmitted(this.lastResponse));
    }
  }

  respond(resp: SipMessage): void {
    if (this.state !== State.Proceeding) return;
    const sim = this.host.sim;
    if (resp.status >= 200) {
      sim.cancel(this.tryingHandle);
      this.tryingHandle = NO_EVENT;
    }
    this.lastResponse = resp;
    this.host.transmit(resp);
    if (resp.status < 200) return;
    const t = this.host.timers;
    if (resp.status < 300) {
      // 2xx retransmission is the UAS core's job (§13.3.1.4); the transaction only absorbs.
      this.state = State.Accepted;
      this.lastResponse = null;
      // Timer L: in the run's table, which answers for it from now on; the object is spare. Its TU
      // still reads it when `respond` returns: nothing takes up a spare server transaction before
      // the next request arrives, which is never during a transmission (port.ts, Wire).
      if (this.linger(64 * t.T1, true)) this.host.spares?.inviteServers.push(this);
      return;
    }
    this.state = State.Completed;
    this.retransmitInterval = t.T1;
    this.retransmitHandle = this.schedule(t.T1, G);
    this.timeoutHandle = this.schedule(64 * t.T1, H);
  }

  onEvent(kind: number): void {
    const t = this.host.timers;
    switch (kind) {
      case TRYING:
        this.tryingHandle = NO_EVENT;
        if (this.state === State.Proceeding && this.lastResponse === null) {
          const trying = this.makeResponse(100, '');
          this.lastResponse = trying;
          this.host.transmit(trying);
        }
        return;
      case G:
        this.retransmitHandle = NO_EVENT;
        if (this.state !== State.Completed || this.lastResponse === null) return;
        this.host.transmit(retransmitted(this.lastResponse));
        this.retransmitInterval = Math.min(2 * this.retransmitInterval, t.T2);
        this.retransmitHandle = this.schedule(this.retransmitInterval, G);
        return;
      case H:
        this.timeoutHandle = NO_EVENT;
        if (this.state !== State.Completed) return;
        this.terminate();
        this.user.onAckTimeout?.(this);
        return;
    }
  }
}

/** Non-INVITE server transaction (RFC 3261 §17.2.2). */
export class NonInviteServerTransaction extends ServerTransaction {
  constructor(host: TransactionHost, request: SipMessage, user: ServerTransactionUser) {
    super(host, request, user, State.Trying);
  }

  /** A transaction for a new request: a spare of the host's when there is one, else a new object. */
  static receive(host: TransactionHost, request: SipMessage, user: ServerTransactionUser): NonInviteServerTransaction {
    const spare = host.spares?.nonInviteServers.pop();
    if (spare === undefined) return new NonInviteServerTransaction(host, request, user);
    spare.renewServer(host, request, user, State.Trying);
    return spare;
  }

  protected holdWait(lingers: LingerStore, seconds: number, now: number): void {
    lingers.hold(NON_INVITE_SERVER_COMPLETED, this.host, this.branch, seconds, now, this.lastResponse);
  }

  receiveRequest(_req: SipMessage): void {
    if ((this.state === State.Proceeding || this.state === State.Completed) && this.lastResponse !== null) {
      this.host.transmit(retransmitted(this.lastResponse));
    }
  }

  respond(resp: SipMessage): void {
    if (this.state !== State.Trying && this.state !== State.Proceeding) return;
    this.lastResponse = resp;
    this.host.transmit(resp);
    if (resp.status < 200) {
      this.state = State.Proceeding;
      return;
    }
    this.state = State.Completed;
    // Timer J: after a 2xx in the run's table, which answers for it from now on; the object is spare.
    if (this.linger(64 * this.host.timers.T1, resp.status < 300)) this.host.spares?.nonInviteServers.push(this);
  }

  onEvent(_kind: number): void {
    // No timer of its own fires: Timer J is a wait (the run's table, or Transaction.lingerUntil).
  }
}

/**
 * Transactions whose wait went to the run's table of waits (linger-table.ts), kept to serve as
 * new ones of the same kind at the same party: nothing holds them any more (their port forgot
 * them, their timers are off, their TU has had their final), and a W1 call makes about ten.
 */
export class SpareTransactions {
  readonly inviteClients: InviteClientTransaction<unknown, unknown>[] = [];
  readonly nonInviteClients: NonInviteClientTransaction<unknown, unknown>[] = [];
  readonly inviteServers: InviteServerTransaction[] = [];
  readonly nonInviteServers: NonInviteServerTransaction[] = [];
}
