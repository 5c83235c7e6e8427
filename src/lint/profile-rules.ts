// Rules about the profiles themselves: the different instants at which they give up on an
// unrefreshed session, the defects switched on in them, and the refresh load of short intervals.

import { borderElementMinSe } from '../elements/border-element.ts';
import { expiryDelay, refreshDelay, type ExpiryRule } from '../sip/session-timer.ts';
import type { Rule } from './context.ts';
import { finding, type Finding } from './findings.ts';
import { num } from './wording.ts';

/** Session-Expires assumed for a profile that offers none, when describing its give-up rule (RFC 4028 §4 recommendation). */
const RECOMMENDED_SE = 1800;
/** Intervals below this count as short for the load note. */
const SHORT_INTERVAL = 300;
/** Concurrent calls the load note is scaled to. */
const LOAD_SCALE = 1000;

/** Each give-up rule of sip/session-timer.ts, as a formula of the session interval. */
const RULE_WORDS: Record<ExpiryRule, string> = {
  rfc: 'SE − min(32, SE/3)',
  'factor-1.1': '1.1 × SE',
  se: 'SE',
  'se-plus-32': 'SE + 32',
};

/** F18: each implementation gives up on an unrefreshed session at its own instant (anchors A.12). */
export const expiryRules: Rule = (ctx) => {
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
export const defects: Rule = (ctx) => {
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
export const shortIntervalLoad: Rule = (ctx) => {
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
