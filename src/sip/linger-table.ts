// What is left of a transaction that, after a 2xx, only waits for retransmissions (RFC 3261
// Timers J, K, L and RFC 6026 Timer M), kept in one run-wide table rather than as the transaction
// object itself. Those waits last up to 64*T1 (32 s): long enough that every transaction of a run,
// with its messages, outlived the young generation of the heap and was copied into the old one,
// only to die there. On W1 (200,000 calls) the same run with these waits ended at once (a bound,
// not a model) took 29 % less time; this table gained about 7 % (README, Performance). A wait now
// costs a row of the table, and the transaction object goes as soon as nothing else refers to it.
// (Abort a transaction before its wait begins: a row, once held, lasts its full wait.)
//
// A row answers what its transaction would have answered in its state (transaction.ts), until the
// wait is over (until >= now, as Transaction.expireIfDue):
//   INVITE client, Accepted (Timer M): a 2xx retransmission goes to the TU (RFC 6026 §8.4); that
//     rare case makes the transaction again from the row (InviteClientTransaction.resumeAccepted)
//     so that the TU sees what it saw before: its request, requester and requester's data.
//   INVITE server, Accepted (Timer L): absorbs retransmitted INVITEs (RFC 6026 §8.7).
//   non-INVITE client, Completed after a 2xx (Timer K): absorbs retransmitted responses (§17.1.2.2).
//   non-INVITE server, Completed after a 2xx (Timer J): answers a retransmitted request with its
//     final response again (§17.2.2).
// Any other message with the row's branch at its port is absorbed, as the transaction would have.
// Waits after a failure, and those of BYE transactions, stay with their transactions in the
// port's table (their call may be over, and a row keeps its port, and so its call, until it ends).
//
// Layout: a row is a slot number; its numbers sit together in one Float64Array (until, branch,
// kind, its port's number, the port's next row, then the numbers of the message it keeps: NUMS to a
// row) and its references together in one array (TU, requester, requester's data, then the
// message's texts and SDP summary: REFS to a row), so that a row is a few cache lines whichever
// field is read. The message is kept as fields of the row (message.ts, writeMessageRow), not as the
// object: kept 32 s, the objects were copied by every young-generation collection and many promoted
// to die in the old one; a row answering a retransmission makes the message again. Each port has a
// number in the table (`newPort`); a port's rows are chained from `heads[number]` (a handful: its
// transactions of the last 64*T1), so that a look-up walks those and nothing else, and a row's end
// unlinks it without touching the port object (by then long out of the caches: that touch was 5 %
// of a W1 run); one first-in-first-out list of slots per wait length (rows of one length end in the
// order they began), looked at whenever a row is added. Freed slots are used again. The lists and
// the free slots sit in typed arrays that double when full, so that holding a row allocates nothing
// once the table has grown (plain arrays pushed at one end and cut at the other were made again
// each time they grew back: about 340 bytes per W1 call copied into the old generation). A port
// handed to another call (its call's parts reused: src/elements/call-parts.ts) leaves its rows
// behind, unlinked and holding nothing (detach): nothing of that call can send again, so they would
// answer nothing.
import type { SipMessage } from './message.ts';
import { MESSAGE_ROW_NUMS, MESSAGE_ROW_REFS, readMessageRow, writeMessageRow } from './message.ts';
import {
  INVITE_CLIENT_ACCEPTED,
  InviteClientTransaction,
  NON_INVITE_SERVER_COMPLETED,
  type ClientTransactionUser,
  type LingerKind,
  type LingerStore,
  type TransactionHost,
} from './transaction.ts';

const NONE = -1;

// A row's numbers, at slot * NUMS in `nums`.
const UNTIL = 0,
  BRANCH = 1,
  KIND = 2,
  /** The next row of the same port, or NONE. */
  NEXT_AT_PORT = 3,
  /** The port's number (`newPort`), or NONE once the port has let go of its rows (`detach`). */
  PORT = 4,
  /** The numbers of the message the row keeps (INVITE client: its request; non-INVITE server: its final response). */
  MESSAGE_NUMS = 5,
  NUMS = MESSAGE_NUMS + MESSAGE_ROW_NUMS;
