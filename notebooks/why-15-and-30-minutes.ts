// Notebook "Why calls drop at 15 and 30 minutes": 300 calls with long-tailed holding times in one
// of four situations; a histogram of when the dropped calls ended (from answer) with the refresh
// instant SE/2 and the non-refresher's deadline SE - min(32, SE/3) marked, the ladder of the
// first dropped call, and the pattern explained with the numbers of the run.

import { axisBottom, axisLeft, max, scaleLinear, select } from 'd3';
import { byId, rerunOnChange } from './common.ts';
import { describeCall } from '../src/browser/call-account.ts';
import { buildExperiment, type BuildOptions } from '../src/browser/experiment.ts';
import { iosConfigText } from '../src/browser/ios-text.ts';
import { simulate } from '../src/browser/run.ts';
import { drawLadder } from '../src/report/ladder-svg.ts';

const form = byId<HTMLFormElement>('inputs');
const situationSelect = byId<HTMLSelectElement>('situation');
const seSelect = byId<HTMLSelectElement>('session-expires');
const seedInput = byId<HTMLInputElement>('seed');
const ladderSvg = document.querySelector<SVGSVGElement>('svg#ladder-svg')!;

const CALLS = 300;
/** Long-tailed: most calls a few minutes, a few over an hour. */
const HOLDING = { distribution: 'lognormal', mean: 1500, sd: 1500 } as const;

type Situation = 'pre-xz' | 'never-refreshes' | 'update-unanswered' | 'healthy';
interface SituationSpec {
  platform: string;
  midcall: 'passthru' | 'none';
  /** Changes to the CUCM-like profile (both ends use it). */
  cucm: { defects?: string[]; timer?: Record<string, unknown> };
  setup: string;
}

const SITUATIONS: Record<Situation, SituationSpec> = {
  'pre-xz': {
    platform: 'isr-12.4-11T',
    midcall: 'none',
    cucm: {},
    setup:
      'IOS 12.4(11)T, a release before 12.4(15)XZ, on an ISR. Both ends are CUCM-like trunks, refreshing by re-INVITE; the caller is the refresher.',
  },
  'never-refreshes': {
    platform: 'isr-12.4-20T',
    midcall: 'passthru',
    cucm: { defects: ['never-refreshes'] },
    setup:
      'IOS 12.4(20)T with midcall-signaling passthru. Both ends are CUCM-like trunks with the defect never-refreshes: the caller accepts the refresher role and then never sends a refresh.',
  },
  'update-unanswered': {
    platform: 'isr-15.1-3T',
    midcall: 'passthru',
    cucm: { defects: ['update-unanswered'], timer: { refreshMethod: 'update' } },
    setup:
      'IOS 15.1(3)T with midcall-signaling passthru (the first ISR release that passes UPDATE from one SIP leg to the other). Both ends are CUCM-like trunks that refresh by UPDATE, and never answer an UPDATE (defect update-unanswered).',
  },
  healthy: {
    platform: 'isr-12.4-20T',
    midcall: 'passthru',
    cucm: {},
    setup:
      'IOS 12.4(20)T with midcall-signaling passthru. Both ends are CUCM-like trunks, refreshing by re-INVITE; the caller is the refresher.',
  },
};

interface Ended {
  index: number;
  holding: number;
  outcome: string;
  cause: string;
  /** Seconds from answer to the end. */
  length: number;
}

const min1 = (s: number): string => `${(s / 60).toFixed(1).replace(/\.0$/, '')} min`;
const secs = (s: number): string => `${Math.round(s * 10) / 10} s`;

