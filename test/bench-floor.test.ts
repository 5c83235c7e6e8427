// The repository's own speed floor (bench/floor-w1.mjs) plays W1's event pattern: every call
// completes, about 33 events a call, as many refreshes as cubesim sends within a percent. No
// time is asserted.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

describe('bench/floor-w1.mjs', () => {
  it('runs W1 as a skeleton: every call completes, about 33 events and 2.86 refreshes a call', () => {
    const r = spawnSync(process.execPath, ['bench/floor-w1.mjs', '20000'], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout) as { calls: number; completed: number; refreshes: number; events: number };
    expect(out.completed).toBe(20000);
    expect(out.events / out.calls).toBeGreaterThan(32);
    expect(out.events / out.calls).toBeLessThan(34);
    expect(out.refreshes / out.calls).toBeGreaterThan(2.8);
    expect(out.refreshes / out.calls).toBeLessThan(2.92);
  });
});
