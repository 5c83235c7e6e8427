// The run's headline figures. Call figures (outcomes, re-INVITE handling, refreshes, features)
// are accumulated call by call as calls end, counting only calls that arrived after the warm-up;
// time figures (messages, CPU) are the difference of two snapshots, at the end of the warm-up and
// at the end of the run. Memory does not grow with the number of calls. Keys of every map are
// written sorted, so the same run gives the same bytes. README.md documents each field.

import { FEATURES, type Call, type Feature } from '../elements/call.ts';
import type { CubeSimulation, RunCounters } from '../elements/simulation.ts';

type Count = Record<string, number>;

export interface Summary {
  experiment: string;
  seed: string | number;
  platform: string;
  config: string;
  partial: boolean;
  warmupSeconds: number;
  calls: { offered: number; completed: number; rejected: number; dropped: number; active: number };
  rejects: { byCause: Count };
  drops: { byCause: Count; byLeg: Count; bySide: Count };
  reinvites: {
    received: number;
    relayed: number;
    answeredLocally: number;
    rejected: number;
    glare: number;
    retried: number;
  };
  refreshes: { sent: number; succeeded: number; failed: number; skipped: number; postponed: number };
  features: Record<Feature, { attempted: number; succeeded: number; failed: number }>;
  messages: { sent: number; lost: number; retransmissions: number };
  borderElement: {
    cpuUtilisation: number;
    meanQueueDelayMs: number;
    maxQueueDelayMs: number;
    optionsPingsSent: number;
    refreshTransactionsPerSecond: { inbound: number; outbound: number };
  };
  events: number;
  simulatedSeconds: number;
}

/** A figure over replications: its mean and 95 % confidence interval (null when it cannot be computed). */
export interface Estimate {
  mean: number;
  ci95: [number, number] | null;
}

/** A shape with every number replaced by its estimate over replications (maps and nesting kept). */
export type Estimated<T> = T extends number ? Estimate : T extends object ? { [K in keyof T]: Estimated<T[K]> } : T;

/** The fields of a summary that name the run rather than measure it. */
type RunIdentity = 'experiment' | 'seed' | 'platform' | 'config' | 'partial' | 'warmupSeconds';

/** The summary of several replications: the identity of the run, and every figure as an estimate. */
export type ReplicatedSummary = Pick<Summary, RunIdentity> & {
  seeds: Array<string | number>;
  replications: number;
} & EstimatedFigures;

/** The measured part of a ReplicatedSummary. */
export type EstimatedFigures = Estimated<Omit<Summary, RunIdentity>>;

/** What summary.json holds: one replication's summary, or the combination of several. */
export type RunSummary = Summary | ReplicatedSummary;

/** One figure of a RunSummary: a count of one replication, or an estimate over several. */
export type Figure = number | Estimate;

/** The run-wide counters at one instant (time figures are differences of two of these). */
export interface Snapshot {
  time: number;
  events: number;
  counters: RunCounters;
  cpuBusySeconds: number;
  processedMessages: number;
  totalQueueDelay: number;
}

export function snapshot(sim: CubeSimulation): Snapshot {
  const p = sim.processor;
  return {
    time: sim.sim.now,
    events: sim.sim.events,
    counters: { ...sim.counters },
    cpuBusySeconds: p.busyDoneBy(sim.sim.now),
    processedMessages: p.messages,
    totalQueueDelay: p.totalQueueDelay,
  };
}

function sorted(c: Count): Count {
  const out: Count = {};
  for (const k of Object.keys(c).sort()) out[k] = c[k]!;
  return out;
}

function bump(c: Count, key: string): void {
  c[key] = (c[key] ?? 0) + 1;
}

function round(x: number, digits = 6): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

