// The pending-event set: a binary heap over typed arrays, plus first-in-first-out lanes for
// delays that recur (T1, the 200 ms Trying timer, a link's latency, a session timer's delays), so
// that scheduling an event allocates nothing once the arrays have grown to the working set.
//
// Total order (documented, relied on for determinism): earlier time first; at equal time the
// lower priority number first; at equal time and priority, the event scheduled first (insertion
// sequence). Priority and sequence are packed into one float64 key: priority * 2^44 + sequence.
//
// Lanes: events scheduled `after` the same delay with the same priority are due in the order
// they were scheduled (the clock never goes back, and now + d is monotone in now), so a plain
// queue per (delay, priority) is already sorted by (time, key). Popping takes the least of the
// heap's top and the lanes' heads under the same total order, so lanes change the cost, never
// the order. Most events of a SIP run are such: W1 schedules about 64 events per call, all but
// three of them (the arrival, the hang-up, one Timer B) with one of five delays (README,
// Performance). An event may also take its place in the order when it is first known and go into
// the queue later (takePlace, pushInPlace: a time-out that is rarely reached), into the heap.
//
// A lane keeps its events' target, kind and data in its own ring, beside their times: the events
// of a lane come to the front in the order they were written, so reading them is a walk along
// the ring rather than a jump to a slot written up to 148 s before (the heap's events, a few a
// call, keep their fields in slots). A lane's handle names the lane and the entry's number among
// all the lane ever took (modulo 2^26), which finds the entry while it is queued and nothing once
// it has left.
//
// Cancellation is lazy: a cancelled entry stays where it is, marked dead (a lane's entry by its
// target let go), and is skipped when it reaches the front. Most timers here (retransmission,
// Timer B/F, expiry guards) are cancelled long before they would fire, and removing them from the
// middle of a heap would cost more than letting them drain.

/**
 * What a scheduled event is delivered to: `kind` tells it which of its own timers fired; `data` is
 * what was scheduled with the event (a message in flight, say), so that no object is made per
 * event. (Not the DOM's EventTarget: nothing here dispatches by name or bubbles.)
 */
export interface ScheduledEventTarget {
  onEvent(kind: number, data: unknown): void;
}

const PRIORITY_SHIFT = 2 ** 44;
/**
 * Handles stay below 2^30, small integers for the engine from the first event to the last (a
 * handle that outgrew that range changed the representation of every field holding one, and the
 * code reading them was compiled again). The heap's slots are recycled; a heap event's handle is
 * its slot (22 bits) and the low 7 bits of the slot's generation. A lane's handle is 2^29 plus
 * the lane's index (3 bits) and its entry's number (26 bits). Either tells a stale cancel from a
 * live one: holders clear their handle when its event fires, and `cancel` says whether the event
 * was still pending, so the simulator can report one under --check. A heap slot's event is pending
 * while the slot holds its target.
 *
 * The constants are written with shifts, not `**`: Node 20's engine computes a power of a variable
 * when the code runs (in `append` it did so with every event: 6 % of a W1 run under perf) and
 * makes it a heap number even when it is whole; a handle made from one was a heap number too, and
 * every field that ever held one (a transaction's timers, a dialog's session timers) kept its value
 * in a box of its own from then on, one more pointer to follow and, at a session timer's re-arming
 * 90 s later, one more cache miss. test/kernel.test.ts checks that handles are small integers.
 */
const SLOT_BITS = 1 << 22;
const GEN_MASK = 127;
/** A lane's handle: this bit, the lane's index (3 bits) and its entry's number (26 bits). */
const LANE_HANDLE = 1 << 29;
const LANE_SHIFT = 26;
const ENTRY_MASK = (1 << 26) - 1;
/** At most this many lanes; a delay seen once is remembered among this many candidates. */
const MAX_LANES = 8;
const CANDIDATES = 8;

export type EventHandle = number;
export const NO_EVENT: EventHandle = -1;

