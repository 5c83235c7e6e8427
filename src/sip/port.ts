// A party's attachment to one call leg: its transaction table and the way out to the peer.
// Incoming messages are matched to transactions here (RFC 3261 §17.1.3, §17.2.3, by branch;
// branches are unique in a run) and anything that starts something new goes to the core.

import type { Simulator } from '../kernel/simulator.ts';
import type { Pending2xx } from './pending-2xx.ts';
import type { LingerTable } from './linger-table.ts';
import type { SipMessage, SpareAcks } from './message.ts';
import {
  InviteServerTransaction,
  NonInviteServerTransaction,
  SpareTransactions,
  type ServerTransaction,
  type ServerTransactionUser,
  type SipTimerSettings,
  type Transaction,
  type TransactionHost,
} from './transaction.ts';

/** The element behind a port: it gets the requests that start something and stray ACKs. */
export interface PortCore extends ServerTransactionUser {
  /** A request that matched no transaction: a new server transaction was made for it. */
  onRequest(port: SipPort, req: SipMessage, txn: ServerTransaction): void;
  /**
   * An ACK that matched no transaction: the ACK for a 2xx (RFC 3261 §13.3.1.4). Read, not kept:
   * once this returns, the port hands the message to the run's spare ACKs (message.ts).
   */
  onAck(port: SipPort, ack: SipMessage): void;
}

/**
 * Where a port's messages go: the network link toward the peer on this leg. A message put on the
 * wire arrives later, never during `carry` (an INVITE server transaction made spare in `respond`
 * is still read by its TU when `respond` returns: transaction.ts).
 */
export interface Wire {
  carry(from: SipPort, msg: SipMessage): void;
}

/**
 * What every port of one party on one kind of leg shares in a run: the clock, the timer values,
 * the party's name, the run's table of waits and spare ACKs, and the party's spare transactions and
 * 2xx records. Kept once, not in each port (four per call).
 */
export class PortSite {
  constructor(
    readonly sim: Simulator,
    readonly timers: SipTimerSettings,
    /** Party name for traces: caller, cube-in, cube-out, callee. */
    readonly name: string,
    /** The run's table of waits for retransmissions after a 2xx (linger-table.ts); null: each waits in its port. */
    readonly lingers: LingerTable | null = null,
    /** The run's ACKs that have arrived, to serve as new ones (message.ts); null: each is made new. */
    readonly spareAcks: SpareAcks | null = null,
  ) {}

  /** The party's transactions whose waits went to that table, to serve as its new ones. */
  readonly spares = new SpareTransactions();

  /** Records of the party's 2xx retransmissions that ended, to serve its next ones (dialog-core.ts). */
  readonly spare2xxWaits: Pending2xx[] = [];
}

export class SipPort implements TransactionHost {
  /**
   * Open transactions, oldest first, linked through Transaction.nextInPort: a handful at most,
   * and a list threaded through them costs no array per port (there are four ports per call).
   */
  private first: Transaction | null = null;
  core: PortCore | null = null;
  wire: Wire | null = null;
  /** This port's number in the run's table of waits, which keeps its rows there (-1: no table). */
  readonly lingerNumber: number;

  constructor(readonly site: PortSite) {
    this.lingerNumber = site.lingers === null ? -1 : site.lingers.newPort();
  }

  /**
   * As new, for another call on the same site, once its call's parts are idle (call-parts.ts): its
   * transactions, and its rows in the run's table of waits, could only answer messages that no one
   * is left to send, and go.
   */
  reset(): void {
    this.site.lingers?.detach(this);
    this.first = null;
    this.core = null;
    this.wire = null;
  }

  /** None of its transactions has a timer set (those that only wait out their time may remain). */
  get idle(): boolean {
    for (let t = this.first; t !== null; t = t.nextInPort) if (!t.idle) return false;
    return true;
  }

  get sim(): Simulator {
    return this.site.sim;
  }

  get timers(): SipTimerSettings {
    return this.site.timers;
  }

  /** Party name for traces: caller, cube-in, cube-out, callee. */
  get name(): string {
    return this.site.name;
  }

  get lingers(): LingerTable | null {
    return this.site.lingers;
  }

  get spares(): SpareTransactions {
    return this.site.spares;
  }

  get spareAcks(): SpareAcks | null {
    return this.site.spareAcks;
  }

  transmit(msg: SipMessage): void {
    this.wire!.carry(this, msg);
  }

  register(txn: Transaction): void {
    // Transactions whose linger time has passed leave now, so a long call does not keep them all.
    const now = this.sim.now;
    let last: Transaction | null = null;
    for (let t = this.first; t !== null;) {
      const next: Transaction | null = t.nextInPort;
      if (!t.expireIfDue(now)) last = t;
      t = next;
    }
    txn.nextInPort = null;
    if (last === null) this.first = txn;
    else last.nextInPort = txn;
  }

  forget(txn: Transaction): void {
    let prev: Transaction | null = null;
    for (let t = this.first; t !== null; prev = t, t = t.nextInPort) {
      if (t !== txn) continue;
      if (prev === null) this.first = t.nextInPort;
      else prev.nextInPort = t.nextInPort;
      t.nextInPort = null;
      return;
    }
  }

  private find(branch: number): Transaction | null {
    for (let t = this.first; t !== null; t = t.nextInPort) if (t.branch === branch) return t;
    return null;
  }

  /** A message arriving from the wire. */
  receive(msg: SipMessage): void {
    this.dispatch(msg);
    // Nothing keeps an ACK once it is handled: it serves as one of the run's next ACKs.
    if (msg.method === 'ACK') this.site.spareAcks?.give(msg);
  }

  private dispatch(msg: SipMessage): void {
    const now = this.sim.now;
    let txn = this.find(msg.branch);
    if (txn !== null && txn.expireIfDue(now)) txn = null;
    // A transaction waiting after a 2xx has left the port: the run's table answers for it.
    const lingers = this.site.lingers;
    if (txn === null && lingers !== null && lingers.receive(this, msg, now)) return;
    if (msg.status !== 0) {
      if (txn !== null) txn.receive(msg);
      // A response with no client transaction (late retransmission) is dropped (§17.1.3).
      return;
    }
    if (txn !== null) {
      txn.receiveRequest(msg);
      return;
    }
    const core = this.core;
    if (core === null) return;
    if (msg.method === 'ACK') {
      core.onAck(this, msg);
      return;
    }
    const st =
      msg.method === 'INVITE'
        ? InviteServerTransaction.receive(this, msg, core)
        : NonInviteServerTransaction.receive(this, msg, core);
    this.register(st);
    core.onRequest(this, msg, st);
  }
}
