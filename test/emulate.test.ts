// `cubesim emulate` driven by SIPp from both sides (a UAC on the caller side, a UAS on the
// callee side), on loopback, for every golden-grid case that has SIPp scenarios: the messages
// each SIPp saw, in order, are the ones `cubesim trace` predicts for that leg of the same
// scenario (route, method or status, Session-Expires with its refresher, Min-SE), and each came
// within TOLERANCE of its predicted moment, counted from the caller's first INVITE. Nothing here
// measures how long the test itself takes.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { RealTimeDriver } from '../src/emulate/clock.ts';
import { Emulator } from '../src/emulate/emulator.ts';
import { Simulator } from '../src/kernel/simulator.ts';
import { createSocket } from 'node:dgram';
import { label, newRequest } from '../src/sip/message.ts';
import { formatSip } from '../src/sip/text.ts';
import { formatRequest } from '../src/emulate/sip-text.ts';
import type { LoadedExperiment } from '../src/experiment/load.ts';
import {
  gridCases,
  keyOf,
  loadCase,
  messagesOf,
  parseExpected,
  predict,
  type GridCase,
  type MessageEntry,
  type SippSide,
  type TracedCall,
} from './golden-grid-cases.ts';
import { toolPresent } from './helpers.ts';
import { parseSippLog, sippAvailable, startSipp, waitForUdpPort, type Seen, type SippRun } from './sipp.ts';

