// One run of the model: the border element, the arrival process, and for every call its four
// parties (caller, the border element's inbound and outbound sides, callee) joined by two
// network legs. Pure: no files, no wall clock; results leave through the `onCall` sink and
// the counters, so the same code runs in the CLI, a browser page and the tests.

import { Priority, Simulator, type ScheduledEventTarget } from '../kernel/simulator.ts';
import { Fingerprint, type WordFolder } from '../kernel/fingerprint.ts';
import { LegTimerChecks } from './timer-checks.ts';
import { RandomStream, Streams } from '../kernel/random.ts';
import type { BorderElementConfig } from '../config/types.ts';
import type { Platform } from '../config/platform.ts';
import type { DialogCounters } from '../sip/dialog.ts';
import { PortSite } from '../sip/port.ts';
import { SpareAcks } from '../sip/message.ts';
import { LingerTable } from '../sip/linger-table.ts';
import { Transaction, type SipTimerSettings } from '../sip/transaction.ts';
import { BorderElement, type BorderElementCounters } from './border-element.ts';
import type { BorderElementCall } from './border-element-call.ts';
import { CallParts, CallPartsQueue, type CallCast, type CallPartsSite } from './call-parts.ts';
import { newBorderElementCounters } from './border-element-counters.ts';
import { addDialogCounters, Call, newDialogCounters, NO_CALL_PLAN, type CallEnvironment } from './call.ts';
import { EndpointParty, type FeatureSettings } from './endpoint-party.ts';
import { timerBehaviourOf, type BorderElementModel, type EndpointProfile } from './models.ts';
import { LegNetwork, Processor, type LinkObserver, type LinkSettings, type NetworkCounters } from './network.ts';
import { Population, type WorkloadSpec } from './workload.ts';
import type { TimerBehaviour } from '../sip/dialog.ts';
import { Invariants } from '../kernel/invariants.ts';

export interface SimulationSpec {
  seed: string | number;
  platform: Platform;
  config: BorderElementConfig;
  borderElement: BorderElementModel;
  /** Endpoint profiles by id, defects already applied. */
  profiles: Record<string, EndpointProfile>;
  workload: WorkloadSpec;
  network: { inbound: LinkSettings; outbound: LinkSettings };
  sip: SipTimerSettings;
  features: FeatureSettings;
  /** Check protocol and bookkeeping invariants while running (--check). */
  check?: boolean;
}

export interface StopRule {
  /** Number of calls offered (arrivals). */
  calls?: number;
  /** No arrivals after this simulated time, and the run stops there. */
  until?: number;
}

export interface RunCounters extends DialogCounters, BorderElementCounters, NetworkCounters {}

function newCounters(): RunCounters {
  return {
    ...newDialogCounters(),
    ...newBorderElementCounters(),
    messagesSent: 0,
    messagesLost: 0,
    retransmissions: 0,
    refreshRequestsInbound: 0,
    refreshRequestsOutbound: 0,
  };
}

const ARRIVAL = 1;

export class CubeSimulation implements CallEnvironment, CallPartsSite, ScheduledEventTarget {
  readonly sim = new Simulator();
  readonly counters: RunCounters = newCounters();
  /** Hash of everything that crossed the network and every outcome, in order. */
  readonly fingerprint: Fingerprint;
  readonly invariants: Invariants;
  private reported = 0;
  private outcomes = { completed: 0, rejected: 0, dropped: 0 };
  readonly processor: Processor;
  readonly borderElement: BorderElement;
  private readonly population: Population;
  private readonly behaviours = new Map<string, TimerBehaviour>();
  /** Calls not yet finished, by index (insertion order = index order), each by its parts. */
  private readonly live = new Map<number, CallParts>();
  /** Finished calls' parts, until a new call may have them (call-parts.ts). */
  private readonly resting: CallPartsQueue;
  /** A new call takes a finished call's parts when it can (false: always new ones; tests compare the two). */
  reuseCallParts = true;
  /** Calls that were given a finished call's parts. */
  callPartsReused = 0;
  readonly callerSite: PortSite;
  readonly cubeInSite: PortSite;
  readonly cubeOutSite: PortSite;
  readonly calleeSite: PortSite;
  /** Who each profile's caller and callee are (see EndpointParty), by profile id. */
  private readonly callers = new Map<string, EndpointParty>();
  private readonly callees = new Map<string, EndpointParty>();
  private gateway: EndpointParty | null = null;
  readonly inboundLeg: LegNetwork;
  readonly outboundLeg: LegNetwork;
  /** The transactions' waits for retransmissions after a 2xx, across the run (see linger-table.ts). */
  private readonly lingers = new LingerTable();
  private branch = 0;
  private offered = 0;
  private maxCalls = Infinity;
  private until = Infinity;
  private arrivalsOver = false;
  /** Calls whose messages and timers are recorded (for traces). */
  readonly traced = new Set<number>();
  /** The calls with an index below this are recorded too (the first N calls, whatever N, with no set of N numbers). */
  tracedBelow = 0;
  /** When set, the run stops as soon as this call is over (tracing one call). */
  stopAfterCall = -1;
  private stopped = false;

