// Ctrl-C and SIGTERM while a command computes: the first one asks the command to stop where it
// can and keep what it finished (exit 130); a second one stops at once (the results folder being
// written is removed on exit, so nothing half-written stays).

const SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

export class Interruption {
  private readonly controller = new AbortController();
  /** The signal that stopped the command, once one came. */
  received: NodeJS.Signals | undefined;

  private readonly onSignal = (s: NodeJS.Signals): void => {
    if (this.received !== undefined) {
      // On a terminal the progress line is cleared first; in a log file the message is one line.
      process.stderr.write(
        `${process.stderr.isTTY === true ? '\r\x1b[K' : ''}cubesim: ${s} again: stopped at once, nothing more written\n`,
      );
      process.exit(130);
    }
    this.received = s;
    this.controller.abort();
  };

  constructor() {
    // SIGHUP too: a closed terminal or a dropped SSH session stops the command the same way.
    for (const s of SIGNALS) process.on(s, this.onSignal);
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
    for (const s of SIGNALS) process.off(s, this.onSignal);
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
