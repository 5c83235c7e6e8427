// A run's headline: what ran and on what, the figures that matter most as cards, the rest of the
// summary in a few lines, and the configuration.

import type { Figure } from '../results/summary.ts';
import { FEATURES } from '../elements/call.ts';
import { REPORT_DOM, type RunReport } from './data.ts';
import { est, estText, halfWidth, type Est } from './estimate.ts';
import { num, pct } from './number-format.ts';
import { el, section } from './page-elements.ts';

export function drawHeadline(r: RunReport, version: string): void {
  const s = section(REPORT_DOM.headline, `Run: ${r.experiment}`);
  s.select('h2').attr('class', 'page-title');
  if (r.description !== '') el(s, 'p', r.description, 'description');
  if (r.lookAt !== '') el(s, 'p', `What to look at: ${r.lookAt}`, 'look-at');
  const summary = r.summary;
  if (summary.partial)
    el(s, 'p', 'This run was interrupted: the figures cover only what was computed before it stopped.', 'warning');

  const meta = el(s, 'dl', undefined, 'meta');
  const row = (k: string, v: string, cls?: string): void => {
    el(meta, 'dt', k);
    el(meta, 'dd', v, cls);
  };
  row('platform', `${r.platform.name} (${r.platform.id})`);
  row('configuration', r.configFile);
  row('seed', String(r.seed));
  row(
    'replications',
    r.replications > 1 ? `${r.replications} (figures are means ± half-width of the 95 % confidence interval)` : '1',
  );
  const warm = est(summary.warmupSeconds);
  if (warm !== null && warm.mean > 0) row('warm-up', `${num(warm.mean)} s (calls arriving earlier are left out)`);
  row(
    'capacity (assumed)',
    `${num(r.platform.maxSessions)} sessions, ${num(r.platform.callsPerSecond)} calls/s, CPU admission at ${num(r.platform.cpuAdmissionPercent)} %`,
  );
  row('fingerprint', r.fingerprint, 'mono');
  row('cubesim', version);

  const cards = el(s, 'div', undefined, 'cards');
  const card = (label: string, e: Est | null, note?: string, tone?: string, scale = 1, unit = ''): void => {
    const c = el(cards, 'div', undefined, `card${tone !== undefined ? ` ${tone}` : ''}`);
    el(c, 'div', e === null ? '–' : num(e.mean * scale) + unit, 'card-value');
    if (e !== null && e.ci !== null) el(c, 'div', `± ${halfWidth(e, scale)}${unit} (95 % CI)`, 'card-ci');
    el(c, 'div', label, 'card-label');
    if (note !== undefined) el(c, 'div', note, 'card-note');
  };
  const offered = est(summary.calls.offered);
  const share = (e: Est | null): string | undefined =>
    e === null || offered === null || offered.mean <= 0
      ? undefined
      : `${pct((100 * e.mean) / offered.mean)} % of offered`;
  const completed = est(summary.calls.completed);
  const rejected = est(summary.calls.rejected);
  const dropped = est(summary.calls.dropped);
  card('calls offered', offered);
  card('completed', completed, share(completed), 'good');
  card('rejected', rejected, share(rejected), rejected !== null && rejected.mean > 0 ? 'warn' : undefined);
  card('dropped', dropped, share(dropped), dropped !== null && dropped.mean > 0 ? 'bad' : undefined);
  card(
    'refresh requests/s, inbound leg',
    est(summary.borderElement.refreshTransactionsPerSecond.inbound),
    'caller side of CUBE',
  );
  card(
    'refresh requests/s, outbound leg',
    est(summary.borderElement.refreshTransactionsPerSecond.outbound),
    'callee side of CUBE',
  );
  card(
    'CUBE CPU',
    est(summary.borderElement.cpuUtilisation),
    `admission control at ${num(r.platform.cpuAdmissionPercent)} %`,
    undefined,
    100,
    ' %',
  );

  const more = el(s, 'div', undefined, 'facts');
  const line2 = (label: string, parts: Array<[string, string]>): void => {
    const p = el(more, 'p');
    el(p, 'strong', `${label}: `);
    p.append('span').text(parts.map(([k, v]) => `${k} ${v}`).join(' · '));
  };
  const f = (x: Figure): string => estText(est(x));
  line2('re-INVITEs and UPDATEs at CUBE', [
    ['received', f(summary.reinvites.received)],
    ['relayed', f(summary.reinvites.relayed)],
    ['answered locally', f(summary.reinvites.answeredLocally)],
    ['rejected (488)', f(summary.reinvites.rejected)],
    ['glare (491)', f(summary.reinvites.glare)],
    ['retried', f(summary.reinvites.retried)],
  ]);
  line2('session refreshes', [
    ['sent', f(summary.refreshes.sent)],
    ['succeeded', f(summary.refreshes.succeeded)],
    ['failed', f(summary.refreshes.failed)],
    ['skipped', f(summary.refreshes.skipped)],
    ['postponed', f(summary.refreshes.postponed)],
  ]);
  line2(
    'features (succeeded / attempted)',
    FEATURES.map((k): [string, string] => [
      k,
      `${f(summary.features[k].succeeded)} / ${f(summary.features[k].attempted)}`,
    ]),
  );
  line2('SIP messages', [
    ['sent', f(summary.messages.sent)],
    ['lost', f(summary.messages.lost)],
    ['retransmitted', f(summary.messages.retransmissions)],
  ]);
  line2('simulated', [
    ['time', `${f(summary.simulatedSeconds)} s`],
    ['events', f(summary.events)],
    ['mean queueing delay at CUBE', `${f(summary.borderElement.meanQueueDelayMs)} ms`],
  ]);

  if (r.configText !== '') {
    const d = el(s, 'details', undefined, 'config');
    el(d, 'summary', `configuration: ${r.configFile}`);
    el(d, 'pre', r.configText);
  }
}
