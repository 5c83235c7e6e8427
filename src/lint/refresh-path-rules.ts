// Rules about the path of a refresh: whether a re-INVITE or UPDATE that refreshes the session on
// one leg reaches the other leg on this release and mode, and what happens to the call when the
// far end never sees it.

import {
  MIDCALL_PURPOSES,
  type BorderElementModel,
  type EndpointProfile,
  type MidcallPurpose,
} from '../elements/models.ts';
import { expiryDelay, refreshDelay } from '../sip/session-timer.ts';
import type { Rule } from './context.ts';
import { finding, type Finding } from './findings.ts';
import { otherParty, partyOf } from './pairing.ts';
import { assumedTag, list, num, pairWords, withTag } from './wording.ts';

/** RFC 3261 Timer F (64·T1 with the default T1 of 0.5 s): a non-INVITE refresh that is never answered times out after it. */
const TIMER_F_DEFAULT = 32;

/** Each kind of mid-call request, as the findings name it. */
const PURPOSE_WORDS: Record<MidcallPurpose, string> = {
  refresh: 'session refresh',
  video: 'video escalation',
  hold: 'hold',
  resume: 'resume',
  fax: 'T.38 fax',
  transfer: 'REFER transfer',
};

/** Refresh method the refresher actually uses toward the border element, which advertises Allow: UPDATE per the model (RFC 4028 §7.4). */
function refreshIsUpdate(p: EndpointProfile, model: BorderElementModel): boolean {
  const m = p.timer.refreshMethod;
  return (
    m === 'update' ||
    ((m === 'update-if-allowed' || m === 'update-fallback-invite') && model.sessionTimer.allowUpdate.value)
  );
}

/** F1 before 12.4(15)XZ: refreshes answered on the leg they arrive on never reach the non-refresher (C1). */
export const preXzRefresh: Rule = (ctx) => {
  const rule = ctx.table?.refresh;
  if (rule === undefined || rule.action !== 'answer-locally') return [];
  // One finding per (interval, give-up instant), naming every caller-callee pair it hits.
  const groups = new Map<string, { se: number; giveUp: number; pairs: string[] }>();
  for (const pair of ctx.pairs) {
    if (!pair.answered || pair.sessionExpires === 0 || pair.refresher === 'none' || !pair.refresherActive) continue;
    const nonRefresher = partyOf(pair, otherParty(pair.refresher));
    if (!nonRefresher.timer.supported) continue;
    const se = pair.sessionExpires;
    const giveUp = expiryDelay(se, nonRefresher.timer.expiryRule);
    const key = `${se}|${giveUp}`;
    const g = groups.get(key) ?? { se, giveUp, pairs: [] };
    g.pairs.push(`${pair.caller.id} to ${pair.callee.id} (the ${pair.refresher} refreshes)`);
    groups.set(key, g);
  }
  const release = ctx.platform.release.id;
  return [...groups.values()].map((g) =>
    finding(
      'error',
      'pre-xz-refresh',
      withTag(
        `${release} answers mid-call re-INVITEs and UPDATEs on the leg they arrive on, so the refresh sent every ${num(refreshDelay(g.se))} s never reaches the non-refresher on the other leg, ` +
          `which gives up at ${num(g.giveUp)} s for Session-Expires ${g.se}: calls longer than ${num(g.giveUp)} s are dropped, from ${list(g.pairs)}`,
        ctx.tableAssumed,
      ),
    ),
  );
};

/** What this release and mode does not carry across: C1, C3 (and Q1 for the mechanism). */
export const midcallNone: Rule = (ctx) => {
  if (ctx.config.midcallSignaling !== 'none' || ctx.table === undefined) return [];
  const table = ctx.table;
  const rejected = new Map<number, string[]>();
  const notPassed: string[] = [];
  const localRefresh: string[] = [];
  const relayed: string[] = [];
  for (const purpose of MIDCALL_PURPOSES) {
    const r = table[purpose];
    const words = PURPOSE_WORDS[purpose];
    if (r.action === 'relay') relayed.push(words);
    else if (r.action === 'reject') rejected.set(r.status, [...(rejected.get(r.status) ?? []), words]);
    else if (r.fulfils) localRefresh.push(words);
    else notPassed.push(words);
  }
  if (rejected.size === 0 && notPassed.length === 0) return [];
  const release = ctx.platform.release.id;
  const parts: string[] = [];
  for (const [status, items] of [...rejected.entries()].sort(([a], [b]) => a - b))
    parts.push(`${list(items)} re-INVITEs are rejected with ${status}`);
  if (notPassed.length > 0)
    parts.push(`${list(notPassed)} re-INVITEs are answered by the border element and never reach the far end`);
  let msg =
    ctx.platform.release.midcallBehaviour === 'pre-xz'
      ? `${release} has no midcall-signaling (before 12.4(15)XZ): `
      : `without midcall-signaling on ${release}, `;
  msg += `${parts.join('; ')}, so those features fail`;
  if (localRefresh.length > 0) msg += `; ${list(localRefresh)} is answered on its own leg (see pre-xz-refresh)`;
  if (relayed.length > 0) msg += `; ${list(relayed)} ${relayed.length === 1 ? 'is' : 'are'} relayed and work`;
  return [finding('warning', 'midcall-none', withTag(msg, ctx.tableAssumed))];
};

