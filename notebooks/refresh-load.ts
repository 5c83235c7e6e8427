// Notebook "Refresh load on a platform": N concurrent calls at a chosen Session-Expires, the
// refresh transactions per second measured on each leg against N × legs / (SE/2), with the
// calls up and the border element's CPU utilisation. Runs the model in the page.

import { axisBottom, axisLeft, line, max, scaleLinear, select, type Selection } from 'd3';
import { byId, rerunOnChange } from './common.ts';
import { platforms } from '../src/browser/bundled-models.ts';
import { buildExperiment } from '../src/browser/experiment.ts';
import { iosConfigText } from '../src/browser/ios-text.ts';
import { simulate } from '../src/browser/run.ts';
import type { TimeseriesPoint } from '../src/results/series.ts';

const platformSelect = byId<HTMLSelectElement>('platform');
const callsInput = byId<HTMLInputElement>('calls');
const holdingInput = byId<HTMLInputElement>('holding');
const seSelect = byId<HTMLSelectElement>('session-expires');
const methodSelect = byId<HTMLSelectElement>('method');
const policySelect = byId<HTMLSelectElement>('policy');
const form = byId<HTMLFormElement>('inputs');

for (const p of Object.values(platforms)) {
  const o = document.createElement('option');
  o.value = p.id;
  o.textContent = `${p.id}: ${p.name}`;
  if (p.id === 'isr-12.4-20T') o.selected = true;
  platformSelect.append(o);
}

/**
 * Simulated seconds the page allows itself: three mean holding times (the box is then 95 % full),
 * or less when that would take more than about 100,000 events, so a run answers well under a
 * second. Starting empty, calls up grow as N (1 - e^(-t/H)); each call-second costs about 28/H
 * events for its setup and teardown and 20/SE for its refreshes (measured on this model).
 */
function runLength(n: number, holding: number, se: number): number {
  const perCallSecond = 28 / holding + 20 / se;
  const events = (t: number): number => n * perCallSecond * (t - holding * -Math.expm1(-t / holding));
  let lo = 0,
    hi = 3 * holding;
  if (events(hi) <= 100_000) return hi;
  for (let i = 0; i < 40; i++) {
    const mid = (lo + hi) / 2;
    if (events(mid) > 100_000) hi = mid;
    else lo = mid;
  }
  return Math.max(lo, Math.min(3 * holding, 600));
}

/** A sampling interval that gives about 60 points, in whole half-minutes. */
function intervalFor(until: number): number {
  return Math.max(30, Math.ceil(until / 60 / 30) * 30);
}

const fmt = (x: number, digits = 2): string => (Math.abs(x) >= 100 ? x.toFixed(0) : x.toFixed(digits));
const pct = (x: number): string => `${(100 * x).toFixed(x < 0.01 ? 2 : 1)} %`;

function syncPolicy(): void {
  const preXz = platforms[platformSelect.value]?.release.midcallBehaviour === 'pre-xz';
  const passthru = policySelect.querySelector<HTMLOptionElement>('option[value="passthru"]')!;
  passthru.disabled = preXz;
  if (preXz) policySelect.value = 'none';
  byId('note').textContent = preXz
    ? 'This release comes before 12.4(15)XZ: midcall-signaling passthru does not exist there, so the policy is fixed to "not configured". Watch the outbound leg: the border element answers the refresh itself on the caller side and passes nothing on.'
    : '';
}

interface Point extends TimeseriesPoint {
  mid: number;
}

