// Checks a border-element configuration against its platform's release and the endpoint
// profiles that may sit on its two legs, before anything runs, and says what will go wrong in
// the words a SIP engineer would use. Each rule is a small function in RULES; they share one
// Context (context.ts), computed once.

import { buildContext, type LintInput, type Rule } from './context.ts';
import { byOrder, type Finding } from './findings.ts';
import { defects, expiryRules, shortIntervalLoad } from './profile-rules.ts';
import { midcallNone, preXzRefresh, updateNotRelayed, updateRefresh } from './refresh-path-rules.ts';
import { noLiveness, noRefresher, optionsPingUnused, sessionRefresh } from './refresher-rules.ts';
import { calleeMinSe, minSe422 } from './setup-rules.ts';

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

/** What will go wrong with this configuration, release and set of peers; sorted by severity, rule, message. */
export function lintConfiguration(input: LintInput): Finding[] {
  const ctx = buildContext(input);
  return RULES.flatMap((r) => r.check(ctx)).sort(byOrder);
}
