// How far a long command is, on stderr: redrawn in place on a terminal, one line per tenth of
// the work for a log file (--progress lines: job arrays, CI), or not at all. Progress never
// goes to stdout.
import type { LoadedExperiment } from '../experiment/load.ts';
import type { Progress } from '../experiment/run.ts';

export const PROGRESS_MODES = ['auto', 'lines', 'none'] as const;
export type ProgressMode = (typeof PROGRESS_MODES)[number];

export class ProgressDisplay {
  private readonly style: 'terminal' | 'lines' | 'none';
  private lastDraw = -Infinity;
  private lastTenth = -1;
  private drawn = false;

  constructor(mode: ProgressMode, isTerminal = process.stderr.isTTY === true) {
    this.style = mode === 'auto' ? (isTerminal ? 'terminal' : 'none') : mode;
  }

  /**
   * Shows `text` for work `done` (0-1): on a terminal at most every 200 ms; as lines, once per
   * tenth of the work. A `milestone` (a point finished, another run started) is always shown.
   */
  show(text: string, done: number, milestone = false): void {
    if (this.style === 'none') return;
    if (this.style === 'terminal') {
      const now = performance.now();
      if (!milestone && now - this.lastDraw < 200) return;
      this.lastDraw = now;
      process.stderr.write(`\r\x1b[K${text}`);
      this.drawn = true;
      return;
    }
    const tenth = Math.floor(Math.min(1, Math.max(0, done)) * 10);
    if (!milestone && tenth <= this.lastTenth) return;
    this.lastTenth = milestone ? -1 : tenth;
    process.stderr.write(`${text.trimStart()}\n`);
  }

  /** Clears the terminal line, so that what follows starts on a clean line. */
  clear(): void {
    if (this.drawn) process.stderr.write('\r\x1b[K');
    this.drawn = false;
  }
}

/** The display the --progress option asks for (a global option: its value reaches commands untyped). */
export function progressDisplay(mode: unknown): ProgressDisplay {
  return new ProgressDisplay(PROGRESS_MODES.includes(mode as ProgressMode) ? (mode as ProgressMode) : 'auto');
}

/** The share of a run done (0-1): its calls, or its simulated time, over every replication. */
export function shareDone(p: Progress, e: LoadedExperiment['experiment']): number {
  const within =
    e.calls !== undefined ? p.finished / e.calls : e.until !== undefined ? p.simulatedSeconds / e.until : 0;
  return (p.replication + Math.min(1, within)) / p.replications;
}

/** The progress line of a run: calls done (of `total` when known), calls active, simulated time. */
export function progressLine(p: Progress, total: number | undefined): string {
  const of = total === undefined ? '' : `/${total}`;
  const rep = p.replications > 1 ? `replication ${p.replication + 1}/${p.replications}: ` : '';
  return `  ${rep}${p.finished}${of} calls done, ${p.active} active, t=${p.simulatedSeconds.toFixed(0)} s simulated`;
}