/** Events due `delay` after they were scheduled, at one priority: a ring buffer, oldest first. */
class Lane {
  time: Float64Array;
  key: Float64Array;
  kind: Int32Array;
  /** The entry's target while it is pending; null once it is cancelled (or has left). */
  target: (ScheduledEventTarget | null)[];
  data: unknown[];
  head = 0;
  size = 0;
  mask: number;
  /** Entries ever appended, modulo 2^26: the number of the next one. */
  appended = 0;
  /** Time of the newest entry: a later one may not be earlier. */
  lastTime = -Infinity;
  /** The handle of its entry numbered 0: 2^29 plus its index times 2^26 (a small integer: LANE_HANDLE). */
  private readonly handleBase: number;

  constructor(
    readonly delay: number,
    readonly priority: number,
    /** Its place in the queue's list of lanes, in its handles and the queue's table of heads. */
    readonly index: number,
    capacity = 1024,
  ) {
    this.time = new Float64Array(capacity);
    this.key = new Float64Array(capacity);
    this.kind = new Int32Array(capacity);
    this.target = nulls(capacity);
    this.data = nulls(capacity);
    this.mask = capacity - 1;
    this.handleBase = LANE_HANDLE | (index << LANE_SHIFT);
  }

  /** Queues an event; its handle. */
  append(time: number, key: number, target: ScheduledEventTarget, kind: number, data: unknown): EventHandle {
    if (this.size > this.mask) this.grow();
    const i = (this.head + this.size++) & this.mask;
    this.lastTime = time;
    this.time[i] = time;
    this.key[i] = key;
    this.kind[i] = kind;
    this.target[i] = target;
    this.data[i] = data;
    const n = this.appended;
    this.appended = (n + 1) & ENTRY_MASK;
    return this.handleBase + n;
  }

  /** Where the entry numbered `n` sits in the ring, or -1 when it is no longer queued. */
  at(n: number): number {
    const fromHead = (n - this.appended + this.size) & ENTRY_MASK; // its distance from the head
    return fromHead < this.size ? (this.head + fromHead) & this.mask : -1;
  }

  /** Drops the head; its references go, so that nothing it held is kept alive by the ring. */
  dropHead(): void {
    const h = this.head;
    this.target[h] = null;
    this.data[h] = null;
    this.head = (h + 1) & this.mask;
    this.size--;
  }

  private grow(): void {
    const cap = (this.mask + 1) * 2;
    const t = new Float64Array(cap),
      k = new Float64Array(cap),
      kind = new Int32Array(cap),
      target = nulls<ScheduledEventTarget>(cap),
      data = nulls<unknown>(cap);
    for (let j = 0; j < this.size; j++) {
      const i = (this.head + j) & this.mask;
      t[j] = this.time[i]!;
      k[j] = this.key[i]!;
      kind[j] = this.kind[i]!;
      target[j] = this.target[i] ?? null;
      data[j] = this.data[i];
    }
    this.time = t;
    this.key = k;
    this.kind = kind;
    this.target = target;
    this.data = data;
    this.head = 0;
    this.mask = cap - 1;
  }
}

export class EventQueue {
  private cap: number;
  private time: Float64Array;
  private key: Float64Array;
  private slotOf: Int32Array;
  private n = 0;
  private seq = 0;

  private readonly lanes: Lane[] = [];
  /** (delay, priority) pairs scheduled once outside any lane: a second use opens a lane. */
  private readonly candidateDelay = new Float64Array(CANDIDATES).fill(NaN);
  private readonly candidatePriority = new Float64Array(CANDIDATES);
  private nextCandidate = 0;
  /**
   * Each lane's head, its time and key (Infinity and Infinity when the lane is empty: never first),
   * kept as the head changes (an entry added to an empty lane, the head dropped): finding the
   * front compares these few numbers, side by side, rather than reaching into every lane's ring at
   * every event. A head cancelled since stays until it would come first, and is dropped then.
   */
  private readonly headTime = new Float64Array(MAX_LANES).fill(Infinity);
  private readonly headKey = new Float64Array(MAX_LANES).fill(Infinity);
  /** Time of the entry front() found (Infinity when none). */
  private frontTime = Infinity;

