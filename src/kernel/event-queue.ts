// The pending-event set: a binary heap over typed arrays, so that scheduling an event allocates
// nothing once the arrays have grown to the working set.
//
// Total order (documented, relied on for determinism): earlier time first; at equal time the
// lower priority number first; at equal time and priority, the event scheduled first (insertion
// sequence). Priority and sequence are packed into one float64 key: priority * 2^44 + sequence.
//
// Cancellation is lazy: a cancelled entry stays in the heap, marked dead in its slot, and is
// skipped when it reaches the top. Most timers here (retransmission, Timer B/F, expiry guards)
// are cancelled long before they would fire, and removing them from the middle of a heap would
// cost more than letting them drain.

/**
 * Something that receives events: `kind` tells it which of its own timers fired; `data` is what
 * was scheduled with the event (a message in flight, say), so that no object is made per event.
 */
export interface EventTarget {
  onEvent(kind: number, data: unknown): void;
}

const PRIORITY_SHIFT = 2 ** 44;
/** Slots are recycled; a handle carries the slot and its generation, so a stale cancel is harmless. */
const SLOT_BITS = 2 ** 24;

export type EventHandle = number;
export const NO_EVENT: EventHandle = -1;

export class EventQueue {
  private cap: number;
  private time: Float64Array;
  private key: Float64Array;
  private slotOf: Int32Array;
  private n = 0;
  private seq = 0;

  private slotCap: number;
  private targets: (EventTarget | null)[] = [];
  private data: unknown[] = [];
  private kinds: Int32Array;
  private gens: Int32Array;
  private live: Uint8Array;
  private freeSlots: Int32Array;
  private freeCount = 0;
  private slotsUsed = 0;
  private liveCount = 0;

  /** Filled by pop(): the event that is due. */
  poppedTime = 0;
  poppedTarget: EventTarget | null = null;
  poppedKind = 0;
  poppedData: unknown = null;

  constructor(initialCapacity = 1024) {
    this.cap = initialCapacity;
    this.time = new Float64Array(this.cap);
    this.key = new Float64Array(this.cap);
    this.slotOf = new Int32Array(this.cap);
    this.slotCap = initialCapacity;
    this.kinds = new Int32Array(this.slotCap);
    this.gens = new Int32Array(this.slotCap);
    this.live = new Uint8Array(this.slotCap);
    this.freeSlots = new Int32Array(this.slotCap);
  }

  /** Events scheduled and not yet fired or cancelled. */
  get size(): number {
    return this.liveCount;
  }

  push(time: number, priority: number, target: EventTarget, kind: number, data: unknown = null): EventHandle {
    const slot = this.allocSlot();
    this.targets[slot] = target;
    this.data[slot] = data;
    this.kinds[slot] = kind;
    this.live[slot] = 1;
    this.liveCount++;
    if (this.n === this.cap) this.growHeap();
    const k = priority * PRIORITY_SHIFT + this.seq++;
    const T = this.time, K = this.key, S = this.slotOf;
    let i = this.n++;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const tp = T[p]!;
      if (tp < time || (tp === time && K[p]! < k)) break;
      T[i] = tp; K[i] = K[p]!; S[i] = S[p]!;
      i = p;
    }
    T[i] = time; K[i] = k; S[i] = slot;
    return this.gens[slot]! * SLOT_BITS + slot;
  }

  cancel(handle: EventHandle): void {
    if (handle < 0) return;
    const slot = handle % SLOT_BITS;
    const gen = (handle - slot) / SLOT_BITS;
    if (slot >= this.slotsUsed || this.gens[slot] !== gen || this.live[slot] === 0) return;
    this.live[slot] = 0;
    this.targets[slot] = null;
    this.data[slot] = null;
    this.liveCount--;
  }

  /** Time of the next live event, or Infinity. Drops dead entries from the top. */
  peekTime(): number {
    while (this.n > 0) {
      const slot = this.slotOf[0]!;
      if (this.live[slot] === 1) return this.time[0]!;
      this.removeTop();
      this.releaseSlot(slot);
    }
    return Infinity;
  }

  /** Removes the next live event into popped*; false when none is left. */
  pop(): boolean {
    while (this.n > 0) {
      const slot = this.slotOf[0]!;
      const t = this.time[0]!;
      this.removeTop();
      if (this.live[slot] === 1) {
        this.poppedTime = t;
        this.poppedTarget = this.targets[slot]!;
        this.poppedKind = this.kinds[slot]!;
        this.poppedData = this.data[slot];
        this.live[slot] = 0;
        this.targets[slot] = null;
        this.data[slot] = null;
        this.liveCount--;
        this.releaseSlot(slot);
        return true;
      }
      this.releaseSlot(slot);
    }
    return false;
  }

  private removeTop(): void {
    const n = --this.n;
    if (n === 0) return;
    const T = this.time, K = this.key, S = this.slotOf;
    const t = T[n]!, k = K[n]!, s = S[n]!;
    let i = 0;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= n) break;
      const r = c + 1;
      if (r < n && (T[r]! < T[c]! || (T[r] === T[c] && K[r]! < K[c]!))) c = r;
      const tc = T[c]!;
      if (t < tc || (t === tc && k < K[c]!)) break;
      T[i] = tc; K[i] = K[c]!; S[i] = S[c]!;
      i = c;
    }
    T[i] = t; K[i] = k; S[i] = s;
  }

  private allocSlot(): number {
    if (this.freeCount > 0) return this.freeSlots[--this.freeCount]!;
    if (this.slotsUsed === this.slotCap) this.growSlots();
    if (this.slotsUsed >= SLOT_BITS) throw new Error('event queue: more than 2^24 pending events');
    this.targets.push(null);
    this.data.push(null);
    return this.slotsUsed++;
  }

  private releaseSlot(slot: number): void {
    this.gens[slot] = (this.gens[slot]! + 1) & 0x1fffffff;
    this.freeSlots[this.freeCount++] = slot;
  }

  private growHeap(): void {
    this.cap *= 2;
    const t = new Float64Array(this.cap); t.set(this.time); this.time = t;
    const k = new Float64Array(this.cap); k.set(this.key); this.key = k;
    const s = new Int32Array(this.cap); s.set(this.slotOf); this.slotOf = s;
  }

  private growSlots(): void {
    this.slotCap *= 2;
    const k = new Int32Array(this.slotCap); k.set(this.kinds); this.kinds = k;
    const g = new Int32Array(this.slotCap); g.set(this.gens); this.gens = g;
    const l = new Uint8Array(this.slotCap); l.set(this.live); this.live = l;
    const f = new Int32Array(this.slotCap); f.set(this.freeSlots); this.freeSlots = f;
  }
}
