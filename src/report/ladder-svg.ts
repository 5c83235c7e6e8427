/// <reference lib="dom" />
// One traced call drawn as an SVG ladder with d3: the same information as the terminal ladder
// (src/output/ladder-text.ts), laid out for a browser. Four lanes (caller, the border element's
// inbound and outbound sides, callee); time runs down. Rows are spaced by event order, not by
// time, so a 900 s wait costs one break marker instead of a screenful; the time axis on the left
// labels each row with its simulated time.
//
// What the ladder adds to a packet trace: for every arming of a session timer, a thin line down
// the lane to the moment it points at — when this side's refresh is due, or when this side gives
// up on a refresh that has not come — so a drop at 1768 s can be seen coming from the 200 OK.
//
// Every string from the data goes in through .text() (or a <title> text node), never as markup:
// profile names and labels show literally, whatever characters they hold. Colours and fonts are
// SVG attributes, so the drawing looks the same without the report's stylesheet (notebooks).

import { axisLeft, scaleLinear, type Selection } from 'd3';
import { REPORT_DOM, type LadderEntry, type LadderSample } from './data.ts';
import { timerHeaders } from '../output/timer-headers.ts';
import { LADDER_PARTIES, laneOf, legCallIds } from '../output/ladder-lanes.ts';

export interface LadderSvgOptions {
  /** Width in pixels (default 1000). */
  width?: number;
  /** Vertical distance between two rows in pixels (default 34). */
  rowHeight?: number;
  /** Called with the details of the message or timer under the pointer, and null when it leaves. */
  onHover?: (text: string | null) => void;
}

type MessageEntry = Extract<LadderEntry, { kind: 'message' }>;
type TimerEntry = Extract<LadderEntry, { kind: 'timer' }>;
type OutcomeEntry = Extract<LadderEntry, { kind: 'outcome' }>;
type Row = MessageEntry | TimerEntry;
type Svg = Selection<SVGSVGElement, unknown, null, undefined>;
type G = Selection<SVGGElement, unknown, null, undefined>;

/** Party names as the trace spells them, in lane order. */
const PARTY_NAMES: Record<string, string> = {
  caller: 'caller',
  'cube-in': 'CUBE in',
  'cube-out': 'CUBE out',
  callee: 'callee',
};
/** Timer words go towards the middle of the leg: right of the caller, left of CUBE in, ... */
const TEXT_SIDE = [1, -1, 1, -1] as const;
/** ... and the timer lines on the other side of the lane, out of the arrows' way. */
const LINE_OFFSET = [-9, 9, -9, 9] as const;
/** Consecutive rows further apart than this (s) get a break marker. */
const BREAK_SECONDS = 10;

/** The ink of each kind of thing, also used by the report page's legends. */
export const LADDER_COLOURS = {
  request: '#1f5fbf',
  provisional: '#7a8190',
  success: '#1c8a3c',
  failure: '#c62828',
  timer: '#c76b00',
  lane: '#9aa3b2',
  text: '#1d2330',
  muted: '#6b7280',
} as const;

const FONT = 'system-ui, -apple-system, "Segoe UI", "DejaVu Sans", sans-serif';

const secs3 = (t: number): string => (Math.abs(t) < 5e-4 ? 0 : t).toFixed(3);
const secs2 = (t: number): string => t.toFixed(2);

function partyName(party: string): string {
  return PARTY_NAMES[party] ?? party;
}

/** "INVITE (refresh)", "200 OK (hold)", "BYE", "422 Session Interval Too Small". */
export function messageText(e: MessageEntry): string {
  const sessionMethod = e.method === 'INVITE' || e.method === 'UPDATE';
  if (sessionMethod && e.purpose !== '' && (e.status === 0 || e.purpose !== 'setup'))
    return `${e.label} (${e.purpose})`;
  return e.label;
}

export function messageColour(e: MessageEntry): string {
  if (e.status === 0) return LADDER_COLOURS.request;
  if (e.status < 200) return LADDER_COLOURS.provisional;
  if (e.status < 300) return LADDER_COLOURS.success;
  return LADDER_COLOURS.failure;
}

/**
 * On a SIP-to-SIP call the border element's lanes carry the endpoints' timer without acting on
 * it: their deadline is when they expect a refresh, not a BYE they send. On an H.323 call the
 * outbound side is a user agent of its own and does hang up.
 */