/** How far a message SIPp saw may be from its predicted moment, on loopback. */
const TOLERANCE = 0.3;
const HOST = '127.0.0.1';
const available = toolPresent('sipp', sippAvailable());
const work = mkdtempSync(join(tmpdir(), 'cubesim-emulate-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

// Ports: a block of 10 per test, from a random base so that two runs on one machine rarely meet.
const base = 20000 + 10 * Math.floor(Math.random() * 2000);
let block = 0;
function ports(): { listen: number; forward: number; caller: number } {
  const b = base + 10 * block++;
  return { listen: b, forward: b + 1, caller: b + 2 };
}

/** SIPp -set values: numbers as given, or a gap between two predicted messages (a moment the model draws). */
function resolveSet(side: SippSide, predicted: MessageEntry[]): Record<string, number> {
  const out: Record<string, number> = {};
  const find = (text: string, after: number): number => {
    const x = parseExpected(text);
    // Named by route and label (with the session-timer headers when the text gives them), and purpose.
    const matches = (m: MessageEntry) => keyOf(m.from, m.to, m) === x.key || `${m.from}>${m.to} ${m.label}` === x.key;
    const e = predicted.find((m) => m.t >= after && matches(m) && (x.purpose === undefined || m.purpose === x.purpose));
    if (e === undefined) throw new Error(`no predicted message ${text}`);
    return e.t;
  };
  for (const [k, v] of Object.entries(side.set ?? {})) {
    if (typeof v === 'number') out[k] = v;
    else {
      const a = find(v.predictedGap[0], -Infinity);
      out[k] = Math.round(1000 * (find(v.predictedGap[1], a) - a));
    }
  }
  return out;
}

/** The keys and moments of what one SIPp saw, as the ladder names its parties. */
function sideView(seen: Seen[], peer: 'caller' | 'callee', origin: number): Array<{ key: string; at: number }> {
  const cube = peer === 'caller' ? 'cube-in' : 'cube-out';
  return seen.map((s) => ({
    key: keyOf(s.sent ? peer : cube, s.sent ? cube : peer, {
      label: label(s.msg),
      sessionExpires: s.msg.sessionExpires,
      refresher: s.msg.refresher,
      minSe: s.msg.minSe,
    }),
    at: s.t - origin,
  }));
}

/** The predicted messages of one leg, each at the moment its SIPp sees it (sent: t; received: arrival). */
function predictedView(
  predicted: MessageEntry[],
  peer: 'caller' | 'callee',
  origin: number,
): Array<{ key: string; at: number }> {
  return predicted
    .filter((e) => e.from === peer || e.to === peer)
    .map((e) => ({ key: keyOf(e.from, e.to, e), at: (e.from === peer ? e.t : e.arrivesAt) - origin }));
}

interface Emulated {
  caller: SippRun;
  callee: SippRun | null;
  log: string[];
}

/** Runs the emulator in this process and SIPp on both sides of it, for one case. */
async function emulate(c: GridCase, loaded: LoadedExperiment, predicted: MessageEntry[]): Promise<Emulated> {
  const p = ports();
  const log: string[] = [];
  let fatal: unknown = null;
  const spec = loaded.spec;
  const emu = new Emulator({
    config: spec.config,
    platform: spec.platform,
    model: spec.borderElement,
    listen: { host: HOST, port: p.listen },
    forward: { host: HOST, port: p.forward },
    check: true,
    log: (l) => log.push(l),
    onFatal: (e) => (fatal = e),
  });
  await emu.start();
  const duration = predicted[predicted.length - 1]!.t - predicted[0]!.t;
  const timeout = Math.ceil(duration) + 15;
  const name = c.id.replace(/\W+/g, '-');
  try {
    const sipp = c.sipp!;
    let callee: ReturnType<typeof startSipp> | null = null;
    if (sipp.callee !== null) {
      callee = startSipp({
        scenario: sipp.callee.scenario,
        port: p.forward,
        key: sipp.callee.key ?? {},
        set: resolveSet(sipp.callee, predicted),
        dir: work,
        name: `${name}-callee`,
        timeout,
      });
      await waitForUdpPort(p.forward);
    }
    const caller = startSipp({
      scenario: sipp.caller.scenario,
      port: p.caller,
      remote: `${HOST}:${p.listen}`,
      key: sipp.caller.key ?? {},
      set: resolveSet(sipp.caller, predicted),
      dir: work,
      name: `${name}-caller`,
      timeout,
    });
    const [a, b] = await Promise.all([caller.done, callee === null ? Promise.resolve(null) : callee.done]);
    if (fatal !== null)
      throw fatal instanceof Error ? fatal : new Error('the emulator stopped on a thrown non-Error', { cause: fatal });
    return { caller: a, callee: b, log };
  } finally {
    await emu.stop();
  }
}

/** The retransmissions the model predicts on one leg (sent again, not lost), by key, in order. */
function predictedRepeats(call: TracedCall, peer: 'caller' | 'callee'): string[] {
  return (call.trace ?? [])
    .filter(
      (e): e is MessageEntry =>
        e.kind === 'message' && e.retransmission && !e.lost && (e.from === peer || e.to === peer),
    )
    .map((e) => keyOf(e.from, e.to, e));
}

/**
 * SIPp's repeats of a datagram (retransmissions) against the model's: on loopback none is lost,
 * so any repeat the model does not predict means an answer or an ACK went unmatched (a 200 sent
 * again because its ACK never matched, a request because its answer never came).
 */
function checkRepeats(r: SippRun, peer: 'caller' | 'callee', predicted: string[], why: string): void {
  const got = sideView(r.repeats, peer, 0).map((x) => x.key);
  const list = r.repeats.map((s) => `${s.sent ? 'sent' : 'received'} again: ${s.text.split(/\r?\n/)[0]}`).join('; ');
  expect(
    got,
    `the ${peer} SIPp saw ${got.length} datagram(s) repeated word for word (retransmissions), the model predicts ${predicted.length} on this leg: ${list}${why}`,
  ).toEqual(predicted);
}

describe.skipIf(!available)('cubesim emulate driven by SIPp (golden grid)', () => {
  // The teardown cases (teardown-by-caller, teardown-by-callee): the hang-up moment is the
  // endpoint's, not the border element's. The SIPp scenario of the non-refresher is scripted to
  // pause SE - min(32, SE/3) and then send BYE (hold_ms / bye_ms in the grid file); the border
  // element, in passthru, runs no session timer of its own on a SIP-to-SIP call. What these two
  // cases check is that it relays that BYE and its 200 to the other side, and that the ladder each
  // SIPp sees, and its timing, is the one the model predicts.
  for (const c of gridCases().filter((x) => x.sipp !== null)) {
    it(`${c.id}: each SIPp sees what cubesim trace predicts, within ${TOLERANCE * 1000} ms`, async () => {
      const loaded = loadCase(c);
      const call = predict(c);
      const predicted = messagesOf(call);
      const run = await emulate(c, loaded, predicted);
      const why = `\n--- emulator\n${run.log.join('\n')}\n--- caller\n${run.caller.output}\n--- callee\n${run.callee?.output ?? ''}`;
      expect(run.caller.code, `caller SIPp failed${why}`).toBe(0);
      if (run.callee !== null) expect(run.callee.code, `callee SIPp failed${why}`).toBe(0);
      const origin = run.caller.messages[0]!.t;
      const origin0 = predicted[0]!.t;
      const sides: Array<['caller' | 'callee', SippRun | null]> = [
        ['caller', run.caller],
        ['callee', run.callee],
      ];
      for (const [peer, r] of sides) {
        const want = predictedView(predicted, peer, origin0);
        const got = r === null ? [] : sideView(r.messages, peer, origin);
        expect(
          got.map((x) => x.key),
          `messages the ${peer} SIPp saw${why}`,
        ).toEqual(want.map((x) => x.key));
        want.forEach((w, i) => {
          expect(
            Math.abs(got[i]!.at - w.at),
            `${peer}: ${w.key} at ${got[i]!.at.toFixed(3)} s, predicted ${w.at.toFixed(3)} s`,
          ).toBeLessThanOrEqual(TOLERANCE);
        });
        if (r !== null) checkRepeats(r, peer, predictedRepeats(call, peer), why);
      }
      // RFC 4028 §9: Require: timer only toward a UAC that said Supported: timer, whatever the
      // answer on the other leg carried.
      const invite = run.caller.messages.find((s) => s.sent && s.msg.status === 0 && s.msg.method === 'INVITE');
      if (invite !== undefined && !invite.msg.supportedTimer) {
        for (const s of run.caller.messages.filter(
          (x) => !x.sent && x.msg.status >= 200 && x.msg.status < 300 && x.msg.method === 'INVITE',
        )) {
          expect(
            s.msg.requireTimer,
            `the caller did not say Supported: timer, yet its 200 carries Require: timer${why}`,
          ).toBe(false);
        }
      }
    });
  }
});

describe.skipIf(!available)('a request below its own Min-SE, from a real peer (RFC 4028 §7.1, §9)', () => {
  it("the border element answers 422 with that Min-SE and the retry at it goes through: no 2xx below the request's Min-SE", async () => {
    const loaded = loadCase(gridCases().find((x) => x.id === 'answer-below-min-se')!);
    const p = ports();
    const spec = loaded.spec;
    const emu = new Emulator({
      config: spec.config,
      platform: spec.platform,
      model: spec.borderElement,
      listen: { host: HOST, port: p.listen },
      forward: { host: HOST, port: p.forward },
      check: true,
    });
    await emu.start();
    try {
      const callee = startSipp({
        scenario: 'callee-answer.xml',
        port: p.forward,
        key: { se: 300, refresher: 'uac' },
        set: { ring_ms: 100 },
        dir: work,
        name: 'below-own-min-se-callee',
        timeout: 20,
      });
      await waitForUdpPort(p.forward);
      const caller = startSipp({
        scenario: 'caller-hangup.xml',
        port: p.caller,
        remote: `${HOST}:${p.listen}`,
        key: { se: 250, se_params: '', min_se: 300 },
        set: { hold_ms: 300 },
        dir: work,
        name: 'below-own-min-se-caller',
        timeout: 20,
      });
      const [a, b] = await Promise.all([caller.done, callee.done]);
      expect(a.code, a.output).toBe(0);
      expect(b.code, b.output).toBe(0);
      const seen = a.messages.map(
        (m) =>
          `${m.sent ? 'sent' : 'got'} ${label(m.msg)}${m.msg.sessionExpires > 0 ? ` SE=${m.msg.sessionExpires}` : ''}${m.msg.minSe > 0 ? ` Min-SE=${m.msg.minSe}` : ''}`,
      );
      expect(seen.filter((x) => !x.includes('100 Trying') && !x.includes('180 Ringing'))).toEqual([
        'sent INVITE SE=250 Min-SE=300',
        'got 422 Session Interval Too Small Min-SE=300',
        'sent ACK',
        'sent INVITE SE=300 Min-SE=300',
        'got 200 OK SE=300',
        'sent ACK',
        'sent BYE',
        'got 200 OK',
      ]);
    } finally {
      await emu.stop();
    }
  });
});

describe('the emulator outside any call, and its Allow', () => {
  /** Sends one request to the emulator and returns the first line and the Allow of its answer. */
  async function ask(port: number, request: string): Promise<{ status: string; allow: string | undefined }> {
    const s = createSocket('udp4');
    try {
      await new Promise<void>((resolve) => s.bind(0, HOST, () => resolve()));
      const answer = new Promise<string>((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`no answer to ${request.split('\r\n')[0]}`)), 3000);
        s.once('message', (buf) => {
          clearTimeout(t);
          resolve(buf.toString('utf8'));
        });
      });
      s.send(request.replace('PORT', String(s.address().port)), port, HOST);
      const text = await answer;
      return { status: text.split('\r\n')[0]!, allow: /^Allow: (.*)$/m.exec(text)?.[1]?.trim() };
    } finally {
      s.close();
    }
  }
  const request = (method: string, toTag: string) =>
    [
      `${method} sip:cube@${HOST} SIP/2.0`,
      `Via: SIP/2.0/UDP ${HOST}:PORT;branch=z9hG4bK-${method}`,
      'Max-Forwards: 70',
      `From: <sip:peer@${HOST}>;tag=p1`,
      `To: <sip:cube@${HOST}>${toTag === '' ? '' : `;tag=${toTag}`}`,
      `Call-ID: stray-${method}-${toTag}`,
      `CSeq: 1 ${method}`,
      `Contact: <sip:peer@${HOST}:PORT>`,
      'Content-Length: 0',
      '',
      '',
    ].join('\r\n');

  it('answers 501 to a method it does not take, 481 to a request for a dialog it does not have or a CANCEL that matches no INVITE, 200 to OPTIONS', async () => {
    const loaded = loadCase(gridCases().find((x) => x.id === 'one-422')!);
    const p = ports();
    const emu = new Emulator({
      config: loaded.spec.config,
      platform: loaded.spec.platform,
      model: loaded.spec.borderElement,
      listen: { host: HOST, port: p.listen },
      forward: { host: HOST, port: p.forward },
    });
    await emu.start();
    try {
      expect(await ask(p.listen, request('REGISTER', ''))).toEqual({
        status: 'SIP/2.0 501 Not Implemented',
        allow: 'INVITE, ACK, CANCEL, BYE, OPTIONS, REFER, UPDATE',
      });
      expect((await ask(p.listen, request('CANCEL', ''))).status).toBe('SIP/2.0 481 Call/Transaction Does Not Exist');
      expect((await ask(p.listen, request('REGISTER', 'x1'))).status).toBe(
        'SIP/2.0 481 Call/Transaction Does Not Exist',
      );
      expect((await ask(p.listen, request('BYE', 'x1'))).status).toBe('SIP/2.0 481 Call/Transaction Does Not Exist');
      expect((await ask(p.listen, request('BYE', ''))).status).toBe('SIP/2.0 481 Call/Transaction Does Not Exist');
      expect(await ask(p.listen, request('OPTIONS', ''))).toEqual({
        status: 'SIP/2.0 200 OK',
        allow: 'INVITE, ACK, CANCEL, BYE, OPTIONS, REFER, UPDATE',
      });
      // A request it cannot parse but can answer: 400 (RFC 3261 §8.2.2, §21.4.1).
      expect((await ask(p.listen, request('INVITE', '').replace('CSeq: 1 INVITE', 'CSeq: one INVITE'))).status).toBe(
        'SIP/2.0 400 Bad Request',
      );
    } finally {
      await emu.stop();
    }
  });

  it("writes the model's Allow with CANCEL (answered by the emulator, RFC 3261 §9.2), UPDATE kept as the model put it", () => {
    const party = { user: 'cube', host: HOST, port: 5060, mediaPort: 16384 };
    const a = { sender: party, receiver: { ...party, user: 'callee', port: 5070 } };
    const invite = newRequest('INVITE', 'setup', 'c1', 'f1', '', 1, 1);
    const dialog = {
      remoteTarget: `sip:callee@${HOST}:5070`,
      local: `<sip:cube@${HOST}:5060>`,
      remote: `<sip:callee@${HOST}:5070>`,
    };
    expect(/^Allow: (.*)\r$/m.exec(formatSip(invite, a))?.[1]).toContain('CANCEL');
    expect(/^Allow: (.*)\r$/m.exec(formatRequest(invite, a, dialog, dialog.remoteTarget))?.[1]).toBe(
      'INVITE, ACK, CANCEL, BYE, OPTIONS, REFER',
    );
    invite.allowUpdate = true;
    expect(/^Allow: (.*)\r$/m.exec(formatRequest(invite, a, dialog, dialog.remoteTarget))?.[1]).toBe(
      'INVITE, ACK, CANCEL, BYE, OPTIONS, REFER, UPDATE',
    );
  });

  it('CANCEL (RFC 3261 §9.2): of a ringing call, 200 and the INVITE gets 487; of an answered INVITE, 200 and nothing changes; of no INVITE, 481', async () => {
    const loaded = loadCase(gridCases().find((x) => x.id === 'one-422')!);
    const p = ports();
    const emu = new Emulator({
      config: loaded.spec.config,
      platform: loaded.spec.platform,
      model: loaded.spec.borderElement,
      listen: { host: HOST, port: p.listen },
      forward: { host: HOST, port: p.forward },
    });
    const caller = createSocket('udp4');
    const callee = createSocket('udp4'); // takes the INVITE and never answers: the call keeps ringing
    const got: string[] = [];
    const toCallee: string[] = [];
    await emu.start();
    try {
      await new Promise<void>((resolve) => caller.bind(0, HOST, () => resolve()));
      await new Promise<void>((resolve) => callee.bind(p.forward, HOST, () => resolve()));
      caller.on('message', (buf) => got.push(buf.toString('utf8')));
      callee.on('message', (buf) => toCallee.push(buf.toString('utf8').split('\r\n')[0]!));
      const port = caller.address().port;
      const invite = [
        `INVITE sip:callee@${HOST} SIP/2.0`,
        `Via: SIP/2.0/UDP ${HOST}:${port};branch=z9hG4bK-inv1`,
        'Max-Forwards: 70',
        `From: <sip:caller@${HOST}>;tag=c1`,
        `To: <sip:callee@${HOST}>`,
        'Call-ID: cancel-1',
        'CSeq: 1 INVITE',
        `Contact: <sip:caller@${HOST}:${port}>`,
        'Supported: timer',
        'Session-Expires: 1800',
        'Min-SE: 1800',
        'Content-Length: 0',
        '',
        '',
      ].join('\r\n');
      const cancel = invite.replace('INVITE sip:', 'CANCEL sip:').replace('CSeq: 1 INVITE', 'CSeq: 1 CANCEL');
      const send = (text: string) => caller.send(text, p.listen, HOST);
      const until = async (what: () => boolean) => {
        for (let i = 0; i < 100 && !what(); i++) await new Promise((r) => setTimeout(r, 20));
        expect(what()).toBe(true);
      };
      const statusOf = (cseq: string) => got.filter((t) => t.includes(`CSeq: ${cseq}`)).map((t) => t.split('\r\n')[0]!);
      send(invite);
      await until(() => toCallee.some((l) => l.startsWith('INVITE ')));
      send(cancel);
      await until(() => statusOf('1 INVITE').includes('SIP/2.0 487 Request Terminated'));
      expect(statusOf('1 CANCEL')).toEqual(['SIP/2.0 200 OK']);
      // The ACK of the 487 belongs to the INVITE transaction (same branch, §17.1.1.3): no repeats after it.
      const to = /^To: (.*)$/m.exec(got.find((t) => t.startsWith('SIP/2.0 487'))!)![1]!.trim();
      send(
        invite
          .replace('INVITE sip:', 'ACK sip:')
          .replace('CSeq: 1 INVITE', 'CSeq: 1 ACK')
          .replace(/^To: .*$/m, `To: ${to}`),
      );
      // The CANCEL again (a retransmission): 200 again, and the INVITE is not answered twice.
      send(cancel);
      await until(() => statusOf('1 CANCEL').length === 2);
      expect(statusOf('1 CANCEL')).toEqual(['SIP/2.0 200 OK', 'SIP/2.0 200 OK']);
      // A CANCEL naming another branch of the same call matches no INVITE: 481.
      send(cancel.replace('branch=z9hG4bK-inv1', 'branch=z9hG4bK-other'));
      await until(() => statusOf('1 CANCEL').length === 3);
      expect(statusOf('1 CANCEL')[2]).toBe('SIP/2.0 481 Call/Transaction Does Not Exist');
      expect(statusOf('1 INVITE').filter((s) => !s.startsWith('SIP/2.0 1'))).toEqual([
        'SIP/2.0 487 Request Terminated',
      ]);
    } finally {
      caller.close();
      callee.close();
      await emu.stop();
    }
  });
});

