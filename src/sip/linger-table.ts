// What is left of a transaction that, after a 2xx, only waits for retransmissions (RFC 3261
// Timers J, K, L and RFC 6026 Timer M), kept in one run-wide table rather than as the transaction
// object itself. Those waits last up to 64*T1 (32 s): long enough that every transaction of a run,
// with its messages, outlived the young generation of the heap and was copied into the old one,
// only to die there. On W1 (200,000 calls) the same run with these waits ended at once (a bound,
// not a model) took 29 % less time; this table gained about 7 % (README, Performance). A wait now
// costs a row of the table, and the transaction object serves as its party's next one
// (SpareTransactions, transaction.ts).
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
// port's table (their call may be over, and a row keeps its TU and requester, and so its call,
// until its place in the ring is written again).
//
// Layout: rows of one wait length end in the order they began, so each length has a ring of its
// own (WaitRing): a row is numbered as it is added, sits at its number modulo the ring's capacity,
// and ends when the ring's oldest row moves past it; ending rows reads nothing but their times,
// which lie in order along the ring (when a row's end unlinked it from its port and let go of its
// references, that first touch of a row written 32 s before was 5-7 % of a W1 run). A position is
// written again only once the ring has moved past its row, and the writing replaces everything the
// old row kept. A row's fields are in three places by use: what a look-up reads (until, branch,
// kind, the port's previous row) together in a Float64Array, two rows to a cache line; the numbers
// of the message it keeps in another; its references (TU, requester, requester's data, the
// message's texts and SDP summary) in an array. The message is kept as fields of the row
// (message.ts, writeMessageRow), not as the object: kept 32 s, the objects were copied by every
// young-generation collection and many promoted to die in the old one; a row answering a
// retransmission makes the message again. Each port has a number in the table (`newPort`); in each
// ring a port's rows are chained from `heads[number * stride + the ring's index]`, newest first (a
// handful: its transactions of the last 64*T1), so that a look-up walks those and stops at the
// first that has ended. The rings (typed arrays, and an array of references each) and the heads
// double when full, so that holding a row allocates nothing once the table has grown (plain
// arrays pushed at one end and cut at the other were made again each time they grew back: about
// 340 bytes per W1 call copied into the old generation). A port handed to another call (its
// call's parts reused: src/elements/call-parts.ts) leaves its rows behind, unreachable (detach):
// nothing of that call can send again, so they would answer nothing.
import { nulls } from '../kernel/event-queue.ts';
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

/** No row: a port with none in a ring, or the end of a port's chain. Below every row's number. */
const NONE = -1;

// What a look-up reads of a row, at position * WAIT_FIELDS in a ring's `waits`: the fields of a
// walk along a port's rows sit together, two rows to a cache line.
const UNTIL = 0,
  BRANCH = 1,
  /** The number of the port's previous row in the same ring, or NONE. */
  PREVIOUS_AT_PORT = 2,
  KIND = 3,
  WAIT_FIELDS = 4;
// What only a row that answers is read for: its message's numbers, at position *
// MESSAGE_ROW_NUMS in `messageNums`, and its references, at position * REFS in `refs`.
const USER = 0,
  REQUESTER = 1,
  DATA = 2,
  /** The references of the message the row keeps (none: its method is null). */
  MESSAGE_REFS = 3,
  REFS = MESSAGE_REFS + MESSAGE_ROW_REFS;

const FIRST_CAPACITY = 1024;

/**
 * The rows of one wait length, first in first out, in a ring whose positions are row numbers
 * modulo its capacity (a power of two). Rows `oldest` to `next - 1` are held; a row whose number
 * is below `oldest` has ended, and its position may hold a newer row.
 */
class WaitRing {
  /** The capacity less one. */
  mask = FIRST_CAPACITY - 1;
  waits = new Float64Array(FIRST_CAPACITY * WAIT_FIELDS);
  messageNums = new Float64Array(FIRST_CAPACITY * MESSAGE_ROW_NUMS);
  refs = nulls<unknown>(FIRST_CAPACITY * REFS);
  /** Numbers of rows, from 0 for the ring's first: the oldest still held, and the next to be. */
  oldest = 0;
  next = 0;

  constructor(readonly seconds: number) {}

  /** A number for a new row at the end of the ring (which doubles when full). */
  add(): number {
    if (this.next - this.oldest > this.mask) this.grow();
    return this.next++;
  }

  /** Ends, oldest first, the rows whose wait is over by `now`; nothing but their times is read. */
  endWaitsOver(now: number): void {
    const w = this.waits,
      mask = this.mask;
    let oldest = this.oldest;
    while (oldest < this.next && w[(oldest & mask) * WAIT_FIELDS + UNTIL]! < now) oldest++;
    this.oldest = oldest;
  }

  /** Twice the room, each held row at its number modulo the new capacity. */
  private grow(): void {
    const capacity = (this.mask + 1) * 2,
      mask = capacity - 1;
    const waits = new Float64Array(capacity * WAIT_FIELDS),
      messageNums = new Float64Array(capacity * MESSAGE_ROW_NUMS),
      refs = nulls<unknown>(capacity * REFS);
    for (let row = this.oldest; row < this.next; row++) {
      const from = row & this.mask,
        to = row & mask;
      for (let k = 0; k < WAIT_FIELDS; k++) waits[to * WAIT_FIELDS + k] = this.waits[from * WAIT_FIELDS + k]!;
      for (let k = 0; k < MESSAGE_ROW_NUMS; k++)
        messageNums[to * MESSAGE_ROW_NUMS + k] = this.messageNums[from * MESSAGE_ROW_NUMS + k]!;
      for (let k = 0; k < REFS; k++) refs[to * REFS + k] = this.refs[from * REFS + k];
    }
    this.mask = mask;
    this.waits = waits;
    this.messageNums = messageNums;
    this.refs = refs;
  }
}

