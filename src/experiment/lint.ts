// Checks a border-element configuration against its platform's release and the endpoint
// profiles that may sit on its two legs, before anything runs, and says what will go wrong in
// the words a SIP engineer would use. Pure: everything it needs is passed in (models are read
// by experiment/load.ts and the caller), and it uses the RFC 4028 arithmetic of
// sip/session-timer.ts rather than re-deriving it.
//
// Each rule is a small function in RULES. They share one Context, computed once: the profiles,
// the mid-call table of this release and mode, and the outcome of a call setup for every ordered
// (caller, callee) pair of profiles, replayed through the border element the way the simulator
// carries it (422 at the border element, Min-SE insertion, 422 at the callee, the caller's retry).

import {
  borderElementMinSe,
  ownInterval,
  relayInitialOffer,
  sessionRefreshCase,
  sessionRefreshOn,
} from '../elements/border-element.ts';
import type { Platform } from '../config/platform.ts';
import { DEFAULT_MIN_SE, type BorderElementConfig, type GatedCommand } from '../config/types.ts';
import {
  MIDCALL_PURPOSES,
  type BorderElementModel,
  type DefectTable,
  type EndpointProfile,
  type MidcallPurpose,
  type MidcallTable,
  type SessionRefreshAction,
} from '../elements/models.ts';
import type { RefresherToken } from '../sip/message.ts';
import {
  expiryDelay,
  intervalWhenAnswerSilent,
  negotiateAsUas,
  refreshDelay,
  retryAfter422,
  type ExpiryRule,
} from '../sip/session-timer.ts';

export type Severity = 'error' | 'warning' | 'note';

export interface Finding {
  severity: Severity;
  rule: string;
  message: string;
  /** 1-based line of the configuration the finding is about, when there is one. */
  line?: number;
}

export interface LintInput {
  config: BorderElementConfig;
  platform: Platform;
  model: BorderElementModel;
  /** Effective profiles (defects applied), the peers that may sit on either leg. */
  profiles: EndpointProfile[];
  /** models/defects.json, to describe the defects switched on in `profiles`. */
  defects?: DefectTable;
  /** The caller and callee ids that meet (an experiment's workload); every ordered pair of `profiles` when absent. */
  pairs?: ReadonlyArray<readonly [string, string]>;
}

// ---------------------------------------------------------------------------------------------
// Shared context

/** RFC 3261 Timer F (64·T1 with the default T1 of 0.5 s): a non-INVITE refresh that is never answered times out after it. */
const TIMER_F_DEFAULT = 32;
/** Session-Expires assumed for a profile that offers none, when describing its give-up rule (RFC 4028 §4 recommendation). */
const RECOMMENDED_SE = 1800;
/** Intervals below this count as short for the load note. */
const SHORT_INTERVAL = 300;
/** Concurrent calls the load note is scaled to. */
const LOAD_SCALE = 1000;

type Party = 'caller' | 'callee';

interface Rejection {
  by: 'border-element' | 'callee';
  /** Min-SE carried by the 422. */
  minSe: number;
  /** Session-Expires and Min-SE of the request that was refused, as the refusing element saw it. */
  sessionExpires: number;
  requestMinSe: number;
}

/** One call setup from `caller` to `callee` through the border element, as the simulator carries it. */
interface PairOutcome {
  caller: EndpointProfile;
  callee: EndpointProfile;
  rejections: Rejection[];
  answered: boolean;
  /** Negotiated session interval on the answered call (0: no session timer). */
  sessionExpires: number;
  /** Who the 2xx names as refresher, after the answer reached the caller. */
  refresher: Party | 'none';
  /** The named refresher runs timers and so will actually send refreshes. */
  refresherActive: boolean;
  /** With 15.1(2)T `session refresh`: what the border element does on this pair (Cisco's table); null without it. */
  cube: SessionRefreshAction | null;
}

interface Context {
  config: BorderElementConfig;
  platform: Platform;
  model: BorderElementModel;
  profiles: EndpointProfile[];
  defects: DefectTable | undefined;
  /** What the border element does with each kind of mid-call request on this release and mode. */
  table: MidcallTable | undefined;
  /** The table's provenance, as "(assumed, Q1)" or "". */
  tableAssumed: string;
  pairs: PairOutcome[];
}

