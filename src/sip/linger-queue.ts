// A transaction that only waits to absorb retransmissions (RFC 3261 Timers D, I, J, K, L and M)
// leaves its port's table when a look-up finds its wait over (Transaction.lingerUntil). A port
// looks only when a message arrives or a transaction starts on it; a call is quiet for minutes
// between its set-up and its first refresh or its BYE, and all that time the set-up's four
// INVITE transactions, their requests and their 2xx stayed reachable: about a fifth of what a
// call in progress holds. This queue ends each wait soon after it is over, without an event per
// transaction: one first-in-first-out list per wait length (waits of one length end in the
// order they began), looked at whenever another wait begins anywhere in the run.
//
// Ending a wait here is what the port's next look-up would do (expireIfDue), so what happens on
// the wire is the same; only memory differs. Only waits after a 2xx to something other than BYE
// are queued, those of dialogs that go on: a queued transaction keeps its call (through its port)
// until the wait runs out, whereas a call that was refused, failed or sent its BYE goes as a whole
// once nothing else refers to it. (A call that ends within 32 s of its set-up or of a refresh is
// still kept until that wait is over.) The lists are looked at only when a wait begins: when none
// does for a while (the arrivals are over), waits already over stay listed until one does.

/** What waits: a transaction, which ends its wait itself once it is over (Transaction.expireIfDue). */
export interface Lingering {
  /** True, and the wait ended, when it is over by `now`. */
  expireIfDue(now: number): boolean;
}

export class LingerQueue {
  /** The wait lengths seen (seconds), one list each: a handful (T4, 32 s, 64*T1). */
  private readonly lengths: number[] = [];
  private readonly lists: (Lingering | null)[][] = [];
  /** Index of the oldest entry still in each list. */
  private readonly heads: number[] = [];

  /** `txn` starts a wait of `seconds` at `now` (its lingerUntil is now + seconds). */
  add(txn: Lingering, seconds: number, now: number): void {
    this.endWaitsOver(now);
    let i = this.lengths.indexOf(seconds);
    if (i < 0) {
      i = this.lengths.length;
      this.lengths.push(seconds);
      this.lists.push([]);
      this.heads.push(0);
    }
    this.lists[i]!.push(txn);
  }

  /** Ends every wait that is over by `now`, oldest first in each list. */
  private endWaitsOver(now: number): void {
    for (let i = 0; i < this.lists.length; i++) {
      const list = this.lists[i]!;
      let head = this.heads[i]!;
      while (head < list.length) {
        const txn = list[head]!;
        if (!txn.expireIfDue(now)) break;
        list[head++] = null; // the list must not keep what the port let go of
      }
      if (head > 1024 && head * 2 > list.length) {
        list.copyWithin(0, head);
        list.length -= head;
        head = 0;
      }
      this.heads[i] = head;
    }
  }

  /** Transactions queued and still waiting (for tests). */
  get size(): number {
    let n = 0;
    for (let i = 0; i < this.lists.length; i++) n += this.lists[i]!.length - this.heads[i]!;
    return n;
  }
}
