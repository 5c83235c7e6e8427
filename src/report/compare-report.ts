// The report of a comparison: the same seeded calls through two configurations (sides A and B),
// how many calls changed fate and how, where their two ladders first part, the summary figures
// that moved, and the changed calls one by one.

import { max } from 'd3';
import { REPORT_DOM, type CompareReport } from './data.ts';
import { num, pct, signed } from './number-format.ts';
import { el, section } from './page-elements.ts';

export function drawCompare(c: CompareReport): void {
  const s = section(REPORT_DOM.compare, `Compare: ${c.experiment}`);
  s.select('h2').attr('class', 'page-title');
  el(
    s,
    'p',
    `The same seeded calls (seed ${String(c.seed)}, ${c.replications} replication${c.replications === 1 ? '' : 's'}) through two configurations: call k has the same arrival, holding time and planned features on both sides, so a call whose fate differs changed because of the configuration.`,
    'intro',
  );

  const sides = el(s, 'div', undefined, 'sides');
  for (const [name, side] of [
    ['A', c.a],
    ['B', c.b],
  ] as const) {
    const card = el(sides, 'div', undefined, 'side');
    el(card, 'h3', `Side ${name}`);
    const dl = el(card, 'dl', undefined, 'meta');
    const row = (k: string, v: string): void => {
      el(dl, 'dt', k);
      el(dl, 'dd', v);
    };
    row('configuration', side.config);
    row('platform', side.platform);
    row('midcall-signaling', side.midcallSignaling === '' ? 'not configured' : side.midcallSignaling);
    row('min-se', `${num(side.minSe)} s`);
    row('overrides', side.set.length === 0 ? 'none' : side.set.join('  '));
  }

  const calls = c.calls[0] ?? 0,
    changed = c.changedCalls[0] ?? 0;
  const headline = el(s, 'p', undefined, 'big-figure');
  el(headline, 'strong', `${num(changed)} of ${num(calls)} calls changed fate`);
  headline
    .append('span')
    .text(
      calls > 0 ? ` (${pct((100 * changed) / calls)} %)${c.replications > 1 ? ' in the first replication' : ''}` : '',
    );
  if (c.replications > 1)
    el(
      s,
      'p',
      `Per replication: ${c.changedCalls.map((n, i) => `${num(n)} of ${num(c.calls[i] ?? 0)}`).join(', ')}.`,
      'note',
    );

  el(s, 'h3', 'What changed, and where the two ladders first part');
  if (c.transitions.length === 0) el(s, 'p', 'No call changed fate.', 'note');
  const list = el(s, 'ol', undefined, 'transitions');
  const top = max(c.transitions, (t) => t.count) ?? 1;
  for (const t of c.transitions) {
    const li = el(list, 'li');
    const head = el(li, 'div', undefined, 'transition-head');
    el(head, 'span', `${num(t.count)} ×`, 'count');
    const barBox = el(head, 'span', undefined, 'count-bar');
    el(barBox, 'span').style('width', `${Math.max(2, (100 * t.count) / top)}%`);
    el(head, 'span', t.change, 'change');
    const d = t.firstDifference;
    el(
      li,
      'div',
      d === null
        ? `e.g. call ${t.exampleCall} (no ladder difference recorded)`
        : `e.g. call ${t.exampleCall}, first difference at ${d.at.toFixed(3)} s:`,
      'example',
    );
    if (d !== null) {
      const pre = el(li, 'div', undefined, 'diff');
      el(pre, 'div', `A: ${d.a}`, 'diff-a');
      el(pre, 'div', `B: ${d.b}`, 'diff-b');
    }
  }

  el(s, 'h3', 'Figures that moved (B − A)');
  const moved = Object.entries(c.deltas)
    .filter(([, d]) => d.delta !== 0 || d.a !== d.b)
    .sort((p, q) => (p[0] < q[0] ? -1 : 1));
  if (moved.length === 0) el(s, 'p', 'No summary figure moved.', 'note');
  else {
    el(
      s,
      'p',
      c.replications > 1
        ? 'Paired replication by replication; a change whose 95 % interval excludes 0 is marked.'
        : 'One replication: no confidence interval.',
      'note',
    );
    const wrap = el(s, 'div', undefined, 'table-wrap');
    const table = el(wrap, 'table', undefined, 'data deltas');
    const hr = el(el(table, 'thead'), 'tr');
    for (const h of ['figure', 'A', 'B', 'change', '95 % CI of the change']) el(hr, 'th', h);
    const body = el(table, 'tbody');
    for (const [k, d] of moved) {
      const sure = d.ci95 !== null && (d.ci95[0] > 0 || d.ci95[1] < 0);
      const tr = el(body, 'tr', undefined, sure ? 'sure' : undefined);
      el(tr, 'td', k, 'mono');
      el(tr, 'td', num(d.a), 'num');
      el(tr, 'td', num(d.b), 'num');
      el(tr, 'td', signed(d.delta), 'num');
      el(tr, 'td', d.ci95 === null ? '–' : `${num(d.ci95[0])} … ${num(d.ci95[1])}${sure ? '  ✱' : ''}`, 'num');
    }
  }

  el(s, 'h3', `Changed calls${c.changed.length >= 500 ? ' (the first 500)' : ''}`);
  if (c.changed.length === 0) {
    el(s, 'p', 'None.', 'note');
    return;
  }
  const wrap = el(s, 'div', undefined, 'table-wrap tall');
  const table = el(wrap, 'table', undefined, 'data changed');
  const hr = el(el(table, 'thead'), 'tr');
  for (const h of [
    'call',
    'fate in A',
    'fate in B',
    'ladders part at (s)',
    'first difference in A',
    'first difference in B',
  ])
    el(hr, 'th', h);
  const body = el(table, 'tbody');
  for (const r of c.changed) {
    const tr = el(body, 'tr');
    el(tr, 'td', String(r.call), 'num');
    el(tr, 'td', r.a, 'fate');
    el(tr, 'td', r.b, 'fate');
    el(tr, 'td', r.divergedAt === null ? '–' : r.divergedAt.toFixed(3), 'num');
    el(tr, 'td', r.firstA, 'mono small');
    el(tr, 'td', r.firstB, 'mono small');
  }
}
