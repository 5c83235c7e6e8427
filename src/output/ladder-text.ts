// A traced call drawn as a plain-text ladder, in the spirit of sngrep's call flow: four lanes
// (the caller, the border element's inbound and outbound sides, the callee), one row per trace
// entry with the simulated time, arrows for SIP messages, markers for session-timer moments,
// and the call's outcome at the bottom. Also the same trace as plain JSON.
//
// Layout of a row (width 100, default):
//
//   <time> <delta>  caller-lane  <gap A>  CUBE-in-lane <cube gap> CUBE-out-lane  <gap B>  callee-lane  <notes>
//
// Message labels travel on the arrow across gap A (caller <-> CUBE in) or gap B (CUBE out <->
// callee); the session-timer headers and the lost/retransmitted flags go into the notes column
// on the right. Nothing crosses the gap between the two CUBE lanes: the B2BUA relays inside.
// Everything is computed from the call alone, so the same call always gives the same text.

import type { Call, TraceEntry } from '../elements/call.ts';
import {
  LADDER_PARTIES,
  LANE_TITLES,
  ladderSeconds as secs,
  laneOf,
  legCallIds,
  messageInk,
  messageLabel,
  missingOutcomeText,
  outcomeInk,
  outcomeText,
  timerHeaders,
  timerText,
  type MessageEntry,
  type MessageInk,
  type OutcomeEntry,
  type OutcomeInk,
  type TimerEntry,
} from '../results/ladder.ts';

export interface LadderOptions {
  /** Total columns of every line (default 100). */
  width?: number;
  /** ANSI colours (default false: no escape codes at all). */
  color?: boolean;
  /** Draw retransmitted messages (default true). */
  showRetransmissions?: boolean;
}

/** Columns between the two CUBE lanes (nothing is drawn there). */
const CUBE_GAP = 3;
/** Columns kept for the notes after the callee lane (two of them blank). */
const NOTES_RESERVE = 32;
/** Columns between the lanes of a leg: the arrows. Below GOOD_GAP the notes give way first. */
const MIN_GAP = 8;
const GOOD_GAP = 18;
const MAX_GAP = 26;

// ANSI SGR parameters for each kind of ink.
const INK = {
  request: '36', // cyan
  provisional: '2', // dim
  success: '32', // green
  failure: '31', // red
  timer: '33', // yellow
  header: '1', // bold
  lost: '1;31', // bold red
  retx: '35', // magenta
  completed: '1;32',
  ended: '1;31',
  active: '1;33',
} as const;
type Ink = (typeof INK)[keyof typeof INK] | '';
const MESSAGE_INK: Record<MessageInk, Ink> = {
  request: INK.request,
  provisional: INK.provisional,
  success: INK.success,
  failure: INK.failure,
};
const OUTCOME_INK: Record<OutcomeInk, Ink> = { completed: INK.completed, active: INK.active, ended: INK.ended };

/** One line being drawn: a character and an ink per column, never wider than `width`. */
class Row {
  private readonly chars: string[];
  private readonly inks: Ink[];

  constructor(readonly width: number) {
    this.chars = new Array<string>(width).fill(' ');
    this.inks = new Array<Ink>(width).fill('');
  }

  /** Writes `text` from column `col`, cut with an ellipsis so it ends before column `end`. */
  put(col: number, text: string, ink: Ink = '', end = this.width): void {
    const stop = Math.min(end, this.width);
    if (col >= stop || text.length === 0) return;
    let s = text;
    if (col + s.length > stop) s = stop - col <= 1 ? '…' : `${s.slice(0, stop - col - 1).trimEnd()}…`;
    for (let i = 0; i < s.length; i++) {
      const c = col + i;
      if (c < 0) continue;
      this.chars[c] = s[i]!;
      this.inks[c] = ink;
    }
  }

  render(color: boolean): string {
    let last = this.width - 1;
    while (last >= 0 && this.chars[last] === ' ') last--;
    if (!color) return this.chars.slice(0, last + 1).join('');
    let out = '';
    let current: Ink = '';
    for (let i = 0; i <= last; i++) {
      const ink = this.inks[i]!;
      if (ink !== current) {
        if (current !== '') out += '\x1b[0m';
        if (ink !== '') out += `\x1b[${ink}m`;
        current = ink;
      }
      out += this.chars[i];
    }
    if (current !== '') out += '\x1b[0m';
    return out;
  }
}