// A row's references, at slot * REFS in `refs`.
const USER = 0,
  REQUESTER = 1,
  DATA = 2,
  /** The references of the message the row keeps (none: its method is null). */
  MESSAGE_REFS = 3,
  REFS = MESSAGE_REFS + MESSAGE_ROW_REFS;

export class LingerTable implements LingerStore {
  /** Per port number: its newest row, or NONE. */
  private heads = new Int32Array(1024).fill(NONE);
  private ports = 0;
  private nums = new Float64Array(0);
  private readonly refs: unknown[] = [];
  private readonly free = new SlotStack();
  private used = 0;
  private rows = 0;

  /** The wait lengths seen (seconds), one list of slots each: a handful (T4, 64*T1). */
  private readonly lengths: number[] = [];
  private readonly lists: SlotQueue[] = [];

  /**
   * A number for a new port, for the life of the run (ports are reused from call to call, so
   * there are about four per call in progress).
   */
  newPort(): number {
    if (this.ports === this.heads.length) {
      const grown = new Int32Array(this.ports * 2).fill(NONE);
      grown.set(this.heads);
      this.heads = grown;
    }
    return this.ports++;
  }

  /** Whether the port numbered `port` has rows still linked to it (for tests). */
  holdsRowsOf(port: number): boolean {
    return this.heads[port] !== NONE;
  }

  hold(
    kind: LingerKind,
    host: TransactionHost,
    branch: number,
    seconds: number,
    now: number,
    message: SipMessage | null,
    user: ClientTransactionUser<unknown, unknown> | null = null,
    requester: unknown = null,
    data: unknown = null,
  ): void {
    this.endWaitsOver(now);
    const slot = this.newSlot();
    const n = this.nums,
      at = slot * NUMS;
    n[at + UNTIL] = now + seconds;
    n[at + BRANCH] = branch;
    n[at + KIND] = kind;
    const port = host.lingerNumber;
    n[at + PORT] = port;
    n[at + NEXT_AT_PORT] = this.heads[port]!;
    this.heads[port] = slot;
    const r = this.refs,
      ref = slot * REFS;
    writeMessageRow(message, n, at + MESSAGE_NUMS, r, ref + MESSAGE_REFS);
    r[ref + USER] = user;
    r[ref + REQUESTER] = requester;
    r[ref + DATA] = data;
    this.rows++;
    let i = this.lengths.indexOf(seconds);
    if (i < 0) {
      i = this.lengths.length;
      this.lengths.push(seconds);
      this.lists.push(new SlotQueue());
    }
    this.lists[i]!.push(slot);
  }

  /**
   * A message arriving at `host` that matched none of its open transactions: true when a row of
   * that port and branch, still waiting at `now`, took it (and did what its transaction would).
   */
  receive(host: TransactionHost, msg: SipMessage, now: number): boolean {
    let slot = this.heads[host.lingerNumber]!;
    if (slot === NONE) return false;
    const n = this.nums,
      branch = msg.branch;
    while (slot !== NONE && n[slot * NUMS + BRANCH] !== branch) slot = n[slot * NUMS + NEXT_AT_PORT]! | 0;
    if (slot === NONE || n[slot * NUMS + UNTIL]! < now) return false;
    const at = slot * NUMS,
      kind = n[at + KIND]!,
      r = this.refs,
      ref = slot * REFS;
    // Only a 2xx does anything in Accepted (1xx and non-2xx finals are ignored there).
    if (kind === INVITE_CLIENT_ACCEPTED && msg.status >= 200 && msg.status < 300) {
      InviteClientTransaction.resumeAccepted(
        host,
        readMessageRow(n, at + MESSAGE_NUMS, r, ref + MESSAGE_REFS)!,
        r[ref + USER] as ClientTransactionUser<unknown, unknown>,
        r[ref + REQUESTER],
        r[ref + DATA],
      ).receive(msg);
    } else if (kind === NON_INVITE_SERVER_COMPLETED && msg.status === 0) {
      const last = readMessageRow(n, at + MESSAGE_NUMS, r, ref + MESSAGE_REFS)!;
      last.retransmission = true;
      host.transmit(last);
    }
    return true;
  }

