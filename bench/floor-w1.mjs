// The speed floor for workload W1, inside the repository: the same events a simulation of W1
// must run (every message hop and every timer is one event) and nothing else, no SIP state.
// `npm run bench` runs it beside cubesim in the same invocation and prints the ratio.
//
// W1: Poisson arrivals at 50 calls/s, exponential holding time (mean 300 s) counted from the
// answer, caller <-> border element <-> callee with 20 ms per hop and no loss, the caller
// refreshing every 90 s (Session-Expires 180) with a re-INVITE passed through to the callee, and
// a BYE at the end of the holding time. Per call: the arrival, INVITE/200/ACK across both hops
// (6 events), a refresh timer plus re-INVITE/200/ACK (7) every 90 s the call lives, the hang-up
// timer and BYE/200 (5): about 33 events per call.
//
// The event set is a binary heap over typed arrays, ordered by (time, insertion sequence); the
// per-call state is one number (when it hangs up). Usage: node bench/floor-w1.mjs [calls]

const CALLS = Number(process.argv[2] ?? 200000);
const RATE = 50;
const MEAN_HOLDING = 300;
const HOP = 0.02;
const REFRESH_EVERY = 90;

// Event kinds. A message chain is a run of hops; the kind says where the message is.
const ARRIVAL = 0;
const INVITE_AT_CUBE = 1,
  INVITE_AT_CALLEE = 2,
  OK_AT_CUBE = 3,
  OK_AT_CALLER = 4,
  ACK_AT_CUBE = 5,
  ACK_AT_CALLEE = 6;
const REFRESH_DUE = 7;
const RE_AT_CUBE = 8,
  RE_AT_CALLEE = 9,
  REOK_AT_CUBE = 10,
  REOK_AT_CALLER = 11,
  REACK_AT_CUBE = 12,
  REACK_AT_CALLEE = 13;
const HANGUP = 14,
  BYE_AT_CUBE = 15,
  BYE_AT_CALLEE = 16,
  BYEOK_AT_CUBE = 17,
  BYEOK_AT_CALLER = 18;

/** mulberry32: a small deterministic generator (the floor needs speed and repeatability, not quality). */
function generator(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class EventHeap {
  constructor(capacity) {
    this.time = new Float64Array(capacity);
    this.seq = new Float64Array(capacity);
    this.call = new Int32Array(capacity);
    this.kind = new Int32Array(capacity);
    this.size = 0;
    this.next = 0;
  }

  grow() {
    const n = this.time.length * 2;
    for (const k of ['time', 'seq']) {
      const a = new Float64Array(n);
      a.set(this[k]);
      this[k] = a;
    }
    for (const k of ['call', 'kind']) {
      const a = new Int32Array(n);
      a.set(this[k]);
      this[k] = a;
    }
  }

  push(t, call, kind) {
    if (this.size === this.time.length) this.grow();
    const T = this.time,
      S = this.seq,
      C = this.call,
      K = this.kind;
    const s = this.next++;
    let i = this.size++;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (T[p] < t || (T[p] === t && S[p] < s)) break;
      T[i] = T[p];
      S[i] = S[p];
      C[i] = C[p];
      K[i] = K[p];
      i = p;
    }
    T[i] = t;
    S[i] = s;
    C[i] = call;
    K[i] = kind;
  }

  /** Removes the first event; its fields are left in topTime, topCall, topKind. */
  pop() {
    const T = this.time,
      S = this.seq,
      C = this.call,
      K = this.kind;
    this.topTime = T[0];
    this.topCall = C[0];
    this.topKind = K[0];
    const n = --this.size;
    if (n === 0) return;
    const t = T[n],
      s = S[n],
      c = C[n],
      k = K[n];
    let i = 0;
    for (;;) {
      let j = 2 * i + 1;
      if (j >= n) break;
      if (j + 1 < n && (T[j + 1] < T[j] || (T[j + 1] === T[j] && S[j + 1] < S[j]))) j++;
      if (t < T[j] || (t === T[j] && s < S[j])) break;
      T[i] = T[j];
      S[i] = S[j];
      C[i] = C[j];
      K[i] = K[j];
      i = j;
    }
    T[i] = t;
    S[i] = s;
    C[i] = c;
    K[i] = k;
  }
}

