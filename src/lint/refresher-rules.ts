// Rules about who keeps a call alive: a refresher that never refreshes, what the border element
// does with `session refresh`, and in-dialog OPTIONS as the liveness check of calls without a
// session timer.

import type { SessionRefreshAction } from '../elements/models.ts';
import { expiryDelay } from '../sip/session-timer.ts';
import { lineOf, type Rule } from './context.ts';
import { finding, type Finding } from './findings.ts';
import { otherParty, partyOf } from './pairing.ts';
import { assumedTag, list, num, pairWords } from './wording.ts';

/** F2 on a timer-less caller: the callee names the caller as refresher and nobody refreshes (C8, §9 Table 2). */
export const noRefresher: Rule = (ctx) => {
  const out: Finding[] = [];
  for (const pair of ctx.pairs) {
    if (!pair.answered || pair.sessionExpires === 0 || pair.refresher === 'none' || pair.refresherActive) continue;
    const named = partyOf(pair, pair.refresher);
    const other = partyOf(pair, otherParty(pair.refresher));
    if (!other.timer.supported) continue;
    const giveUp = expiryDelay(pair.sessionExpires, other.timer.expiryRule);
    const why = named.timer.supported
      ? `${named.id} never sends a refresh`
      : `${named.id} has no session-timer support and ${ctx.platform.release.id} does not refresh on its behalf (C8)`;
    const token = pair.refresher === 'caller' ? 'uac' : 'uas';
    out.push(
      finding(
        'warning',
        'no-refresher',
        `${pairWords(pair)} negotiate Session-Expires ${pair.sessionExpires} with refresher=${token} (${named.id}), but ${why}: ${other.id} gives up at ${num(giveUp)} s, so those calls longer than ${num(giveUp)} s are dropped (F2)`,
      ),
    );
  }
  return out;
};

/** C6: in-dialog OPTIONS run only on calls without a negotiated session timer. */
export const optionsPingUnused: Rule = (ctx) => {
  const ping = ctx.config.optionsPing;
  if (ping === null) return [];
  const answered = ctx.pairs.filter((p) => p.answered);
  if (answered.length === 0 || answered.some((p) => p.sessionExpires === 0)) return [];
  const ids = ctx.profiles.map((p) => p.id);
  const among = ids.length === 1 ? `between two ${ids[0]!} peers` : `among ${list(ids)}`;
  return [
    finding(
      'note',
      'options-ping-unused',
      `options-ping ${ping} never runs: every call ${among} negotiates a session timer, and the border element sends in-dialog OPTIONS only on calls without one (C6)`,
      lineOf(ctx.config, 'options-ping'),
    ),
  ];
};

/** 15.1(2)T `session refresh`: per pair, what the border element does (Cisco's table, C9; which leg, assumed). */
export const sessionRefresh: Rule = (ctx) => {
  const words: Record<SessionRefreshAction, string> = {
    pass: 'both ends run the timer; the border element passes their refreshes across (rows 1-4)',
    'uac-refreshes-or-cube':
      'the callee has no session timer: the border element answers the caller with an interval and watches that leg, or refreshes it when the INVITE names uas (rows 5-7)',
    'uas-refreshes-or-cube':
      'the caller has no session timer: the border element asks the callee for an interval and watches that leg, or refreshes it unless the callee names itself (rows 9-11)',
    'cube-refreshes':
      "neither end has a session timer: the border element refreshes the callee's leg itself (rows 13-15)",
  };
  const byAction = new Map<SessionRefreshAction, string[]>();
  for (const p of ctx.pairs) {
    if (p.cube === null) continue;
    const list = byAction.get(p.cube) ?? [];
    list.push(pairWords(p).replace(/^calls from /, ''));
    byAction.set(p.cube, list);
  }
  const tag = `(${assumedTag(ctx.model.sessionRefresh).replace(/^\(|\)$/g, '')}: which leg)`;
  return [...byAction.entries()].map(([action, pairs]) =>
    finding(
      'note',
      'session-refresh',
      `session refresh: calls from ${list(pairs)}: ${words[action]}${action === 'pass' ? '' : ` ${tag}`}`,
    ),
  );
};

/** Neither a session timer nor options-ping: a call whose far end vanished is never cleaned up (C6, RFC 4028 §8.3). */
export const noLiveness: Rule = (ctx) => {
  if (ctx.config.optionsPing !== null) return [];
  const bare = ctx.pairs.filter((p) => p.answered && p.sessionExpires === 0).map(pairWords);
  if (bare.length === 0) return [];
  const names = bare.map((w) => w.replace(/^calls from /, ''));
  return [
    finding(
      'note',
      'no-liveness',
      `calls from ${list(names)} run without a session timer and options-ping is not configured: a call whose far end disappears without a BYE is never cleaned up`,
    ),
  ];
};