interface Layout {
  width: number;
  timeWidth: number;
  deltaWidth: number;
  /** Column of each lane, in LADDER_PARTIES order. */
  lanes: number[];
  /** First column of the notes. */
  notes: number;
  /** Lanes drawn with ':' : the H.323 side of the call, where no SIP travels. */
  dotted: boolean[];
}

function layout(call: Call, rows: readonly { time: string; delta: string }[], width: number): Layout {
  let timeWidth = 'time'.length;
  let deltaWidth = 'delta'.length;
  for (const r of rows) {
    timeWidth = Math.max(timeWidth, r.time.length);
    deltaWidth = Math.max(deltaWidth, r.delta.length);
  }
  const first = timeWidth + 1 + deltaWidth + 2;
  const room = width - first - LADDER_PARTIES.length - CUBE_GAP;
  let gap = Math.min(MAX_GAP, Math.floor((room - NOTES_RESERVE) / 2));
  if (gap < GOOD_GAP) gap = Math.max(MIN_GAP, Math.min(GOOD_GAP, Math.floor((room - 2) / 2)));
  const lanes = [first, first + gap + 1, first + gap + 1 + CUBE_GAP + 1, first + 2 * gap + CUBE_GAP + 3];
  return {
    width,
    timeWidth,
    deltaWidth,
    lanes,
    notes: lanes[3]! + 3,
    dotted: [call.h323, call.h323, false, false],
  };
}

/** A row with the time columns and the idle lanes drawn. */
function baseRow(l: Layout, time: string, delta: string): Row {
  const row = new Row(l.width);
  row.put(0, time.padStart(l.timeWidth));
  row.put(l.timeWidth + 1, delta.padStart(l.deltaWidth));
  l.lanes.forEach((col, i) => row.put(col, l.dotted[i] ? ':' : '|'));
  return row;
}

// ---- drawing -------------------------------------------------------------------------------

function drawMessage(row: Row, l: Layout, e: MessageEntry): void {
  const a = laneOf(e.from),
    b = laneOf(e.to);
  const ink = MESSAGE_INK[messageInk(e)];
  const flags: string[] = [];
  if (e.lost) flags.push('(lost)');
  if (e.retransmission) flags.push('(retx)');
  const headers = timerHeaders(e);
  if (a < 0 || b < 0 || a === b) {
    // Not between two lanes we know: say it in words rather than guess an arrow.
    row.put(
      l.notes,
      [`${e.from} -> ${e.to}: ${messageLabel(e)}`, ...flags, headers].filter((s) => s !== '').join(' '),
      ink,
    );
    return;
  }
  const lo = Math.min(a, b),
    hi = Math.max(a, b);
  const start = l.lanes[lo]! + 1,
    span = l.lanes[hi]! - start;
  const rightwards = b > a;
  // The label with a space either side when that fits with a dash and the head, else bare,
  // else cut short.
  let text = ` ${messageLabel(e)} `;
  if (text.length + 2 > span) text = messageLabel(e);
  if (text.length + 1 > span) text = span <= 2 ? '…' : `${text.slice(0, span - 2).trimEnd()}…`;
  const dashes = span - 1 - text.length;
  const before = Math.floor(dashes / 2),
    after = dashes - before;
  const head = e.lost ? 'x' : rightwards ? '>' : '<';
  const arrow = rightwards
    ? `${'-'.repeat(before)}${text}${'-'.repeat(after)}${head}`
    : `${head}${'-'.repeat(before)}${text}${'-'.repeat(after)}`;
  row.put(start, arrow, ink);
  if (e.lost) row.put(rightwards ? start + span - 1 : start, 'x', INK.lost);
  // Notes go in whole words; what does not fit becomes a single ellipsis.
  let col = l.notes;
  const words: [string, Ink][] = [
    ...flags.map((f): [string, Ink] => [f, f === '(lost)' ? INK.lost : INK.retx]),
    ...headers
      .split(' ')
      .filter((h) => h !== '')
      .map((h): [string, Ink] => [h, ink]),
  ];
  for (const [w, wInk] of words) {
    if (col + w.length > l.width) {
      row.put(col, '…', wInk);
      break;
    }
    row.put(col, w, wInk);
    col += w.length + 1;
  }
}

/**
 * A timer moment: '*' on the party's lane and the words beside it, to the right when they fit,
 * else to the left (ending at the star), else wherever more of them fit.
 */