/** F7: an UPDATE refresh relayed to a peer that refuses or ignores UPDATE (RFC 4028 §7.4, §10). */
export const updateRefresh: Rule = (ctx) => {
  if (ctx.table?.refresh.action !== 'relay' || !ctx.platform.release.sipToSipUpdate.value) return [];
  const out: Finding[] = [];
  for (const pair of ctx.pairs) {
    if (!pair.answered || pair.sessionExpires === 0 || pair.refresher === 'none' || !pair.refresherActive) continue;
    const refresher = partyOf(pair, pair.refresher);
    const peerRole = otherParty(pair.refresher);
    const peer = partyOf(pair, peerRole);
    if (!refresher.timer.supported || !refreshIsUpdate(refresher, ctx.model) || peer.answersUpdate === 'ok') continue;
    const se = pair.sessionExpires;
    const sentAt = refreshDelay(se);
    const why =
      refresher.timer.refreshMethod === 'update'
        ? ''
        : withTag(
            `; ${refresher.id} picks UPDATE because the border element advertises Allow: UPDATE`,
            assumedTag(ctx.model.sessionTimer.allowUpdate),
          );
    const rName = `${refresher.id} (${pair.refresher})`;
    const pName = `${peer.id} (${peerRole})`;
    const head = `${rName} refreshes by UPDATE toward ${pName}`;
    const where = `on ${pairWords(pair)} (Session-Expires ${se})`;
    const peerDeadline = peer.timer.supported ? expiryDelay(se, peer.timer.expiryRule) : Infinity;
    if (peer.answersUpdate === 'never') {
      const timeout = sentAt + TIMER_F_DEFAULT;
      const end =
        peerDeadline < timeout
          ? `${pName} gives up first at ${num(peerDeadline)} s: calls longer than ${num(peerDeadline)} s are dropped`
          : `${rName} hangs up then (RFC 4028 §10)${Number.isFinite(peerDeadline) ? `, before the ${peerRole}'s own deadline at ${num(peerDeadline)} s` : ''}: calls longer than ${num(timeout)} s are dropped`;
      out.push(
        finding(
          'error',
          'update-refresh',
          `${head}, which never answers UPDATE: ${where} the refresh sent at ${num(sentAt)} s times out at ${num(timeout)} s (Timer F, 64·T1 = ${TIMER_F_DEFAULT} s), and ${end} (F7)${why}`,
        ),
      );
      continue;
    }
    const status = peer.answersUpdate;
    if (refresher.timer.refreshMethod === 'update-fallback-invite') {
      out.push(
        finding(
          'note',
          'update-refresh',
          `${head}, which answers UPDATE with ${status}: ${where} the ${pair.refresher} falls back to a re-INVITE, one extra transaction per refresh every ${num(sentAt)} s${why}`,
        ),
      );
      continue;
    }
    const end = refresher.timer.byeOnRefreshRejected
      ? `${rName} hangs up on the rejection: calls longer than ${num(sentAt)} s are dropped`
      : Number.isFinite(peerDeadline)
        ? `${pName} is never refreshed and gives up at ${num(peerDeadline)} s: calls longer than ${num(peerDeadline)} s are dropped`
        : 'the session is never refreshed';
    out.push(
      finding(
        'warning',
        'update-refresh',
        `${head}, which answers UPDATE with ${status}: ${where} the refresh at ${num(sentAt)} s fails and ${end} (F7)${why}`,
      ),
    );
  }
  return out;
};

/**
 * A refresh UPDATE on a release that passes no UPDATE from one SIP leg to the other: the border
 * element answers it itself (or refuses it), and the other leg is never refreshed.
 */
export const updateNotRelayed: Rule = (ctx) => {
  if (ctx.table?.refresh.action !== 'relay' || ctx.platform.release.sipToSipUpdate.value) return [];
  const st = ctx.model.sessionTimer;
  const reading = `updateWithoutRelay ${st.updateWithoutRelay.value} ${assumedTag(st.updateWithoutRelay)}`;
  const release = ctx.platform.release.id;
  const out: Finding[] = [];
  for (const pair of ctx.pairs) {
    if (!pair.answered || pair.sessionExpires === 0 || pair.refresher === 'none' || !pair.refresherActive) continue;
    const refresher = partyOf(pair, pair.refresher);
    if (!refresher.timer.supported || !refreshIsUpdate(refresher, ctx.model)) continue;
    const peerRole = otherParty(pair.refresher);
    const peer = partyOf(pair, peerRole);
    const se = pair.sessionExpires;
    const sentAt = refreshDelay(se);
    const rName = `${refresher.id} (${pair.refresher})`;
    const pName = `${peer.id} (${peerRole})`;
    const head = `${rName} refreshes by UPDATE, which ${release} does not pass from one SIP leg to the other (platform release.sipToSipUpdate)`;
    const where = `on ${pairWords(pair)} (Session-Expires ${se})`;
    const workaround = `workaround (Cisco TAC 213843): make ${refresher.id} refresh by re-INVITE, or keep UPDATE out of the Allow toward it`;
    if (st.updateWithoutRelay.value === 'reject' && refresher.timer.refreshMethod === 'update-fallback-invite') {
      out.push(
        finding(
          'note',
          'update-not-relayed',
          `${head}: ${where} the border element refuses it with 501 (${reading}) and ${rName} falls back to a re-INVITE, one extra transaction per refresh every ${num(sentAt)} s`,
        ),
      );
      continue;
    }
    const peerDeadline = peer.timer.supported ? expiryDelay(se, peer.timer.expiryRule) : Infinity;
    const answer = st.updateWithoutRelay.value === 'reject' ? 'refuses it with 501' : 'answers it itself';
    const end = Number.isFinite(peerDeadline)
      ? `${pName} is never refreshed and gives up at ${num(peerDeadline)} s: calls longer than ${num(peerDeadline)} s are dropped`
      : `the ${peerRole}'s leg is never refreshed`;
    out.push(
      finding(
        'warning',
        'update-not-relayed',
        `${head}: ${where} the border element ${answer} at ${num(sentAt)} s (${reading}) and ${end}; ${workaround}`,
      ),
    );
  }
  return out;
};