function buildContext(input: LintInput): Context {
  const byId = new Map<string, EndpointProfile>();
  for (const p of input.profiles) if (!byId.has(p.id)) byId.set(p.id, p);
  const profiles = [...byId.values()].sort((a, b) => compare(a.id, b.id));
  const releaseTable = input.model.midcall[input.platform.release.midcallBehaviour] as Record<
    string,
    { requests: MidcallTable; assumed?: string | undefined } | undefined
  >;
  const mode = releaseTable[input.config.midcallSignaling];
  const pairs: PairOutcome[] = [];
  const meets = input.pairs === undefined ? null : new Set(input.pairs.map(([a, b]) => `${a}\u0000${b}`));
  const takesPart = sessionRefreshOn(input.config);
  for (const caller of profiles) {
    for (const callee of profiles) {
      if (meets !== null && !meets.has(`${caller.id}\u0000${callee.id}`)) continue;
      const pair = setupThrough(caller, callee, input.config, input.model);
      if (takesPart && pair.answered) {
        // The border element answers, watches or refreshes the leg whose end does not (C9).
        pair.cube =
          input.model.sessionRefresh.cases[sessionRefreshCase(caller.timer.supported, callee.timer.supported)];
        if (pair.cube !== 'pass') {
          if (pair.sessionExpires === 0) pair.sessionExpires = ownInterval(input.config, input.model);
          pair.refresherActive = true;
        }
      }
      pairs.push(pair);
    }
  }
  return {
    config: input.config,
    platform: input.platform,
    model: input.model,
    profiles,
    defects: input.defects,
    table: mode?.requests,
    tableAssumed: mode === undefined ? '' : assumedTag(mode),
    pairs,
  };
}

function canRetry422(p: EndpointProfile): boolean {
  return p.timer.supported && p.timer.retry422 && p.timer.max422Retries > 0;
}

/**
 * The initial INVITE from `caller` through the border element to `callee`, attempt by attempt:
 * the border element's 422 below min-se (RFC 4028 §8.1, when the model says it refuses) or its
 * raising of the interval, the Min-SE it inserts (anchors A.1), the callee's §9 decision, and the
 * caller's §7.3 retry with the largest Min-SE seen.
 */
function setupThrough(
  caller: EndpointProfile,
  callee: EndpointProfile,
  config: BorderElementConfig,
  model: BorderElementModel,
): PairOutcome {
  const ct = caller.timer;
  const st = model.sessionTimer;
  const token: RefresherToken = ct.supported && ct.requestRefresher !== 'none' ? ct.requestRefresher : '';
  let se = ct.supported ? ct.sessionExpires : 0;
  let minSe = ct.supported ? ct.minSe : 0;
  let largest = 0;
  let retries = 0;
  const rejections: Rejection[] = [];
  const fail = (): PairOutcome => ({
    caller,
    callee,
    rejections,
    answered: false,
    sessionExpires: 0,
    refresher: 'none',
    refresherActive: false,
    cube: null,
  });
  for (;;) {
    let rejected: Rejection | undefined;
    const relay = relayInitialOffer(
      { supportedTimer: ct.supported, sessionExpires: se, refresher: token, minSe },
      borderElementMinSe(config, model),
      model,
    );
    if (relay.kind === 'reject') {
      rejected = { by: 'border-element', minSe: relay.minSe, sessionExpires: se, requestMinSe: minSe };
    } else {
      const out = relay.offer;
      if (!callee.timer.supported) return answeredWithout(caller, callee, rejections, se);
      const q = callee.timer;
      const decision = negotiateAsUas(out, {
        minSe: q.minSe,
        sessionExpires: q.sessionExpires,
        preferredRefresher: q.preferredRefresher,
        omitWhenNoRefresher: q.omitSeWhenNoRefresher,
        ignoreMinSeWithoutSe: q.ignoreMinSeWithoutSe,
        maxSessionExpires: q.maxSessionExpires,
      });
      if (decision.kind === 'reject') {
        rejected = { by: 'callee', minSe: decision.minSe, sessionExpires: out.sessionExpires, requestMinSe: out.minSe };
      } else if (decision.sessionExpires === 0) {
        return answeredWithout(caller, callee, rejections, se);
      } else {
        const refresher: Party = decision.refresher === 'uas' ? 'callee' : 'caller';
        // Before `session refresh` the border element originates no refresh on a caller's behalf (C8).
        const active =
          refresher === 'callee' ? !q.neverRefreshes : ct.supported ? !ct.neverRefreshes : st.originatesRefresh.value;
        return {
          caller,
          callee,
          rejections,
          answered: true,
          sessionExpires: decision.sessionExpires,
          refresher,
          refresherActive: active,
          cube: null,
        };
      }
    }
    rejections.push(rejected);
    if (!canRetry422(caller) || retries >= ct.max422Retries) return fail();
    retries++;
    largest = Math.max(largest, rejected.minSe);
    const next = retryAfter422(ct.sessionExpires, largest, rejected.minSe);
    se = next.sessionExpires;
    minSe = next.minSe;
  }
}