function drawTimer(row: Row, l: Layout, call: Call, e: TimerEntry): void {
  const lane = laneOf(e.party);
  const text = timerText(call.h323, e.party, e.note);
  if (lane < 0) {
    row.put(l.notes, `${e.party}: * ${text}`, INK.timer);
    return;
  }
  const col = l.lanes[lane]!;
  const leftEdge = l.timeWidth + 1 + l.deltaWidth + 2;
  const rightRoom = l.width - col - 2;
  const leftRoom = col - 1 - leftEdge;
  row.put(col, '*', INK.timer);
  if (text.length <= rightRoom || rightRoom >= leftRoom) {
    row.put(col + 2, text, INK.timer);
  } else if (text.length <= leftRoom) {
    row.put(col - 1 - text.length, text, INK.timer);
  } else {
    const cut = `${text.slice(0, Math.max(0, leftRoom - 1)).trimEnd()}…`;
    row.put(col - 1 - cut.length, cut, INK.timer);
  }
}

function titleText(call: Call, entries: readonly TraceEntry[]): string {
  const ids = legCallIds(entries);
  const caller = call.h323 ? `${call.callerProfile} on H.323` : call.callerProfile;
  const idText = [ids.inbound, ids.outbound].filter((s) => s !== '').join(' / ');
  // Least useful last: a narrow ladder cuts the Call-IDs first.
  return (
    `call ${call.index}: ${caller} -> CUBE -> ${call.calleeProfile}, arrived ${secs(call.arrivalAt)} s, ` +
    `holding ${call.holding.toFixed(1)} s${idText !== '' ? `, Call-ID ${idText}` : ''}`
  );
}

/** Draws a traced call as a text ladder; an untraced call gives its header and a note. */
export function renderLadder(call: Call, options: LadderOptions = {}): string {
  const width = Math.max(20, Math.floor(options.width ?? 100));
  const color = options.color ?? false;
  const showRetx = options.showRetransmissions ?? true;
  const all = call.trace ?? [];

  // Rows in trace order; the outcome is kept for the last line (it is recorded at the moment
  // the call's fate is known, before the BYE that carries it out).
  const drawn: Exclude<TraceEntry, OutcomeEntry>[] = [];
  const outcomes: OutcomeEntry[] = [];
  for (const e of all) {
    if (e.kind === 'outcome') outcomes.push(e);
    else if (e.kind === 'timer' || showRetx || !e.retransmission) drawn.push(e);
  }
  const times: { time: string; delta: string }[] = [];
  let prev = call.arrivalAt;
  for (const e of drawn) {
    times.push({ time: secs(e.t), delta: `+${secs(Math.max(0, e.t - prev))}` });
    prev = e.t;
  }

  const l = layout(call, times, width);
  const lines: string[] = [];

  const title = new Row(width);
  title.put(0, titleText(call, all), INK.header);
  lines.push(title.render(color));

  const names = new Row(width);
  names.put(0, 'time'.padStart(l.timeWidth));
  names.put(l.timeWidth + 1, 'delta'.padStart(l.deltaWidth));
  // Outer names hang inwards from their lanes, the CUBE's outwards: each is flush with its lane.
  // Each name stops short of the next one when the lanes are close together.
  const T = LANE_TITLES;
  const starts = [l.lanes[0]!, l.lanes[1]! - T[1].length + 1, l.lanes[2]!, l.lanes[3]! - T[3].length + 1];
  const label = [call.h323 ? `${T[0]} (H.323)` : T[0], T[1], T[2], T[3]];
  for (let i = 0; i < starts.length; i++) {
    const start = Math.max(starts[i]!, i === 0 ? 0 : starts[i - 1]! + 1);
    names.put(start, label[i]!, INK.header, i + 1 < starts.length ? starts[i + 1]! - 1 : width);
  }
  lines.push(names.render(color));
  lines.push(baseRow(l, '', '').render(color));

  drawn.forEach((e, i) => {
    const row = baseRow(l, times[i]!.time, times[i]!.delta);
    if (e.kind === 'message') drawMessage(row, l, e);
    else drawTimer(row, l, call, e);
    lines.push(row.render(color));
  });

  lines.push(baseRow(l, '', '').render(color));
  const end = (text: string, ink: Ink): void => {
    const row = new Row(width);
    row.put(l.lanes[0]!, text, ink);
    lines.push(row.render(color));
  };
  if (call.trace === null) end('== call not traced: no ladder ==', INK.active);
  else if (outcomes.length === 0) end(`== ${missingOutcomeText(call.outcome)} ==`, INK.active);
  for (const o of outcomes) end(`== ${outcomeText(o, call.status)} ==`, OUTCOME_INK[outcomeInk(o.outcome)]);
  return `${lines.join('\n')}\n`;
}
