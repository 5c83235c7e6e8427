// A long run interrupted with SIGINT or SIGTERM keeps what it computed, marked partial, exit 130.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

function interruptedRun(signal: NodeJS.Signals, out: string): Promise<{ code: number | null; stdout: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['bin/cubesim.mjs', 'run', 'experiments/bench-w1.json', '--calls', '400000', '--out', out], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.on('data', (d) => (stdout += String(d)));
    // Signal once the run is under way: the results folder's temporary sibling exists by then.
    const parent = join(out, '..');
    const timer = setInterval(() => {
      if (readdirSync(parent).some((f) => f.includes('.partial-'))) {
        clearInterval(timer);
        setTimeout(() => child.kill(signal), 1500);
      }
    }, 100);
    child.on('exit', (code) => {
      clearInterval(timer);
      resolve({ code, stdout });
    });
  });
}

describe.each(['SIGINT', 'SIGTERM'] as const)('%s during a run', (signal) => {
  it('keeps the calls computed so far, marked partial, and exits 130', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'cubesim-int-')), 'r');
    const r = await interruptedRun(signal, out);
    expect(r.code).toBe(130);
    expect(r.stdout).toContain('PARTIAL: interrupted');
    const s = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    expect(s.partial).toBe(true);
    expect(s.calls.offered).toBeGreaterThan(0);
    expect(s.calls.offered).toBeLessThan(400000);
    expect(s.calls.offered).toBe(s.calls.completed + s.calls.rejected + s.calls.dropped + s.calls.active);
    const rows = readFileSync(join(out, 'calls.csv'), 'utf8').trim().split('\n').length - 1;
    expect(rows).toBe(s.calls.offered);
    expect(existsSync(join(out, 'manifest.json'))).toBe(true);
    expect(readdirSync(join(out, '..')).filter((f) => f.includes('.partial-'))).toEqual([]);
  });
});
