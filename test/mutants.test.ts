// Rules the suite must pin exactly, each by a test of its own and not only by the golden
// fingerprint: the mutations of issue 14 (and the mutants Stryker found surviving in
// src/sip/session-timer.ts) each make one of these fail. Each test names the clause.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MUTATIONS } from '../scripts/named-mutations.ts';
import type { TraceEntry } from '../src/elements/call.ts';
import { glareBackoffWindow } from '../src/sip/dialog-core.ts';
import {
  effectiveMinSe,
  expiryDelay,
  intervalWhenAnswerSilent,
  isLocalRefresher,
  negotiateAsUas,
  retryAfter422,
  tokenForOwnRefresh,
} from '../src/sip/session-timer.ts';
import { RFC3261_TIMERS } from '../src/sip/transaction.ts';
import { load, run } from './helpers.ts';

type Message = Extract<TraceEntry, { kind: 'message' }>;
const messages = (trace: readonly TraceEntry[] | null): Message[] =>
  (trace ?? []).filter((e): e is Message => e.kind === 'message');
const T1 = RFC3261_TIMERS.T1;

describe('RFC 4028 rules', () => {
  it('§10: the non-refresher gives up at SE - min(32, SE/3), the cap SE/3 for short intervals', () => {
    expect(expiryDelay(90, 'rfc')).toBe(60);
    expect(expiryDelay(1800, 'rfc')).toBe(1768);
  });

  it("§9: a 422 carries the UAS's own Min-SE, not the request's", () => {
    expect(
      negotiateAsUas(
        { supportedTimer: true, sessionExpires: 100, refresher: '', minSe: 95 },
        { minSe: 1800, sessionExpires: 1800, preferredRefresher: 'uac' },
      ),
    ).toEqual({ kind: 'reject', status: 422, minSe: 1800 });
  });

  it('§7.4: the retry after several 422s takes the largest Min-SE seen, not the latest', () => {
    // A first 422 said 1000, a second hop's 422 says 600: the retry keeps 1000.
    expect(retryAfter422(90, 1000, 600)).toEqual({ sessionExpires: 1000, minSe: 1000 });
    expect(retryAfter422(90, 600, 1000)).toEqual({ sessionExpires: 1000, minSe: 1000 });
    expect(retryAfter422(1200, 600, 1000)).toEqual({ sessionExpires: 1200, minSe: 1000 });
  });

  it('§5: a request without Min-SE is taken as Min-SE 90', () => {
    expect(effectiveMinSe(0)).toBe(90);
    expect(effectiveMinSe(120)).toBe(120);
  });

  it('§9: with no interval offered and none of its own, the UAS answers without a timer', () => {
    expect(
      negotiateAsUas(
        { supportedTimer: true, sessionExpires: 0, refresher: '', minSe: 0 },
        { minSe: 90, sessionExpires: 0, preferredRefresher: 'uas' },
      ),
    ).toEqual({ kind: 'accept', sessionExpires: 0, refresher: '', requireTimer: false });
  });

  it('defect F11: a UAS that echoes no Session-Expires when the request named no refresher, and only then', () => {
    const policy = { minSe: 90, sessionExpires: 1800, preferredRefresher: 'uas' as const, omitWhenNoRefresher: true };
    const silent = { kind: 'accept', sessionExpires: 0, refresher: '', requireTimer: false };
    expect(negotiateAsUas({ supportedTimer: true, sessionExpires: 1800, refresher: '', minSe: 90 }, policy)).toEqual(
      silent,
    );
    expect(negotiateAsUas({ supportedTimer: true, sessionExpires: 1800, refresher: 'uac', minSe: 90 }, policy)).toEqual(
      { kind: 'accept', sessionExpires: 1800, refresher: 'uac', requireTimer: true },
    );
    // No Session-Expires in the request: the UAS's own interval, not silence.
    expect(negotiateAsUas({ supportedTimer: true, sessionExpires: 0, refresher: '', minSe: 0 }, policy)).toEqual({
      kind: 'accept',
      sessionExpires: 1800,
      refresher: 'uas',
      requireTimer: true,
    });
  });

  it('§7.2: a UAC whose 2xx is silent about the timer runs it alone only when it is made to (U7), else has none', () => {
    expect(intervalWhenAnswerSilent(1800, true)).toBe(1800);
    expect(intervalWhenAnswerSilent(1800, false)).toBe(0);
  });

  it('§4: no refresher parameter means nobody is named, whatever the reading', () => {
    for (const sent of [true, false])
      for (const created of [true, false])
        for (const reading of ['transaction', 'dialog'] as const)
          expect(isLocalRefresher('', sent, created, reading)).toBe(false);
  });

  it('§7.4: a refresher keeps its role in its own refresh (uac as the sender; by dialog roles for the stacks that read it so)', () => {
    expect(tokenForOwnRefresh(true, 'transaction')).toBe('uac');
    expect(tokenForOwnRefresh(false, 'transaction')).toBe('uac');
    expect(tokenForOwnRefresh(true, 'dialog')).toBe('uac');
    expect(tokenForOwnRefresh(false, 'dialog')).toBe('uas');
  });

  it('§7.4: a re-INVITE sent by the non-refresher names the other side (refresher=uas), never itself', () => {
    // The CUCM callee names itself refresher (uas), so the caller's hold and video re-INVITEs come from the non-refresher.
    const r = run(load('quickstart', ['calls=60', 'endpoints.cucm.timer.preferredRefresher="uas"']), [
      ...Array(60).keys(),
    ]);
    let seen = 0;
    for (const c of r.calls) {
      expect(c.inbound.refresher, `call ${c.index}`).not.toBe('caller');
      for (const m of messages(c.trace)) {
        if (m.from !== 'caller' || m.status !== 0 || m.method !== 'INVITE' || m.purpose === 'setup' || m.retransmission)
          continue;
        expect(`${m.purpose} ${m.refresher}`, `call ${c.index} at ${m.t}`).toBe(`${m.purpose} uas`);
        seen++;
      }
    }
    expect(seen).toBeGreaterThan(10);
  });
});

