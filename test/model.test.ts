import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runExperiment } from '../src/experiment/run.ts';
import { ladder, load, run } from './helpers.ts';

describe('the 422 chain of RFC 4028 §13 through the border element', () => {
  it('retries with Min-SE 3600 and then 4000, each a new INVITE with the next CSeq', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cubesim-'));
    const cfg = join(dir, 'min-se-3600.ios');
    writeFileSync(
      cfg,
      'voice service voip\n allow-connections sip to sip\n sip\n  midcall-signaling passthru\n  min-se 3600\n',
    );
    const loaded = load(
      'quickstart',
      [
        'calls=1',
        'workload.callers=[{"profile":"pjsip"}]',
        'workload.callees=[{"profile":"freeswitch"}]',
        'endpoints.pjsip.timer.sessionExpires=90',
        'endpoints.freeswitch.timer.minSe=4000',
        'workload.ringSeconds=0',
      ],
      { config: cfg },
    );
    const r = run(loaded, [0]);
    const call = r.calls[0]!;
    expect(call.outcome).toBe('completed');
    expect(call.attempts).toBe(3);
    const setup = (call.trace ?? []).flatMap((e) =>
      e.kind === 'message' && e.purpose === 'setup' && e.method === 'INVITE' && !e.retransmission ? [e] : [],
    );
    const fromCaller = setup.filter((e) => e.from === 'caller' && e.status === 0);
    expect(fromCaller.map((e) => [e.cseq, e.sessionExpires, e.minSe])).toEqual([
      [1, 90, 90],
      [2, 3600, 3600],
      [3, 4000, 4000],
    ]);
    const rejections = setup.filter((e) => e.status === 422).map((e) => `${e.from}>${e.to} 422 Min-SE ${e.minSe}`);
    expect(rejections).toEqual([
      'cube-in>caller 422 Min-SE 3600',
      'callee>cube-out 422 Min-SE 4000',
      'cube-in>caller 422 Min-SE 4000',
    ]);
    const ok = setup.find((e) => e.from === 'callee' && e.status === 200)!;
    expect(ok.sessionExpires).toBe(4000);
  });

  it('a caller that does not retry after 422 fails setup (F8)', () => {
    const r = run(load('quickstart', ['calls=5', 'workload.callers=[{"profile":"jssip"}]']));
    expect(r.summary.calls.rejected).toBe(5);
    expect(r.summary.rejects.byCause).toEqual({ '422-unresolved': 5 });
  });
});

describe('a refresh ladder', () => {
  it('passthru relays the caller refresh to the callee with its session-timer headers', () => {
    const r = run(
      load('quickstart', [
        'calls=1',
        'workload.holding={"distribution":"fixed","value":1000}',
        'workload.features.hold.probability=0',
        'workload.features.video.probability=0',
        'workload.features.fax.probability=0',
        'workload.features.transfer.probability=0',
      ]),
      [0],
    );
    const c = r.calls[0]!;
    expect(ladder(c, (e) => e.purpose === 'refresh')).toEqual([
      'caller>cube-in INVITE',
      'cube-out>callee INVITE',
      'callee>cube-out 200 OK',
      'cube-out>callee ACK',
      'cube-in>caller 200 OK',
      'caller>cube-in ACK',
    ]);
    const due = (c.trace ?? []).find((e) => e.kind === 'timer' && e.note.what === 'refresh-due')!;
    expect(due.t - c.answeredAt).toBeCloseTo(900 + 0.0415, 3); // SE/2 after the 2xx reached the caller
  });
});

describe('determinism', () => {
  const out = () => mkdtempSync(join(tmpdir(), 'cubesim-run-'));

  it('the same seed gives identical calls.csv and summary.json; another seed does not', async () => {
    const a = await runExperiment(load('quickstart', ['calls=400']), { out: join(out(), 'r') });
    const b = await runExperiment(load('quickstart', ['calls=400']), { out: join(out(), 'r') });
    const c = await runExperiment(load('quickstart', ['calls=400', 'seed=2']), { out: join(out(), 'r') });
    const csv = (d: string) => readFileSync(join(d, 'calls.csv'), 'utf8');
    expect(csv(a.dir)).toBe(csv(b.dir));
    expect(readFileSync(join(a.dir, 'summary.json'), 'utf8')).toBe(readFileSync(join(b.dir, 'summary.json'), 'utf8'));
    expect(csv(c.dir)).not.toBe(csv(a.dir));
  });

  it('changing only the policy leaves arrivals, holding times and the call mix identical', () => {
    const population = (name: string, set: string[] = []) =>
      run(load(name, ['calls=600', ...set])).calls.map((c) => ({
        index: c.index,
        arrivalAt: c.arrivalAt,
        holding: c.holding,
        caller: c.callerProfile,
        callee: c.calleeProfile,
        hangupBy: c.hangupBy,
        features: c.plannedFeatures,
      }));
    const base = population('quickstart', [
      'workload.callers=[{"profile":"cucm","weight":2},{"profile":"pjsip","weight":1}]',
    ]);
    expect(
      population('no-midcall', ['workload.callers=[{"profile":"cucm","weight":2},{"profile":"pjsip","weight":1}]']),
    ).toEqual(base);
    expect(
      population('pre-xz', ['workload.callers=[{"profile":"cucm","weight":2},{"profile":"pjsip","weight":1}]']),
    ).toEqual(base);
    // and the network too: loss changes fates, not the population
    expect(
      population('quickstart', [
        'workload.callers=[{"profile":"cucm","weight":2},{"profile":"pjsip","weight":1}]',
        'network.inbound.loss=0.05',
      ]),
    ).toEqual(base);
  });
});

describe('a lossy network', () => {
  it('every call still ends exactly once and retransmissions carry the calls through', () => {
    const r = run(
      load('quickstart', [
        'calls=500',
        'network.inbound.loss=0.05',
        'network.outbound.loss=0.05',
        'network.inbound.jitter=0.05',
      ]),
    );
    const s = r.summary;
    expect(s.calls.offered).toBe(500);
    expect(s.calls.completed + s.calls.rejected + s.calls.dropped + s.calls.active).toBe(500);
    expect(s.calls.active).toBe(0);
    expect(s.messages.lost).toBeGreaterThan(0);
    expect(s.messages.retransmissions).toBeGreaterThan(0);
    expect(new Set(r.calls.map((c) => c.index)).size).toBe(500);
    expect(s.calls.completed).toBeGreaterThan(450);
  });
});

describe('very short calls', () => {
  it('a call that is due to end before the caller hears the answer still ends once, normally', () => {
    const r = run(
      load('quickstart', [
        'calls=50',
        'workload.holding={"distribution":"fixed","value":0.01}',
        'workload.hangup="caller"',
        'workload.ringSeconds=0',
      ]),
    );
    expect(r.summary.calls.completed).toBe(50);
    for (const c of r.calls) expect(c.endedAt).toBeGreaterThanOrEqual(c.answeredAt);
  });
});
