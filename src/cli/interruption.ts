// Ctrl-C and SIGTERM while a command computes: the first one asks the command to stop where it
// can and keep what it finished (exit 130); a second one stops at once (the results folder being
// written is removed on exit, so nothing half-written stays).

export class Interruption {
  private readonly controller = new AbortController();
  /** The signal that stopped the command, once one came. */
  received: NodeJS.Signals | undefined;

  private readonly onSignal = (s: NodeJS.Signals): void => {
    if (this.received !== undefined) {
      process.stderr.write(`\ncubesim: ${s} again: stopped at once, nothing more written\n`);
      process.exit(130);
    }
    this.received = s;
    this.controller.abort();
  };

  constructor() {
    process.on('SIGINT', this.onSignal);
    process.on('SIGTERM', this.onSignal);
  }

  /** Aborted when the first signal comes (for pools and loops that take an AbortSignal). */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  get interrupted(): boolean {
    return this.received !== undefined;
  }

  /** The one line said on stderr when the command stops early. */
  report(what: string): void {
    process.stderr.write(`cubesim: interrupted by ${this.received ?? 'a signal'}: ${what}\n`);
  }

  dispose(): void {
    process.off('SIGINT', this.onSignal);
    process.off('SIGTERM', this.onSignal);
  }
}

/** Runs `body` with an Interruption that is removed afterwards. */
export async function withInterruption<T>(body: (i: Interruption) => Promise<T>): Promise<T> {
  const i = new Interruption();
  try {
    return await body(i);
  } finally {
    i.dispose();
  }
}