export class SummaryBuilder {
  private readonly calls = { offered: 0, completed: 0, rejected: 0, dropped: 0, active: 0 };
  private readonly rejects: Count = {};
  private readonly dropCause: Count = {};
  private readonly dropLeg: Count = {};
  private readonly dropSide: Count = {};
  private readonly reinvites = { received: 0, relayed: 0, answeredLocally: 0, rejected: 0, glare: 0, retried: 0 };
  private readonly refreshes = { sent: 0, succeeded: 0, failed: 0, skipped: 0, postponed: 0 };
  private readonly features = Object.fromEntries(
    FEATURES.map((f) => [f, { attempted: 0, succeeded: 0, failed: 0 }]),
  ) as Summary['features'];

  /** Calls that arrive before `warmup` (simulated seconds) are left out. */
  constructor(readonly warmup = 0) {}

  add(call: Call): void {
    if (call.arrivalAt < this.warmup) return;
    this.calls.offered++;
    switch (call.outcome) {
      case 'completed':
        this.calls.completed++;
        break;
      case 'rejected':
        this.calls.rejected++;
        bump(this.rejects, call.cause);
        break;
      case 'dropped':
        this.calls.dropped++;
        bump(this.dropCause, call.cause);
        bump(this.dropLeg, call.leg);
        bump(this.dropSide, call.side);
        break;
      case 'active':
        this.calls.active++;
        break;
    }
    const r = this.reinvites;
    for (const leg of [call.inbound, call.outbound]) {
      r.received += leg.received;
      r.relayed += leg.relayed;
      r.answeredLocally += leg.answeredLocally;
      r.rejected += leg.rejected;
      r.glare += leg.glare;
    }
    const n = call.counters;
    r.retried += call.retried + n.retriesAfterGlare;
    const f = this.refreshes;
    f.sent += n.refreshesSent;
    f.succeeded += n.refreshesSucceeded;
    f.failed += n.refreshesFailed;
    f.skipped += n.refreshesSkipped;
    f.postponed += n.refreshesPostponed;
    for (const x of call.features) {
      const s = this.features[x.feature];
      s.attempted++;
      if (x.status === 'succeeded') s.succeeded++;
      else s.failed++;
    }
  }

  build(
    meta: {
      experiment: string;
      seed: string | number;
      platform: string;
      config: string;
      partial: boolean;
      maxQueueDelay: number;
    },
    from: Snapshot,
    to: Snapshot,
  ): Summary {
    const t = to.time - from.time;
    const c = to.counters,
      c0 = from.counters;
    const msgs = to.processedMessages - from.processedMessages;
    return {
      experiment: meta.experiment,
      seed: meta.seed,
      platform: meta.platform,
      config: meta.config,
      partial: meta.partial,
      warmupSeconds: this.warmup,
      calls: { ...this.calls },
      rejects: { byCause: sorted(this.rejects) },
      drops: { byCause: sorted(this.dropCause), byLeg: sorted(this.dropLeg), bySide: sorted(this.dropSide) },
      reinvites: { ...this.reinvites },
      refreshes: { ...this.refreshes },
      features: this.features,
      messages: {
        sent: c.messagesSent - c0.messagesSent,
        lost: c.messagesLost - c0.messagesLost,
        retransmissions: c.retransmissions - c0.retransmissions,
      },
      borderElement: {
        cpuUtilisation: t > 0 ? round((to.cpuBusySeconds - from.cpuBusySeconds) / t) : 0,
        meanQueueDelayMs: msgs > 0 ? round((1000 * (to.totalQueueDelay - from.totalQueueDelay)) / msgs) : 0,
        maxQueueDelayMs: round(1000 * meta.maxQueueDelay),
        optionsPingsSent: c.optionsPingsSent - c0.optionsPingsSent,
        refreshTransactionsPerSecond: {
          inbound: t > 0 ? round((c.refreshRequestsInbound - c0.refreshRequestsInbound) / t) : 0,
          outbound: t > 0 ? round((c.refreshRequestsOutbound - c0.refreshRequestsOutbound) / t) : 0,
        },
      },
      events: to.events - from.events,
      simulatedSeconds: round(to.time),
    };
  }
}