function actsOnExpiry(sample: LadderSample, party: string): boolean {
  return party === 'caller' || party === 'callee' || (sample.call.h323 && party === 'cube-out');
}

/** The words beside a timer moment on its lane. */
function timerText(sample: LadderSample, e: TimerEntry): string {
  const n = e.note;
  switch (n.what) {
    case 'timer-armed': {
      const head = `timer ${n.sessionExpires} s`;
      if (n.refresherLocal)
        return n.refreshAt >= 0 ? `${head}: refresh due at ${secs2(n.refreshAt)} s` : `${head}: this side refreshes`;
      if (n.expiryAt < 0) return `${head}: the other side refreshes`;
      return actsOnExpiry(sample, e.party)
        ? `${head}: hangs up at ${secs2(n.expiryAt)} s if no refresh`
        : `${head}: expects a refresh by ${secs2(n.expiryAt)} s`;
    }
    case 'timer-off':
      return 'session timer off';
    case 'refresh-due':
      return 'refresh due';
    case 'expired':
      return actsOnExpiry(sample, e.party) ? 'no refresh in time: hangs up' : 'no refresh in time (does not hang up)';
  }
}

function messageDetails(e: MessageEntry): string {
  const lines = [
    `${secs3(e.t)} s  ${partyName(e.from)} → ${partyName(e.to)}`,
    messageText(e) + (e.lost ? '  (lost on the network)' : '') + (e.retransmission ? '  (retransmission)' : ''),
  ];
  if (e.sessionExpires > 0)
    lines.push(`Session-Expires: ${e.sessionExpires}${e.refresher === '' ? '' : `;refresher=${e.refresher}`}`);
  if (e.minSe > 0) lines.push(`Min-SE: ${e.minSe}`);
  lines.push(`CSeq: ${e.cseq} ${e.method}`);
  lines.push(`Call-ID: ${e.callId}`);
  if (e.sdpVersion >= 0) lines.push(`SDP version ${e.sdpVersion}`);
  lines.push(e.lost ? 'never arrives' : `arrives at ${secs3(e.arrivesAt)} s`);
  return lines.join('\n');
}

function timerDetails(sample: LadderSample, e: TimerEntry, fates: readonly string[]): string {
  const lines = [`${secs3(e.t)} s  ${partyName(e.party)}`, timerText(sample, e)];
  const n = e.note;
  if (n.what === 'timer-armed') {
    lines.push(
      `Session-Expires ${n.sessionExpires} s; ${n.refresherLocal ? 'this side is the refresher' : 'the other side is the refresher'}`,
    );
    lines.push(...fates);
  }
  return lines.join('\n');
}

function outcomeText(sample: LadderSample, o: OutcomeEntry): string {
  const why: string[] = [];
  if (o.leg !== '') why.push(`${o.leg} leg`);
  if (o.side !== '') why.push(`BYE by ${o.side === 'border-element' ? 'CUBE' : o.side}`);
  if (sample.call.status > 0) why.push(`status ${sample.call.status}`);
  return `${o.outcome}: ${o.cause}${why.length > 0 ? ` (${why.join(', ')})` : ''} at ${secs3(o.t)} s`;
}

function outcomeColours(outcome: string): { fill: string; stroke: string } {
  if (outcome === 'completed') return { fill: '#e6f4ea', stroke: LADDER_COLOURS.success };
  if (outcome === 'active') return { fill: '#fff4e0', stroke: LADDER_COLOURS.timer };
  return { fill: '#fdeaea', stroke: LADDER_COLOURS.failure };
}

/** Text with a white halo, readable over lane and timer lines. */
function label(
  g: G,
  x: number,
  y: number,
  text: string,
  size: number,
  fill: string,
  anchor: 'start' | 'middle' | 'end' = 'middle',
) {
  return g
    .append('text')
    .attr('x', x)
    .attr('y', y)
    .attr('text-anchor', anchor)
    .attr('font-size', size)
    .attr('fill', fill)
    .attr('stroke', '#ffffff')
    .attr('stroke-width', 3)
    .attr('stroke-linejoin', 'round')
    .attr('paint-order', 'stroke')
    .text(text);
}

function diamond(g: G, x: number, y: number, r: number, fill: string, stroke: string): void {
  g.append('path')
    .attr('d', `M${x},${y - r}L${x + r},${y}L${x},${y + r}L${x - r},${y}Z`)
    .attr('fill', fill)
    .attr('stroke', stroke)
    .attr('stroke-width', 1.5);
}

