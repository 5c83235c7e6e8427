// `cubesim list` and `cubesim check`, run as a user runs them.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

function cubesim(args: string[], cwd = process.cwd()) {
  const r = spawnSync(process.execPath, [join(process.cwd(), 'bin/cubesim.mjs'), ...args], { encoding: 'utf8', cwd });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const ids = (dir: string) =>
  readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.slice(0, -5))
    .sort();

describe('cubesim list', () => {
  it('platforms: one line each, id first, with what is assumed', () => {
    const r = cubesim(['list', 'platforms']);
    expect(r.code).toBe(0);
    const lines = r.out.trimEnd().split('\n');
    expect(lines.map((l) => l.split(/\s+/)[0])).toEqual(ids('models/platforms'));
    expect(lines.find((l) => l.startsWith('isr-12.4-20T'))).toMatch(
      /release 12\.4\(20\)T; assumed: maxSessions, callsPerSecond, cpuMsPerMessage, cpuAdmissionPercent$/,
    );
  });

  it("profiles, defects (the border element's own among them) and the shipped experiments", () => {
    expect(
      cubesim(['list', 'profiles'])
        .out.trimEnd()
        .split('\n')
        .map((l) => l.split(/\s+/)[0]),
    ).toEqual(ids('models/endpoints'));
    const defects = cubesim(['list', 'defects']).out;
    expect(defects).toMatch(/^ignore-min-se-without-se +endpoint defect \(F9\): /m);
    expect(defects).toMatch(
      /^ignores-refresh-reinvite +border element defect \(Cisco bug CSCun31375, borderElement\.defects\): /m,
    );
    const experiments = cubesim(['list', 'experiments']).out.trimEnd().split('\n');
    expect(experiments.map((l) => l.split(/\s+/)[0])).toEqual(ids('experiments').map((id) => `experiments/${id}.json`));
    expect(experiments.find((l) => l.startsWith('experiments/capacity-admission-limit.json'))).toMatch(
      / Call admission control\.$/,
    );
  });

  it('anything else is refused with the choices', () => {
    const r = cubesim(['list', 'routers']);
    expect(r.code).toBe(2);
    expect(r.err).toContain('platforms');
  });
});

describe('cubesim check', () => {
  it('a sound experiment: valid, nothing found, exit 0; nothing is written', () => {
    const r = cubesim(['check', 'experiments/quickstart.json']);
    expect(r.code).toBe(0);
    expect(r.out).toBe(
      'cubesim check quickstart: valid; 10000 calls on isr-12.4-20T, config experiments/configs/passthru.ios, profiles cucm\n0 errors, 0 warnings, 0 notes\n',
    );
  });

  it('lints only the caller and callee pairs the experiment has; an error is exit 1', () => {
    const r = cubesim(['check', 'experiments/teach-f8-422-not-retried.json']);
    expect(r.code).toBe(1);
    const lines = r.out.trimEnd().split('\n');
    expect(lines[0]).toBe(
      'cubesim check teach-f8-422-not-retried: valid; 400 calls on isr-12.4-20T, config experiments/configs/passthru.ios, profiles cucm, jssip, pjsip',
    );
    expect(lines.filter((l) => l.includes('on calls from pjsip to pjsip'))).toEqual([]);
    expect(lines.pop()).toBe('1 error, 1 warning, 2 notes');
  });

  it('warnings fail with --strict; an experiment that cannot be read is exit 2 with one line', () => {
    expect(cubesim(['check', 'experiments/regression-update-refresh.json']).code).toBe(0);
    expect(cubesim(['check', 'experiments/regression-update-refresh.json', '--strict']).code).toBe(1);
    const bad = cubesim(['check', 'experiments/nope.json']);
    expect([bad.code, bad.err]).toEqual([2, 'cubesim: experiments/nope.json: experiment file not found\n']);
  });
});

describe('cubesim init', () => {
  it('makes a folder with the experiments, configurations and schema, runnable from anywhere; never overwrites', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cubesim-init-'));
    const made = cubesim(['init', 'demo'], dir);
    expect(made.code).toBe(0);
    expect(made.out).toBe(
      `cubesim init: ${ids('experiments').length} experiments, their configurations and the schema in demo\n  try  cubesim run demo/quickstart.json\n`,
    );
    for (const f of ['README.md', 'quickstart.json', 'configs/passthru.ios', 'schema/experiment.schema.json'])
      expect(existsSync(join(dir, 'demo', f)), f).toBe(true);
    const r = cubesim(['run', 'demo/quickstart.json', '--calls', '20', '--progress', 'none'], dir);
    expect(r.code).toBe(0);
    expect(r.out).toContain('cubesim run quickstart: 20 calls on isr-12.4-20T, config passthru.ios, seed 1');
    const again = cubesim(['init', 'demo'], dir);
    expect([again.code, again.err]).toEqual([
      2,
      'cubesim: demo: the folder exists and is not empty; allowed: a new or empty folder (cubesim init never overwrites)\n',
    ]);
  });
});
