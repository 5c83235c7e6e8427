// The text ladder, read back from real traced calls of the model: lanes, arrows in order,
// session-timer headers and markers, the outcome line, widths, colours, losses, and the JSON form.
import { describe, expect, it } from 'vitest';
import type { Call } from '../src/elements/call.ts';
import { renderLadder } from '../src/output/ladder-text.ts';
import { traceToJson } from '../src/results/ladder.ts';
import { load, run } from './helpers.ts';

const FEATURES_OFF = ['video', 'hold', 'fax', 'transfer'].map((f) => `workload.features.${f}.probability=0`);

function tracedCall(name: string, set: string[]): Call {
  const call = run(load(name, set), [0]).calls[0]!;
  expect(call.trace).not.toBeNull();
  return call;
}

// The calls are built once: each run is a few milliseconds of model time per call.
const quick = tracedCall('quickstart', [
  'calls=1',
  'workload.holding={"distribution":"fixed","value":1000}',
  ...FEATURES_OFF,
]);
const lossy = tracedCall('quickstart', ['calls=3', 'network.inbound.loss=0.3']);
const preXz = tracedCall('pre-xz', ['calls=5', 'workload.holding={"distribution":"fixed","value":2000}']);
const h323 = tracedCall('quickstart', ['calls=3', 'workload.h323Share=1']);