/** The 2xx carries no Session-Expires: the caller runs a timer alone only if it chooses to (RFC 4028 §7.2). */
function answeredWithout(
  caller: EndpointProfile,
  callee: EndpointProfile,
  rejections: Rejection[],
  requested: number,
): PairOutcome {
  const alone = caller.timer.supported ? intervalWhenAnswerSilent(requested, caller.timer.aloneIfSilent) : 0;
  return {
    caller,
    callee,
    rejections,
    answered: true,
    sessionExpires: alone,
    refresher: alone > 0 ? 'caller' : 'none',
    refresherActive: alone > 0 && !caller.timer.neverRefreshes,
    cube: null,
  };
}

// ---------------------------------------------------------------------------------------------
// Wording helpers

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Seconds and rates without floating-point noise: 99, 44.4. */
function num(n: number): string {
  return String(Number(n.toFixed(1)));
}

/** "(assumed, Q3)" for a model value marked assumed, keyed by the fact-sheet entry its text starts with. */
function assumedTag(item: { assumed?: string | undefined }): string {
  if (item.assumed === undefined) return '';
  const key = /^\s*([A-Z]\d+)\b/.exec(item.assumed);
  return key === null ? '(assumed)' : `(assumed, ${key[1]})`;
}

function withTag(text: string, tag: string): string {
  return tag === '' ? text : `${text} ${tag}`;
}