function run(): void {
  const situation = situationSelect.value as Situation;
  const s = SITUATIONS[situation];
  const se = Number(seSelect.value);
  const half = se / 2;
  const deadline = se - Math.min(32, se / 3);
  const configText = iosConfigText({
    midcallSignaling: s.midcall,
    comment:
      s.midcall === 'passthru'
        ? ['refresh re-INVITEs and UPDATEs relayed end to end']
        : ['before 12.4(15)XZ: no midcall-signaling yet'],
  });
  byId('config').textContent = configText;
  byId('setup').textContent =
    `${s.setup} ${CALLS} calls, holding times lognormal with mean ${HOLDING.mean} s and standard deviation ${HOLDING.sd} s; Session-Expires ${se} s. The border element runs:`;
  const errorBox = byId('error');
  errorBox.textContent = '';

  const options: BuildOptions = {
    platform: s.platform,
    configText,
    calls: CALLS,
    seed: seedInput.value.trim() === '' ? 1 : Number(seedInput.value),
    workload: {
      arrivals: { rate: 0.5 },
      holding: HOLDING,
      callers: [{ profile: 'cucm' }],
      callees: [{ profile: 'cucm' }],
      ringSeconds: 3,
    },
    endpoints: {
      cucm: { ...(s.cucm.defects ? { defects: s.cucm.defects } : {}), timer: { ...s.cucm.timer, sessionExpires: se } },
    },
  };
  const ended: Ended[] = [];
  let elapsed = 0;
  let first: Ended | undefined;
  let sample;
  try {
    const loaded = buildExperiment(options);
    const all = simulate(loaded, {
      onCall: (c) => {
        if (c.answeredAt >= 0 && c.endedAt >= 0)
          ended.push({
            index: c.index,
            holding: c.holding,
            outcome: c.outcome,
            cause: c.cause,
            length: c.endedAt - c.answeredAt,
          });
      },
      copiesCalls: true, // a plain object per call is kept, not the record
    });
    elapsed += all.elapsedMs;
    ended.sort((a, b) => a.index - b.index);
    // The first dropped call, or with none dropped the first call that lived past its first refresh.
    first =
      ended.find((e) => e.outcome === 'dropped') ??
      ended.find((e) => e.holding > half + 60 && e.holding < 1.5 * se) ??
      ended.find((e) => e.holding > half);
    if (first !== undefined) {
      // The same seed gives the same calls: run again up to that call, with its ladder recorded.
      const traced = simulate(loaded, { traced: [first.index], stopAfterCall: first.index });
      elapsed += traced.elapsedMs;
      sample = traced.ladders.get(first.index);
    }
  } catch (e) {
    errorBox.textContent = e instanceof Error ? e.message : String(e);
    clear();
    return;
  }

  const dropped = ended.filter((e) => e.outcome === 'dropped');
  drawHistogram(ended, se, half, deadline);
  explain(situation, ended, dropped, se, half, deadline);

  const ladderStory = select('#ladder-story');
  ladderStory.selectAll('*').remove();
  const hover = byId('hover');
  hover.textContent = '';
  if (first !== undefined && sample !== undefined) {
    byId('ladder-title').textContent =
      first.outcome === 'dropped'
        ? `The first dropped call: call ${first.index}`
        : `No call was dropped: call ${first.index}, which lived past its first refresh`;
    const account = describeCall(sample);
    ladderStory.append('p').append('b').text(account.headline);
    for (const d of account.details) ladderStory.append('p').text(d);
    drawLadder(select(ladderSvg), sample, {
      width: Math.max(640, byId('ladder').clientWidth - 4),
      rowHeight: 26,
      onHover: (t) => (hover.textContent = t ?? ''),
    });
  } else {
    byId('ladder-title').textContent = 'No call to show';
    select(ladderSvg).selectAll('*').remove();
  }
  byId('timing').textContent = `${CALLS} calls simulated in ${elapsed} ms.`;
}

function clear(): void {
  for (const id of ['#story', '#histogram', '#ladder-story']) select(id).selectAll('*').remove();
  select(ladderSvg).selectAll('*').remove();
  byId('timing').textContent = '';
}

