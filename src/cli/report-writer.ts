// report.html from a command: the report writer is loaded only when a report is asked for (it
// brings esbuild and d3), by report and by run, sweep and compare given --report.
import type { Interruption } from './interruption.ts';

/** Writes DIR/report.html and returns its path. */
export async function writeReport(dir: string, force = false): Promise<string> {
  return (await import('../report/render.ts')).writeReport(dir, force);
}

/**
 * --report once the results are written: skipped when the command was interrupted (the user asked
 * it to stop); otherwise written with Ctrl-C back to its default, since building a report cannot
 * stop halfway and keep anything (its file appears only when complete).
 */
export async function reportAfter(interruption: Interruption, dir: string): Promise<void> {
  if (interruption.interrupted) return;
  interruption.dispose();
  process.stdout.write(`  report      ${await writeReport(dir)}\n`);
}
