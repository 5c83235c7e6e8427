// What the speed target implies: the W1 skeleton (one event per message hop and per timer that
// fires, no protocol state, like ../shared/anchors/floor-typed.mjs) plus, one at a time, two costs
// that any full model of W1 carries, so that their price can be read as a ratio to the floor.
//
//   --timers none|heap|lanes  the RFC 3261 timers a real SIP stack arms and then cancels because
//                             the answer came in time: per leg and INVITE exchange, Timer A and B
//                             at the client, the 200 ms Trying timer at the server, the UAS's 2xx
//                             retransmission and ACK wait; Timer E and F for each BYE. About 42 per
//                             W1 call, as many fixed-delay timers as cubesim arms (its other ~5
//                             cancelled events per call, session-timer guards re-armed at each
//                             refresh, are left out, so the bound errs on the cheap side). `heap`:
//                             each goes through the binary heap and is dropped when it comes out
//                             (lazy cancellation); `lanes`: first-in-first-out lanes per delay.
//   --hop-lanes               the 20 ms message hops in a lane too (cubesim does both).
//   --state BYTES --lines L   a record of BYTES per call, L of its 64-byte lines (spread over the
//                             record) read and written by every event: a full model touches its
//                             dialogs, transactions, ports, message and counters on every hop.
//
// Prints one JSON line like the anchors. Not a test; scripts/bench.ts --mode bounds runs it.
const argv = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : fallback;
};
const N = Number(argv.find((a) => /^\d+$/.test(a)) ?? 200000);
const TIMERS = opt('timers', 'none');
const STATE = Number(opt('state', 0));
const LINES = Number(opt('lines', 0));
const HOP_LANES = argv.includes('--hop-lanes');
const RATE = 50,
  HOLD = 300,
  REFRESH = 90,
  HOP = 0.02;

// xorshift32: the skeleton needs no particular stream, only the same one every run
let seed = 0x2545f491;
const uniform = () => {
  seed ^= seed << 13;
  seed >>>= 0;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  seed >>>= 0;
  return (seed + 0.5) / 4294967296;
};
const exponential = (mean) => -Math.log(uniform()) * mean;

// Binary heap on typed arrays, ordered by (time, sequence).
let heapCap = 1 << 16,
  heapN = 0,
  sequence = 0;
let hTime = new Float64Array(heapCap),
  hSeq = new Float64Array(heapCap),
  hWhat = new Int32Array(heapCap),
  hCall = new Int32Array(heapCap);
function heapPush(t, what, call) {
  if (heapN === heapCap) {
    heapCap *= 2;
    const grow = (a, C) => {
      const b = new C(heapCap);
      b.set(a);
      return b;
    };
    hTime = grow(hTime, Float64Array);
    hSeq = grow(hSeq, Float64Array);
    hWhat = grow(hWhat, Int32Array);
    hCall = grow(hCall, Int32Array);
  }
  const q = sequence++;
  let i = heapN++;
  while (i > 0) {
    const p = (i - 1) >> 1;
    if (hTime[p] < t || (hTime[p] === t && hSeq[p] < q)) break;
    hTime[i] = hTime[p];
    hSeq[i] = hSeq[p];
    hWhat[i] = hWhat[p];
    hCall[i] = hCall[p];
    i = p;
  }
  hTime[i] = t;
  hSeq[i] = q;
  hWhat[i] = what;
  hCall[i] = call;
}
function heapPop() {
  const t = hTime[heapN - 1],
    q = hSeq[heapN - 1],
    w = hWhat[heapN - 1],
    c = hCall[heapN - 1];
  heapN--;
  let i = 0;
  for (;;) {
    let child = 2 * i + 1;
    if (child >= heapN) break;
    if (
      child + 1 < heapN &&
      (hTime[child + 1] < hTime[child] || (hTime[child + 1] === hTime[child] && hSeq[child + 1] < hSeq[child]))
    )
      child++;
    if (t < hTime[child] || (t === hTime[child] && q < hSeq[child])) break;
    hTime[i] = hTime[child];
    hSeq[i] = hSeq[child];
    hWhat[i] = hWhat[child];
    hCall[i] = hCall[child];
    i = child;
  }
  hTime[i] = t;
  hSeq[i] = q;
  hWhat[i] = w;
  hCall[i] = c;
}

// First-in-first-out lanes for fixed delays (ring buffers).
const LANE_DELAYS = [HOP, 0.2, 0.5, 32];
const LANE_CAP = 1 << 20,
  LANE_MASK = LANE_CAP - 1;
const lanes = LANE_DELAYS.map((delay) => ({
  delay,
  time: new Float64Array(LANE_CAP),
  seq: new Float64Array(LANE_CAP),
  what: new Int32Array(LANE_CAP),
  call: new Int32Array(LANE_CAP),
  head: 0,
  size: 0,
}));
function lanePush(lane, t, what, call) {
  if (lane.size === LANE_CAP) throw new Error('lane full');
  const i = (lane.head + lane.size++) & LANE_MASK;
  lane.time[i] = t;
  lane.seq[i] = sequence++;
  lane.what[i] = what;
  lane.call[i] = call;
}