describe("SIPp's message log", () => {
  it('keeps each datagram once and sets apart the ones repeated word for word (retransmissions)', () => {
    const ok = [
      'SIP/2.0 200 OK',
      'Via: SIP/2.0/UDP 127.0.0.1:5061;branch=z9hG4bK-1',
      'From: <sip:a@127.0.0.1>;tag=1',
      'To: <sip:b@127.0.0.1>;tag=2',
      'Call-ID: x',
      'CSeq: 1 INVITE',
      'Content-Length: 0',
      '',
      '',
    ].join('\r\n');
    const ack = [
      'ACK sip:b@127.0.0.1 SIP/2.0',
      'Via: SIP/2.0/UDP 127.0.0.1:5061;branch=z9hG4bK-2',
      'From: <sip:a@127.0.0.1>;tag=1',
      'To: <sip:b@127.0.0.1>;tag=2',
      'Call-ID: x',
      'CSeq: 1 ACK',
      'Max-Forwards: 70',
      'Content-Length: 0',
      '',
      '',
    ].join('\r\n');
    const entry = (time: string, what: string, text: string) =>
      `----------------------------------------------- 2024-01-01 10:00:${time}\n${what} [${text.length}] bytes :\n\n${text}\n`;
    const log =
      entry('00.100000', 'UDP message received', ok) +
      entry('00.600000', 'UDP message received', ok) +
      entry('00.610000', 'UDP message sent', ack);
    const { messages, repeats } = parseSippLog(log);
    expect(messages.map((m) => `${m.sent ? 'sent' : 'received'} ${label(m.msg)}`)).toEqual([
      'received 200 OK',
      'sent ACK',
    ]);
    expect(repeats).toHaveLength(1);
    expect(repeats[0]!.sent).toBe(false);
    expect(repeats[0]!.t - messages[0]!.t).toBeCloseTo(0.5, 6);
  });
});