  /** Receives each call once, when it is over (or, at the end of the run, as it stands). */
  onCall: (call: Call) => void = () => {};
  /** Receives each call when its outcome becomes known (the record onCall gets later: the same rule on keeping it). */
  onCallOutcome: (call: Call) => void = () => {};
  /** Receives the time from each refresh falling due to its 2xx. */
  onRefreshAnswered: (delay: number) => void = () => {};

  constructor(
    readonly spec: SimulationSpec,
    /** Where the fingerprint's words are folded (this thread when not given). */
    folder?: WordFolder,
  ) {
    this.fingerprint = new Fingerprint(folder);
    const seed = spec.seed;
    this.invariants = new Invariants(spec.check === true);
    this.sim.strictCancels = this.invariants.enabled;
    const capacity = spec.platform.capacity;
    this.processor = new Processor(this.sim, capacity.cpuMsPerMessage.value / 1000, capacity.cpuAdmissionPercent.value);
    this.borderElement = new BorderElement(
      this.sim,
      spec.config,
      spec.platform,
      spec.borderElement,
      this.processor,
      this.counters,
    );
    this.population = new Population(
      spec.workload,
      new RandomStream(seed, Streams.arrivals),
      new RandomStream(seed, Streams.holding),
      new RandomStream(seed, Streams.mix),
      new RandomStream(seed, Streams.features),
    );
    for (const [id, p] of Object.entries(spec.profiles)) {
      const b = timerBehaviourOf(p);
      this.behaviours.set(id, b);
      this.callers.set(id, new EndpointParty('caller', p, b, spec.features, 0));
      this.callees.set(id, new EndpointParty('callee', p, b, spec.features, spec.workload.ringSeconds));
    }
    const leg = (which: 'inbound' | 'outbound', processedEnd: 'a' | 'b') =>
      new LegNetwork({
        sim: this.sim,
        settings: spec.network[which],
        counters: this.counters,
        processor: this.processor,
        processedEnd,
        leg: which,
        fingerprint: this.fingerprint,
        invariants: this.invariants,
      });
    // One store of spare ACKs for every party: the one that sends an ACK is not the one that receives it.
    const acks = new SpareAcks();
    this.callerSite = new PortSite(this.sim, spec.sip, 'caller', this.lingers, acks);
    this.cubeInSite = new PortSite(this.sim, spec.sip, 'cube-in', this.lingers, acks);
    this.cubeOutSite = new PortSite(this.sim, spec.sip, 'cube-out', this.lingers, acks);
    this.calleeSite = new PortSite(this.sim, spec.sip, 'callee', this.lingers, acks);
    // The border element is the `a` end of the outbound leg and the `b` end of the inbound one.
    this.inboundLeg = leg('inbound', 'b');
    this.outboundLeg = leg('outbound', 'a');
    const restingCall = new Call(this, -1, 0, NO_CALL_PLAN);
    // Under --check, parts said to be idle are checked against the event queue itself: it counts
    // pending events by target, a transaction's under its port.
    if (this.invariants.enabled) this.sim.countPendingBy((t) => (t instanceof Transaction ? t.host : t));
    const checkIdle = (parts: CallParts): void => {
      let pending = 0;
      parts.forEachTarget((t) => (pending += this.sim.pendingFor(t)));
      if (pending > 0)
        this.invariants.fail(
          parts.cube.call.index,
          this.sim.now,
          `a finished call's parts were found idle with ${pending} event(s) of theirs still pending: another call would have had them`,
        );
    };
    this.resting = new CallPartsQueue(64 * spec.sip.T1, restingCall, this.invariants.enabled ? checkIdle : null);
  }