  /** Rows still held (for tests): their waits may be over but not yet looked at. */
  get size(): number {
    return this.rows;
  }

  private newSlot(): number {
    if (this.free.size > 0) return this.free.pop();
    if ((this.used + 1) * NUMS > this.nums.length) {
      const grown = new Float64Array(Math.max(1024, this.used * 2) * NUMS);
      grown.set(this.nums);
      this.nums = grown;
    }
    for (let k = 0; k < REFS; k++) this.refs.push(null);
    return this.used++;
  }

  /** Ends every wait that is over by `now`, oldest first in each list. */
  private endWaitsOver(now: number): void {
    const n = this.nums;
    for (let i = 0; i < this.lists.length; i++) {
      const list = this.lists[i]!;
      while (list.size > 0 && n[list.first() * NUMS + UNTIL]! < now) this.remove(list.shift());
    }
  }

  /**
   * Leaves the port's rows unreachable from it, for the port to serve another call (its call's
   * parts are reused only once nothing of that call can send again, so no message can come for
   * them): each row lets go of what it kept and waits out its time unlinked.
   */
  detach(host: TransactionHost): void {
    const n = this.nums,
      r = this.refs,
      port = host.lingerNumber;
    for (let slot = this.heads[port]!; slot !== NONE; slot = n[slot * NUMS + NEXT_AT_PORT]! | 0) {
      n[slot * NUMS + PORT] = NONE;
      for (let k = 0; k < REFS; k++) r[slot * REFS + k] = null;
    }
    this.heads[port] = NONE;
  }

  private remove(slot: number): void {
    const n = this.nums,
      r = this.refs,
      ref = slot * REFS;
    const port = n[slot * NUMS + PORT]! | 0,
      heads = this.heads;
    const after = n[slot * NUMS + NEXT_AT_PORT]! | 0;
    if (port === NONE) {
      // detached: no port to unlink from
    } else if (heads[port] === slot) heads[port] = after;
    else {
      let prev = heads[port]!;
      while (n[prev * NUMS + NEXT_AT_PORT] !== slot) prev = n[prev * NUMS + NEXT_AT_PORT]! | 0;
      n[prev * NUMS + NEXT_AT_PORT] = after;
    }
    for (let k = 0; k < REFS; k++) r[ref + k] = null;
    this.free.push(slot);
    this.rows--;
  }
}

/** Slot numbers, first in first out: a ring in an Int32Array that doubles when full. */
class SlotQueue {
  private ring = new Int32Array(1024);
  private head = 0;
  size = 0;

  push(slot: number): void {
    if (this.size === this.ring.length) this.grow();
    this.ring[(this.head + this.size++) & (this.ring.length - 1)] = slot;
  }

  first(): number {
    return this.ring[this.head]!;
  }

  shift(): number {
    const slot = this.ring[this.head]!;
    this.head = (this.head + 1) & (this.ring.length - 1);
    this.size--;
    return slot;
  }

  private grow(): void {
    const old = this.ring,
      ring = new Int32Array(old.length * 2);
    for (let j = 0; j < this.size; j++) ring[j] = old[(this.head + j) & (old.length - 1)]!;
    this.ring = ring;
    this.head = 0;
  }
}

/** Free slot numbers, last in first out, in an Int32Array that doubles when full. */
class SlotStack {
  private stack = new Int32Array(1024);
  size = 0;

  push(slot: number): void {
    if (this.size === this.stack.length) {
      const grown = new Int32Array(this.stack.length * 2);
      grown.set(this.stack);
      this.stack = grown;
    }
    this.stack[this.size++] = slot;
  }

  pop(): number {
    return this.stack[--this.size]!;
  }
}