// Event kinds: low 4 bits what, next bits the hop number.
const ARRIVE = 0,
  INVITE_HOP = 1,
  REFRESH_DUE = 2,
  REINVITE_HOP = 3,
  HANGUP = 4,
  BYE_HOP = 5,
  CANCELLED_TIMER = 6;
const timerLanes = TIMERS === 'lanes';
function schedule(now, delay, what, call) {
  const inLane = what === CANCELLED_TIMER ? timerLanes : HOP_LANES;
  if (inLane) {
    for (const lane of lanes) if (lane.delay === delay) return lanePush(lane, now + delay, what, call);
  }
  heapPush(now + delay, what, call);
}

let popTime = 0,
  popWhat = 0,
  popCall = 0;
function pop() {
  let best = null,
    bt = heapN > 0 ? hTime[0] : Infinity,
    bq = heapN > 0 ? hSeq[0] : Infinity;
  for (const lane of lanes) {
    if (lane.size === 0) continue;
    const t = lane.time[lane.head],
      q = lane.seq[lane.head];
    if (t < bt || (t === bt && q < bq)) {
      best = lane;
      bt = t;
      bq = q;
    }
  }
  if (bt === Infinity) return false;
  if (best === null) {
    popTime = hTime[0];
    popWhat = hWhat[0];
    popCall = hCall[0];
    heapPop();
  } else {
    const i = best.head;
    popTime = best.time[i];
    popWhat = best.what[i];
    popCall = best.call[i];
    best.head = (i + 1) & LANE_MASK;
    best.size--;
  }
  return true;
}

// Records for the calls in progress (about 15,000 in W1): call k uses slot k mod 32768.
const SLOTS = 32768;
const record = STATE > 0 ? new Int32Array((SLOTS * STATE) >> 2) : null;
let touched = 0;
function touch(call) {
  const base = ((call & (SLOTS - 1)) * STATE) >> 2;
  for (let l = 0; l < LINES; l++) {
    const i = base + ((Math.floor((l * STATE) / LINES / 64) * 64) >> 2);
    record[i] = record[i] + 1;
    touched += record[i];
  }
}
// Timers armed and cancelled per leg: an INVITE exchange arms 5, a BYE 2 (see the header).
function armTimers(now, call, invite) {
  if (TIMERS === 'none') return;
  if (invite) {
    schedule(now, 0.5, CANCELLED_TIMER, call);
    schedule(now, 32, CANCELLED_TIMER, call); // A, B
    schedule(now, 0.2, CANCELLED_TIMER, call); // Trying
    schedule(now, 0.5, CANCELLED_TIMER, call);
    schedule(now, 32, CANCELLED_TIMER, call); // 2xx retransmission, ACK wait
  } else {
    schedule(now, 0.5, CANCELLED_TIMER, call);
    schedule(now, 32, CANCELLED_TIMER, call); // E, F
  }
}

const hangupAt = new Float64Array(N);
const over = new Uint8Array(N);
let events = 0,
  refreshes = 0,
  completed = 0,
  started = 0;
heapPush(0, ARRIVE, 0);
const t0 = process.hrtime.bigint();
while (pop()) {
  const what = popWhat & 15,
    hop = popWhat >> 4,
    call = popCall,
    now = popTime;
  if (what === CANCELLED_TIMER) continue;
  events++;
  if (record !== null && what !== ARRIVE) touch(call);
  switch (what) {
    case ARRIVE:
      hangupAt[call] = now + exponential(HOLD);
      started++;
      if (started < N) heapPush(now + exponential(1 / RATE), ARRIVE, started);
      armTimers(now, call, true);
      schedule(now, HOP, INVITE_HOP | (1 << 4), call);
      break;
    case INVITE_HOP:
    case REINVITE_HOP:
      if (hop === 1) armTimers(now, call, true); // the second leg's exchange starts at the border element
      if (hop < 6) schedule(now, HOP, what | ((hop + 1) << 4), call);
      else if (!over[call]) {
        heapPush(now + REFRESH, REFRESH_DUE, call);
        if (what === INVITE_HOP) heapPush(hangupAt[call], HANGUP, call);
      }
      break;
    case REFRESH_DUE:
      if (over[call]) break;
      refreshes++;
      armTimers(now, call, true);
      schedule(now, HOP, REINVITE_HOP | (1 << 4), call);
      break;
    case HANGUP:
      over[call] = 1;
      armTimers(now, call, false);
      schedule(now, HOP, BYE_HOP | (1 << 4), call);
      break;
    case BYE_HOP:
      if (hop === 1) armTimers(now, call, false);
      if (hop < 4) schedule(now, HOP, BYE_HOP | ((hop + 1) << 4), call);
      else completed++;
      break;
  }
}
const secs = Number(process.hrtime.bigint() - t0) / 1e9;
console.log(
  JSON.stringify({
    impl: 'floor-bounds',
    timers: TIMERS,
    hopLanes: HOP_LANES,
    stateBytes: STATE,
    linesPerEvent: LINES,
    calls: N,
    completed,
    refreshes,
    events,
    secs: +secs.toFixed(3),
    callsPerSec: Math.round(N / secs),
    eventsPerSec: Math.round(events / secs),
    checksum: touched & 0xffff,
  }),
);
