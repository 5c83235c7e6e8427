// Randomness comes only from here. Each named stream is an independent seedrandom generator
// seeded from the experiment seed and the stream's name, so drawing more from one stream (say,
// network loss after a policy change) never shifts another (arrivals, holding times): the
// common-random-numbers basis of a fair A/B comparison.
import seedrandom from 'seedrandom';

export class RandomStream {
  private readonly next: () => number;

  constructor(seed: string | number, name: string) {
    // alea: seedrandom's fast generator; the state depends only on the seed string.
    this.next = seedrandom.alea(`cubesim/${seed}/${name}`);
  }

  /** Uniform on [0, 1). */
  uniform(): number {
    return this.next();
  }

  between(lo: number, hi: number): number {
    return lo + (hi - lo) * this.next();
  }

  /** Uniform on [lo, hi] in whole steps of `step` (RFC 3261 §14.1 back-off uses 10 ms units). */
  steps(lo: number, hi: number, step: number): number {
    const n = Math.round((hi - lo) / step);
    return lo + step * Math.floor(this.next() * (n + 1));
  }

  exponential(mean: number): number {
    return -Math.log(1 - this.next()) * mean;
  }

  normal(mean: number, sd: number): number {
    // Box-Muller, one variate per call so the stream consumption stays fixed (two uniforms).
    const u = 1 - this.next();
    const v = this.next();
    return mean + sd * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** Lognormal given the mean and standard deviation of the variate itself. */
  lognormal(mean: number, sd: number): number {
    const s2 = Math.log(1 + (sd * sd) / (mean * mean));
    return Math.exp(this.normal(Math.log(mean) - s2 / 2, Math.sqrt(s2)));
  }

  bernoulli(p: number): boolean {
    return this.next() < p;
  }

  /** Index drawn with probability proportional to weights[i]. */
  weighted(weights: readonly number[], total: number): number {
    let x = this.next() * total;
    for (let i = 0; i < weights.length; i++) {
      x -= weights[i]!;
      if (x < 0) return i;
    }
    return weights.length - 1;
  }
}

/** Names every stream the model uses; one place, so two uses cannot share a stream by accident. */
export const Streams = {
  arrivals: 'arrivals',
  holding: 'holding',
  mix: 'mix',
  features: 'features',
  /** Per call: network loss and jitter on its two legs. */
  network: (call: number) => `network/${call}`,
  /** Per call: 491 back-off and Retry-After draws. */
  backoff: (call: number) => `backoff/${call}`,
  /** Per call: switchable defects that fire with a probability (the border element's own, CSCun31375). */
  defects: (call: number) => `defects/${call}`,
} as const;