/** Calls ended, counted from answer, in bins; dropped calls stacked on top of completed ones. */
function drawHistogram(ended: Ended[], se: number, half: number, deadline: number): void {
  const host = select('#histogram');
  host.selectAll('*').remove();
  const width = Math.max(700, Math.min(1100, byId('histogram').clientWidth || 1100));
  const height = 330,
    m = { top: 58, right: 20, bottom: 46, left: 56 };
  const w = width - m.left - m.right,
    h = height - m.top - m.bottom;
  const binW = se / 60;
  const longestDrop =
    max(
      ended.filter((e) => e.outcome === 'dropped'),
      (e) => e.length,
    ) ?? 0;
  const xMax = Math.ceil(Math.max(se * 1.15, longestDrop + 2 * binW) / binW) * binW;
  const bins = Math.round(xMax / binW);
  const counts = Array.from({ length: bins }, (_, i) => ({ i, completed: 0, dropped: 0 }));
  let beyond = 0;
  for (const e of ended) {
    const b = Math.floor(e.length / binW);
    if (b >= bins) {
      beyond++;
      continue;
    }
    if (e.outcome === 'dropped') counts[b]!.dropped++;
    else counts[b]!.completed++;
  }
  const svg = host
    .append('svg')
    .attr('id', 'drop-histogram')
    .attr('data-dropped', ended.filter((e) => e.outcome === 'dropped').length)
    .attr('width', width)
    .attr('height', height)
    .attr('viewBox', `0 0 ${width} ${height}`);
  const g = svg.append('g').attr('transform', `translate(${m.left},${m.top})`);
  const x = scaleLinear()
    .domain([0, xMax / 60])
    .range([0, w]);
  const y = scaleLinear()
    .domain([0, Math.max(5, max(counts, (c) => c.completed + c.dropped) ?? 0)])
    .range([h, 0])
    .nice();
  g.append('g')
    .attr('class', 'axis')
    .attr('transform', `translate(0,${h})`)
    .call(
      axisBottom(x)
        .ticks(Math.min(20, xMax / 60 / 5))
        .tickFormat((d) => `${Number(d)}`),
    );
  g.append('g').attr('class', 'axis').call(axisLeft(y).ticks(6));
  g.append('text')
    .attr('class', 'caption')
    .attr('x', w / 2)
    .attr('y', h + 36)
    .attr('text-anchor', 'middle')
    .text('minutes from answer to the end of the call');
  g.append('text')
    .attr('class', 'caption')
    .attr('transform', `translate(-40,${h / 2}) rotate(-90)`)
    .attr('text-anchor', 'middle')
    .text('calls');

  const bw = Math.max(1, x(binW / 60) - x(0) - 1);
  g.selectAll('rect.completed')
    .data(counts.filter((c) => c.completed > 0))
    .join('rect')
    .attr('class', 'bar completed')
    .attr('x', (c) => x((c.i * binW) / 60) + 0.5)
    .attr('width', bw)
    .attr('y', (c) => y(c.completed))
    .attr('height', (c) => h - y(c.completed))
    .attr('fill', '#c5cbd3')
    .append('title')
    .text((c) => `${c.completed} calls ended normally ${min1(c.i * binW)} to ${min1((c.i + 1) * binW)} after answer`);
  g.selectAll('rect.dropped')
    .data(counts.filter((c) => c.dropped > 0))
    .join('rect')
    .attr('class', 'bar dropped')
    .attr('x', (c) => x((c.i * binW) / 60) + 0.5)
    .attr('width', bw)
    .attr('y', (c) => y(c.completed + c.dropped))
    .attr('height', (c) => y(c.completed) - y(c.completed + c.dropped))
    .attr('fill', '#c62828')
    .append('title')
    .text((c) => `${c.dropped} calls dropped ${min1(c.i * binW)} to ${min1((c.i + 1) * binW)} after answer`);

  const marker = (t: number, colour: string, row: number, text: string, cls: string): void => {
    const mx = x(t / 60);
    g.append('line')
      .attr('class', `marker ${cls}`)
      .attr('x1', mx)
      .attr('x2', mx)
      .attr('y1', -row * 16 - 6)
      .attr('y2', h)
      .attr('stroke', colour)
      .attr('stroke-width', 1.5)
      .attr('stroke-dasharray', '6 4');
    // Labels sit right of their line, or left of it near the right edge.
    const right = mx < w * 0.55;
    g.append('text')
      .attr('class', 'legend')
      .attr('x', right ? mx + 4 : mx - 4)
      .attr('text-anchor', right ? 'start' : 'end')
      .attr('y', -row * 16 - 8)
      .attr('fill', colour)
      .text(text);
  };
  marker(half, '#1f5fbf', 2, `refresh due: SE/2 = ${half} s (${min1(half)})`, 'refresh');
  marker(
    deadline,
    '#c76b00',
    1,
    `non-refresher gives up: SE − min(32, SE/3) = ${deadline} s (${min1(deadline)})`,
    'deadline',
  );

  const key = svg.append('g').attr('class', 'legend').attr('transform', `translate(${m.left},14)`);
  key.append('rect').attr('width', 12).attr('height', 12).attr('y', -10).attr('fill', '#c62828');
  key.append('text').attr('x', 17).text('dropped');
  key.append('rect').attr('x', 90).attr('width', 12).attr('height', 12).attr('y', -10).attr('fill', '#c5cbd3');
  key
    .append('text')
    .attr('x', 107)
    .text(`ended normally${beyond > 0 ? ` (${beyond} longer calls are off the right edge)` : ''}`);
}