describe('RFC 3261 timers and back-off', () => {
  it('§13.3.1.4: a UAS whose 2xx is never acknowledged gives up 64·T1 (32 s) after sending it', () => {
    const all = run(load('teach-f10-lossy-refresh'));
    const unacked = all.calls.filter((c) => c.cause === 'ack-timeout').map((c) => c.index);
    expect(unacked.length).toBeGreaterThan(0);
    const traced = run(load('teach-f10-lossy-refresh'), unacked);
    for (const k of unacked) {
      const c = traced.calls.find((x) => x.index === k)!;
      const outcome = (c.trace ?? []).find((e) => e.kind === 'outcome')!;
      // The last 2xx first sent (not a retransmission) by the party that gave up, before the outcome.
      const party = c.side === 'callee' ? 'callee' : c.side === 'caller' ? 'caller' : 'cube-in';
      const sent = messages(c.trace).filter(
        (m) =>
          m.from === party &&
          m.status >= 200 &&
          m.status < 300 &&
          m.method === 'INVITE' &&
          !m.retransmission &&
          m.t <= outcome.t,
      );
      expect(sent.length, `call ${k}`).toBeGreaterThan(0);
      expect(outcome.t - sent[sent.length - 1]!.t, `call ${k}`).toBeCloseTo(64 * T1, 9);
    }
  });

  it('Timer F: an unanswered UPDATE refresh fails 64·T1 (32 s) after it was sent (teach-f7)', () => {
    const r = run(load('teach-f7-update-unanswered', ['calls=5']), [0, 1, 2, 3, 4]);
    for (const c of r.calls) {
      const update = messages(c.trace).find((m) => m.from === 'caller' && m.method === 'UPDATE' && !m.retransmission)!;
      const outcome = (c.trace ?? []).find((e) => e.kind === 'outcome')!;
      expect(outcome.t - update.t).toBeCloseTo(64 * T1, 9);
    }
  });

  it('§14.1: the glare back-off is 2.1-4.0 s for the Call-ID owner and 0-2.0 s for the other side', () => {
    expect(glareBackoffWindow(true)).toEqual([2.1, 4.0]);
    expect(glareBackoffWindow(false)).toEqual([0, 2.0]);
    // In the model: teach-f3's glare with a callee that backs off instead of hanging up.
    const r = run(load('teach-f3-glare-hangup', ['endpoints.pjsip.defects=["dialog-role-refresher-token"]']), [
      ...Array(400).keys(),
    ]);
    const waits = { caller: [] as number[], callee: [] as number[] };
    for (const c of r.calls) {
      const ms = messages(c.trace);
      for (const party of ['caller', 'callee'] as const) {
        for (const sent491 of ms.filter((m) => m.to === party && m.status === 491 && !m.retransmission)) {
          // The back-off starts when the 491 arrives, which is when the party's transaction ACKs it.
          const glare = ms.find((m) => m.from === party && m.method === 'ACK' && m.t >= sent491.t);
          if (glare === undefined) continue;
          const again = ms.find(
            (m) =>
              m.from === party &&
              m.t > glare.t &&
              m.status === 0 &&
              m.method === 'INVITE' &&
              m.purpose === 'refresh' &&
              !m.retransmission,
          );
          // A refresh from the other side accepted meanwhile makes the retry moot: the party then waits a whole interval.
          const superseded =
            again !== undefined &&
            ms.some((m) => m.to === party && m.status === 0 && m.method === 'INVITE' && m.t > glare.t && m.t < again.t);
          if (again !== undefined && !superseded) waits[party].push(again.t - glare.t);
        }
      }
    }
    // The callee did not send the outbound dialog's INVITE: it retries within 2 s, before the caller
    // (which owns the inbound dialog's Call-ID) would, so the caller's retry is never needed here.
    expect(waits.callee.length).toBeGreaterThan(10);
    for (const w of waits.caller) {
      expect(w).toBeGreaterThanOrEqual(2.1 - 1e-9);
      expect(w).toBeLessThanOrEqual(4.0 + 1e-9);
    }
    for (const w of waits.callee) {
      expect(w).toBeGreaterThanOrEqual(0);
      expect(w).toBeLessThanOrEqual(2.0 + 1e-9);
    }
  });
});

describe('the named mutations (npm run mutation) still apply', () => {
  it.each(MUTATIONS.map((m) => [m.name, m] as const))('%s: its text stands once in its file', (_, m) => {
    const text = readFileSync(m.file, 'utf8');
    expect(text.split(m.from).length - 1, `${m.file} should hold "${m.from}" once`).toBe(1);
  });
});