export class LingerTable implements LingerStore {
  private ports = 0;
  /** One ring per wait length seen (seconds): a handful (T4, 64*T1). */
  private readonly rings: WaitRing[] = [];
  /**
   * The number of each port's newest row in each ring (or NONE), at port * stride + the ring's
   * index: a port's heads share a cache line, read together by every look-up.
   */
  private heads = new Float64Array(FIRST_CAPACITY * 2).fill(NONE);
  private stride = 2;

  /**
   * A number for a new port, for the life of the run (ports are reused from call to call, so
   * there are about four per call in progress).
   */
  newPort(): number {
    if ((this.ports + 1) * this.stride > this.heads.length) this.layHeads(this.stride, (this.ports + 1) * 2);
    return this.ports++;
  }

  /** The heads again, `stride` to a port, with room for `ports` ports. */
  private layHeads(stride: number, ports: number): void {
    const heads = new Float64Array(ports * stride).fill(NONE);
    for (let p = 0; p < this.ports; p++)
      for (let i = 0; i < this.rings.length; i++) heads[p * stride + i] = this.heads[p * this.stride + i]!;
    this.heads = heads;
    this.stride = stride;
  }

  /** Whether the port numbered `port` has rows still held (for tests). */
  holdsRowsOf(port: number): boolean {
    return this.rings.some((ring, i) => this.heads[port * this.stride + i]! >= ring.oldest);
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
    const rings = this.rings;
    let index = -1;
    for (let i = 0; i < rings.length; i++) {
      const r = rings[i]!;
      r.endWaitsOver(now);
      if (r.seconds === seconds) index = i;
    }
    if (index < 0) index = this.newRing(seconds);
    const ring = rings[index]!,
      row = ring.add(),
      at = row & ring.mask,
      head = host.lingerNumber * this.stride + index;
    const w = ring.waits,
      wait = at * WAIT_FIELDS;
    w[wait + UNTIL] = now + seconds;
    w[wait + BRANCH] = branch;
    w[wait + PREVIOUS_AT_PORT] = this.heads[head]!;
    w[wait + KIND] = kind;
    this.heads[head] = row;
    const r = ring.refs,
      ref = at * REFS;
    writeMessageRow(message, ring.messageNums, at * MESSAGE_ROW_NUMS, r, ref + MESSAGE_REFS);
    r[ref + USER] = user;
    r[ref + REQUESTER] = requester;
    r[ref + DATA] = data;
  }

  /**
   * A message arriving at `host` that matched none of its open transactions: true when a row of
   * that port and branch, still waiting at `now`, took it (and did what its transaction would).
   */
  receive(host: TransactionHost, msg: SipMessage, now: number): boolean {
    const heads = host.lingerNumber * this.stride,
      branch = msg.branch,
      rings = this.rings;
    for (let i = 0; i < rings.length; i++) {
      const ring = rings[i]!,
        w = ring.waits,
        mask = ring.mask;
      // A port's rows in one ring are chained newest first, so the first one that has ended
      // (below `oldest`: its position may hold another port's row by now) ends the walk.
      for (
        let row = this.heads[heads + i]!;
        row >= ring.oldest;
        row = w[(row & mask) * WAIT_FIELDS + PREVIOUS_AT_PORT]!
      ) {
        const at = row & mask;
        if (w[at * WAIT_FIELDS + BRANCH] !== branch) continue;
        if (w[at * WAIT_FIELDS + UNTIL]! < now) return false;
        this.answer(ring, at, host, msg);
        return true;
      }
    }
    return false;
  }

  /** What the row's transaction would do with `msg` in its state. */
  private answer(ring: WaitRing, at: number, host: TransactionHost, msg: SipMessage): void {
    const kind = ring.waits[at * WAIT_FIELDS + KIND]!,
      nums = ring.messageNums,
      num = at * MESSAGE_ROW_NUMS,
      r = ring.refs,
      ref = at * REFS;
    // Only a 2xx does anything in Accepted (1xx and non-2xx finals are ignored there).
    if (kind === INVITE_CLIENT_ACCEPTED && msg.status >= 200 && msg.status < 300) {
      InviteClientTransaction.resumeAccepted(
        host,
        readMessageRow(nums, num, r, ref + MESSAGE_REFS)!,
        r[ref + USER] as ClientTransactionUser<unknown, unknown>,
        r[ref + REQUESTER],
        r[ref + DATA],
      ).receive(msg);
    } else if (kind === NON_INVITE_SERVER_COMPLETED && msg.status === 0) {
      const last = readMessageRow(nums, num, r, ref + MESSAGE_REFS)!;
      last.retransmission = true;
      host.transmit(last);
    }
  }

  /** Rows still held (for tests): their waits may be over but not yet looked at. */
  get size(): number {
    let rows = 0;
    for (const ring of this.rings) rows += ring.next - ring.oldest;
    return rows;
  }

  /**
   * Leaves the port's rows unreachable from it, for the port to serve another call (its call's
   * parts are reused only once nothing of that call can send again, so no message can come for
   * them): they wait out their time unreachable.
   */
  detach(host: TransactionHost): void {
    const heads = host.lingerNumber * this.stride;
    for (let i = 0; i < this.rings.length; i++) this.heads[heads + i] = NONE;
  }

  /** A ring for waits of `seconds`; its index. */
  private newRing(seconds: number): number {
    const index = this.rings.length;
    if (index === this.stride) this.layHeads(this.stride * 2, this.heads.length / this.stride);
    this.rings.push(new WaitRing(seconds));
    return index;
  }
}