/** The pattern in one paragraph, with the numbers of this run. */
function explain(
  situation: Situation,
  ended: Ended[],
  dropped: Ended[],
  se: number,
  half: number,
  deadline: number,
): void {
  const story = select('#story');
  story.selectAll('*').remove();
  const n = ended.length;
  const d = dropped.length;
  // The most common drop instant, to the second, and how many dropped calls share it.
  const byInstant = new Map<number, number>();
  for (const e of dropped) byInstant.set(Math.round(e.length), (byInstant.get(Math.round(e.length)) ?? 0) + 1);
  let instant = 0,
    atInstant = 0;
  for (const [t, k] of byInstant) if (k > atInstant || (k === atInstant && t < instant)) [instant, atInstant] = [t, k];
  const near = dropped.filter((e) => Math.abs(e.length - instant) <= 1).length;
  const longerThan = (t: number): number => ended.filter((e) => e.holding > t).length;
  const causes = [...new Set(dropped.map((e) => e.cause))].join(', ');
  const lead = Math.min(32, se / 3);

  const head =
    d === 0
      ? `None of the ${n} calls was dropped.`
      : `${d} of the ${n} calls were dropped (${causes}), ${near === d ? 'every one of them' : `${near} of them`} ${secs(instant)} after answer (${min1(instant)}).`;
  let why: string;
  switch (situation) {
    case 'pre-xz':
      why = `That is the callee's deadline: SE − min(32, SE/3) = ${se} − ${lead} = ${deadline} s. The caller did refresh at SE/2 = ${half} s, but a release before 12.4(15)XZ answers the refresh re-INVITE itself on the caller's leg and never passes it on, so the callee's timer keeps running from the 200 OK. ${longerThan(deadline)} calls were planned longer than ${deadline} s${longerThan(deadline) === d ? '; each of them was cut there, and the shorter ones ended normally' : ` and ${d} were dropped`}. This is the "calls drop after ${min1(deadline)}" ticket${se === 1800 ? '; at Session-Expires 3600 it becomes "after an hour"' : ''}.`;
      break;
    case 'never-refreshes':
      why = `Again the non-refresher's deadline, SE − min(32, SE/3) = ${se} − ${lead} = ${deadline} s. This time the border element would carry a refresh, but the caller, named refresher at setup, never sends one; SE/2 = ${half} s passes in silence and the callee hangs up. From the drop times alone this looks exactly like the old release: the ladder tells them apart (here no refresh appears at all).`;
      break;
    case 'update-unanswered':
      why = `That is SE/2 = ${half} s, when the caller sends its refresh UPDATE, plus 32 s: the UPDATE crosses the border element, the callee never answers it, and after Timer F (64 × T1 = 32 s) the caller's transaction gives up and the caller hangs up (RFC 4028 §10). ${longerThan(half + 32) === d ? `Every call longer than ${half + 32} s (${d} of them) was cut` : `${longerThan(half + 32)} calls were planned longer than ${half + 32} s and ${d} were cut`}: the "calls drop after ${min1(half + 32)}" ticket.`;
      break;
    case 'healthy':
      why = `The caller refreshes at SE/2 = ${half} s, midcall-signaling passthru carries each re-INVITE to the callee, and every 200 OK restarts both ends' timers, so the deadline at ${deadline} s never comes. ${longerThan(half)} calls lived past their first refresh and ${longerThan(deadline)} past the deadline they would have met otherwise; the longest lasted ${min1(max(ended, (e) => e.length) ?? 0)}.`;
      break;
  }
  story.append('p').text(head);
  story.append('p').text(why);
}

rerunOnChange(form, run);
