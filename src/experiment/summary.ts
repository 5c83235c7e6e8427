// The run's headline figures, accumulated call by call as calls end (memory does not grow with
// the number of calls). Keys of every map are written sorted, so the same run gives the same
// bytes. README.md documents each field.

import { FEATURES, type Call, type Feature } from '../elements/call.ts';
import type { RunCounters } from '../elements/simulation.ts';

type Count = Record<string, number>;

export interface Summary {
  experiment: string;
  seed: string | number;
  platform: string;
  config: string;
  partial: boolean;
  calls: { offered: number; completed: number; rejected: number; dropped: number; active: number };
  rejects: { byCause: Count };
  drops: { byCause: Count; byLeg: Count; bySide: Count };
  reinvites: { received: number; relayed: number; answeredLocally: number; rejected: number; glare: number; retried: number };
  refreshes: { sent: number; succeeded: number; failed: number; skipped: number; postponed: number };
  features: Record<Feature, { attempted: number; succeeded: number; failed: number }>;
  messages: { sent: number; lost: number; retransmissions: number };
  borderElement: { cpuUtilisation: number; meanQueueDelayMs: number; maxQueueDelayMs: number; admissionRejects: number; optionsPingsSent: number };
  events: number;
  simulatedSeconds: number;
}

function sorted(c: Count): Count {
  const out: Count = {};
  for (const k of Object.keys(c).sort()) out[k] = c[k]!;
  return out;
}

function bump(c: Count, key: string): void {
  c[key] = (c[key] ?? 0) + 1;
}

export class SummaryBuilder {
  private readonly calls = { offered: 0, completed: 0, rejected: 0, dropped: 0, active: 0 };
  private readonly rejects: Count = {};
  private readonly dropCause: Count = {};
  private readonly dropLeg: Count = {};
  private readonly dropSide: Count = {};
  private retried = 0;
  private readonly features = Object.fromEntries(FEATURES.map((f) => [f, { attempted: 0, succeeded: 0, failed: 0 }])) as Summary['features'];

  add(call: Call): void {
    this.calls.offered++;
    switch (call.outcome) {
      case 'completed': this.calls.completed++; break;
      case 'rejected': this.calls.rejected++; bump(this.rejects, call.cause); break;
      case 'dropped':
        this.calls.dropped++;
        bump(this.dropCause, call.cause);
        bump(this.dropLeg, call.leg);
        bump(this.dropSide, call.side);
        break;
      case 'active': this.calls.active++; break;
    }
    this.retried += call.retried;
    for (const f of call.features) {
      const s = this.features[f.feature];
      s.attempted++;
      if (f.status === 'succeeded') s.succeeded++;
      else s.failed++;
    }
  }

  build(meta: { experiment: string; seed: string | number; platform: string; config: string; partial: boolean; events: number; simulatedSeconds: number; cpuBusySeconds: number; processedMessages: number; maxQueueDelay: number; totalQueueDelay: number }, c: RunCounters): Summary {
    const t = meta.simulatedSeconds;
    return {
      experiment: meta.experiment,
      seed: meta.seed,
      platform: meta.platform,
      config: meta.config,
      partial: meta.partial,
      calls: { ...this.calls },
      rejects: { byCause: sorted(this.rejects) },
      drops: { byCause: sorted(this.dropCause), byLeg: sorted(this.dropLeg), bySide: sorted(this.dropSide) },
      reinvites: {
        received: c.reinvitesReceived,
        relayed: c.reinvitesRelayed,
        answeredLocally: c.reinvitesAnsweredLocally,
        rejected: c.reinvitesRejected,
        glare: c.reinvitesGlare,
        retried: this.retried + c.retriesAfterGlare,
      },
      refreshes: { sent: c.refreshesSent, succeeded: c.refreshesSucceeded, failed: c.refreshesFailed, skipped: c.refreshesSkipped, postponed: c.refreshesPostponed },
      features: this.features,
      messages: { sent: c.messagesSent, lost: c.messagesLost, retransmissions: c.retransmissions },
      borderElement: {
        cpuUtilisation: t > 0 ? round(meta.cpuBusySeconds / t, 6) : 0,
        meanQueueDelayMs: meta.processedMessages > 0 ? round((1000 * meta.totalQueueDelay) / meta.processedMessages, 6) : 0,
        maxQueueDelayMs: round(1000 * meta.maxQueueDelay, 6),
        admissionRejects: c.admissionRejects,
        optionsPingsSent: c.optionsPingsSent,
      },
      events: meta.events,
      simulatedSeconds: round(t, 6),
    };
  }
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