describe('the real-time driver', () => {
  it('runs each event when the wall clock reaches its time, and outside work at the wall time after what was due before it', () => {
    vi.useFakeTimers();
    try {
      let wall = 100; // seconds, any origin
      const sim = new Simulator();
      const ran: string[] = [];
      const target = { onEvent: (k: number) => ran.push(`event ${k} at ${sim.now.toFixed(3)}`) };
      const driver = new RealTimeDriver(
        sim,
        () => {},
        (e) => {
          throw e;
        },
        () => wall,
      );
      sim.at(1.5, target, 1);
      sim.at(3, target, 2);
      driver.start();
      wall = 101.4;
      vi.advanceTimersByTime(1400);
      expect(ran).toEqual([]);
      wall = 101.5;
      vi.advanceTimersByTime(100);
      expect(ran).toEqual(['event 1 at 1.500']);
      wall = 102.2;
      driver.deliver(() => {
        ran.push(`datagram at ${sim.now.toFixed(3)}`);
        sim.after(0.5, target, 3);
      });
      wall = 102.7;
      vi.advanceTimersByTime(500);
      expect(ran).toEqual(['event 1 at 1.500', 'datagram at 2.200', 'event 3 at 2.700']);
      // A datagram that comes after an event fell due (the timer has not fired yet): the event runs first, at its own time.
      wall = 103.4;
      driver.deliver(() => ran.push(`datagram at ${sim.now.toFixed(3)}`));
      expect(ran.slice(3)).toEqual(['event 2 at 3.000', 'datagram at 3.400']);
      driver.stop();
      sim.after(1, target, 4);
      wall = 110;
      vi.advanceTimersByTime(10_000);
      expect(ran).toHaveLength(5);
    } finally {
      vi.useRealTimers();
    }
  });
});