function bar(g: G, x: number, y: number, half: number, stroke: string, width = 3): void {
  g.append('line')
    .attr('x1', x - half)
    .attr('x2', x + half)
    .attr('y1', y)
    .attr('y2', y)
    .attr('stroke', stroke)
    .attr('stroke-width', width)
    .attr('stroke-linecap', 'round');
}

function hover(g: G, text: string, onHover: LadderSvgOptions['onHover']): void {
  g.append('title').text(text);
  if (onHover === undefined) return;
  g.on('mouseenter', () => onHover(text)).on('mouseleave', () => onHover(null));
}

/** Where a timer arming points: its refresh moment or its deadline, and what became of it. */
interface Target {
  /** Index in `rows` of the arming. */
  arm: number;
  party: string;
  t: number;
  kind: 'refresh' | 'expiry';
  /** Reached within the ladder; replaced first by a new arming or switch-off; or after the end. */
  state: 'reached' | 'replaced' | 'after';
  /** The row that replaced it, or the party's own row for that moment (refresh due, expired); -1 if none. */
  row: number;
}

/** For every arming on a lane, what each of its moments came to. */
function timerTargets(rows: readonly Row[]): Target[] {
  const out: Target[] = [];
  const lastTime = rows.length === 0 ? 0 : rows[rows.length - 1]!.t;
  rows.forEach((e, i) => {
    if (e.kind !== 'timer' || e.note.what !== 'timer-armed') return;
    let cut = -1;
    for (let j = i + 1; j < rows.length; j++) {
      const r = rows[j]!;
      if (r.kind === 'timer' && r.party === e.party && (r.note.what === 'timer-armed' || r.note.what === 'timer-off')) {
        cut = j;
        break;
      }
    }
    const moments: Array<[number, 'refresh' | 'expiry']> = [];
    if (e.note.refreshAt >= 0) moments.push([e.note.refreshAt, 'refresh']);
    if (e.note.expiryAt >= 0) moments.push([e.note.expiryAt, 'expiry']);
    for (const [t, kind] of moments) {
      if (cut >= 0 && rows[cut]!.t < t - 1e-9)
        out.push({ arm: i, party: e.party, t, kind, state: 'replaced', row: cut });
      else if (t > lastTime + 1e-9) out.push({ arm: i, party: e.party, t, kind, state: 'after', row: -1 });
      else {
        const own = rows.findIndex(
          (r, j) =>
            j > i &&
            r.kind === 'timer' &&
            r.party === e.party &&
            r.note.what === (kind === 'refresh' ? 'refresh-due' : 'expired') &&
            Math.abs(r.t - t) < 1e-6,
        );
        out.push({ arm: i, party: e.party, t, kind, state: 'reached', row: own });
      }
    }
  });
  return out;
}

