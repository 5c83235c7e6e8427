// The call population: when calls arrive, how long they last, who is at each end, and which
// mid-call features they use. Every draw is made at arrival from streams that nothing else
// touches, in a fixed number per call, so the same seed gives the same population whatever
// the border element's policy does to the calls (common random numbers).

import type { RandomStream } from '../kernel/random.ts';
import { FEATURES, type Feature } from './call.ts';

export type HoldingTime =
  | { distribution: 'exponential'; mean: number }
  | { distribution: 'lognormal'; mean: number; sd: number }
  | { distribution: 'fixed'; value: number };

export interface RateSegment {
  /** Seconds from the start of the period. */
  from: number;
  /** Calls per second from then on. */
  rate: number;
}

export interface ArrivalProcess {
  /** Calls per second when no profile is given. */
  rate: number;
  /** Piecewise-constant rate by time of day (or of the period). */
  profile?: RateSegment[];
  /** Length of the period the profile repeats over (86400 for a day); none = not repeated. */
  periodSeconds?: number;
}

export interface WeightedProfile {
  profile: string;
  weight: number;
}

export interface FeatureRate {
  /** Probability that a call uses the feature. */
  probability: number;
}

export interface WorkloadSpec {
  arrivals: ArrivalProcess;
  holding: HoldingTime;
  callers: WeightedProfile[];
  callees: WeightedProfile[];
  features: Record<Feature, FeatureRate>;
  /** Who hangs up at the end of the holding time. */
  hangup: 'caller' | 'callee' | 'either';
  /** Time from 180 Ringing to 200 OK (0: answered at once, no 180). */
  ringSeconds: number;
  /** Share of calls whose caller reaches the border element over H.323 instead of SIP. */
  h323Share: number;
}

export interface CallDraw {
  holding: number;
  callerProfile: string;
  calleeProfile: string;
  hangupBy: 'caller' | 'callee';
  /** The inbound leg is H.323 (the border element interworks it to SIP). */
  h323: boolean;
  /** In order of offset; the one shared empty list when the call has none (most calls). */
  features: ReadonlyArray<{ feature: Feature; offset: number }>;
}

const NO_FEATURES: ReadonlyArray<{ feature: Feature; offset: number }> = Object.freeze([]);

export class Population {
  private readonly callerWeights: number[];
  private readonly callerTotal: number;
  private readonly calleeWeights: number[];
  private readonly calleeTotal: number;

  constructor(
    readonly spec: WorkloadSpec,
    private readonly arrivals: RandomStream,
    private readonly holding: RandomStream,
    private readonly mix: RandomStream,
    private readonly features: RandomStream,
  ) {
    this.callerWeights = spec.callers.map((c) => c.weight);
    this.callerTotal = this.callerWeights.reduce((a, b) => a + b, 0);
    this.calleeWeights = spec.callees.map((c) => c.weight);
    this.calleeTotal = this.calleeWeights.reduce((a, b) => a + b, 0);
  }

  /**
   * Next arrival after `now` for a piecewise-constant rate: one unit exponential per arrival,
   * spent against the integrated rate (exact inversion, no thinning).
   */
  nextArrival(now: number): number {
    let e = this.arrivals.exponential(1);
    const a = this.spec.arrivals;
    const profile = a.profile;
    if (profile === undefined || profile.length === 0) return now + e / a.rate;
    // The profile starts at 0 (the schema requires it) and, with a period, repeats.
    const period = a.periodSeconds ?? Infinity;
    let t = now;
    for (;;) {
      const base = period === Infinity ? 0 : Math.floor(t / period) * period;
      const within = t - base;
      let i = profile.length - 1;
      while (i > 0 && profile[i]!.from > within) i--;
      const rate = profile[i]!.rate;
      const end = base + (i + 1 < profile.length ? profile[i + 1]!.from : period);
      const span = end - t;
      if (rate > 0 && e <= rate * span) return t + e / rate;
      if (span === Infinity) return Infinity;
      e -= rate * span;
      t = end;
    }
  }

  /** The rest of a call's attributes, drawn at its arrival. */
  drawCall(): CallDraw {
    const s = this.spec;
    const h = s.holding;
    let holding: number;
    switch (h.distribution) {
      case 'exponential':
        holding = this.holding.exponential(h.mean);
        break;
      case 'lognormal':
        holding = this.holding.lognormal(h.mean, h.sd);
        break;
      case 'fixed':
        holding = h.value;
        this.holding.uniform();
        break;
    }
    const caller = s.callers[this.mix.weighted(this.callerWeights, this.callerTotal)]!.profile;
    const callee = s.callees[this.mix.weighted(this.calleeWeights, this.calleeTotal)]!.profile;
    const coin = this.mix.uniform();
    const hangupBy = s.hangup === 'either' ? (coin < 0.5 ? 'caller' : 'callee') : s.hangup;
    const h323 = this.mix.uniform() < s.h323Share;
    let features: Array<{ feature: Feature; offset: number }> | null = null;
    for (const f of FEATURES) {
      const use = this.features.uniform() < s.features[f].probability;
      const at = this.features.between(0.1, 0.9);
      if (use) (features ??= []).push({ feature: f, offset: at * holding });
    }
    features?.sort((x, y) => x.offset - y.offset);
    return { holding, callerProfile: caller, calleeProfile: callee, hangupBy, h323, features: features ?? NO_FEATURES };
  }
}