/** Runs the CLI and returns its exit code and output. */
function cli(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['bin/cubesim.mjs', ...args], { encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('cubesim emulate on the command line', () => {
  it('refuses min-se below 90 without --allow-short-session-expires, and the flag outside emulate and trace', () => {
    const r = cli([
      'emulate',
      '--config',
      'emulation/configs/short-passthru.ios',
      '--listen',
      '127.0.0.1:5999',
      '--forward',
      '127.0.0.1:5998',
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe(
      'cubesim: emulation/configs/short-passthru.ios: line 9: min-se 2 is out of range: allowed 90-86400 seconds (below 90 s only with cubesim emulate/trace --allow-short-session-expires)',
    );
    const run = cli(['run', 'experiments/quickstart.json', '--allow-short-session-expires', '--calls', '1']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(
      /^cubesim: --allow-short-session-expires: not taken by run; allowed only with emulate and trace/,
    );
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    for (const command of [
      ['sweep', 'experiments/quickstart.json', '--param', 'calls=1'],
      ['lint', 'experiments/configs/passthru.ios'],
    ]) {
      const x = cli([...command, '--allow-short-session-expires']);
      expect(x.code).toBe(2);
      expect(x.stderr).toMatch(/not taken by (sweep|lint)/);
    }
    const trace = cli(['trace', 'emulation/scenarios/refresh-by-caller.json', '--call', '0']);
    expect(trace.code).toBe(2);
    expect(trace.stderr).toMatch(/must be 0 \(no timer\) or 90-86400 seconds/);
    const short = cli([
      'trace',
      'emulation/scenarios/refresh-by-caller.json',
      '--call',
      '0',
      '--allow-short-session-expires',
    ]);
    expect(short.code).toBe(0);
    expect(short.stdout).toContain('INVITE (refresh)');
  });

  it('names a bad --listen or --forward', () => {
    const r = cli([
      'emulate',
      '--config',
      'experiments/configs/passthru.ios',
      '--listen',
      'localhost:5060',
      '--forward',
      '127.0.0.1:5070',
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe(
      'cubesim: --listen: got "localhost:5060"; allowed: an IPv4 address and a port 1-65535, e.g. 127.0.0.1:5060',
    );
    // 0.0.0.0 would go into Via, Contact and SDP, where a peer must find an address it can send to.
    const any = cli([
      'emulate',
      '--config',
      'experiments/configs/passthru.ios',
      '--listen',
      '0.0.0.0:5060',
      '--forward',
      '127.0.0.1:5070',
    ]);
    expect(any.code).toBe(2);
    expect(any.stderr.trim()).toBe(
      'cubesim: --listen: got "0.0.0.0:5060", the unspecified address, which would go into Via, Contact and SDP; allowed: the address peers reach (callers and the callee side send to it), e.g. 127.0.0.1:5060',
    );
    const nowhere = cli(['emulate', '--config', 'experiments/configs/passthru.ios', '--forward', '0.0.0.0:5070']);
    expect(nowhere.code).toBe(2);
    expect(nowhere.stderr).toMatch(
      /^cubesim: --forward: got "0\.0\.0\.0:5070", the unspecified address, which is no destination; allowed: the address peers reach/,
    );
    const self = cli([
      'emulate',
      '--config',
      'experiments/configs/passthru.ios',
      '--listen',
      '127.0.0.1:05070',
      '--forward',
      '127.0.0.1:5070',
    ]);
    expect(self.code).toBe(2);
    expect(self.stderr.trim()).toBe(
      'cubesim: --forward: got "127.0.0.1:5070", the same address and port as --listen "127.0.0.1:05070"; allowed: the address of the callee side, e.g. 127.0.0.1:5070',
    );
    // A string option with nothing after it is refused, not given its default.
    for (const flag of ['--platform', '--listen', '--config', '--forward']) {
      const args = [
        'emulate',
        '--config',
        'experiments/configs/passthru.ios',
        '--forward',
        '127.0.0.1:5070',
        '--listen',
        '127.0.0.1:5999',
      ].filter((x, i, all) => x !== flag && all[i - 1] !== flag);
      const none = cli([...args, flag]);
      expect(none.code, none.stderr).toBe(2);
      expect(none.stderr).toMatch(new RegExp(`^cubesim: ${flag}: got no value; allowed: `));
      expect(none.stderr.trim().split('\n')).toHaveLength(1);
    }
  });

  it.skipIf(!available)('predicts with `cubesim trace`, carries a call, and stops cleanly on SIGTERM', async () => {
    const c = gridCases().find((x) => x.id === 'one-422')!;
    // The prediction of the CLI is the one the tests compute in process.
    const trace = cli(['trace', c.scenario, '--call', '0', '--format', 'json']);
    expect(trace.code).toBe(0);
    const entries = (JSON.parse(trace.stdout) as { entries: MessageEntry[] }).entries.filter(
      (e) => e.kind === 'message' && !e.retransmission,
    );
    const predicted = messagesOf(predict(c));
    expect(entries.map((e) => keyOf(e.from, e.to, e))).toEqual(predicted.map((e) => keyOf(e.from, e.to, e)));

    const p = ports();
    const child = spawn(
      process.execPath,
      [
        'bin/cubesim.mjs',
        'emulate',
        '--config',
        'experiments/configs/passthru.ios',
        '--listen',
        `${HOST}:${p.listen}`,
        '--forward',
        `${HOST}:${p.forward}`,
        '--ladder',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      await waitForUdpPort(p.listen);
      const callee = startSipp({
        scenario: 'callee-answer.xml',
        port: p.forward,
        key: { se: 1800, refresher: 'uac' },
        set: { ring_ms: 200 },
        dir: work,
        name: 'cli-callee',
        timeout: 15,
      });
      await waitForUdpPort(p.forward);
      const caller = startSipp({
        scenario: 'caller-hangup.xml',
        port: p.caller,
        remote: `${HOST}:${p.listen}`,
        key: { se: 90, se_params: '', min_se: 90 },
        set: { hold_ms: 1000 },
        dir: work,
        name: 'cli-caller',
        timeout: 15,
      });
      const [a, b] = await Promise.all([caller.done, callee.done]);
      expect(a.code, a.output + out).toBe(0);
      expect(b.code, b.output + out).toBe(0);
      expect(sideView(a.messages, 'caller', 0).map((x) => x.key)).toEqual(
        predictedView(predicted, 'caller', 0).map((x) => x.key),
      );
      checkRepeats(a, 'caller', [], `\n${out}`);
      checkRepeats(b, 'callee', [], `\n${out}`);
      // The ladder is printed when the call is over (a few seconds after its last message).
      for (let i = 0; i < 100 && !out.includes('== completed'); i++) await new Promise((r) => setTimeout(r, 50));
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
    expect(out).toMatch(/^cubesim emulate: Cisco IOS 12\.4\(20\)T/);
    expect(out).toContain(`listening on ${HOST}:${p.listen} (UDP), outbound side to ${HOST}:${p.forward}`);
    expect(out).toContain('cube-in>caller 422 Session Interval Too Small Min-SE=1800');
    expect(out).toContain('== completed: normal-clearing (BYE by caller)');
    expect(out).toMatch(/cubesim emulate: stopped; 1 call started, 0 not over\n$/);
  });
});