/** Draws one call's ladder into `svg` (clears it first). Returns the number of message arrows drawn. */
export function drawLadder(svg: Svg, sample: LadderSample, options: LadderSvgOptions = {}): number {
  const width = Math.max(640, Math.floor(options.width ?? 1000));
  const rowH = Math.max(22, options.rowHeight ?? 34);
  const onHover = options.onHover;
  const call = sample.call;
  svg.selectAll('*').remove();
  svg.classed(REPORT_DOM.ladderClass, true).attr('font-family', FONT);

  const rows: Row[] = [];
  const outcomes: OutcomeEntry[] = [];
  for (const e of sample.entries) {
    if (e.kind === 'outcome') outcomes.push(e);
    else rows.push(e);
  }
  const targets = timerTargets(rows);

  // ---- rows: every message and timer moment, plus a row for each timer moment that the lane
  // reaches without a row of its own (a refresh due that nobody sends) ------------------------
  const display: Array<{ t: number; row: number; target: Target | null }> = [];
  const waiting = targets.filter((g) => g.state === 'reached' && g.row < 0).sort((a, b) => a.t - b.t);
  const armed = new Set<number>();
  const flush = (until: number): void => {
    for (let k = 0; k < waiting.length;) {
      const w = waiting[k]!;
      if (w.t <= until + 1e-9 && armed.has(w.arm)) {
        display.push({ t: w.t, row: -1, target: w });
        waiting.splice(k, 1);
      } else k++;
    }
  };
  rows.forEach((e, i) => {
    flush(e.t);
    display.push({ t: e.t, row: i, target: null });
    armed.add(i);
  });
  flush(Infinity);

  // ---- geometry ---------------------------------------------------------------------------
  const axisWidth = 84;
  const left = axisWidth + 70,
    right = width - 60;
  const lanesX = [0, 0.42, 0.58, 1].map((f) => left + f * (right - left));
  const titleY = 18,
    legendY = 42,
    headerTop = 60,
    headerH = 38;
  const firstRow = headerTop + headerH + 46;

  // Each row takes a slot; a long wait before a row takes one slot more, for its break marker.
  const slots: number[] = [];
  const breaks: Array<{ slot: number; gap: number }> = [];
  let slot = 0;
  display.forEach((d, k) => {
    if (k > 0) {
      const gap = d.t - display[k - 1]!.t;
      if (gap >= BREAK_SECONDS) {
        slot += 1;
        breaks.push({ slot, gap });
      }
      slot += 1;
    }
    slots.push(slot);
  });
  const y = scaleLinear()
    .domain([0, Math.max(1, slot)])
    .range([firstRow, firstRow + Math.max(1, slot) * rowH]);
  const rowSlot = new Map<number, number>();
  const targetSlot = new Map<Target, number>();
  display.forEach((d, k) => {
    if (d.target !== null) targetSlot.set(d.target, slots[k]!);
    else rowSlot.set(d.row, slots[k]!);
  });
  const rowY = (i: number): number => y(rowSlot.get(i)!);
  const lastY = display.length === 0 ? firstRow : y(slots[slots.length - 1]!);

  // Timers still waiting when the call's ladder ends are drawn below it, one line per lane.
  const pendingTop = lastY + rowH * 0.75;
  const pendingY = (lane: number): number => pendingTop + lane * 14;
  const bannerTop = pendingTop + 4 * 14 + 6;
  const bannerH = call.features.length > 0 ? 40 : 28;
  const bannerCount = Math.max(1, outcomes.length);
  const height = Math.ceil(bannerTop + bannerCount * (bannerH + 6) + 10);
  svg.attr('width', width).attr('height', height).attr('viewBox', `0 0 ${width} ${height}`);

  const root = svg.append('g');

  // ---- title, legend, lane headers ----------------------------------------------------------
  const { inbound: idIn, outbound: idOut } = legCallIds(sample.entries);
  const caller = call.h323 ? `${call.callerProfile} on H.323` : call.callerProfile;
  root
    .append('text')
    .attr('x', 8)
    .attr('y', titleY)
    .attr('font-size', 14)
    .attr('font-weight', 600)
    .attr('fill', LADDER_COLOURS.text)
    .text(
      `call ${call.index}: ${caller} → CUBE → ${call.calleeProfile}, arrived ${secs3(call.arrivalAt)} s` +
        (call.answeredAt >= 0 ? `, answered ${secs3(call.answeredAt)} s` : ', never answered') +
        `, planned holding ${call.holding.toFixed(1)} s`,
    );

  const legend = root
    .append('g')
    .attr('transform', `translate(8,${legendY})`)
    .attr('font-size', 11)
    .attr('fill', LADDER_COLOURS.text);
  let lx = 0;
  const legendLine = (colour: string, text: string): void => {
    const item = legend.append('g').attr('transform', `translate(${lx},0)`);
    item
      .append('line')
      .attr('x1', 0)
      .attr('x2', 18)
      .attr('y1', -4)
      .attr('y2', -4)
      .attr('stroke', colour)
      .attr('stroke-width', 2);
    item.append('path').attr('d', 'M22,-4L14,-8.5L14,0.5Z').attr('fill', colour);
    item.append('text').attr('x', 27).attr('y', 0).text(text);
    lx += 36 + text.length * 6.2;
  };
  legendLine(LADDER_COLOURS.request, 'request');
  legendLine(LADDER_COLOURS.provisional, '1xx provisional');
  legendLine(LADDER_COLOURS.success, '2xx success');
  legendLine(LADDER_COLOURS.failure, '3xx–6xx failure');
  {
    const item = legend.append('g').attr('transform', `translate(${lx},0)`);
    item
      .append('line')
      .attr('x1', 0)
      .attr('x2', 16)
      .attr('y1', -4)
      .attr('y2', -4)
      .attr('stroke', LADDER_COLOURS.muted)
      .attr('stroke-width', 2)
      .attr('stroke-dasharray', '4,3');
    item
      .append('path')
      .attr('d', 'M17,-8L25,0M17,0L25,-8')
      .attr('stroke', LADDER_COLOURS.failure)
      .attr('stroke-width', 2);
    item.append('text').attr('x', 30).attr('y', 0).text('lost');
    item
      .append('text')
      .attr('x', 66)
      .attr('y', 0)
      .attr('fill', LADDER_COLOURS.muted)
      .attr('font-style', 'italic')
      .text('↻ retransmission');
    lx += 186;
  }
  {
    const item = legend.append('g').attr('transform', `translate(${lx},0)`);
    item.append('circle').attr('cx', 4).attr('cy', -4).attr('r', 4).attr('fill', LADDER_COLOURS.timer);
    item.append('text').attr('x', 12).attr('y', 0).text('session timer started');
    diamond(item, 146, -4, 5, LADDER_COLOURS.timer, LADDER_COLOURS.timer);
    item.append('text').attr('x', 155).attr('y', 0).text('refresh due');
    bar(item, 238, -4, 6, LADDER_COLOURS.timer);
    item.append('text').attr('x', 248).attr('y', 0).text('deadline without a refresh');
  }

  const headers = root.append('g');
  const boxW = 104;
  LADDER_PARTIES.forEach((p, i) => {
    const x = lanesX[i]!;
    const h = headers.append('g');
    h.append('rect')
      .attr('x', x - boxW / 2)
      .attr('y', headerTop)
      .attr('width', boxW)
      .attr('height', headerH)
      .attr('rx', 5)
      .attr('fill', i === 1 || i === 2 ? '#eef2f8' : '#f6f7f9')
      .attr('stroke', LADDER_COLOURS.lane);
    const name = i === 0 && call.h323 ? 'caller (H.323)' : PARTY_NAMES[p]!;
    h.append('text')
      .attr('x', x)
      .attr('y', headerTop + 16)
      .attr('text-anchor', 'middle')
      .attr('font-size', 13)
      .attr('font-weight', 600)
      .attr('fill', LADDER_COLOURS.text)
      .text(name);
    const sub = i === 0 ? call.callerProfile : i === 3 ? call.calleeProfile : i === 1 ? 'caller side' : 'callee side';
    // A long profile name is cut to fit its box; the whole name is in the tooltip.
    const t = h
      .append('text')
      .attr('x', x)
      .attr('y', headerTop + 31)
      .attr('text-anchor', 'middle')
      .attr('font-size', 11)
      .attr('fill', LADDER_COLOURS.muted)
      .text(sub.length > 17 ? `${sub.slice(0, 16)}…` : sub);
    if (sub.length > 17) t.append('title').text(sub);
  });
  const legText = (x: number, text: string): void => {
    headers
      .append('text')
      .attr('x', x)
      .attr('y', headerTop + headerH + 16)
      .attr('text-anchor', 'middle')
      .attr('font-size', 11)
      .attr('fill', LADDER_COLOURS.muted)
      .text(text);
  };
  legText(
    (lanesX[0]! + lanesX[1]!) / 2,
    call.h323 ? 'inbound leg: H.323, no SIP' : `inbound leg${idIn !== '' ? ` · Call-ID ${idIn}` : ''}`,
  );
  legText((lanesX[2]! + lanesX[3]!) / 2, `outbound leg${idOut !== '' ? ` · Call-ID ${idOut}` : ''}`);

  // ---- lanes and the time axis -------------------------------------------------------------
  const laneBottom = pendingY(3) + 6;
  LADDER_PARTIES.forEach((_, i) => {
    const dotted = call.h323 && i <= 1;
    root
      .append('line')
      .attr('x1', lanesX[i]!)
      .attr('x2', lanesX[i]!)
      .attr('y1', headerTop + headerH)
      .attr('y2', laneBottom)
      .attr('stroke', LADDER_COLOURS.lane)
      .attr('stroke-width', dotted ? 1.5 : 2)
      .attr('stroke-dasharray', dotted ? '2,4' : '');
  });

  const tickLabels = new Map<number, string>();
  display.forEach((d, k) => {
    const same = k > 0 && Math.abs(d.t - display[k - 1]!.t) < 5e-4;
    tickLabels.set(slots[k]!, same ? '' : secs3(d.t));
  });
  const axis = root.append('g').attr('transform', `translate(${axisWidth},0)`);
  axis.call(
    axisLeft(y)
      .tickValues(slots)
      .tickSize(4)
      .tickFormat((s) => tickLabels.get(Number(s)) ?? ''),
  );
  axis.select('.domain').attr('stroke', LADDER_COLOURS.lane);
  axis.selectAll('.tick line').attr('stroke', LADDER_COLOURS.lane);
  axis.selectAll('.tick text').attr('fill', LADDER_COLOURS.text).attr('font-size', 11);
  root
    .append('text')
    .attr('x', axisWidth)
    .attr('y', firstRow - 18)
    .attr('text-anchor', 'end')
    .attr('font-size', 11)
    .attr('fill', LADDER_COLOURS.muted)
    .text('time (s) ↓');

  // Faint guides from the axis to the first lane, so a row's time is easy to follow.
  for (const s of slots) {
    root
      .append('line')
      .attr('x1', axisWidth + 2)
      .attr('x2', lanesX[0]! - 4)
      .attr('y1', y(s))
      .attr('y2', y(s))
      .attr('stroke', '#e3e6eb')
      .attr('stroke-dasharray', '1,3');
  }

  // Break markers: a band across the lanes saying how much time passes unseen.
  for (const b of breaks) {
    const mid = y(b.slot);
    const g = root.append('g').attr('class', 'break');
    const x0 = axisWidth - 40,
      x1 = right + 40;
    g.append('rect')
      .attr('x', x0)
      .attr('y', mid - rowH * 0.32)
      .attr('width', x1 - x0)
      .attr('height', rowH * 0.64)
      .attr('fill', '#ffffff');
    for (const dy of [-rowH * 0.32, rowH * 0.32]) {
      let d = `M${x0},${mid + dy}`;
      for (let x = x0, k = 0; x < x1; x += 8, k++) d += `L${x + 8},${mid + dy + (k % 2 === 0 ? -3 : 3)}`;
      g.append('path').attr('d', d).attr('fill', 'none').attr('stroke', '#c3c9d3').attr('stroke-width', 1);
    }
    label(g, (lanesX[1]! + lanesX[2]!) / 2, mid + 4, `… ${b.gap.toFixed(1)} s …`, 12, LADDER_COLOURS.muted).attr(
      'font-style',
      'italic',
    );
  }

  // ---- timers: each moment on its lane; each arming with lines to what it points at ------------
  const marks = root.append('g');
  const byArm = new Map<number, Target[]>();
  for (const t of targets) byArm.set(t.arm, [...(byArm.get(t.arm) ?? []), t]);

  rows.forEach((e, i) => {
    if (e.kind !== 'timer') return;
    const lane = laneOf(e.party);
    const g = marks.append('g').attr('class', REPORT_DOM.timerClass);
    const yy = rowY(i);
    if (lane < 0) {
      label(g, lanesX[3]! + 14, yy + 4, `${e.party}: ${timerText(sample, e)}`, 11, LADDER_COLOURS.timer, 'start');
      hover(g, timerDetails(sample, e, []), onHover);
      return;
    }
    const x = lanesX[lane]!,
      side = TEXT_SIDE[lane]!,
      lineX = x + LINE_OFFSET[lane]!;
    const n = e.note;
    const fates: string[] = [];
    for (const target of byArm.get(i) ?? []) {
      const acts = actsOnExpiry(sample, e.party);
      const words =
        target.kind === 'refresh'
          ? `refresh due at ${secs2(target.t)} s`
          : acts
            ? `hangs up at ${secs2(target.t)} s if no refresh`
            : `expects a refresh by ${secs2(target.t)} s`;
      let endY: number;
      if (target.state === 'replaced') {
        endY = rowY(target.row);
        const off = (rows[target.row] as TimerEntry).note.what === 'timer-off';
        fates.push(
          `${target.kind === 'refresh' ? 'the refresh moment' : 'the deadline'} ${secs3(target.t)} s never came: the timer was ${off ? 'switched off' : 'restarted'} at ${secs3(rows[target.row]!.t)} s`,
        );
      } else if (target.state === 'after') {
        endY = pendingY(lane);
        fates.push(
          `${target.kind === 'refresh' ? 'the refresh moment' : 'the deadline'} ${secs3(target.t)} s is after the call ended`,
        );
      } else {
        endY = target.row >= 0 ? rowY(target.row) : y(targetSlot.get(target)!);
        fates.push(
          target.kind === 'refresh'
            ? `the refresh fell due at ${secs3(target.t)} s`
            : acts
              ? `no refresh came: gave up at ${secs3(target.t)} s`
              : `no refresh came by ${secs3(target.t)} s`,
        );
      }
      g.append('line')
        .attr('x1', x)
        .attr('x2', lineX)
        .attr('y1', yy)
        .attr('y2', yy)
        .attr('stroke', LADDER_COLOURS.timer)
        .attr('stroke-opacity', 0.7);
      g.append('line')
        .attr('x1', lineX)
        .attr('x2', lineX)
        .attr('y1', yy)
        .attr('y2', endY)
        .attr('stroke', LADDER_COLOURS.timer)
        .attr('stroke-opacity', target.state === 'replaced' ? 0.35 : 0.75)
        .attr('stroke-width', 1.3)
        .attr('stroke-dasharray', target.state === 'after' ? '3,3' : '');
      if (target.state === 'replaced') {
        bar(g, lineX, endY, 3, LADDER_COLOURS.timer, 1.3);
        continue;
      }
      if (target.state === 'reached' && target.row >= 0) {
        // The lane has its own mark for that moment (refresh due, expired): join the line to it.
        g.append('line')
          .attr('x1', lineX)
          .attr('x2', x)
          .attr('y1', endY)
          .attr('y2', endY)
          .attr('stroke', LADDER_COLOURS.timer)
          .attr('stroke-opacity', 0.75);
        continue;
      }
      const after = target.state === 'after';
      if (target.kind === 'refresh')
        diamond(g, lineX, endY, 5, after ? '#ffffff' : LADDER_COLOURS.timer, LADDER_COLOURS.timer);
      else bar(g, lineX, endY, 7, LADDER_COLOURS.timer, 3);
      if (!after)
        g.append('line')
          .attr('x1', lineX)
          .attr('x2', x)
          .attr('y1', endY)
          .attr('y2', endY)
          .attr('stroke', LADDER_COLOURS.timer)
          .attr('stroke-opacity', 0.75);
      label(
        g,
        x + side * 12,
        endY + 4,
        after ? `${words} (after the call ended)` : words,
        after ? 10.5 : 11,
        after ? LADDER_COLOURS.muted : LADDER_COLOURS.timer,
        side > 0 ? 'start' : 'end',
      );
    }
    if (n.what === 'timer-armed') {
      g.append('circle').attr('cx', x).attr('cy', yy).attr('r', 4.5).attr('fill', LADDER_COLOURS.timer);
    } else if (n.what === 'refresh-due') {
      diamond(g, x, yy, 6, LADDER_COLOURS.timer, LADDER_COLOURS.timer);
    } else if (n.what === 'expired') {
      bar(g, x, yy, 9, LADDER_COLOURS.failure, 4);
    } else {
      g.append('circle')
        .attr('cx', x)
        .attr('cy', yy)
        .attr('r', 4.5)
        .attr('fill', '#ffffff')
        .attr('stroke', LADDER_COLOURS.timer)
        .attr('stroke-width', 1.5);
      g.append('path')
        .attr('d', `M${x - 3},${yy - 3}L${x + 3},${yy + 3}`)
        .attr('stroke', LADDER_COLOURS.timer);
    }
    // Hit area over the mark and its words, for hovering.
    const words = timerText(sample, e);
    const reach = 18 + words.length * 6.3;
    g.insert('rect', ':first-child')
      .attr('x', side > 0 ? x - 8 : x - reach)
      .attr('y', yy - rowH / 2 + 2)
      .attr('width', reach + 8)
      .attr('height', rowH - 4)
      .attr('fill', 'transparent');
    label(
      g,
      x + side * 12,
      yy + 4,
      words,
      11,
      n.what === 'expired' ? LADDER_COLOURS.failure : LADDER_COLOURS.timer,
      side > 0 ? 'start' : 'end',
    ).attr('font-weight', n.what === 'expired' || n.what === 'refresh-due' ? 600 : 400);
    hover(g, timerDetails(sample, e, fates), onHover);
  });

  // ---- messages ------------------------------------------------------------------------------
  const messages = root.append('g');
  // Tighter rows get smaller words, so that a row's headers clear the next row's label.
  const roomy = rowH >= 30;
  const headerDy = Math.max(8, Math.min(12, rowH - 15));
  let drawn = 0;
  rows.forEach((e, i) => {
    if (e.kind !== 'message') return;
    drawn++;
    const g = messages.append('g').attr('class', REPORT_DOM.messageClass);
    const yy = rowY(i);
    const colour = messageColour(e);
    const text = (e.retransmission ? '↻ ' : '') + messageText(e);
    const headersText = timerHeaders(e);
    const a = laneOf(e.from),
      b = laneOf(e.to);
    if (a < 0 || b < 0 || a === b) {
      // Not between two lanes this ladder knows: say it in words.
      label(
        g,
        (lanesX[1]! + lanesX[2]!) / 2,
        yy + 4,
        `${partyName(e.from)} → ${partyName(e.to)}: ${text}${e.lost ? ' (lost)' : ''} ${headersText}`,
        11,
        colour,
      );
      hover(g, messageDetails(e), onHover);
      return;
    }
    const x1 = lanesX[a]!,
      x2 = lanesX[b]!;
    const dir = Math.sign(x2 - x1);
    // Hit area for hovering the whole row of the arrow.
    g.append('rect')
      .attr('x', Math.min(x1, x2))
      .attr('y', yy - rowH / 2)
      .attr('width', Math.abs(x2 - x1))
      .attr('height', rowH)
      .attr('fill', 'transparent');
    const tip = e.lost ? x1 + (x2 - x1) * 0.78 : x2 - dir * 1;
    g.append('line')
      .attr('x1', x1)
      .attr('x2', e.lost ? tip : tip - dir * 8)
      .attr('y1', yy)
      .attr('y2', yy)
      .attr('stroke', colour)
      .attr('stroke-width', e.retransmission ? 1.4 : 2)
      .attr('stroke-dasharray', e.lost ? '6,4' : e.retransmission ? '2,2' : '');
    if (e.lost) {
      const s = 5;
      g.append('path')
        .attr('d', `M${tip - s},${yy - s}L${tip + s},${yy + s}M${tip - s},${yy + s}L${tip + s},${yy - s}`)
        .attr('stroke', LADDER_COLOURS.failure)
        .attr('stroke-width', 2.5);
    } else {
      g.append('path')
        .attr('d', `M${tip},${yy}L${tip - dir * 10},${yy - 5}L${tip - dir * 10},${yy + 5}Z`)
        .attr('fill', colour);
    }
    const mid = (x1 + x2) / 2;
    const main = label(g, mid, yy - (roomy ? 5 : 4), text + (e.lost ? '  (lost)' : ''), roomy ? 12 : 11, colour).attr(
      'font-weight',
      e.status === 0 ? 600 : 400,
    );
    if (e.retransmission) main.attr('font-style', 'italic');
    if (headersText !== '') label(g, mid, yy + headerDy, headersText, roomy ? 10 : 9, LADDER_COLOURS.muted);
    hover(g, messageDetails(e), onHover);
  });

  // ---- the outcome -----------------------------------------------------------------------------
  const banners = root.append('g').attr('class', 'outcome');
  const shown: Array<{ text: string; outcome: string }> =
    outcomes.length > 0
      ? outcomes.map((o) => ({ text: outcomeText(sample, o), outcome: o.outcome }))
      : [
          {
            text: call.outcome === 'active' ? 'still active when the run stopped' : `${call.outcome}: ${call.cause}`,
            outcome: call.outcome,
          },
        ];
  const features = call.features
    .map((f) => `${f.feature} ${f.status}${f.reason === '' ? '' : ` (${f.reason})`}`)
    .join(', ');
  shown.forEach((o, k) => {
    const top = bannerTop + k * (bannerH + 6);
    const c = outcomeColours(o.outcome);
    const x0 = lanesX[0]! - 50,
      x1 = lanesX[3]! + 50;
    banners
      .append('rect')
      .attr('x', x0)
      .attr('y', top)
      .attr('width', x1 - x0)
      .attr('height', bannerH)
      .attr('rx', 6)
      .attr('fill', c.fill)
      .attr('stroke', c.stroke)
      .attr('stroke-width', 1.5);
    banners
      .append('text')
      .attr('x', (x0 + x1) / 2)
      .attr('y', top + 18)
      .attr('text-anchor', 'middle')
      .attr('font-size', 13)
      .attr('font-weight', 700)
      .attr('fill', c.stroke)
      .text(o.text);
    if (features !== '') {
      banners
        .append('text')
        .attr('x', (x0 + x1) / 2)
        .attr('y', top + 33)
        .attr('text-anchor', 'middle')
        .attr('font-size', 11)
        .attr('fill', LADDER_COLOURS.text)
        .text(`features: ${features}`);
    }
  });
  return drawn;
}
