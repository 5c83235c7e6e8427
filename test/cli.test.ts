// The command as a user runs it: exit codes, what is written, and one-line errors.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Summary } from '../src/results/summary.ts';
import { readJson } from './helpers.ts';

function cubesim(args: string[], cwd = process.cwd()) {
  const r = spawnSync(process.execPath, [join(process.cwd(), 'bin/cubesim.mjs'), ...args], { cwd, encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('cubesim run', () => {
  it('writes summary.json with the documented fields and one calls.csv row per call', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'cubesim-cli-')), 'r');
    const r = cubesim(['run', 'experiments/quickstart.json', '--calls', '300', '--out', out]);
    expect(r.code).toBe(0);
    expect(r.out).toContain('cubesim run quickstart: 300 calls on isr-12.4-20T');
    const s = readJson<Summary>(join(out, 'summary.json'));
    for (const path of [
      'calls.offered',
      'calls.completed',
      'calls.rejected',
      'calls.dropped',
      'drops.byCause',
      'reinvites.received',
      'reinvites.relayed',
      'reinvites.answeredLocally',
      'reinvites.rejected',
      'reinvites.glare',
      'refreshes.sent',
      'refreshes.succeeded',
      'refreshes.failed',
      'features.video.attempted',
      'features.hold.succeeded',
      'features.fax.failed',
      'features.transfer.attempted',
      'events',
      'simulatedSeconds',
      'seed',
      'platform',
    ]) {
      expect(
        path.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], s),
        path,
      ).toBeDefined();
    }
    expect(s.calls.offered).toBe(300);
    const lines = readFileSync(join(out, 'calls.csv'), 'utf8').trim().split('\n');
    expect(lines).toHaveLength(301);
    expect(readdirSync(join(out, '..')).filter((f) => f.includes('partial'))).toEqual([]);
  });

  it('never overwrites results without --force', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'cubesim-cli-')), 'r');
    expect(cubesim(['run', 'experiments/quickstart.json', '--calls', '20', '--out', out]).code).toBe(0);
    const before = readFileSync(join(out, 'calls.csv'), 'utf8');
    const again = cubesim(['run', 'experiments/quickstart.json', '--calls', '30', '--out', out]);
    expect(again.code).toBe(2);
    expect(again.err.trim()).toBe(
      `cubesim: --out: ${out} already exists; give another folder or --force to replace it`,
    );
    expect(readFileSync(join(out, 'calls.csv'), 'utf8')).toBe(before);
    expect(cubesim(['run', 'experiments/quickstart.json', '--calls', '30', '--out', out, '--force']).code).toBe(0);
    expect(readFileSync(join(out, 'calls.csv'), 'utf8').trim().split('\n')).toHaveLength(31);
  });

  it('takes a configuration and a platform from the command line', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'cubesim-cli-')), 'r');
    const r = cubesim([
      'run',
      'experiments/quickstart.json',
      '--calls',
      '50',
      '--config',
      'experiments/configs/pre-xz.ios',
      '--platform',
      'isr-12.4-11T',
      '--out',
      out,
    ]);
    expect(r.code).toBe(0);
    expect(r.out).toContain('on isr-12.4-11T, config pre-xz.ios');
  });

  it.each([
    [['run', 'experiments/nope.json'], 'cubesim: experiments/nope.json: experiment file not found'],
    [
      ['run', 'experiments/quickstart.json', '--set', 'workload.holding.mean=-3'],
      'cubesim: experiments/quickstart.json: field workload.holding.mean: got -3; allowed: more than 0',
    ],
    [
      ['run', 'experiments/quickstart.json', '--set', 'workload.holdin.mean=3'],
      'cubesim: experiments/quickstart.json: field workload.holdin: unknown field "holdin"; allowed fields: arrivals, holding, callers, callees, features, hangup, ringSeconds, h323Share, holdSeconds; did you mean "holding"?',
    ],
    [
      ['run', 'experiments/quickstart.json', '--platform', 'isr-12.4-11T'],
      'cubesim: experiments/configs/passthru.ios: line 10: "midcall-signaling passthru" is not available in Cisco IOS 12.4(11)T on an ISR 3845 (before 12.4(15)XZ) (release 12.4(11)T); it was introduced in 12.4(15)XZ / 12.4(20)T',
    ],
    [
      ['run', 'experiments/quickstart.json', '--platform', 'isr-12.4-20'],
      'cubesim: experiments/quickstart.json: field platform: unknown platform "isr-12.4-20"; allowed: asr1000-xe-2.5, isr-12.4-11T, isr-12.4-20T, isr-15.1-2T, isr-15.1-3T; did you mean "isr-12.4-20T"?',
    ],
    [
      ['run', 'experiments/quickstart.json', '--set', 'workload.callers=[{"profile":"cucn"}]'],
      'cubesim: experiments/quickstart.json: field workload.callers.0.profile: unknown endpoint profile "cucn"; allowed: cucm, freeswitch, itsp-trunk, jssip, legacy-pbx, pjsip; did you mean "cucm"?',
    ],
    [
      ['run', 'experiments/quickstart.json', '--set', 'endpoints.cucm.timer.sessionExpires=60'],
      'cubesim: experiments/quickstart.json: field endpoints.cucm.timer.sessionExpires: got 60; must be 0 (no timer) or 90-86400 seconds (RFC 4028 §4, §5)',
    ],
    [
      ['run', 'experiments/quickstart.json', '--calls', 'many'],
      'cubesim: --calls: got "many"; allowed: a whole number >= 1',
    ],
    [
      ['run', 'experiments/quickstart.json', '--set', 'novalue'],
      'cubesim: --set: got "novalue"; allowed: path=value, e.g. workload.holding.mean=600',
    ],
    [
      ['run', 'experiments/quickstart.json', '--set', 'workload.arrivals.rate="fast"'],
      'cubesim: experiments/quickstart.json: field workload.arrivals.rate: got "fast" (a string); allowed: number',
    ],
    [
      ['run', 'experiments/quickstart.json', '--until', '-5'],
      'cubesim: --until: got "-5"; allowed: a number of seconds > 0',
    ],
    [
      ['walk'],
      'cubesim: unknown command "walk"; commands: run, sweep, compare, lint, trace, emulate, check, init, list, merge, report',
    ],
  ])('bad input %j: one line, exit 2, nothing written', (args, message) => {
    const cwd = mkdtempSync(join(tmpdir(), 'cubesim-cwd-'));
    // run from an empty folder so that a results/ folder would show if anything were written
    const r = cubesim(
      args.map((a) => (a.startsWith('experiments/') ? join(process.cwd(), a) : a)),
      cwd,
    );
    expect(r.code).toBe(2);
    const expected = message.replace(/experiments\//g, join(process.cwd(), 'experiments') + '/');
    expect(r.err.trim()).toBe(expected);
    expect(existsSync(join(cwd, 'results'))).toBe(false);
  });

  it('reads a JSON configuration as well as IOS text', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cubesim-cfg-'));
    const cfg = join(dir, 'passthru.json');
    writeFileSync(
      cfg,
      JSON.stringify({ allowConnections: [{ from: 'sip', to: 'sip' }], midcallSignaling: 'passthru' }),
    );
    const r = cubesim([
      'run',
      'experiments/quickstart.json',
      '--calls',
      '50',
      '--config',
      cfg,
      '--out',
      join(dir, 'r'),
    ]);
    expect(r.code).toBe(0);
    expect(r.out).toContain('config passthru.json');
  });
});