function run(): void {
  syncPolicy();
  const platform = platformSelect.value;
  const n = Number(callsInput.value);
  const holding = Number(holdingInput.value);
  const se = Number(seSelect.value);
  const method = methodSelect.value as 'invite' | 'update';
  const policy = policySelect.value as 'passthru' | 'none';
  const configText = iosConfigText({
    midcallSignaling: policy,
    minSe: 90,
    comment: [
      `${policy === 'passthru' ? 'refreshes and other mid-call requests relayed end to end' : 'midcall-signaling not configured: the default mid-call mode'}`,
      'min-se 90: every Session-Expires from 90 s is accepted',
    ],
  });
  byId('config').textContent = configText;

  const errorBox = byId('error');
  errorBox.textContent = '';
  if (!Number.isFinite(n) || n < 1 || n > 1000 || !Number.isFinite(holding) || holding < 60 || holding > 7200) {
    errorBox.textContent = 'concurrent calls must be 1 to 1000 and the mean holding time 60 to 7200 seconds';
    clearOutputs();
    return;
  }
  const until = Math.round(runLength(n, holding, se));
  const interval = intervalFor(until);
  const points: Point[] = [];
  let result;
  try {
    const loaded = buildExperiment({
      platform,
      configText,
      until,
      seed: 1,
      workload: {
        arrivals: { rate: n / holding },
        holding: { distribution: 'exponential', mean: holding },
        callers: [{ profile: 'cucm' }],
        callees: [{ profile: 'cucm' }],
        ringSeconds: 3,
      },
      endpoints: { cucm: { timer: { sessionExpires: se, minSe: 90, refreshMethod: method } } },
    });
    result = simulate(loaded, { interval, onSample: (p) => points.push({ ...p, mid: (p.tStart + p.tEnd) / 2 }) });
  } catch (e) {
    errorBox.textContent = e instanceof Error ? e.message : String(e);
    clearOutputs();
    return;
  }

  const legs = 2;
  const formulaTotal = (n * legs) / (se / 2);
  const perLeg = n / (se / 2);
  // Averages over the second half of the run, when the box is closest to steady state.
  const late = points.filter((p) => p.tStart >= until / 2);
  const avg = (f: (p: Point) => number): number =>
    late.length === 0
      ? 0
      : late.reduce((s, p) => s + f(p) * (p.tEnd - p.tStart), 0) / late.reduce((s, p) => s + (p.tEnd - p.tStart), 0);
  const inbound = avg((p) => p.refreshTpsInbound),
    outbound = avg((p) => p.refreshTpsOutbound),
    active = avg((p) => p.activeCalls),
    cpu = avg((p) => p.cpuUtilisation);
  const h = se / 2;
  const floorShare = h / holding / Math.expm1(h / holding);
  const s = result.summary;
  const story = select('#story');
  story.selectAll('*').remove();
  story
    .append('p')
    .text(
      `Formula: ${n} calls × ${legs} legs / (${se}/2 s) = ${fmt(formulaTotal, 3)} refresh transactions per second, ${fmt(perLeg, 3)} on each leg. ` +
        `Measured over the second half of the run (${Math.round(until / 120)} to ${Math.round(until / 60)} minutes, about ${Math.round(active)} calls up): ` +
        `${fmt(inbound, 3)}/s on the inbound leg and ${fmt(outbound, 3)}/s on the outbound leg, ${fmt(inbound + outbound, 3)}/s in all, ` +
        `${formulaTotal > 0 ? Math.round((100 * (inbound + outbound)) / formulaTotal) : 0} % of the formula.`,
    );
  const why: string[] = [];
  why.push(
    `The formula assumes every call refreshes every ${h} s for as long as it lasts, but a call that ends before its next refresh never sends it: with exponential holding times of mean ${holding} s a call sends on average ${Math.round(100 * floorShare)} % of what the formula counts.`,
  );
  if (active < 0.9 * n)
    why.push(
      `Only ${Math.round(active)} of the ${n} calls were up on average in that half: the box started empty and had not filled yet.`,
    );
  if (outbound < 0.5 * inbound)
    why.push(
      'The outbound leg carries almost nothing: the border element answers the refreshes on the caller side itself and never forwards them, so the callee is never refreshed.',
    );
  if (policy === 'none' && platforms[platform]!.release.midcallBehaviour === 'post-xz') {
    why.push(
      'Without midcall-signaling this release still relays the refreshes themselves (an assumption of the model: Cisco documents no mechanism), so the load is the same as with passthru; what it refuses (488) are re-INVITEs that add video or put the call on hold, and these calls have none.',
    );
  }
  if (s.calls.rejected > 0)
    why.push(
      `${s.calls.rejected} calls were refused (${Object.entries(s.rejects.byCause)
        .map(([k, v]) => `${k} ${v}`)
        .join(
          ', ',
        )}): the platform's assumed limits are ${platforms[platform]!.capacity.maxSessions.value} sessions and ${platforms[platform]!.capacity.callsPerSecond.value} calls per second.`,
    );
  if (s.calls.dropped > 0)
    why.push(
      `${s.calls.dropped} calls were dropped (${Object.entries(s.drops.byCause)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')}).`,
    );
  why.push(
    `CPU utilisation of the border element: ${pct(cpu)} (${platforms[platform]!.capacity.cpuMsPerMessage.value} ms per SIP message, an assumed figure).`,
  );
  story.append('p').text(why.join(' '));

  draw(points, { until, n, perLeg, se, interval });
  // The figures behind the story, for anyone reading the page's DOM (and the tests).
  select('#load-chart')
    .attr('data-formula-per-leg', perLeg)
    .attr('data-measured-inbound', inbound)
    .attr('data-measured-outbound', outbound)
    .attr('data-calls-up', active);
  byId('timing').textContent =
    `simulated ${Math.round(until / 60)} minutes (${s.calls.offered} calls, ${s.events} events) in ${result.elapsedMs} ms; a point every ${interval} s.`;
}

