// A long run interrupted with SIGINT or SIGTERM keeps what it computed, marked partial, exit 130;
// what it kept is what the same run gives uninterrupted.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import type { Summary } from '../src/results/summary.ts';
import { load, readJson, run, type RunManifest } from './helpers.ts';

/** The results folder's temporary sibling, while the run writes it (undefined before and after). */
function partialDir(out: string): string | undefined {
  const parent = join(out, '..');
  const name = readdirSync(parent).find((f) => f.includes('.partial'));
  return name === undefined ? undefined : join(parent, name);
}

/** The run is under way once its temporary results folder exists: signal 1.5 s after that. */
const underWay = (out: string) => partialDir(out) !== undefined;

/**
 * Runs `cubesim run <args> --out <out>` and sends `signal` 1.5 s after `ready(out)` first holds
 * (checked every 100 ms).
 */
function interruptedRun(
  signal: NodeJS.Signals,
  out: string,
  args: string[] = ['experiments/bench-w1.json', '--calls', '400000'],
  ready: (out: string) => boolean = underWay,
  delay = 1500,
): Promise<{ code: number | null; stdout: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['bin/cubesim.mjs', 'run', ...args, '--out', out], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    child.stdout.on('data', (d) => (stdout += String(d)));
    const timer = setInterval(() => {
      if (ready(out)) {
        clearInterval(timer);
        setTimeout(() => child.kill(signal), delay);
      }
    }, 100);
    child.on('exit', (code) => {
      clearInterval(timer);
      resolve({ code, stdout });
    });
  });
}

/** Runs `cubesim run <args> --out <out>` to the end. */
function fullRun(out: string, args: string[]): Promise<number | null> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['bin/cubesim.mjs', 'run', ...args, '--out', out], { stdio: 'ignore' });
    child.on('exit', (code) => resolve(code));
  });
}

type Row = Record<string, string>;
const callRows = (dir: string) => parse<Row>(readFileSync(join(dir, 'calls.csv'), 'utf8'), { columns: true });
const fingerprint = (dir: string) => readJson<RunManifest>(join(dir, 'manifest.json')).fingerprint;

describe.each(['SIGINT', 'SIGTERM'] as const)('%s during a run', (signal) => {
  it('keeps the calls computed so far, marked partial, and exits 130', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'cubesim-int-')), 'r');
    const r = await interruptedRun(signal, out);
    expect(r.code).toBe(130);
    expect(r.stdout).toContain('PARTIAL: interrupted');
    const s = readJson<Summary>(join(out, 'summary.json'));
    expect(s.partial).toBe(true);
    expect(s.calls.offered).toBeGreaterThan(0);
    expect(s.calls.offered).toBeLessThan(400000);
    expect(s.calls.offered).toBe(s.calls.completed + s.calls.rejected + s.calls.dropped + s.calls.active);
    const rows = readFileSync(join(out, 'calls.csv'), 'utf8').trim().split('\n').length - 1;
    expect(rows).toBe(s.calls.offered);
    expect(existsSync(join(out, 'manifest.json'))).toBe(true);
    expect(readdirSync(join(out, '..')).filter((f) => f.includes('.partial'))).toEqual([]);
  });
});

describe('an interrupted run, run again with the same seed', () => {
  // W1 (50 calls/s, refreshes every 90 s) with fewer calls and another seed.
  const CALLS = 10000;
  const args = ['experiments/bench-w1.json', '--calls', String(CALLS), '--seed', '7'];

  it('gives the same rows for every call the interrupted run finished, and the fingerprint of a direct run', async () => {
    const base = mkdtempSync(join(tmpdir(), 'cubesim-int-'));
    const partial = join(base, 'partial');
    // Interrupt once some 600 calls have finished (about 100 kB of calls.csv written): mid-run.
    const someWritten = (out: string) => {
      const dir = partialDir(out);
      if (dir === undefined) return false;
      try {
        return statSync(join(dir, 'calls.csv')).size >= 100_000;
      } catch {
        return false;
      }
    };
    const r = await interruptedRun('SIGINT', partial, args, someWritten, 0);
    expect(r.code).toBe(130);
    const s = readJson<Summary>(join(partial, 'summary.json'));
    expect(s.partial).toBe(true);

    const again = join(base, 'again');
    expect(await fullRun(again, args)).toBe(0);
    expect(readJson<Summary>(join(again, 'summary.json')).partial).toBe(false);

    const full = new Map(callRows(again).map((row) => [`${row['replication']}/${row['call']}`, row]));
    expect(full.size).toBe(CALLS);
    const rows = callRows(partial);
    const finished = rows.filter((row) => row['outcome'] !== 'active');
    expect(rows.length).toBe(s.calls.offered);
    expect(finished.length).toBe(s.calls.completed + s.calls.rejected + s.calls.dropped);
    expect(finished.length).toBeGreaterThan(0);
    expect(finished.length).toBeLessThan(CALLS);
    for (const row of finished) expect(row).toEqual(full.get(`${row['replication']}/${row['call']}`));

    // The run again after the interruption is the run made directly, without the command.
    const direct = run(load('bench-w1', [], { calls: CALLS, seed: 7 }));
    expect(direct.summary.partial).toBe(false);
    expect(fingerprint(again)).toBe(direct.fingerprint);
    rmSync(base, { recursive: true, force: true });
  });
});