  private slotCap: number;
  private targets: (ScheduledEventTarget | null)[] = [];
  private data: unknown[] = [];
  private kinds: Int32Array;
  private gens: Int32Array;
  private freeSlots: Int32Array;
  private freeCount = 0;
  private slotsUsed = 0;
  private liveCount = 0;

  /** Filled by pop(): the event that is due. */
  poppedTime = 0;
  poppedTarget: ScheduledEventTarget | null = null;
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
    this.freeSlots = new Int32Array(this.slotCap);
  }

  /** Events scheduled and not yet fired or cancelled. */
  get size(): number {
    return this.liveCount;
  }

  /** Schedules at absolute `time`. */
  push(time: number, priority: number, target: ScheduledEventTarget, kind: number, data: unknown = null): EventHandle {
    const slot = this.newEvent(target, kind, data);
    this.heapInsert(time, priority * PRIORITY_SHIFT + this.seq++, slot);
    return (this.gens[slot]! << 22) | slot;
  }

  /**
   * A place in the order of events due at one instant, taken now for an event scheduled later
   * (`pushInPlace`): it is ordered among them as if it had been scheduled now.
   */
  takePlace(): number {
    return this.seq++;
  }

  /** Schedules at absolute `time`, in the place taken earlier with `takePlace` (in the heap: a lane is in order of scheduling). */
  pushInPlace(
    time: number,
    priority: number,
    place: number,
    target: ScheduledEventTarget,
    kind: number,
    data: unknown = null,
  ): EventHandle {
    const slot = this.newEvent(target, kind, data);
    this.heapInsert(time, priority * PRIORITY_SHIFT + place, slot);
    return (this.gens[slot]! << 22) | slot;
  }

  /** Schedules `delay` after `now` (the current time): in the lane of that delay when it recurs. */
  pushAfter(
    now: number,
    delay: number,
    priority: number,
    target: ScheduledEventTarget,
    kind: number,
    data: unknown = null,
  ): EventHandle {
    const lane = this.laneFor(delay, priority);
    const time = now + delay;
    // A lane stays sorted only while `now` does not go back; if a caller's did, the heap takes it.
    if (lane === null || time < lane.lastTime) return this.push(time, priority, target, kind, data);
    this.tally(target, 1);
    const key = priority * PRIORITY_SHIFT + this.seq++;
    if (lane.size === 0) {
      this.headTime[lane.index] = time;
      this.headKey[lane.index] = key;
    }
    return lane.append(time, key, target, kind, data);
  }

  private laneFor(delay: number, priority: number): Lane | null {
    const lanes = this.lanes;
    for (let l = 0; l < lanes.length; l++) {
      const lane = lanes[l]!;
      if (lane.delay === delay && lane.priority === priority) return lane;
    }
    if (lanes.length === MAX_LANES) return null;
    const cd = this.candidateDelay,
      cp = this.candidatePriority;
    for (let c = 0; c < CANDIDATES; c++) {
      if (cd[c] === delay && cp[c] === priority) {
        cd[c] = NaN;
        const lane = new Lane(delay, priority, lanes.length);
        lanes.push(lane);
        return lane;
      }
    }
    cd[this.nextCandidate] = delay;
    cp[this.nextCandidate] = priority;
    this.nextCandidate = (this.nextCandidate + 1) % CANDIDATES;
    return null;
  }

  /** Cancels a pending event; false when the handle's event had already fired or been cancelled. */
  cancel(handle: EventHandle): boolean {
    if (handle < 0) return false;
    if (handle >= LANE_HANDLE) {
      const lane = this.lanes[(handle - LANE_HANDLE) >>> LANE_SHIFT]!;
      const i = lane.at(handle & ENTRY_MASK);
      const target = i < 0 ? null : lane.target[i]!;
      if (target === null) return false;
      this.tally(target, -1);
      lane.target[i] = null;
      lane.data[i] = null;
      return true;
    }
    const slot = handle & (SLOT_BITS - 1);
    const gen = handle >>> 22;
    if (slot >= this.slotsUsed || this.gens[slot] !== gen || this.targets[slot] === null) return false;
    this.endEvent(slot);
    return true;
  }

  /**
   * Under checks only: pending events counted per key of their target (`keyOf`: a transaction's
   * port, say), so that a holder can ask whether anything of its own is pending without a scan.
   */
  private pendingByKey: Map<unknown, number> | null = null;
  private keyOf: (target: ScheduledEventTarget) => unknown = (t) => t;

  /** Starts counting pending events per key of their target (before any event is scheduled). */
  countPendingBy(keyOf: (target: ScheduledEventTarget) => unknown): void {
    this.pendingByKey = new Map();
    this.keyOf = keyOf;
  }

  /** Pending events whose target's key is `key` (countPendingBy must have been called). */
  pendingFor(key: unknown): number {
    return this.pendingByKey!.get(key) ?? 0;
  }

  /** One more pending event (by 1) or one fewer (by -1), of `target`. */
  private tally(target: ScheduledEventTarget, by: 1 | -1): void {
    this.liveCount += by;
    if (this.pendingByKey !== null) this.countPending(target, by);
  }

  private countPending(target: ScheduledEventTarget, by: number): void {
    const m = this.pendingByKey!,
      key = this.keyOf(target);
    const n = (m.get(key) ?? 0) + by;
    if (n === 0) m.delete(key);
    else m.set(key, n);
  }

  /** The event in `slot` is no longer pending (fired or cancelled); its entry may still be queued. */
  private endEvent(slot: number): void {
    this.tally(this.targets[slot]!, -1);
    this.targets[slot] = null;
    this.data[slot] = null;
  }

  /**
   * The lane whose head comes first, or null when the heap's top does (or nothing is left); its
   * time is left in `frontTime`. A lane's cancelled head is dropped when it would come first.
   */
  private front(): Lane | null {
    const ht = this.headTime,
      hk = this.headKey,
      lanes = this.lanes.length;
    for (;;) {
      let best = -1;
      let bt = Infinity,
        bk = Infinity;
      if (this.n > 0) {
        bt = this.time[0]!;
        bk = this.key[0]!;
      }
      for (let l = 0; l < lanes; l++) {
        const t = ht[l]!;
        if (t < bt || (t === bt && hk[l]! < bk)) {
          best = l;
          bt = t;
          bk = hk[l]!;
        }
      }
      this.frontTime = bt;
      if (best < 0) return null;
      const lane = this.lanes[best]!;
      if (lane.target[lane.head] !== null) return lane;
      // Cancelled: drop it and those cancelled after it; the lane's next live entry may not come first.
      do lane.dropHead();
      while (lane.size > 0 && lane.target[lane.head] === null);
      this.noteHead(lane);
    }
  }

  /** Drops a lane's head, and keeps the table of heads up to date. */
  private dropHead(lane: Lane): void {
    lane.dropHead();
    this.noteHead(lane);
  }

  /** The lane's head, as it is now, in the table of heads. */
  private noteHead(lane: Lane): void {
    const l = lane.index;
    if (lane.size === 0) {
      this.headTime[l] = Infinity;
      this.headKey[l] = Infinity;
    } else {
      this.headTime[l] = lane.time[lane.head]!;
      this.headKey[l] = lane.key[lane.head]!;
    }
  }

  /** Time of the next live event, or Infinity. Drops dead entries from the front. */
  peekTime(): number {
    for (;;) {
      const lane = this.front();
      if (lane !== null || this.n === 0) return this.frontTime;
      const slot = this.slotOf[0]!;
      if (this.targets[slot] !== null) return this.frontTime;
      this.removeTop();
      this.releaseSlot(slot);
    }
  }

  /** Removes the next live event into popped*; false when none is left. */
  pop(): boolean {
    return this.popUntil(Infinity);
  }

  /**
   * Removes the next live event into popped* if it is due no later than `limit`; false when none
   * is (nothing left, or the next is later). One pass over the front serves both questions.
   * Events are due at finite times (an event at Infinity would never be taken).
   */
  popUntil(limit: number): boolean {
    for (;;) {
      const lane = this.front();
      const t = this.frontTime;
      if (t === Infinity || t > limit) return false;
      if (lane !== null) {
        // front() left only a live head.
        const h = lane.head;
        this.poppedTime = t;
        this.poppedTarget = lane.target[h]!;
        this.poppedKind = lane.kind[h]!;
        this.poppedData = lane.data[h];
        this.tally(this.poppedTarget, -1);
        this.dropHead(lane);
        return true;
      }
      const slot = this.slotOf[0]!;
      this.removeTop();
      if (this.targets[slot] !== null) {
        this.poppedTime = t;
        this.poppedTarget = this.targets[slot]!;
        this.poppedKind = this.kinds[slot]!;
        this.poppedData = this.data[slot];
        this.endEvent(slot);
        this.releaseSlot(slot);
        return true;
      }
      this.releaseSlot(slot);
    }
  }

  private newEvent(target: ScheduledEventTarget, kind: number, data: unknown): number {
    const slot = this.allocSlot();
    this.tally(target, 1);
    this.targets[slot] = target;
    this.data[slot] = data;
    this.kinds[slot] = kind;
    return slot;
  }

  private heapInsert(time: number, k: number, slot: number): void {
    if (this.n === this.cap) this.growHeap();
    const T = this.time,
      K = this.key,
      S = this.slotOf;
    let i = this.n++;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const tp = T[p]!;
      if (tp < time || (tp === time && K[p]! < k)) break;
      T[i] = tp;
      K[i] = K[p]!;
      S[i] = S[p]!;
      i = p;
    }
    T[i] = time;
    K[i] = k;
    S[i] = slot;
  }

  private removeTop(): void {
    const n = --this.n;
    if (n === 0) return;
    const T = this.time,
      K = this.key,
      S = this.slotOf;
    const t = T[n]!,
      k = K[n]!,
      s = S[n]!;
    let i = 0;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= n) break;
      const r = c + 1;
      if (r < n && (T[r]! < T[c]! || (T[r] === T[c] && K[r]! < K[c]!))) c = r;
      const tc = T[c]!;
      if (t < tc || (t === tc && k < K[c]!)) break;
      T[i] = tc;
      K[i] = K[c]!;
      S[i] = S[c]!;
      i = c;
    }
    T[i] = t;
    K[i] = k;
    S[i] = s;
  }

  private allocSlot(): number {
    if (this.freeCount > 0) return this.freeSlots[--this.freeCount]!;
    if (this.slotsUsed === this.slotCap) this.growSlots();
    if (this.slotsUsed >= SLOT_BITS) throw new Error('event queue: more than 2^22 events pending in its heap');
    this.targets.push(null);
    this.data.push(null);
    return this.slotsUsed++;
  }

  private releaseSlot(slot: number): void {
    this.gens[slot] = (this.gens[slot]! + 1) & GEN_MASK;
    this.freeSlots[this.freeCount++] = slot;
  }

  private growHeap(): void {
    this.cap *= 2;
    this.time = grown(this.time, new Float64Array(this.cap));
    this.key = grown(this.key, new Float64Array(this.cap));
    this.slotOf = grown(this.slotOf, new Int32Array(this.cap));
  }

  private growSlots(): void {
    this.slotCap *= 2;
    this.kinds = grown(this.kinds, new Int32Array(this.slotCap));
    this.gens = grown(this.gens, new Int32Array(this.slotCap));
    this.freeSlots = grown(this.freeSlots, new Int32Array(this.slotCap));
  }
}

/** An array of `n` nulls, packed (no holes), for references kept in a ring. */
export function nulls<T>(n: number): (T | null)[] {
  return Array.from({ length: n }, () => null);
}

/**
 * `larger` with the entries of `old` copied to its start: how the heap and the slot arrays grow
 * (by doubling, so rarely; the heap is a prefix of its arrays, the lanes' rings grow in Lane).
 */
function grown<A extends Float64Array | Int32Array | Uint8Array>(old: A, larger: A): A {
  larger.set(old);
  return larger;
}