function clearOutputs(): void {
  select('#story').selectAll('*').remove();
  select('#chart').selectAll('*').remove();
  byId('timing').textContent = '';
}

type G = Selection<SVGGElement, unknown, HTMLElement, unknown>;

const COLORS = { inbound: '#1f5fa8', outbound: '#e07b00', formula: '#1d2430', cpu: '#7a3fb0', active: '#2a8c5a' };

function draw(points: Point[], o: { until: number; n: number; perLeg: number; se: number; interval: number }): void {
  const chart = select('#chart');
  chart.selectAll('*').remove();
  const width = 1120,
    left = 64,
    right = 300,
    panelW = width - left - right;
  const panels = [
    { key: 'refresh', h: 260, title: 'refresh transactions per second, per leg' },
    { key: 'active', h: 110, title: 'calls up' },
    { key: 'cpu', h: 110, title: 'border element CPU' },
  ];
  const gap = 44,
    top = 24;
  const height = top + panels.reduce((s, p) => s + p.h + gap, 0) + 10;
  const svg = chart
    .append('svg')
    .attr('width', width)
    .attr('height', height)
    .attr('viewBox', `0 0 ${width} ${height}`)
    .attr('id', 'load-chart');
  const x = scaleLinear()
    .domain([0, o.until / 60])
    .range([0, panelW]);
  let y0 = top;
  const panel = (h: number, title: string): G => {
    const g = svg.append('g').attr('transform', `translate(${left},${y0})`);
    g.append('text').attr('class', 'caption').attr('x', 0).attr('y', -8).text(title);
    g.append('g')
      .attr('class', 'axis')
      .attr('transform', `translate(0,${h})`)
      .call(
        axisBottom(x)
          .ticks(10)
          .tickFormat((d) => `${Number(d)} min`),
      );
    y0 += h + gap;
    return g;
  };

  // Refreshes per second on each leg, the formula at N, and the formula at the calls up.
  const p1 = panels[0]!;
  const g1 = panel(p1.h, p1.title);
  const yMax = Math.max(
    o.perLeg * 1.25,
    (max(points, (p) => Math.max(p.refreshTpsInbound, p.refreshTpsOutbound)) ?? 0) * 1.1,
    1e-6,
  );
  const y1 = scaleLinear().domain([0, yMax]).range([p1.h, 0]).nice();
  g1.append('g').attr('class', 'axis').call(axisLeft(y1).ticks(6));
  const step = line<Point>().x((p) => x(p.mid / 60));
  g1.append('path')
    .attr('class', 'series formula-active')
    .attr('fill', 'none')
    .attr('stroke', COLORS.formula)
    .attr('stroke-width', 1.2)
    .attr('stroke-dasharray', '1 4')
    .attr('d', step.y((p) => y1(p.activeCalls / (o.se / 2)))(points));
  g1.append('line')
    .attr('class', 'formula')
    .attr('x1', 0)
    .attr('x2', panelW)
    .attr('y1', y1(o.perLeg))
    .attr('y2', y1(o.perLeg))
    .attr('stroke', COLORS.formula)
    .attr('stroke-width', 1.5)
    .attr('stroke-dasharray', '7 5');
  g1.append('path')
    .attr('class', 'series inbound')
    .attr('fill', 'none')
    .attr('stroke', COLORS.inbound)
    .attr('stroke-width', 6)
    .attr('stroke-opacity', 0.35)
    .attr('d', step.y((p) => y1(p.refreshTpsInbound))(points));
  g1.append('path')
    .attr('class', 'series outbound')
    .attr('fill', 'none')
    .attr('stroke', COLORS.outbound)
    .attr('stroke-width', 1.5)
    .attr('d', step.y((p) => y1(p.refreshTpsOutbound))(points));
  legend(g1, panelW + 16, [
    { color: COLORS.inbound, width: 6, opacity: 0.35, text: 'inbound leg (caller side)' },
    { color: COLORS.outbound, width: 1.5, text: 'outbound leg (callee side)' },
    { color: COLORS.formula, width: 1.5, dash: '7 5', text: `formula N / (SE/2) = ${fmt(o.perLeg, 3)}/s per leg` },
    { color: COLORS.formula, width: 1.2, dash: '1 4', text: 'formula for the calls up' },
  ]);

  const p2 = panels[1]!;
  const g2 = panel(p2.h, p2.title);
  const y2 = scaleLinear()
    .domain([0, Math.max(o.n, max(points, (p) => p.activeCalls) ?? 0) * 1.1])
    .range([p2.h, 0])
    .nice();
  g2.append('g').attr('class', 'axis').call(axisLeft(y2).ticks(4));
  g2.append('line')
    .attr('x1', 0)
    .attr('x2', panelW)
    .attr('y1', y2(o.n))
    .attr('y2', y2(o.n))
    .attr('stroke', COLORS.active)
    .attr('stroke-dasharray', '7 5');
  g2.append('path')
    .attr('class', 'series active')
    .attr('fill', 'none')
    .attr('stroke', COLORS.active)
    .attr('stroke-width', 2)
    .attr('d', step.y((p) => y2(p.activeCalls))(points));
  legend(g2, panelW + 16, [
    { color: COLORS.active, width: 2, text: 'calls up at the end of each point' },
    { color: COLORS.active, width: 1, dash: '7 5', text: `target N = ${o.n}` },
  ]);

  const p3 = panels[2]!;
  const g3 = panel(p3.h, p3.title);
  const y3 = scaleLinear()
    .domain([0, Math.max(0.001, (max(points, (p) => p.cpuUtilisation) ?? 0) * 1.2)])
    .range([p3.h, 0])
    .nice();
  g3.append('g')
    .attr('class', 'axis')
    .call(
      axisLeft(y3)
        .ticks(4)
        .tickFormat((d) => `${(100 * Number(d)).toFixed(Number(d) < 0.01 ? 2 : 1)} %`),
    );
  g3.append('path')
    .attr('class', 'series cpu')
    .attr('fill', 'none')
    .attr('stroke', COLORS.cpu)
    .attr('stroke-width', 2)
    .attr('d', step.y((p) => y3(p.cpuUtilisation))(points));
  legend(g3, panelW + 16, [{ color: COLORS.cpu, width: 2, text: 'CPU utilisation' }]);
}

function legend(
  g: G,
  x: number,
  items: Array<{ color: string; width: number; dash?: string; opacity?: number; text: string }>,
): void {
  const l = g.append('g').attr('class', 'legend').attr('transform', `translate(${x},4)`);
  items.forEach((it, i) => {
    const row = l.append('g').attr('transform', `translate(0,${i * 20})`);
    row
      .append('line')
      .attr('x1', 0)
      .attr('x2', 24)
      .attr('y1', 0)
      .attr('y2', 0)
      .attr('stroke', it.color)
      .attr('stroke-width', it.width)
      .attr('stroke-dasharray', it.dash ?? null)
      .attr('stroke-opacity', it.opacity ?? 1);
    row.append('text').attr('x', 30).attr('y', 4).text(it.text);
  });
}

rerunOnChange(form, run);
