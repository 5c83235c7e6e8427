// A fixed-bin histogram accumulated value by value: memory does not grow with the count.
import type { Histogram } from '../results/series.ts';

export class HistogramBuilder {
  private readonly counts: number[];
  private over = 0;

  constructor(
    readonly start: number,
    readonly binWidth: number,
    bins: number,
    readonly unit: string,
    readonly label: string,
  ) {
    this.counts = new Array<number>(bins).fill(0);
  }

  add(x: number): void {
    const i = Math.floor((x - this.start) / this.binWidth);
    if (i < 0) this.counts[0]!++;
    else if (i >= this.counts.length) this.over++;
    else this.counts[i]!++;
  }

  toJSON(): Histogram {
    return {
      start: this.start,
      binWidth: this.binWidth,
      counts: [...this.counts],
      over: this.over,
      unit: this.unit,
      label: this.label,
    };
  }
}