  get offeredCalls(): number {
    return this.offered;
  }

  get activeCalls(): number {
    return this.live.size;
  }

  /**
   * Whether the record of an untraced call, once the call is over and its parts let go of it, may
   * become a later call's (Call.reuse): only when whoever receives calls (`onCall`) copies what it
   * keeps. Off unless asked for; replicationSteps asks when it can.
   */
  get reuseCallRecords(): boolean {
    return this.resting.keepsRecords;
  }

  set reuseCallRecords(on: boolean) {
    this.resting.keepsRecords = on;
  }

  /** Finished calls' parts not yet taken by a new call. */
  get restingCallParts(): number {
    return this.resting.size;
  }

  /** Finished calls' parts not yet seen idle: each still keeps its call. */
  get callPartsWaiting(): number {
    return this.resting.waitingCount;
  }

  // ---- CallEnvironment -------------------------------------------------------------------

  newBranch(): number {
    return ++this.branch;
  }

  backoffStream(call: number): RandomStream {
    return new RandomStream(this.spec.seed, Streams.backoff(call));
  }

  defectStream(call: number): RandomStream {
    return new RandomStream(this.spec.seed, Streams.defects(call));
  }

  onOutcome(call: Call): void {
    if (call.outcome !== 'active') this.outcomes[call.outcome]++;
    const f = this.fingerprint;
    f.int(call.index);
    f.text(call.outcome);
    f.text(call.cause);
    f.text(call.leg);
    f.text(call.side);
    f.int(call.status);
    this.onCallOutcome(call);
  }

  onCallFinished(call: Call): void {
    const parts = this.live.get(call.index);
    if (parts === undefined) return;
    this.live.delete(call.index);
    parts.cube.finish();
    this.report(call, parts.cube);
    if (this.reuseCallParts) this.resting.add(parts, this.sim.now);
  }

  private report(call: Call, cube: BorderElementCall): void {
    this.reported++;
    cube.recordLegs();
    addDialogCounters(this.counters, call.counters);
    // The rest of the call's fate: what became of each feature it tried.
    const f = this.fingerprint;
    f.int(call.index);
    f.int(call.features.length);
    for (const x of call.features) {
      f.text(x.feature);
      f.text(x.status);
      f.text(x.reason);
    }
    this.onCall(call);
    if (call.index === this.stopAfterCall) {
      this.stopped = true;
      this.sim.stop();
    }
  }

  // ---- arrivals ----------------------------------------------------------------------------

  onEvent(kind: number): void {
    if (kind !== ARRIVAL) return;
    this.startCall(this.offered++);
    this.scheduleArrival();
  }

  private scheduleArrival(): void {
    if (this.offered >= this.maxCalls) {
      this.arrivalsOver = true;
      return;
    }
    const t = this.population.nextArrival(this.sim.now);
    if (t > this.until) {
      this.arrivalsOver = true;
      return;
    }
    this.sim.at(t, this, ARRIVAL, Priority.arrival);
  }

  /** The border element as the SIP caller of a call from H.323 (gateway), made once per run. */
  private gatewayParty(): EndpointParty {
    if (this.gateway === null) {
      const profile = this.borderElement.gatewayProfile();
      this.gateway = new EndpointParty('caller', profile, timerBehaviourOf(profile), this.spec.features, 0, {
        side: 'border-element',
        leg: 'outbound',
      });
    }
    return this.gateway;
  }

