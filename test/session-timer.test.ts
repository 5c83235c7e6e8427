import { describe, expect, it } from 'vitest';
import {
  expiryDelay,
  expiryLead,
  isLocalRefresher,
  negotiateAsUas,
  refreshDelay,
  retryAfter422,
  tokenForOwnRefresh,
} from '../src/sip/session-timer.ts';

describe('RFC 4028 arithmetic (domain-facts §1.3)', () => {
  it.each([
    [90, 45, 60],
    [120, 60, 88],
    [600, 300, 568],
    [1800, 900, 1768],
    [3600, 1800, 3568],
    [86400, 43200, 86368],
  ])('SE %i: refresh at %i, non-refresher BYE at %i', (se, refresh, bye) => {
    expect(refreshDelay(se)).toBe(refresh);
    expect(expiryDelay(se, 'rfc')).toBe(bye);
  });

  it('uses min(32, SE/3) as the lead', () => {
    expect(expiryLead(90)).toBe(30);
    expect(expiryLead(96)).toBe(32);
    expect(expiryLead(1800)).toBe(32);
  });

  it('knows the other implementations give-up rules (anchors A.12)', () => {
    expect(expiryDelay(90, 'factor-1.1')).toBeCloseTo(99);
    expect(expiryDelay(1800, 'se')).toBe(1800);
    expect(expiryDelay(1800, 'se-plus-32')).toBe(1832);
  });
});

describe('UAS negotiation (RFC 4028 §9, Table 2)', () => {
  const uas = { minSe: 90, sessionExpires: 1800, preferredRefresher: 'uas' as const };

  it('Table 2: UAC without timer support -> uas', () => {
    const d = negotiateAsUas({ supportedTimer: false, sessionExpires: 0, refresher: '', minSe: 0 }, uas);
    expect(d).toEqual({ kind: 'accept', sessionExpires: 1800, refresher: 'uas', requireTimer: false });
  });
  it('Table 2: refresher left open -> the UAS chooses', () => {
    const d = negotiateAsUas({ supportedTimer: true, sessionExpires: 1800, refresher: '', minSe: 0 }, uas);
    expect(d).toMatchObject({ kind: 'accept', refresher: 'uas', requireTimer: true });
    const d2 = negotiateAsUas(
      { supportedTimer: true, sessionExpires: 1800, refresher: '', minSe: 0 },
      { ...uas, preferredRefresher: 'uac' },
    );
    expect(d2).toMatchObject({ refresher: 'uac', requireTimer: true });
  });
  it('Table 2: uac and uas requests are honoured', () => {
    expect(
      negotiateAsUas({ supportedTimer: true, sessionExpires: 1800, refresher: 'uac', minSe: 0 }, uas),
    ).toMatchObject({ refresher: 'uac' });
    expect(
      negotiateAsUas({ supportedTimer: true, sessionExpires: 1800, refresher: 'uas', minSe: 0 }, uas),
    ).toMatchObject({ refresher: 'uas' });
  });
  it('422 with its Min-SE below the local minimum when the UAC supports timers', () => {
    expect(
      negotiateAsUas({ supportedTimer: true, sessionExpires: 90, refresher: '', minSe: 90 }, { ...uas, minSe: 1800 }),
    ).toEqual({ kind: 'reject', status: 422, minSe: 1800 });
  });
  it('raises the interval instead when the UAC cannot retry (erratum 1687)', () => {
    expect(
      negotiateAsUas({ supportedTimer: false, sessionExpires: 90, refresher: '', minSe: 0 }, { ...uas, minSe: 1800 }),
    ).toMatchObject({ kind: 'accept', sessionExpires: 1800, refresher: 'uas' });
  });
  it('imposes no lower interval than the request Min-SE', () => {
    expect(negotiateAsUas({ supportedTimer: true, sessionExpires: 0, refresher: '', minSe: 3600 }, uas)).toMatchObject({
      sessionExpires: 3600,
    });
  });
  it('ignores the Min-SE of an SE-less request with defect F9', () => {
    expect(
      negotiateAsUas(
        { supportedTimer: true, sessionExpires: 0, refresher: '', minSe: 3600 },
        { ...uas, ignoreMinSeWithoutSe: true },
      ),
    ).toMatchObject({ sessionExpires: 1800 });
  });
});

describe('422 retry (RFC 4028 §7.4 and the §13 example)', () => {
  it('retries with the largest Min-SE seen: 3600, then 4000', () => {
    const first = retryAfter422(90, 0, 3600);
    expect(first).toEqual({ sessionExpires: 3600, minSe: 3600 });
    const second = retryAfter422(first.sessionExpires, first.minSe, 4000);
    expect(second).toEqual({ sessionExpires: 4000, minSe: 4000 });
  });
});

describe('refresher token readings (U17)', () => {
  it('transaction reading: uac names the sender of the request', () => {
    expect(isLocalRefresher('uac', true, false, 'transaction')).toBe(true);
    expect(isLocalRefresher('uac', false, true, 'transaction')).toBe(false);
    expect(tokenForOwnRefresh(false, 'transaction')).toBe('uac');
  });
  it('dialog reading: uac names the party that sent the initial INVITE', () => {
    expect(isLocalRefresher('uac', false, true, 'dialog')).toBe(true);
    expect(isLocalRefresher('uas', true, false, 'dialog')).toBe(true);
    expect(tokenForOwnRefresh(false, 'dialog')).toBe('uas');
  });
});