const random = generator(1);
const exponential = (mean) => -Math.log(1 - random()) * mean;
const hangupAt = new Float64Array(CALLS);
const heap = new EventHeap(1 << 16);
let arrivals = 0,
  completed = 0,
  refreshes = 0,
  events = 0;

const started = process.hrtime.bigint();
heap.push(exponential(1 / RATE), 0, ARRIVAL);
while (heap.size > 0) {
  heap.pop();
  events++;
  const now = heap.topTime,
    call = heap.topCall;
  switch (heap.topKind) {
    case ARRIVAL:
      arrivals++;
      if (arrivals < CALLS) heap.push(now + exponential(1 / RATE), arrivals, ARRIVAL);
      heap.push(now + HOP, call, INVITE_AT_CUBE);
      break;
    case INVITE_AT_CUBE:
      heap.push(now + HOP, call, INVITE_AT_CALLEE);
      break;
    case INVITE_AT_CALLEE:
      heap.push(now + HOP, call, OK_AT_CUBE);
      break;
    case OK_AT_CUBE:
      heap.push(now + HOP, call, OK_AT_CALLER);
      break;
    case OK_AT_CALLER:
      // Answered: the caller acknowledges, arms its refresh and its hang-up.
      hangupAt[call] = now + exponential(MEAN_HOLDING);
      heap.push(now + HOP, call, ACK_AT_CUBE);
      heap.push(now + REFRESH_EVERY, call, REFRESH_DUE);
      heap.push(hangupAt[call], call, HANGUP);
      break;
    case ACK_AT_CUBE:
      heap.push(now + HOP, call, ACK_AT_CALLEE);
      break;
    case ACK_AT_CALLEE:
      break;
    case REFRESH_DUE:
      if (now >= hangupAt[call]) break; // the call is over: the timer finds nothing to refresh
      refreshes++;
      heap.push(now + HOP, call, RE_AT_CUBE);
      heap.push(now + REFRESH_EVERY, call, REFRESH_DUE);
      break;
    case RE_AT_CUBE:
      heap.push(now + HOP, call, RE_AT_CALLEE);
      break;
    case RE_AT_CALLEE:
      heap.push(now + HOP, call, REOK_AT_CUBE);
      break;
    case REOK_AT_CUBE:
      heap.push(now + HOP, call, REOK_AT_CALLER);
      break;
    case REOK_AT_CALLER:
      heap.push(now + HOP, call, REACK_AT_CUBE);
      break;
    case REACK_AT_CUBE:
      heap.push(now + HOP, call, REACK_AT_CALLEE);
      break;
    case REACK_AT_CALLEE:
      break;
    case HANGUP:
      heap.push(now + HOP, call, BYE_AT_CUBE);
      break;
    case BYE_AT_CUBE:
      heap.push(now + HOP, call, BYE_AT_CALLEE);
      break;
    case BYE_AT_CALLEE:
      heap.push(now + HOP, call, BYEOK_AT_CUBE);
      break;
    case BYEOK_AT_CUBE:
      heap.push(now + HOP, call, BYEOK_AT_CALLER);
      break;
    case BYEOK_AT_CALLER:
      completed++;
      break;
  }
}
const secs = Number(process.hrtime.bigint() - started) / 1e9;
console.log(
  JSON.stringify({
    impl: 'bench-floor-w1',
    calls: CALLS,
    completed,
    refreshes,
    events,
    secs: +secs.toFixed(3),
    callsPerSec: Math.round(CALLS / secs),
    eventsPerSec: Math.round(events / secs),
  }),
);