function list(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

function retryWords(p: EndpointProfile): string {
  if (!p.timer.retry422) return 'never retries after 422';
  if (p.timer.max422Retries === 0) return 'does not retry after 422 (max422Retries 0)';
  return `gives up after ${p.timer.max422Retries} ${p.timer.max422Retries === 1 ? 'retry' : 'retries'} after 422`;
}

const RULE_WORDS: Record<ExpiryRule, string> = {
  rfc: 'SE − min(32, SE/3)',
  'factor-1.1': '1.1 × SE',
  se: 'SE',
  'se-plus-32': 'SE + 32',
};

const PURPOSE_WORDS: Record<MidcallPurpose, string> = {
  refresh: 'session refresh',
  video: 'video escalation',
  hold: 'hold',
  resume: 'resume',
  fax: 'T.38 fax',
  transfer: 'REFER transfer',
};

function lineOf(config: BorderElementConfig, command: GatedCommand): number | undefined {
  let line: number | undefined;
  for (const use of config.uses) if (use.command === command && use.at.line !== undefined) line = use.at.line; // the last one wins, as in IOS
  return line;
}

function finding(severity: Severity, rule: string, message: string, line?: number): Finding {
  return line === undefined ? { severity, rule, message } : { severity, rule, message, line };
}

function pairWords(pair: PairOutcome): string {
  return `calls from ${pair.caller.id} to ${pair.callee.id}`;
}

function partyOf(pair: PairOutcome, party: Party): EndpointProfile {
  return party === 'caller' ? pair.caller : pair.callee;
}

function otherParty(party: Party): Party {
  return party === 'caller' ? 'callee' : 'caller';
}

/** Refresh method the refresher actually uses toward the border element, which advertises Allow: UPDATE per the model (RFC 4028 §7.4). */
function refreshIsUpdate(p: EndpointProfile, model: BorderElementModel): boolean {
  const m = p.timer.refreshMethod;
  return (
    m === 'update' ||
    ((m === 'update-if-allowed' || m === 'update-fallback-invite') && model.sessionTimer.allowUpdate.value)
  );
}

// ---------------------------------------------------------------------------------------------
// Rules

type Rule = (ctx: Context) => Finding[];

/** F8 at the first hop: an offered interval below the border element's min-se (RFC 4028 §8.1, Q3). */
const minSe422: Rule = (ctx) => {
  const { config, model } = ctx;
  if (!model.sessionTimer.rejectBelowMinSe.value) return [];
  const line = lineOf(config, 'min-se');
  const tag = assumedTag(model.sessionTimer.rejectBelowMinSe);
  const minSe = borderElementMinSe(config, model);
  const reading = `whenMinSeNotConfigured ${model.sessionTimer.whenMinSeNotConfigured.value} ${assumedTag(model.sessionTimer.whenMinSeNotConfigured)}`;
  const origin =
    line !== undefined
      ? ''
      : minSe === DEFAULT_MIN_SE
        ? `; min-se is not configured, so the default ${DEFAULT_MIN_SE} applies (${reading})`
        : `; min-se is not configured (${reading})`;
  const out: Finding[] = [];
  for (const p of ctx.profiles) {
    const se = p.timer.sessionExpires;
    if (!p.timer.supported || se <= 0 || se >= minSe) continue;
    if (!canRetry422(p)) {
      const msg = `Min-SE ${minSe} toward ${p.id}, which offers Session-Expires ${se} and ${retryWords(p)}: every call from ${p.id} fails setup with 422`;
      out.push(finding('error', 'min-se-422', withTag(msg, tag) + origin, line));
    } else {
      const retry = retryAfter422(se, 0, minSe);
      const msg = `Min-SE ${minSe} toward ${p.id}, which offers Session-Expires ${se}: each call from ${p.id} takes an extra 422 round trip and is retried with Session-Expires ${retry.sessionExpires}`;
      out.push(finding('note', 'min-se-422', withTag(msg, tag) + origin, line));
    }
  }
  return out;
};

/** F8 at the second hop: the callee's own minimum is above what the border element lets through (RFC 4028 §9). */
const calleeMinSe: Rule = (ctx) => {
  const line = lineOf(ctx.config, 'min-se');
  const out: Finding[] = [];
  for (const pair of ctx.pairs) {
    const r = pair.rejections.find((x) => x.by === 'callee');
    if (r === undefined) continue;
    const { caller, callee } = pair;
    const head = `${callee.id} asks Min-SE ${r.minSe} but ${pairWords(pair)} reach it with Session-Expires ${r.sessionExpires} and Min-SE ${r.requestMinSe} (border element min-se ${borderElementMinSe(ctx.config, ctx.model)})`;
    if (!pair.answered) {
      out.push(
        finding(
          'error',
          'callee-min-se',
          `${head}: ${callee.id} answers 422 and ${caller.id} ${retryWords(caller)}, so every call from ${caller.id} to ${callee.id} fails setup`,
          line,
        ),
      );
    } else {
      out.push(
        finding(
          'note',
          'callee-min-se',
          `${head}: each call from ${caller.id} to ${callee.id} takes an extra 422 round trip and is retried with Session-Expires ${pair.sessionExpires}`,
          line,
        ),
      );
    }
  }
  return out;
};

/** F1 before 12.4(15)XZ: refreshes answered on the leg they arrive on never reach the non-refresher (C1). */
const preXzRefresh: Rule = (ctx) => {
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
const midcallNone: Rule = (ctx) => {
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
const updateRefresh: Rule = (ctx) => {
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
const updateNotRelayed: Rule = (ctx) => {
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

/** F2 on a timer-less caller: the callee names the caller as refresher and nobody refreshes (C8, §9 Table 2). */
const noRefresher: Rule = (ctx) => {
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
const optionsPingUnused: Rule = (ctx) => {
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

/** Neither a session timer nor options-ping: a call whose far end vanished is never cleaned up (C6, RFC 4028 §8.3). */
/** 15.1(2)T `session refresh`: per pair, what the border element does (Cisco's table, C9; which leg, assumed). */
const sessionRefresh: Rule = (ctx) => {
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

const noLiveness: Rule = (ctx) => {
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

/** F18: each implementation gives up on an unrefreshed session at its own instant (anchors A.12). */
const expiryRules: Rule = (ctx) => {
  const timed = ctx.profiles.filter((p) => p.timer.supported);
  if (new Set(timed.map((p) => p.timer.expiryRule)).size < 2) return [];
  const each = timed.map((p) => {
    const se = p.timer.sessionExpires > 0 ? p.timer.sessionExpires : RECOMMENDED_SE;
    return `${p.id} ${num(expiryDelay(se, p.timer.expiryRule))} s (${RULE_WORDS[p.timer.expiryRule]}, Session-Expires ${se})`;
  });
  return [
    finding(
      'note',
      'expiry-rules',
      `the profiles give up on an unrefreshed session at different instants (F18): ${each.join('; ')}`,
    ),
  ];
};

/** One note per defect switched on (models/defects.json, anchors A.13). */
const defects: Rule = (ctx) => {
  const out: Finding[] = [];
  for (const p of ctx.profiles) {
    for (const id of p.defects) {
      const d = ctx.defects?.defects[id];
      const what =
        d === undefined
          ? 'not described: no defect table given'
          : `(${d.failureMode}): ${d.description.charAt(0).toLowerCase()}${d.description.slice(1)}`;
      out.push(finding('note', 'defects', `${p.id} runs with defect ${id} ${what}`));
    }
  }
  return out;
};

/** Refresh load of short intervals: a refresh every SE/2 (RFC 4028 §7.2), one transaction per leg it crosses. */
const shortIntervalLoad: Rule = (ctx) => {
  const refresh = ctx.table?.refresh;
  if (refresh === undefined) return [];
  const perRefresh = refresh.action === 'relay' ? 2 : 1;
  const how =
    refresh.action === 'relay'
      ? `relayed (${ctx.config.midcallSignaling === 'none' ? 'no midcall-signaling' : `midcall-signaling ${ctx.config.midcallSignaling}`}), each refresh is 2 transactions (one per leg)`
      : 'answered on the leg it arrives on, each refresh is 1 transaction';
  const out: Finding[] = [];
  for (const p of ctx.profiles) {
    const se = p.timer.sessionExpires;
    // An offer below min-se never runs at that interval: it is refused or raised (min-se-422).
    if (!p.timer.supported || se <= 0 || se >= SHORT_INTERVAL || se < borderElementMinSe(ctx.config, ctx.model))
      continue;
    const every = refreshDelay(se);
    const rate = (LOAD_SCALE * perRefresh) / every;
    out.push(
      finding(
        'note',
        'short-interval-load',
        `${p.id} offers Session-Expires ${se}: a refresh every ${num(every)} s; ${how}, so ${LOAD_SCALE} concurrent calls from ${p.id} cost ${num(rate)} refresh transactions per second at the border element`,
      ),
    );
  }
  return out;
};

/** The rule table: every finding comes from one of these. */
export const RULES: ReadonlyArray<{ id: string; check: Rule }> = [
  { id: 'min-se-422', check: minSe422 },
  { id: 'callee-min-se', check: calleeMinSe },
  { id: 'pre-xz-refresh', check: preXzRefresh },
  { id: 'midcall-none', check: midcallNone },
  { id: 'update-refresh', check: updateRefresh },
  { id: 'update-not-relayed', check: updateNotRelayed },
  { id: 'no-refresher', check: noRefresher },
  { id: 'session-refresh', check: sessionRefresh },
  { id: 'options-ping-unused', check: optionsPingUnused },
  { id: 'no-liveness', check: noLiveness },
  { id: 'expiry-rules', check: expiryRules },
  { id: 'defects', check: defects },
  { id: 'short-interval-load', check: shortIntervalLoad },
];

const SEVERITY_RANK: Record<Severity, number> = { error: 0, warning: 1, note: 2 };

function byOrder(a: Finding, b: Finding): number {
  return (
    SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] ||
    compare(a.rule, b.rule) ||
    compare(a.message, b.message) ||
    (a.line ?? 0) - (b.line ?? 0)
  );
}

/** What will go wrong with this configuration, release and set of peers; sorted by severity, rule, message. */
export function lintConfiguration(input: LintInput): Finding[] {
  const ctx = buildContext(input);
  return RULES.flatMap((r) => r.check(ctx)).sort(byOrder);
}

function count(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** One line per finding, `<file>:<line>: error [rule] message`, then the totals. */
export function formatFindings(findings: Finding[], configFile: string): string {
  const sorted = [...findings].sort(byOrder);
  const lines = sorted.map(
    (f) => `${configFile}${f.line === undefined ? '' : `:${f.line}`}: ${f.severity} [${f.rule}] ${f.message}`,
  );
  const n = (s: Severity) => sorted.filter((f) => f.severity === s).length;
  lines.push(`${count(n('error'), 'error')}, ${count(n('warning'), 'warning')}, ${count(n('note'), 'note')}`);
  return lines.join('\n');
}

/** lint's exit code: 1 when there are errors (or, with `strict`, warnings), else 0. */
export function lintExitCode(findings: readonly Finding[], strict: boolean): number {
  return findings.some((f) => f.severity === 'error' || (strict && f.severity === 'warning')) ? 1 : 0;
}

/** The findings for machines (`lint --format json`): what was checked, the findings in order, and the counts. */
export function findingsJson(
  findings: readonly Finding[],
  checked: { config: string; platform: string; endpoints: readonly string[] },
): unknown {
  const sorted = [...findings].sort(byOrder);
  const n = (s: Severity) => sorted.filter((f) => f.severity === s).length;
  return { ...checked, findings: sorted, counts: { error: n('error'), warning: n('warning'), note: n('note') } };
}