  private startCall(index: number): void {
    const spec = this.spec;
    const now = this.sim.now;
    const draw = this.population.drawCall();
    let parts = this.resting.take(now);
    const call = parts?.reuseCall(index, now, draw) ?? new Call(this, index, now, draw);
    const net = spec.network;
    const noisy = net.inbound.loss > 0 || net.inbound.jitter > 0 || net.outbound.loss > 0 || net.outbound.jitter > 0;
    const cast: CallCast = {
      call,
      callee: this.callees.get(draw.calleeProfile)!,
      // H.323 caller: no SIP on the inbound leg; the border element is the SIP caller (gateway).
      caller: draw.h323 ? this.gatewayParty() : this.callers.get(draw.callerProfile)!,
      h323: draw.h323,
      random: noisy ? new RandomStream(spec.seed, Streams.network(index)) : null,
    };
    if (parts !== null) {
      parts.fit(cast);
      this.callPartsReused++;
    } else parts = new CallParts(this, cast);
    const { cube, caller } = parts;
    const links = draw.h323 ? [parts.outLink] : [parts.outLink, parts.inLink];
    if (this.invariants.enabled) {
      const parties = [
        this.borderElement.legBehaviour,
        this.behaviours.get(draw.calleeProfile)!,
        draw.h323 ? caller.behaviour : this.behaviours.get(draw.callerProfile)!,
      ];
      const rules = {
        minSe: parties.every((b) => !b.ignoreMinSeWithoutSe),
        refresher: parties.every((b) => b.reading === 'transaction'),
      };
      for (const l of links) l.timerChecks = new LegTimerChecks(this.invariants, index, rules);
    }
    if (index < this.tracedBelow || this.traced.has(index)) {
      call.enableTrace((d) => d.port.name);
      const observer: LinkObserver = {
        onCarry: (t, from, to, m, lost, at) => call.traceMessage(t, from.name, to.name, m, lost, at),
      };
      for (const l of links) l.observer = observer;
    }
    this.live.set(index, parts);
    if (draw.h323 && !cube.admitH323()) return;
    caller.start();
  }

  // ---- running -------------------------------------------------------------------------------

  /** Sets the stop rule and schedules the first arrival. */
  begin(stop: StopRule): void {
    this.maxCalls = stop.calls ?? Infinity;
    this.until = stop.until ?? Infinity;
    if (this.maxCalls === Infinity && this.until === Infinity)
      throw new Error('a run needs a number of calls or an end time');
    if (this.offered === 0 && !this.arrivalsOver) this.scheduleArrival();
  }

  /** Runs up to `sliceSeconds` more of simulated time; 'done' when the stop rule is met. */
  advance(sliceSeconds = Infinity): 'more' | 'done' {
    const target = Math.min(this.until, this.sim.now + sliceSeconds);
    const reason = this.sim.run({ until: target });
    return reason === 'drained' || this.stopped || target >= this.until ? 'done' : 'more';
  }

  /** Ends the run: calls still in progress are reported as they stand, in index order. */
  end(): void {
    if (this.invariants.enabled) this.checkEnd();
    this.flushLive();
  }

  /** At the end: every call reported once, and the counts add up. */
  private checkEnd(): void {
    const inv = this.invariants;
    const drained = this.sim.pending === 0 && this.arrivalsOver;
    for (const { cube } of this.live.values()) {
      const call = cube.call;
      // With nothing left to happen, a call still open is one that will never end.
      if (drained)
        inv.fail(
          call.index,
          this.sim.now,
          `the call never ended: outcome ${call.outcome}${call.endedAt >= 0 ? ` at ${call.endedAt.toFixed(3)} s` : ''} but ${call.dialogsOpen} dialog(s) still open and nothing left to happen`,
        );
    }
    const o = this.outcomes;
    const active = [...this.live.values()].filter((x) => x.cube.call.outcome === 'active').length;
    if (o.completed + o.rejected + o.dropped + active !== this.offered) {
      inv.fail(
        -1,
        this.sim.now,
        `counts do not add up: offered ${this.offered} != completed ${o.completed} + rejected ${o.rejected} + dropped ${o.dropped} + active ${active}`,
      );
    }
    if (this.reported + this.live.size !== this.offered)
      inv.fail(
        -1,
        this.sim.now,
        `calls reported ${this.reported} + still live ${this.live.size} != offered ${this.offered}`,
      );
  }

  /**
   * Runs to the stop rule: with `calls`, that many arrivals and then until every call is over;
   * with `until`, up to that simulated time.
   */
  run(stop: StopRule): void {
    this.begin(stop);
    this.advance();
    this.end();
  }

  /** Calls still going at the end are reported as they stand, in index order. */
  private flushLive(): void {
    for (const { cube } of this.live.values()) this.report(cube.call, cube);
    this.live.clear();
  }
}