const LANE_NAMES = ['caller', 'CUBE in', 'CUBE out', 'callee'] as const;
// The escape character is what these tests look for.
/* eslint-disable no-control-regex */
const ANSI = /\x1b\[[0-9;]*m/g;

/** The rendered text as lines (the trailing newline dropped). */
function linesOf(text: string): string[] {
  expect(text.endsWith('\n')).toBe(true);
  return text.slice(0, -1).split('\n');
}

/** Columns of the four lanes, read from the blank lane line under the names. */
function laneColumns(lines: string[]): number[] {
  const cols: number[] = [];
  for (let i = 0; i < lines[2]!.length; i++) if (lines[2]![i] === '|' || lines[2]![i] === ':') cols.push(i);
  return cols;
}

interface Arrow {
  line: number;
  time: number;
  from: string;
  to: string;
  label: string;
  lost: boolean;
  notes: string;
}

/** Every arrow drawn across a leg, read back from the text alone. */
function arrows(text: string): Arrow[] {
  const lines = linesOf(text);
  const lanes = laneColumns(lines);
  const out: Arrow[] = [];
  lines.forEach((line, n) => {
    if (n < 3) return;
    for (const [a, b] of [
      [0, 1],
      [2, 3],
    ] as const) {
      const seg = line.slice(lanes[a]! + 1, lanes[b]);
      if (!seg.includes('-')) continue;
      const right = seg.endsWith('>') || seg.endsWith('x');
      const left = seg.startsWith('<') || seg.startsWith('x');
      if (right === left) continue;
      const label = seg.replace(/^[<x]?-*\s*/, '').replace(/\s*-*[>x]?$/, '');
      out.push({
        line: n,
        time: Number(line.slice(0, lanes[0]).trim().split(/\s+/)[0]),
        from: LANE_NAMES[right ? a : b],
        to: LANE_NAMES[right ? b : a],
        label,
        lost: right ? seg.endsWith('x') : seg.startsWith('x'),
        notes: line.slice(lanes[3]! + 1).trim(),
      });
    }
  });
  return out;
}

describe('the header', () => {
  it('names the four lanes left to right, and draws them under the names', () => {
    const lines = linesOf(renderLadder(quick));
    expect(lines[0]).toMatch(
      /^call 0: cucm -> CUBE -> cucm, arrived 1\.377 s, holding 1000\.0 s, Call-ID call-0 \/ call-0-out$/,
    );
    const names = lines[1]!;
    const at = LANE_NAMES.map((n) => names.indexOf(n));
    expect(at.every((i) => i >= 0)).toBe(true);
    expect([...at].sort((x, y) => x - y)).toEqual(at);
    const lanes = laneColumns(lines);
    expect(lanes).toHaveLength(4);
    expect(lines[2]!.trim()).toMatch(/^\|\s+\|\s+\|\s+\|$/);
    // each name is flush with its lane: outer names hang inwards, the CUBE's outwards
    expect(at[0]).toBe(lanes[0]);
    expect(at[1]! + 'CUBE in'.length - 1).toBe(lanes[1]);
    expect(at[2]).toBe(lanes[2]);
    expect(at[3]! + 'callee'.length - 1).toBe(lanes[3]);
  });

  it('on an H.323 call, says so and dots the lanes that carry no SIP', () => {
    const text = renderLadder(h323);
    const lines = linesOf(text);
    expect(lines[0]).toContain('on H.323');
    expect(lines[1]).toContain('caller (H.323)');
    expect(lines[2]!.trim()).toMatch(/^:\s+:\s+\|\s+\|$/);
    const drawn = arrows(text);
    expect(drawn.length).toBeGreaterThan(0);
    expect(drawn.every((a) => a.from === 'CUBE out' || a.to === 'CUBE out')).toBe(true);
  });
});

describe('quickstart call 0 (features off, holding 1000 s)', () => {
  const text = renderLadder(quick);
  const lines = linesOf(text);
  const drawn = arrows(text);

  it('draws every message of the trace as an arrow, in order, between the right lanes', () => {
    expect(drawn.map((a) => `${a.from} -> ${a.to}: ${a.label}`)).toEqual([
      'caller -> CUBE in: INVITE (setup)',
      'CUBE in -> caller: 100 Trying',
      'CUBE out -> callee: INVITE (setup)',
      'callee -> CUBE out: 180 Ringing',
      'CUBE in -> caller: 180 Ringing',
      'callee -> CUBE out: 200 OK',
      'CUBE out -> callee: ACK',
      'CUBE in -> caller: 200 OK',
      'caller -> CUBE in: ACK',
      'caller -> CUBE in: INVITE (refresh)',
      'CUBE out -> callee: INVITE (refresh)',
      'callee -> CUBE out: 200 OK',
      'CUBE out -> callee: ACK',
      'CUBE in -> caller: 200 OK',
      'caller -> CUBE in: ACK',
      'callee -> CUBE out: BYE',
      'CUBE out -> callee: 200 OK',
      'CUBE in -> caller: BYE',
      'caller -> CUBE in: 200 OK',
    ]);
    expect(drawn.some((a) => a.lost)).toBe(false);
    const messages = (quick.trace ?? []).filter((e) => e.kind === 'message');
    expect(drawn.map((a) => a.time)).toEqual(messages.map((m) => Number(m.t.toFixed(3))));
  });

  it('sends the refresh INVITE half the session interval after the answer', () => {
    const refresh = drawn.find((a) => a.label === 'INVITE (refresh)')!;
    expect(refresh.time).toBeGreaterThan(900);
    expect(refresh.time).toBeLessThan(910);
    expect(refresh.time - quick.answeredAt).toBeCloseTo(900, 0);
  });

  it('shows the session-timer headers beside the setup INVITE and the 2xx', () => {
    const setup = drawn.filter((a) => a.label === 'INVITE (setup)');
    expect(setup).toHaveLength(2);
    for (const a of setup) expect(a.notes).toBe('SE=1800 Min-SE=1800');
    expect(drawn.find((a) => a.label === 'INVITE (refresh)')!.notes).toBe('SE=1800;uac Min-SE=1800');
    expect(drawn.filter((a) => a.label === '200 OK').map((a) => a.notes)).toEqual([
      'SE=1800;uac',
      'SE=1800;uac',
      'SE=1800;uac',
      'SE=1800;uac',
      '',
      '',
    ]);
    expect(drawn.find((a) => a.label === 'ACK')!.notes).toBe('');
  });

  it('marks the refresh due on the caller lane, just before the refresh INVITE', () => {
    const lanes = laneColumns(lines);
    const due = lines.findIndex((l) => l.includes('* refresh due'));
    expect(due).toBeGreaterThan(0);
    expect(lines[due]!.indexOf('*')).toBe(lanes[0]);
    expect(Number(lines[due]!.trim().split(/\s+/)[0])).toBeCloseTo(904.46, 2);
    expect(drawn.find((a) => a.label === 'INVITE (refresh)')!.line).toBe(due + 1);
  });

  it('marks where each party arms its timer, and what it will do', () => {
    const lanes = laneColumns(lines);
    const armed = lines.filter((l) => l.includes('timer 1800 s'));
    expect(armed).toHaveLength(8); // four parties, at the answer and at the refresh
    const caller = armed.filter((l) => l.indexOf('*') === lanes[0]);
    // the words cover the lanes they cross; the lanes past them are still drawn
    expect(caller.map((l) => l.slice(lanes[0]).replace(/\s+\|$/, ''))).toEqual([
      '* timer 1800 s, this side refreshes at 904.46',
      '* timer 1800 s, this side refreshes at 1804.54',
    ]);
    // the callee is the non-refresher: its deadline is SE - min(32, SE/3) after the 2xx
    const callee = armed.filter((l) => l.lastIndexOf('*') === lanes[3]);
    expect(callee).toHaveLength(2);
    expect(callee[0]).toMatch(/timer 1800 s, BYE at 1772\.42 unless refreshed \*$/);
  });

  it('ends with the outcome, after the BYE that carries it out', () => {
    expect(lines.at(-1)!.trim()).toBe(
      `== completed: normal-clearing (BYE by callee) at ${quick.endedAt.toFixed(3)} s ==`,
    );
    expect(lines.at(-1)!.trim()).toBe('== completed: normal-clearing (BYE by callee) at 1004.419 s ==');
    expect(lines.filter((l) => l.includes('=='))).toHaveLength(1);
  });

  it('gives one row per trace entry, with the time and the delta since the row before', () => {
    const rows = lines.slice(3, -2);
    expect(rows).toHaveLength((quick.trace ?? []).filter((e) => e.kind !== 'outcome').length);
    let prev = quick.arrivalAt;
    const entries = (quick.trace ?? []).filter((e) => e.kind !== 'outcome');
    rows.forEach((row, i) => {
      const [time, delta] = row.trim().split(/\s+/);
      expect(time).toBe(entries[i]!.t.toFixed(3));
      expect(Number(delta)).toBeCloseTo(entries[i]!.t - prev, 3);
      prev = entries[i]!.t;
    });
  });

  it('is the same text every time, and for a fresh run of the same call', () => {
    expect(renderLadder(quick)).toBe(text);
    const again = tracedCall('quickstart', [
      'calls=1',
      'workload.holding={"distribution":"fixed","value":1000}',
      ...FEATURES_OFF,
    ]);
    expect(renderLadder(again)).toBe(text);
  });
});

describe('a call dropped before 12.4(15)XZ', () => {
  it('shows the callee expiring and the outcome naming the leg and who sent the BYE', () => {
    const text = renderLadder(preXz);
    const lines = linesOf(text);
    const lanes = laneColumns(lines);
    const expired = lines.find((l) => l.includes('* expired: hanging up'))!;
    expect(expired.indexOf('*')).toBe(lanes[3]);
    expect(lines.at(-1)!.trim()).toBe(
      `== dropped: session-expired (outbound leg, BYE by callee) at ${preXz.endedAt.toFixed(3)} s ==`,
    );
    // the caller's refresh is answered on the inbound leg and never reaches the callee
    const refreshes = arrows(text).filter((a) => a.label === 'INVITE (refresh)');
    expect(refreshes.map((a) => `${a.from} -> ${a.to}`)).toEqual(['caller -> CUBE in']);
  });
});

describe('widths and colours', () => {
  const calls = { quick, lossy, preXz, h323 };

  it.each([40, 60, 80, 100, 140])('no line is wider than %i columns', (width) => {
    for (const call of Object.values(calls)) {
      for (const color of [false, true]) {
        for (const line of linesOf(renderLadder(call, { width, color }))) {
          expect([...line.replace(ANSI, '')].length).toBeLessThanOrEqual(width);
        }
      }
    }
  });

  it('defaults to 100 columns, and fits the common notes in whole at that width', () => {
    expect(renderLadder(quick)).toBe(renderLadder(quick, { width: 100 }));
    expect(renderLadder(quick)).not.toContain('…');
    expect(Math.max(...linesOf(renderLadder(quick)).map((l) => l.length))).toBeLessThanOrEqual(100);
  });

  it('has no escape codes without colour, and the same text underneath with it', () => {
    for (const call of Object.values(calls)) {
      const plain = renderLadder(call);
      expect(plain).not.toMatch(/\x1b/);
      const coloured = renderLadder(call, { color: true });
      expect(coloured).toMatch(ANSI);
      expect(coloured.replace(ANSI, '')).toBe(plain);
    }
  });

  it('colours requests, 2xx, error responses and timer markers differently', () => {
    const text = renderLadder(tracedCall('no-midcall', ['calls=1', 'workload.features.video.probability=1']), {
      color: true,
    });
    const inkOf = (pattern: RegExp): string => {
      const line = text.split('\n').find((l) => pattern.test(l.replace(ANSI, '')))!;
      return /\x1b\[([0-9;]+)m[-<x ]*(?:INVITE|[0-9]{3} |\*)/.exec(line)![1]!;
    };
    const inks = [inkOf(/INVITE \(setup\)/), inkOf(/200 OK/), inkOf(/488 Not Acceptable/), inkOf(/\* timer/)];
    expect(new Set(inks).size).toBe(4);
  });
});

describe('a lossy inbound leg (30 % loss)', () => {
  const entries = (lossy.trace ?? []).flatMap((e) => (e.kind === 'message' ? [e] : []));

  it('draws each lost message with an x for a head and marks it (lost)', () => {
    const lost = entries.filter((e) => e.lost);
    expect(lost.length).toBeGreaterThan(0);
    const drawn = arrows(renderLadder(lossy, { width: 120 }));
    expect(drawn).toHaveLength(entries.length);
    drawn.forEach((a, i) => {
      expect(a.lost).toBe(entries[i]!.lost);
      expect(a.notes.startsWith('(lost)')).toBe(entries[i]!.lost);
      expect(a.notes.includes('(retx)')).toBe(entries[i]!.retransmission);
    });
  });

  it('leaves retransmissions out when asked', () => {
    const retx = entries.filter((e) => e.retransmission).length;
    expect(retx).toBeGreaterThan(0);
    const text = renderLadder(lossy, { showRetransmissions: false });
    expect(text).not.toContain('(retx)');
    expect(arrows(text)).toHaveLength(entries.length - retx);
  });
});

describe('traceToJson', () => {
  it.each([
    ['quickstart', quick],
    ['lossy', lossy],
    ['pre-xz', preXz],
    ['h323', h323],
  ] as const)('%s round-trips through JSON with every entry', (_name, call) => {
    const json = traceToJson(call);
    const back = JSON.parse(JSON.stringify(json)) as { call: Record<string, unknown>; entries: unknown[] };
    expect(back).toEqual(json);
    expect(back.entries).toHaveLength(call.trace!.length);
    expect(back.entries).toEqual(call.trace);
    expect(back.call).toMatchObject({
      index: call.index,
      callId: call.callId,
      arrivalAt: call.arrivalAt,
      answeredAt: call.answeredAt,
      endedAt: call.endedAt,
      holding: call.holding,
      callerProfile: call.callerProfile,
      calleeProfile: call.calleeProfile,
      h323: call.h323,
      outcome: call.outcome,
      cause: call.cause,
      leg: call.leg,
      side: call.side,
      status: call.status,
    });
    expect(back.call.features).toEqual(call.features);
  });

  it('does not share objects with the call', () => {
    const json = traceToJson(quick);
    json.entries[0]!.t = -1;
    expect(quick.trace![0]!.t).not.toBe(-1);
  });
});
